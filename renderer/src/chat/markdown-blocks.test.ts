import { describe, expect, it } from 'vitest';
import { splitBlocks } from './markdown-blocks';

describe('splitBlocks', () => {
  it('cuts at blank lines, keeping every character', () => {
    const text = 'First para.\n\nSecond para.\n\nThird, still typ';
    const blocks = splitBlocks(text);
    expect(blocks).toEqual(['First para.\n\n', 'Second para.\n\n', 'Third, still typ']);
    expect(blocks.join('')).toBe(text);
  });

  it('finished blocks do not change as more text arrives', () => {
    const full = 'A para.\n\n- one\n- two\n\n| a | b |\n| - | - |\n| 1 | 2 |\n\nEnd.';
    let previous: string[] = [];
    for (let n = 1; n <= full.length; n++) {
      const blocks = splitBlocks(full.slice(0, n));
      for (let i = 0; i < previous.length - 1; i++) expect(blocks[i]).toBe(previous[i]);
      expect(blocks.join('')).toBe(full.slice(0, n));
      previous = blocks;
    }
    expect(previous).toHaveLength(4);
  });

  it('never cuts inside a code fence', () => {
    const text = 'Intro\n\n```js\nconst a = 1;\n\nconst b = 2;\n';
    expect(splitBlocks(text)).toEqual(['Intro\n\n', '```js\nconst a = 1;\n\nconst b = 2;\n']);
    expect(splitBlocks(`${text}\`\`\`\n\nAfter`).at(-1)).toBe('After');
  });

  it('keeps indented continuations with their list item', () => {
    const text = '1. Item\n\n    more of the item\n\n2. Next';
    expect(splitBlocks(text)).toEqual(['1. Item\n\n    more of the item\n\n', '2. Next']);
  });

  it('does not cut before it knows what the next line is', () => {
    expect(splitBlocks('Para.\n\n')).toEqual(['Para.\n\n']);
    expect(splitBlocks('one line')).toEqual(['one line']);
  });
});
