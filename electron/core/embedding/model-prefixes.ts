/**
 * Instruction prefixes some embedding models were trained with. E5 models expect "query: "
 * before a search and "passage: " before a stored text; without them their ranking drops.
 */
const PREFIXES: Record<string, { query: string; passage: string }> = {
  'Xenova/multilingual-e5-small': { query: 'query: ', passage: 'passage: ' },
  'Xenova/multilingual-e5-base': { query: 'query: ', passage: 'passage: ' },
  'Xenova/e5-small-v2': { query: 'query: ', passage: 'passage: ' },
};

export type EmbedRole = 'query' | 'passage';

export function withEmbedPrefix(modelId: string, role: EmbedRole, texts: string[]): string[] {
  const prefix = PREFIXES[modelId]?.[role];
  return prefix ? texts.map((t) => prefix + t) : texts;
}
