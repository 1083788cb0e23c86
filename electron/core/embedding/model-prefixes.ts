import { findEmbeddingModel } from '../../../shared/embedding-catalog';

/**
 * Instruction prefixes some embedding models were trained with. E5 models expect "query: "
 * before a search and "passage: " before a stored text; BGE models take an instruction before
 * a short search. Without them their ranking drops. Catalogue models say their own; these are
 * models outside the catalogue that someone may still type into Settings.
 */
const OTHER_PREFIXES: Record<string, { query: string; passage: string }> = {
  'Xenova/e5-small-v2': { query: 'query: ', passage: 'passage: ' },
};

export type EmbedRole = 'query' | 'passage';

export function embedPrefix(modelId: string, role: EmbedRole): string {
  const prefixes = findEmbeddingModel(modelId)?.prefixes ?? OTHER_PREFIXES[modelId];
  return prefixes?.[role] ?? '';
}

export function withEmbedPrefix(modelId: string, role: EmbedRole, texts: string[]): string[] {
  const prefix = embedPrefix(modelId, role);
  return prefix ? texts.map((t) => prefix + t) : texts;
}
