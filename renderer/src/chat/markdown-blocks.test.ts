import { describe, expect, it } from 'vitest';
import { splitStableBlocks } from './markdown-blocks';

describe('splitStableBlocks', () => {
  it('cuts after the last finished paragraph', () => {
    const text = 'First para.\n\nSecond para.\n\nThird, still typ';
    const { stable, tail } = splitStableBlocks(text);
    expect(stable).toBe('First para.\n\nSecond para.\n\n');
    expect(tail).toBe('Third, still typ');
    expect(stable + tail).toBe(text);
  });

  it('never cuts inside a code fence', () => {
    const text = 'Intro\n\n```js\nconst a = 1;\n\nconst b = 2;\n';
    expect(splitStableBlocks(text)).toEqual({ stable: 'Intro\n\n', tail: text.slice(7) });
    const closed = `${text}\`\`\`\n\nAfter`;
    expect(splitStableBlocks(closed).tail).toBe('After');
  });

  it('keeps everything in the tail when there is no blank line yet', () => {
    expect(splitStableBlocks('one line')).toEqual({ stable: '', tail: 'one line' });
  });
});
