import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { blankMessage } from '../../../../shared/blank-message';
import type { Message } from '../../../../shared/contract/chat';
import { StatusNote } from './MessageItem';
import { SourceList } from './SourceList';

const stopped = (over: Partial<Message>): Message => ({
  ...blankMessage({
    id: 'm1',
    conversationId: 'c1',
    role: 'assistant',
    status: 'cancelled',
    createdAt: 0,
  }),
  mode: 'answer',
  ...over,
});

describe('the note under a stopped answer', () => {
  it('does not call an answer partial when nothing was written', () => {
    const html = renderToStaticMarkup(<StatusNote message={stopped({ text: '' })} />);
    expect(html).toContain('Stopped before any answer was written.');
    expect(html).not.toContain('partial');
  });

  it('says the answer above is partial when some of it was written', () => {
    const html = renderToStaticMarkup(<StatusNote message={stopped({ text: 'The river' })} />);
    expect(html).toContain('Stopped. The answer above is partial.');
  });
});

describe('a source snippet', () => {
  it('shows no control characters (empty boxes on screen)', () => {
    const html = renderToStaticMarkup(
      <SourceList
        sources={[
          {
            n: 1,
            chunkId: 'k1',
            documentId: 'd1',
            title: 'Streets.pdf',
            path: '/s.pdf',
            pageStart: 2,
            pageEnd: 2,
            charStart: 0,
            charEnd: 30,
            headingPath: [],
            snippet: 'Rue de Belleville\u0002 and\u0085 Rue\u001b Oberkampf',
            score: 1,
          },
        ]}
        onOpen={() => {}}
      />,
    );
    expect(html).toContain('Rue de Belleville and Rue Oberkampf');
    // eslint-disable-next-line no-control-regex
    expect(html).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/);
  });
});
