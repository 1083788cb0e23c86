import { describe, expect, it } from 'vitest';
import { estimateTokens } from './token-estimate';

describe('the token estimate for servers that cannot count', () => {
  it('counts every CJK character as at least one token', () => {
    const chinese = '河流把水、泥沙和故事一路带到大海。';
    expect(estimateTokens(chinese)).toBeGreaterThanOrEqual([...chinese].length);
    const japanese = 'かわはうみへながれる';
    expect(estimateTokens(japanese)).toBeGreaterThanOrEqual(japanese.length);
  });

  it('errs long on English, yet stays near what large vocabularies spend', () => {
    const english =
      'The river carries water, silt and stories downstream to the sea, where the tide takes them.';
    const tokens = estimateTokens(english);
    // Large vocabularies spend about 4 characters a token here; the estimate allows for 3 or fewer.
    expect(english.length / tokens).toBeLessThanOrEqual(3.2);
    expect(english.length / tokens).toBeGreaterThan(2);
  });

  it('gives digits and newlines a token each, and empty text none', () => {
    expect(estimateTokens('')).toBe(0);
    expect(estimateTokens('1991')).toBeGreaterThanOrEqual(4);
    expect(estimateTokens('a\n\n\nb')).toBeGreaterThanOrEqual(5);
  });
});
