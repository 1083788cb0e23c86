import type { TokenCounter } from './chunker';

/**
 * Used only when no tokenizer files exist at all. Word-piece tokenizers average about
 * 1.3 pieces per English word; punctuation counts as its own piece. Includes the two
 * special tokens, as the real counter does.
 */
export const approximateTokenCounter: TokenCounter = {
  count(text: string): number {
    const words = text.match(/[\p{L}\p{N}]+|[^\s\p{L}\p{N}]/gu);
    if (!words) return 2;
    let pieces = 0;
    for (const word of words) pieces += word.length <= 6 ? 1 : Math.ceil(word.length / 5);
    return pieces + 2;
  },
};
