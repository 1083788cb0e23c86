import { describe, expect, it } from 'vitest';
import {
  describeDownloads,
  EMBEDDING_MODEL_CATALOG,
  EmbeddingModelEntrySchema,
  formatHubSize,
  formatScore,
} from './embedding-catalog';

/** Every number in an entry, with the path it sits at. */
function numbers(value: unknown, at = ''): { at: string; parent: Record<string, unknown> }[] {
  if (typeof value !== 'object' || value === null) return [];
  const found: { at: string; parent: Record<string, unknown> }[] = [];
  for (const [key, child] of Object.entries(value)) {
    if (typeof child === 'number') found.push({ at: `${at}.${key}`, parent: value as never });
    else found.push(...numbers(child, `${at}.${key}`));
  }
  return found;
}

describe('the embedding model catalogue', () => {
  it('has the three models the issue names, each a valid transformers.js repository id', () => {
    const ids = EMBEDDING_MODEL_CATALOG.map((m) => m.id);
    expect(ids).toEqual(
      expect.arrayContaining([
        'Xenova/all-MiniLM-L6-v2',
        'Xenova/bge-small-en-v1.5',
        'Xenova/multilingual-e5-small',
      ]),
    );
    expect(new Set(ids).size).toBe(ids.length);
    for (const entry of EMBEDDING_MODEL_CATALOG) {
      expect(() => EmbeddingModelEntrySchema.parse(entry)).not.toThrow();
      expect(entry.id).toMatch(/^Xenova\/[\w.-]+$/);
      expect(entry.id.endsWith(`/${entry.name}`)).toBe(true);
    }
  });

  it('prints no figure without a source: every number sits beside an https address', () => {
    for (const entry of EMBEDDING_MODEL_CATALOG) {
      const figures = numbers(entry);
      expect(figures.length).toBeGreaterThanOrEqual(5);
      for (const { at, parent } of figures) {
        expect(parent.source, `${entry.id}${at}`).toMatch(
          /^https:\/\/(github\.com|huggingface\.co)\//,
        );
      }
    }
  });

  it('gives every model the same comparable score (SciFact from the MTEB results) and sane ranges', () => {
    for (const entry of EMBEDDING_MODEL_CATALOG) {
      const scifact = entry.quality.find((q) => q.metric === 'mteb-scifact');
      expect(scifact?.source).toContain('github.com/embeddings-benchmark/results/blob/');
      expect(scifact?.source).toContain(`/${entry.upstream.replace('/', '__')}/`);
      for (const q of entry.quality) expect(q.value).toBeGreaterThan(30);
      expect([384, 768]).toContain(entry.dims.value);
      expect(entry.files.q8.megabytes).toBeLessThan(entry.files.fp32.megabytes);
      // int8 weights are about a quarter of fp32.
      expect(entry.files.fp32.megabytes / entry.files.q8.megabytes).toBeGreaterThan(3.5);
    }
  });

  it('says which prefixes and pooling each family was trained with', () => {
    const byName = Object.fromEntries(EMBEDDING_MODEL_CATALOG.map((m) => [m.name, m]));
    expect(byName['multilingual-e5-small']!.prefixes).toMatchObject({
      query: 'query: ',
      passage: 'passage: ',
    });
    expect(byName['bge-small-en-v1.5']!.prefixes?.passage).toBe('');
    expect(byName['bge-small-en-v1.5']!.pooling.mode).toBe('cls');
    expect(byName['all-MiniLM-L6-v2']!.prefixes).toBeNull();
    expect(byName['all-MiniLM-L6-v2']!.pooling.mode).toBe('mean');
  });

  it('formats sizes and scores as the sources print them', () => {
    expect(formatHubSize(23)).toBe('23 MB');
    expect(formatHubSize(0.711)).toBe('0.7 MB');
    expect(formatHubSize(1110)).toBe('1.11 GB');
    expect(formatScore(64.508)).toBe('64.51');
    expect(formatScore(46.6)).toBe('46.6');
    expect(describeDownloads(EMBEDDING_MODEL_CATALOG[0]!)).toBe('24 MB (int8) or 91 MB (fp32)');
  });
});
