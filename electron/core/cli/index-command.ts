import path from 'node:path';
import { parseArgs } from 'node:util';
import { LIBRARY_STREAM } from '../../../shared/streams';
import { createQuireCore } from '../quire-core';
import { isSupportedPath } from '../parsers';
import { expandPaths } from '../library/expand-paths';
import {
  coreOptionsFrom,
  count,
  createOutput,
  forCommandLine,
  resolveDataDir,
  SHARED_OPTIONS,
} from './cli-context';

export const INDEX_HELP = `quire index <paths...> [--collection NAME] [--data DIR] [--model-dir DIR] [--embedding-model ID] [--password FILE=PW] [--json]
  Indexes files and folders and exits when all are done. Exit code 3 when some documents failed.
  --collection puts every file (new or already indexed) in that collection (a name or an id).
  FILE in --password is the file's path or just its name (e.g. --password report.pdf=secret).`;

export async function indexCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      ...SHARED_OPTIONS,
      password: { type: 'string', multiple: true },
      collection: { type: 'string' },
    },
    allowPositionals: true,
    strict: true,
  });
  const out = createOutput(values.json);
  if (positionals.length === 0) {
    out.error('Name at least one file or folder to index.');
    return 2;
  }
  const started = Date.now();
  const core = await createQuireCore({
    ...coreOptionsFrom(values),
    dataDir: resolveDataDir(values.data),
  });
  try {
    let collectionId: string | undefined;
    try {
      if (values.collection) collectionId = core.collections.resolve(values.collection).id;
    } catch (error) {
      out.error(error instanceof Error ? error.message : String(error));
      return 2;
    }
    if (values.password?.length) {
      const problem = await presetPasswords(core, values.password, positionals);
      if (problem) {
        out.error(problem);
        return 2;
      }
    }
    if (values.json) {
      core.hub.onAnyEvent((event) => {
        if (event.stream === LIBRARY_STREAM) out.line('', { event });
      });
    } else {
      core.hub.onAnyEvent((event) => {
        if (event.stream !== LIBRARY_STREAM) return;
        const doc =
          'documentId' in event.data ? core.library.registry.get(event.data.documentId) : undefined;
        if (event.type === 'document.ready' && doc)
          out.line(
            `✓ ${doc.name}: ${count(event.data.chunks, 'chunk')} in ${Math.round(event.data.ms)} ms${event.data.vectorsPending ? ' (vectors pending: no embedding model)' : ''}`,
          );
        if (event.type === 'document.ready' && doc)
          for (const warning of doc.warnings ?? []) out.line(`  ! ${warning.message}`);
        if (event.type === 'document.failed' && doc)
          out.line(
            `✗ ${doc.name}: ${forCommandLine(event.data.code, event.data.message, doc.name)} [${event.data.code}]`,
          );
      });
    }
    const result = await core.dispatch(
      'library.add',
      { paths: positionals, ...(collectionId ? { collectionId } : {}) },
      { transport: 'memory', connection: null },
    );
    if (!result.ok) {
      out.error(result.error.message, { error: result.error });
      return 1;
    }
    const added = result.value as {
      added: { path: string }[];
      unchanged: string[];
      duplicates: { path: string; name: string }[];
      skipped: { path: string; reason: string; code: string }[];
    };
    for (const skip of added.skipped)
      out.line(`- skipped ${skip.path}: ${skip.reason}`, { skipped: skip });
    for (const file of added.unchanged)
      out.line(`= unchanged ${path.basename(file)}`, { unchanged: file });
    for (const dup of added.duplicates)
      out.line(`= ${dup.path}: already in your library as ${dup.name}`, { duplicate: dup });
    await core.library.whenIdle();
    const touched = new Set([...added.added.map((d) => d.path), ...added.unchanged]);
    const docs = core.library.registry.all().filter((d) => touched.has(d.path));
    const summary = {
      ready: docs.filter((d) => d.status === 'ready').length,
      failed: docs.filter((d) => d.status === 'failed').length,
      chunks: docs.reduce((n, d) => n + (d.status === 'ready' ? d.chunks : 0), 0),
      ms: Date.now() - started,
    };
    out.line(
      `${summary.ready} ready, ${summary.failed} failed, ${count(summary.chunks, 'chunk')} in ${(summary.ms / 1000).toFixed(1)} s`,
      { summary },
    );
    return summary.failed > 0 ? 3 : 0;
  } finally {
    await core.close();
  }
}

/**
 * `--password NAME=PW` for each entry: NAME is a path, or the name of a file among those being
 * indexed. A NAME that matches nothing is an error, never silently ignored.
 */
async function presetPasswords(
  core: Awaited<ReturnType<typeof createQuireCore>>,
  entries: string[],
  inputs: string[],
): Promise<string | null> {
  const { files } = await expandPaths(
    inputs.map((p) => path.resolve(p)),
    isSupportedPath,
  );
  for (const entry of entries) {
    const at = entry.lastIndexOf('=');
    if (at <= 0) return `--password takes FILE=PASSWORD, not "${entry}".`;
    const name = entry.slice(0, at);
    const password = entry.slice(at + 1);
    const byPath = path.resolve(name);
    const matches = files.some((f) => f.path === byPath)
      ? [byPath]
      : files.filter((f) => path.basename(f.path) === name).map((f) => f.path);
    if (matches.length === 0)
      return `--password names "${name}", but no file of that path or name is being indexed.`;
    for (const match of matches) core.library.presetPassword(match, password);
  }
  return null;
}
