import path from 'node:path';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { testModels } from './embedding-fixtures';
import {
  createQuireCore,
  type CoreHooks,
  type QuireCoreOptions,
} from '../../electron/core/quire-core';

export const PDF_DIR = fileURLToPath(new URL('../../../shared/fixtures/pdfs/', import.meta.url));
export const BOW_MODEL = 'quire-test/bow';
/** The indexing worker wrapped so that a file named CRASHME… kills it mid-document. */
export const CRASHING_WORKER = {
  url: new URL('./crashing-worker-entry.ts', import.meta.url),
  fromSource: true,
};
const quiet = { error: () => {}, warn: () => {} };

/** A core over a temp data folder with the generated bag-of-word-pieces model. */
export async function makeTestCore(
  dataDir: string,
  options: Partial<QuireCoreOptions & CoreHooks> = {},
) {
  const models = await testModels();
  const {
    workerEntry,
    writer,
    indexing,
    wrapProvider,
    chat,
    providerTimeouts,
    keychain,
    leaseTtlMs,
    ...rest
  } = options;
  return createQuireCore(
    {
      dataDir,
      modelDir: models.modelsDir,
      embeddingModel: BOW_MODEL,
      embeddingBackend: 'native',
      poolSize: 1,
      logger: quiet,
      ...rest,
    },
    { workerEntry, writer, indexing, wrapProvider, chat, providerTimeouts, keychain, leaseTtlMs },
  );
}

/** Writes `count` small Markdown notes, each with a heading and a few paragraphs. */
export function writeNotes(dir: string, count: number, prefix = 'note'): string[] {
  fs.mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  for (let i = 0; i < count; i++) {
    const file = path.join(dir, `${prefix}-${String(i).padStart(3, '0')}.md`);
    const body = Array.from(
      { length: 1 + (i % 4) },
      (_, p) =>
        `Paragraph ${p} of note ${i} talks about topic ${(i * 7 + p) % 13} and river ${i % 5}.`,
    ).join('\n\n');
    // Each prefix gets its own heading: identical bytes would be one document (a duplicate).
    const heading = prefix === 'note' ? 'Note' : prefix;
    fs.writeFileSync(
      file,
      `# ${heading} ${i}\n\n${body}\n\n## Details\n\nMore words about item ${i}.\n`,
    );
    files.push(file);
  }
  return files;
}
