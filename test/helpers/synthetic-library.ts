import fs from 'node:fs';
import path from 'node:path';
import type { DocumentStatus } from '../../shared/documents';
import type { DocumentRecord } from '../../electron/core/library/document-registry';

/** Mostly ready, some indexing or failed: the mix a large library has while it grows. */
const STATUSES: readonly DocumentStatus[] = [
  'ready',
  'ready',
  'ready',
  'ready',
  'ready',
  'ready',
  'embedding',
  'queued',
  'failed',
];

/**
 * Registry entries shaped like SciFact abstracts saved as text files: names and paths of
 * real length, one row in nine failed or indexing. `addedAt` rises with the number, so
 * the newest first are the highest numbers.
 */
export function syntheticRecords(
  count: number,
  options: { allReady?: boolean; start?: number } = {},
): DocumentRecord[] {
  const start = options.start ?? 1_700_000_000_000;
  return Array.from({ length: count }, (_, i) => {
    // All ready: a served library with nothing to index (its files do not exist).
    const status = options.allReady ? 'ready' : STATUSES[i % STATUSES.length]!;
    const name = `document-${String(i).padStart(5, '0')}-scifact-abstract.txt`;
    return {
      id: `d_${i.toString(36).padStart(8, '0')}`,
      path: `/home/reader/papers/scifact/batch-${Math.floor(i / 500)}/${name}`,
      name,
      kind: 'text',
      size: 1_200 + (i % 900),
      pages: null,
      status,
      chunks: status === 'ready' ? 5 : 0,
      progress:
        status === 'embedding'
          ? { stage: 'embedding', done: 2, total: 5, fraction: 0.6, etaMs: 1_500 }
          : null,
      error:
        status === 'failed'
          ? { code: 'corrupt_file', message: 'This file could not be read: it is damaged.' }
          : null,
      vectorsPending: false,
      embeddingModel: status === 'ready' ? 'Xenova/all-MiniLM-L6-v2' : null,
      language: status === 'ready' ? 'en' : null,
      addedAt: start + i,
      updatedAt: start + i,
      contentHash: status === 'ready' ? i.toString(16).padStart(64, '0') : null,
      mtimeMs: start + i,
    };
  });
}

/** Writes a registry journal for these documents, as a compacted journal looks on disk. */
export function writeSyntheticLibrary(dataDir: string, records: readonly DocumentRecord[]): string {
  const file = path.join(dataDir, 'library', 'documents.jsonl');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const lines = [
    JSON.stringify({ t: 'meta', paused: false, watchedFolders: [] }),
    ...records.map((doc) => JSON.stringify({ t: 'doc', doc: { ...doc, progress: null } })),
  ];
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}
