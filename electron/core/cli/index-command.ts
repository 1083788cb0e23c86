import path from 'node:path';
import { parseArgs } from 'node:util';
import type { MethodResult } from '../../../shared/contract';
import type { DocumentInfo } from '../../../shared/documents';
import type { EventData, StreamEvent } from '../../../shared/events';
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
  type CliOutput,
} from './cli-context';
import { findDocuments, openOrJoin, resolveCollection, type RunningQuire } from './running-quire';

export const INDEX_HELP = `quire index <paths...> [--collection NAME] [--data DIR] [--model-dir DIR] [--embedding-model ID] [--embedding-dtype auto|fp32|q8] [--password FILE=PW] [--json]
  Indexes files and folders and exits when all are done. Exit code 3 when some documents failed.
  --collection puts every file (new or already indexed) in that collection (a name or an id).
  FILE in --password is the file's path or just its name (e.g. --password report.pdf=secret).
  Beside the app or quire serve, the files are indexed by it, and this waits for them.`;

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
  if (values['read-only']) {
    out.error('quire index writes the library, so it cannot run with --read-only.');
    return 2;
  }
  const started = Date.now();
  const dataDir = resolveDataDir(values.data);
  const opened = await openOrJoin(
    dataDir,
    () => createQuireCore({ ...coreOptionsFrom(values), dataDir }),
    values.library,
  );
  const request = {
    inputs: positionals,
    collection: values.collection,
    passwords: values.password,
  };
  if (opened.running) return indexThrough(opened.running, request, out, started);
  const core = opened.core;
  try {
    let collectionId: string | undefined;
    try {
      if (values.collection) collectionId = core.collections.resolve(values.collection).id;
    } catch (error) {
      out.error(error instanceof Error ? error.message : String(error));
      return 2;
    }
    if (values.password?.length) {
      const passwords = await matchPasswords(values.password, positionals);
      if (typeof passwords === 'string') {
        out.error(passwords);
        return 2;
      }
      for (const [file, password] of passwords) core.library.presetPassword(file, password);
    }
    core.hub.onAnyEvent((event) => {
      if (event.stream !== LIBRARY_STREAM) return;
      if (out.json) {
        out.line('', { event });
        return;
      }
      const doc =
        'documentId' in event.data ? core.library.registry.get(event.data.documentId) : undefined;
      if (event.type === 'document.ready' && doc) printReady(out, doc, event.data);
      if (event.type === 'document.failed' && doc) printFailed(out, doc.name, event.data);
    });
    const result = await core.dispatch(
      'library.add',
      { paths: positionals, ...(collectionId ? { collectionId } : {}) },
      { transport: 'memory', connection: null },
    );
    if (!result.ok) {
      out.error(result.error.message, { error: result.error });
      return 1;
    }
    const added = result.value as MethodResult<'library.add'>;
    printAdded(out, added);
    await core.library.whenIdle();
    const touched = new Set([...added.added.map((d) => d.path), ...added.unchanged]);
    return printSummary(
      out,
      core.library.registry.all().filter((d) => touched.has(d.path)),
      started,
    );
  } finally {
    await core.close();
  }
}

type LibraryEventData<K extends 'document.ready' | 'document.failed'> = EventData[K];

function printReady(
  out: CliOutput,
  doc: Pick<DocumentInfo, 'name' | 'warnings'>,
  ready: LibraryEventData<'document.ready'>,
) {
  out.line(
    `✓ ${doc.name}: ${count(ready.chunks, 'chunk')} in ${Math.round(ready.ms)} ms${ready.vectorsPending ? ' (vectors pending: no embedding model)' : ''}`,
  );
  for (const warning of doc.warnings ?? []) out.line(`  ! ${warning.message}`);
}

function printFailed(out: CliOutput, name: string, failed: LibraryEventData<'document.failed'>) {
  out.line(`✗ ${name}: ${forCommandLine(failed.code, failed.message, name)} [${failed.code}]`);
}

function printAdded(out: CliOutput, added: MethodResult<'library.add'>) {
  for (const skip of added.skipped)
    out.line(`- skipped ${skip.path}: ${skip.reason}`, { skipped: skip });
  for (const file of added.unchanged)
    out.line(`= unchanged ${path.basename(file)}`, { unchanged: file });
  for (const dup of added.duplicates)
    out.line(`= ${dup.path}: already in your library as ${dup.name}`, { duplicate: dup });
}

/** The closing line; exit code 3 when some documents failed. */
function printSummary(out: CliOutput, docs: readonly DocumentInfo[], started: number): number {
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
}

/**
 * Indexing done by the Quire that serves the folder: the files are added there, and this waits
 * for each to be ready or failed, printing as it goes, as in-process. A password given here is
 * used when the file asks for one (library.retry), since passwords cannot be set ahead over
 * the API.
 */
async function indexThrough(
  running: RunningQuire,
  request: { inputs: string[]; collection?: string; passwords?: string[] },
  out: CliOutput,
  started: number,
): Promise<number> {
  let collectionId: string | undefined;
  try {
    if (request.collection)
      collectionId = (await resolveCollection(running, request.collection)).id;
  } catch (error) {
    out.error(error instanceof Error ? error.message : String(error));
    return 2;
  }
  const passwords = request.passwords?.length
    ? await matchPasswords(request.passwords, request.inputs)
    : new Map<string, string>();
  if (typeof passwords === 'string') {
    out.error(passwords);
    return 2;
  }
  const files = new Map<string, string>();
  const settled = new Set<string>();
  const retried = new Set<string>();
  // Lines print in the order their events came, though a ready one first looks up its warnings.
  let printing = Promise.resolve();
  const print = (line: () => Promise<void> | void) => {
    printing = printing.then(line, line);
  };
  let wake = () => {};
  const settle = (documentId: string) => {
    settled.add(documentId);
    wake();
  };
  // Only this command's files are reported, not what else the app is indexing; which ones they
  // are is known once library.add answers, so events that come sooner wait for that.
  const early: StreamEvent[] = [];
  let ours: Set<string> | null = null;
  const onEvent = (event: StreamEvent) => {
    if (!('documentId' in event.data) || !ours?.has(event.data.documentId)) return;
    const { documentId } = event.data;
    const file = files.get(documentId);
    if (event.type === 'document.removed') settle(documentId);
    else if (event.type === 'document.ready') {
      const ready = event.data;
      if (!out.json)
        print(async () => {
          const [doc] = await findDocuments(running, (d) => d.id === documentId, 1, file);
          printReady(out, { name: doc?.name ?? documentId, warnings: doc?.warnings }, ready);
        });
      settle(documentId);
    } else if (event.type === 'document.failed') {
      const failed = event.data;
      const password = file === undefined ? undefined : passwords.get(file);
      const fail = () => {
        if (!out.json) print(() => printFailed(out, path.basename(file ?? documentId), failed));
        settle(documentId);
      };
      // Passwords cannot be given ahead over the API: the file asks, and gets it (once).
      if (password === undefined || retried.has(documentId) || failed.code !== 'password_required')
        return fail();
      retried.add(documentId);
      void running.invoke('library.retry', { documentId, password }).then((r) => {
        if (!r.ok) fail();
      });
    }
  };
  const following = running.follow(LIBRARY_STREAM, (event) => {
    if (out.json) out.line('', { event });
    if (ours) onEvent(event);
    else early.push(event);
  });
  await following.ready;
  const result = await running.invoke('library.add', {
    paths: request.inputs.map((p) => path.resolve(p)),
    ...(collectionId ? { collectionId } : {}),
  });
  if (!result.ok) {
    following.stop();
    out.error(result.error.message, { error: result.error });
    return 1;
  }
  const added = result.value;
  printAdded(out, added);
  for (const doc of added.added) files.set(doc.id, doc.path);
  ours = new Set(files.keys());
  for (const event of early.splice(0)) onEvent(event);
  let lost = false;
  void following.ended.then(() => {
    lost = true;
    wake();
  });
  const done = () => added.added.every((d) => settled.has(d.id));
  await new Promise<void>((resolve) => {
    wake = () => {
      if (lost || done()) resolve();
    };
    wake();
  });
  following.stop();
  await printing;
  if (!done()) {
    out.error(
      'The Quire serving this data folder went away before indexing finished; it goes on when it starts again.',
    );
    return 1;
  }
  const ids = new Set(added.added.map((d) => d.id));
  const unchanged = new Set(added.unchanged);
  const docs = await findDocuments(
    running,
    (d) => ids.has(d.id) || unchanged.has(d.path),
    ids.size + unchanged.size,
  );
  return printSummary(out, docs, started);
}

/**
 * `--password NAME=PW` for each entry: NAME is a path, or the name of a file among those being
 * indexed. A NAME that matches nothing is an error (returned as its message), never silently
 * ignored. Resolves to each matching file's absolute path and its password.
 */
async function matchPasswords(
  entries: string[],
  inputs: string[],
): Promise<Map<string, string> | string> {
  const { files } = await expandPaths(
    inputs.map((p) => path.resolve(p)),
    isSupportedPath,
  );
  const passwords = new Map<string, string>();
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
    for (const match of matches) passwords.set(match, password);
  }
  return passwords;
}
