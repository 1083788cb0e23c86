import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Collection } from '../../../shared/collections';
import type { MethodArgs, MethodName } from '../../../shared/contract';
import type { DocumentInfo } from '../../../shared/documents';
import { QuireError } from '../../../shared/errors';
import { createQuireCore, type QuireCore } from '../quire-core';
import {
  coreOptionsFrom,
  count,
  createOutput,
  resolveDataDir,
  SHARED_OPTIONS,
  type CliOutput,
} from './cli-context';
import { findDocuments, openOrJoin, resolveCollection, type RunningQuire } from './running-quire';

export const COLLECTIONS_HELP = `quire collections list|create|rename|delete|add|remove|empty [...] [--data DIR] [--json]
  list                          every collection with its document count
  create NAME                   a new, empty collection
  rename COLLECTION NEW_NAME    COLLECTION is a name or an id
  delete COLLECTION             its documents stay in the library
  add COLLECTION DOC...         DOC is a document id (see quire library) or an indexed file's path
  remove COLLECTION DOC...      the documents stay in the library
  empty COLLECTION              takes every document out`;

/** Exit 2 for a wrong call, 1 for what the library refused (an unknown name, a clash). */
export async function collectionsCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: SHARED_OPTIONS,
    allowPositionals: true,
    strict: true,
  });
  const out = createOutput(values.json);
  const [action = 'list', ...rest] = positionals;
  const arity: Record<string, [number, number]> = {
    list: [0, 0],
    create: [1, 1],
    rename: [2, 2],
    delete: [1, 1],
    add: [2, Infinity],
    remove: [2, Infinity],
    empty: [1, 1],
  };
  const wanted = arity[action];
  if (!wanted || rest.length < wanted[0] || rest.length > wanted[1]) {
    out.error(COLLECTIONS_HELP);
    return 2;
  }
  const dataDir = resolveDataDir(values.data);
  const opened = await openOrJoin(
    dataDir,
    () =>
      createQuireCore({
        ...coreOptionsFrom(values),
        dataDir,
        startIndexing: false,
        readOnly: action === 'list',
      }),
    values.library,
  );
  try {
    return await (opened.running
      ? runThrough(opened.running, out, action, rest)
      : run(opened.core, out, action, rest));
  } catch (error) {
    if (!(error instanceof QuireError)) throw error;
    out.error(error.message, { error: { code: error.code, message: error.message } });
    return 1;
  } finally {
    await opened.core?.close();
  }
}

async function run(core: QuireCore, out: CliOutput, action: string, args: string[]) {
  const { collections } = core;
  const show = (c: Collection, verb = '') =>
    out.line(`${verb}${c.name}  ${count(c.documentCount, 'document')}  (${c.id})`, {
      collection: c,
    });
  if (action === 'list') {
    const all = collections.list();
    if (all.length === 0 && !out.json)
      out.line('No collections yet: quire collections create NAME');
    for (const c of all) show(c);
    return 0;
  }
  if (action === 'create') {
    show(collections.create(args[0]!), 'Created ');
    return 0;
  }
  const target = collections.resolve(args[0]!);
  if (action === 'rename') show(collections.rename(target.id, args[1]!), 'Renamed to ');
  else if (action === 'delete') {
    await collections.delete(target.id);
    out.line(`Deleted ${target.name}; its ${count(target.documentCount, 'document')} stay.`, {
      deleted: target.id,
    });
  } else if (action === 'empty') show((await collections.empty(target.id)).collection, 'Emptied ');
  else {
    const ids = documentIds(core, args.slice(1));
    const change =
      action === 'add'
        ? await collections.addDocuments(target.id, ids)
        : await collections.removeDocuments(target.id, ids);
    const verb = action === 'add' ? 'added to' : 'removed from';
    out.line(`${count(change.changed.length, 'document')} ${verb} ${target.name}`, change);
    show(change.collection);
  }
  return 0;
}

/** The same changes, made by the Quire that serves the folder (the list is read in-process). */
async function runThrough(running: RunningQuire, out: CliOutput, action: string, args: string[]) {
  const call = async <M extends MethodName>(method: M, callArgs: MethodArgs<M>) => {
    const result = await running.invoke(method, callArgs);
    if (!result.ok) throw new QuireError(result.error.code, result.error.message);
    return result.value;
  };
  const show = (c: Collection, verb = '') =>
    out.line(`${verb}${c.name}  ${count(c.documentCount, 'document')}  (${c.id})`, {
      collection: c,
    });
  if (action === 'create') {
    show(await call('collections.create', { name: args[0]! }), 'Created ');
    return 0;
  }
  const target = await resolveCollection(running, args[0]!);
  const collectionId = target.id;
  if (action === 'rename')
    show(await call('collections.rename', { collectionId, name: args[1]! }), 'Renamed to ');
  else if (action === 'delete') {
    await call('collections.delete', { collectionId });
    out.line(`Deleted ${target.name}; its ${count(target.documentCount, 'document')} stay.`, {
      deleted: target.id,
    });
  } else if (action === 'empty')
    show((await call('collections.empty', { collectionId })).collection, 'Emptied ');
  else {
    const refs = args.slice(1);
    const byPath = new Set(refs.map((ref) => path.resolve(ref)));
    const docs = await findDocuments(
      running,
      (d) => refs.includes(d.id) || byPath.has(d.path),
      refs.length,
    );
    const documentIds = documentIdsAmong(docs, refs);
    const change =
      action === 'add'
        ? await call('collections.addDocuments', { collectionId, documentIds })
        : await call('collections.removeDocuments', { collectionId, documentIds });
    const verb = action === 'add' ? 'added to' : 'removed from';
    out.line(`${count(change.changed.length, 'document')} ${verb} ${target.name}`, change);
    show(change.collection);
  }
  return 0;
}

/** Document ids, or paths of indexed files; anything else is a clear error. */
function documentIds(core: QuireCore, refs: string[]): string[] {
  const registry = core.library.registry;
  return documentIdsOf(refs, (ref) => registry.get(ref) ?? registry.byPath(path.resolve(ref)));
}

function documentIdsAmong(docs: readonly DocumentInfo[], refs: string[]): string[] {
  return documentIdsOf(refs, (ref) =>
    docs.find((d) => d.id === ref || d.path === path.resolve(ref)),
  );
}

function documentIdsOf(
  refs: string[],
  find: (ref: string) => { id: string } | undefined,
): string[] {
  const unknown: string[] = [];
  const ids = refs.flatMap((ref) => {
    const doc = find(ref);
    if (!doc) unknown.push(ref);
    return doc ? [doc.id] : [];
  });
  if (unknown.length > 0)
    throw new QuireError(
      'not_found',
      `Not in the library: ${unknown.join(', ')}. Give document ids (quire library) or indexed files' paths.`,
    );
  return ids;
}
