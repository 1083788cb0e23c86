import { describe, expect, it } from 'vitest';
import { dependsOnConversation, searchQueryFor } from './follow-up-query';

const PUMP = 'How does the centrifugal pump in the manual work?';

describe('follow-up rewriting for retrieval', () => {
  it.each([
    'And its cost?',
    'Why?',
    'Examples?',
    'What about the warranty period for replacement parts?',
    'How about the older model described in chapter four?',
    'Does it need maintenance every year or only when it fails?',
    'How often should they be replaced according to the manual?',
    'What does that mean?',
    'Is this safe?',
    'Tell me more',
  ])('rewrites a follow-up that leans on the conversation: %s', (question) => {
    expect(dependsOnConversation(question)).toBe(true);
    expect(searchQueryFor(question, [PUMP])).toBe(`${PUMP} ${question}`);
  });

  it.each([
    'What does the 1040-NR form require from nonresident aliens?',
    'Which chapter of the manual describes the installation of the filter?',
    'Summarise the safety instructions that come with the heat exchanger.',
    'Explain photosynthesis in plants',
  ])('searches a self-contained question as it is: %s', (question) => {
    expect(dependsOnConversation(question)).toBe(false);
    expect(searchQueryFor(question, [PUMP])).toBe(question);
  });

  it('never rewrites the first question of a conversation', () => {
    expect(searchQueryFor('And its cost?', [])).toBe('And its cost?');
  });

  it('anchors a chain of follow-ups on the last question that stood on its own', () => {
    const earlier = [PUMP, 'And its cost?', 'Does it come with a warranty?'];
    expect(searchQueryFor('What about spare parts?', earlier)).toBe(
      `${PUMP} What about spare parts?`,
    );
    const allFollowUps = ['Why?', 'And then?'];
    expect(searchQueryFor('How so?', allFollowUps)).toBe('Why? How so?');
  });
});
