import { parseArgs } from 'node:util';
import { readyWithWarnings } from '../../../shared/documents';
import { createQuireCore } from '../quire-core';
import {
  coreOptionsFrom,
  count,
  createOutput,
  forCommandLine,
  resolveDataDir,
  SHARED_OPTIONS,
} from './cli-context';

export const LIBRARY_HELP = `quire library [--data DIR] [--json]
  Lists every document: id, name, path, status, chunks, pages, and the error if it failed.`;

export async function libraryCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: SHARED_OPTIONS, strict: true });
  const out = createOutput(values.json);
  const core = await createQuireCore({
    ...coreOptionsFrom(values),
    dataDir: resolveDataDir(values.data),
    startIndexing: false,
    readOnly: true,
  });
  try {
    for (const doc of core.library.documents()) {
      const row = {
        id: doc.id,
        name: doc.name,
        path: doc.path,
        status: doc.status,
        chunks: doc.chunks,
        pages: doc.pages,
        vectorsPending: doc.vectorsPending,
        collections: doc.collections ?? [],
        ...(doc.error ? { error: doc.error } : {}),
        ...(doc.warnings?.length ? { warnings: doc.warnings } : {}),
      };
      const detail = doc.error
        ? `${forCommandLine(doc.error.code, doc.error.message, doc.name)} [${doc.error.code}]`
        : `${count(doc.chunks, 'chunk')}${doc.pages ? `, ${count(doc.pages, 'page')}` : ''}`;
      const status =
        doc.status === 'ready' && doc.warnings?.length
          ? readyWithWarnings(doc.warnings)
          : doc.status;
      const notices = (doc.warnings ?? []).map((w) => `\n    ! ${w.message}`).join('');
      out.line(
        `${doc.id}  ${status.padEnd(9)} ${doc.name}  ${detail}\n    ${doc.path}${notices}`,
        row,
      );
    }
    return 0;
  } finally {
    await core.close();
  }
}
