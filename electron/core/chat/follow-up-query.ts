/**
 * Follow-up questions often lean on the conversation: "And its cost?", "What about the second
 * one?", "Why?". Searched on their own they match nothing useful, so the search query gets the
 * question they follow attached. The rewrite is a rule, not a model call: on a 2-core CPU an
 * extra LLM pass would cost seconds before the search even starts, and a small local model
 * rewrites unreliably anyway. The prompt still shows the user's own words.
 */

// Words that point back at something said earlier.
const REFERRING =
  /\b(it|its|it's|itself|they|them|their|theirs|themselves|he|him|his|she|her|hers|these|those|former|latter|aforementioned)\b/i;
// "this"/"that" are demonstratives in short questions ("Why is that?") but often relative
// pronouns or determiners in long, self-contained ones.
const DEMONSTRATIVE = /\b(this|that)\b/i;
// Openings that continue the previous question.
const CONTINUING =
  /^\s*(and|but|also|so|or|then|what about|how about|what else|anything else|why not|how come|same|more on|tell me more|go on|continue|elaborate|explain( that| it)?\s*[?.!]*$)/i;

const SHORT_WORDS = 3;
const DEMONSTRATIVE_MAX_WORDS = 8;

function wordCount(text: string): number {
  return text.trim().split(/\s+/).filter(Boolean).length;
}

/** True when the question cannot be understood without the conversation before it. */
export function dependsOnConversation(question: string): boolean {
  const words = wordCount(question);
  if (words === 0) return false;
  return (
    words <= SHORT_WORDS ||
    CONTINUING.test(question) ||
    REFERRING.test(question) ||
    (words <= DEMONSTRATIVE_MAX_WORDS && DEMONSTRATIVE.test(question))
  );
}

/**
 * The text to search for. A follow-up that depends on the conversation is searched together
 * with the latest earlier question that stood on its own, so a chain of follow-ups ("And its
 * cost?" → "What about the warranty?") keeps the topic instead of drifting or growing.
 */
export function searchQueryFor(question: string, previousQuestions: readonly string[]): string {
  if (previousQuestions.length === 0 || !dependsOnConversation(question)) return question;
  const anchor =
    previousQuestions.findLast((q) => !dependsOnConversation(q)) ?? previousQuestions[0]!;
  return `${anchor.trim()} ${question.trim()}`;
}
