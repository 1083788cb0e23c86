import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { AnswerChecks } from '../../../../shared/answer-checks';
import { blankMessage } from '../../../../shared/blank-message';
import type { Message } from '../../../../shared/contract/chat';
import { AnswerChecksSummary, sentenceExcerpt } from './AnswerChecksSummary';
import { ClosestMode } from './AnswerModes';

const NOT_COVERED = "Your documents don't say. These are the closest passages Quire found.";

function closestMessage(): Message {
  return {
    ...blankMessage({
      id: 'm1',
      conversationId: 'c1',
      role: 'assistant',
      status: 'complete',
      createdAt: 0,
    }),
    mode: 'closest',
    text: NOT_COVERED,
    sources: [
      {
        n: 1,
        chunkId: 'k1',
        documentId: 'd1',
        title: 'Bicycle sales',
        path: '/b.md',
        pageStart: null,
        pageEnd: null,
        charStart: 0,
        charEnd: 40,
        headingPath: ['Report'],
        snippet: 'In 2023 the northern region sold 4,200 bicycles.',
        score: 0.2,
      },
    ],
  };
}

const checks = (over: Partial<AnswerChecks> = {}): AnswerChecks => ({
  sentences: [
    {
      start: 0,
      end: 29,
      citations: [1],
      verdict: 'unsupported',
      missing: [{ kind: 'number', text: '12 %', sources: [1] }],
      evidence: [],
      entailment: null,
      note: '12 % is not in source 1',
    },
  ],
  final: true,
  layers: ['words'],
  model: null,
  checked: 3,
  notBacked: 1,
  note: 'Only words and numbers were checked.',
  ...over,
});

describe('ClosestMode', () => {
  it('says what the core said, lists the closest matches and offers Answer anyway', () => {
    const html = renderToStaticMarkup(
      <ClosestMode
        message={closestMessage()}
        streaming={false}
        canAnswer
        onOpen={() => {}}
        onAnswerAnyway={() => {}}
      />,
    );
    expect(html).toContain('Your documents don&#x27;t say.');
    expect(html).toContain('Closest matches');
    expect(html).toContain('Answer anyway');
    expect(html).toContain('data-testid="source-card"');
  });

  it('offers no new answer on an older turn or while streaming', () => {
    for (const [streaming, canAnswer] of [
      [true, true],
      [false, false],
    ] as const) {
      const html = renderToStaticMarkup(
        <ClosestMode
          message={closestMessage()}
          streaming={streaming}
          canAnswer={canAnswer}
          onOpen={() => {}}
          onAnswerAnyway={() => {}}
        />,
      );
      expect(html).not.toContain('Answer anyway');
    }
  });
});

describe('AnswerChecksSummary', () => {
  const text = '- Sales rose by **12 %** [1]. Other text.';

  it('sums up once final, lists the sentences, and shows the note quietly', () => {
    const html = renderToStaticMarkup(
      <AnswerChecksSummary checks={checks()} text={text} streaming={false} />,
    );
    expect(html).toContain('1 of 3 sentences is not backed by their sources');
    expect(html).toContain('“Sales rose by 12 %.”');
    expect(html).toContain('12 % is not in source 1');
    expect(html).toContain('class="checks-note"');
  });

  it('says nothing while the answer streams and the checks are not final', () => {
    const html = renderToStaticMarkup(
      <AnswerChecksSummary checks={checks({ final: false })} text={text} streaming />,
    );
    expect(html).toBe('');
  });

  it('a stopped answer shows what was checked, even if not final', () => {
    const html = renderToStaticMarkup(
      <AnswerChecksSummary checks={checks({ final: false })} text={text} streaming={false} />,
    );
    expect(html).toContain('1 of 3 sentences');
  });

  it('all backed and nothing to note: nothing at all', () => {
    const html = renderToStaticMarkup(
      <AnswerChecksSummary
        checks={checks({ notBacked: 0, sentences: [], note: null })}
        text={text}
        streaming={false}
      />,
    );
    expect(html).toBe('');
  });

  it('excerpts drop markers and Markdown signs, and stay short', () => {
    expect(sentenceExcerpt('1. **Bold** claim [2, 3].', 0, 25)).toBe('Bold claim.');
    expect(sentenceExcerpt('x'.repeat(200), 0, 200)).toHaveLength(89);
  });
});
