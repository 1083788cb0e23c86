// Remote servers do not report their context window on the chat endpoint, so we keep a small
// table of well-known families and otherwise assume a conservative size (the prompt budget
// shrinks, which is safe; guessing high would fail with context_length).
const FAMILIES: Array<[RegExp, number]> = [
  [/^claude/i, 200_000],
  [/^(gpt-4\.1|gpt-5|o[134](-|$))/i, 128_000],
  [/^(gpt-4o|gpt-4-turbo|chatgpt-4o)/i, 128_000],
  [/^gpt-4(-|$)/i, 8_192],
  [/^gpt-3\.5/i, 16_385],
];

export function guessContextSize(kind: 'openai' | 'ollama' | 'anthropic', model: string): number {
  const bare = model.replace(/^[^/]+\//, ''); // OpenRouter style "openai/gpt-4o"
  for (const [pattern, size] of FAMILIES) if (pattern.test(bare)) return size;
  if (kind === 'anthropic') return 200_000;
  // Ollama serves the OpenAI API with its default num_ctx (4096 in current releases).
  if (kind === 'ollama') return 4_096;
  return 8_192;
}
