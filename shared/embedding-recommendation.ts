// One embedding model to start with, from the languages this computer reads, and why.
import {
  downloadMegabytes,
  findEmbeddingModel,
  formatHubSize,
  formatScore,
  type EmbeddingModelEntry,
} from './embedding-catalog';

const SCIFACT = 'MTEB SciFact nDCG@10';

export type EmbeddingRecommendation = { id: string; reason: string };

/** BCP 47 tags ("en-GB", "de") of the languages a person reads, best first. */
export function recommendEmbeddingModel(languages: readonly string[]): EmbeddingRecommendation {
  const others = [
    ...new Set(languages.map((tag) => tag.toLowerCase().split('-')[0]!).filter(Boolean)),
  ].filter((lang) => lang !== 'en');
  if (others.length === 0) {
    const bge = findEmbeddingModel('Xenova/bge-small-en-v1.5')!;
    const minilm = findEmbeddingModel('Xenova/all-MiniLM-L6-v2')!;
    return {
      id: bge.id,
      reason:
        `This system reads English only, and of the small English models this one finds ` +
        `passages best (${SCIFACT} ${formatScore(scoreOf(bge))} against ${formatScore(scoreOf(minilm))} ` +
        `for ${minilm.name}), for a ${formatHubSize(downloadMegabytes(bge))} download.`,
    };
  }
  const e5 = findEmbeddingModel('Xenova/multilingual-e5-small')!;
  const names = others.map(languageName).slice(0, 3);
  const reads = others.length < languages.length ? 'also reads' : 'reads';
  return {
    id: e5.id,
    reason:
      `This system ${reads} ${listInWords(names)}, and this model matches questions and ` +
      `passages in about 100 languages, English included (${SCIFACT} ${formatScore(scoreOf(e5))}), ` +
      `for a ${formatHubSize(downloadMegabytes(e5))} download.`,
  };
}

function scoreOf(entry: EmbeddingModelEntry): number {
  return entry.quality.find((q) => q.metric === 'mteb-scifact')!.value;
}

function languageName(code: string): string {
  try {
    return new Intl.DisplayNames(['en'], { type: 'language' }).of(code) ?? code;
  } catch {
    return code;
  }
}

function listInWords(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}
