// A token estimate for servers that cannot count for us. Vocabularies differ widely: a
// 200k-token vocabulary spends 4+ characters a token on English, a 512-token one about 1.5, and
// most spend a token or more on each CJK character. A prompt estimated a little long costs a
// passage; one estimated short fails at the server. So this errs long, script by script.

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
const LETTER = /[\p{L}\p{M}]/u;
const DIGIT = /\p{N}/u;

/** Safety factor over the per-script counts below. */
const MARGIN = 1.1;
/** ASCII letters per token inside a word; common short words are one token. */
const ASCII_LETTERS_PER_TOKEN = 4;

export function estimateTokens(text: string): number {
  if (text.length === 0) return 0;
  let tokens = 0;
  // Letters of the current word, weighted: an ASCII letter 1, any other letter 2 (accented and
  // non-Latin letters split into more pieces in vocabularies trained mostly on English).
  let word = 0;
  const endWord = () => {
    if (word > 0) tokens += Math.ceil(word / ASCII_LETTERS_PER_TOKEN);
    word = 0;
  };
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (code < 128 && /[A-Za-z]/.test(ch)) {
      word += 1;
      continue;
    }
    if (CJK.test(ch)) {
      endWord();
      tokens += 1;
      continue;
    }
    if (code >= 128 && LETTER.test(ch)) {
      word += 2;
      continue;
    }
    endWord();
    if (ch === ' ') continue; // joins the next word's token
    // Many vocabularies split numbers digit by digit (Llama 2, Mistral).
    if (DIGIT.test(ch) || ch === '\n' || code < 128) tokens += 1;
    else tokens += 2; // symbols and emoji outside ASCII: often two or more byte tokens
  }
  endWord();
  return Math.ceil(tokens * MARGIN);
}
