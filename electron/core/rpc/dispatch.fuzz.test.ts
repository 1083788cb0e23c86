// Random arguments through the real dispatcher of a real core: every call ends in a Result,
// invalid input never reaches a handler, and nothing stored is lost on the way.
// A failure prints fast-check's seed and path; pass them back as { seed, path } to replay it.
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contract, METHOD_NAMES, type MethodName } from '../../../shared/contract';
import type { DocumentInfo } from '../../../shared/documents';
import { ErrorCodeSchema, QuireError } from '../../../shared/errors';
import type { QuireCore } from '../quire-core';
import { makeTestCore } from '../../../test/helpers/library-fixtures';
import { makeTempDir } from '../../../test/helpers/temp-dir';
import type { Connection, Handlers, HandlerContext } from './dispatch';
import { createDispatcher } from './dispatch';

const RUNS = 1000;

/** Keys each method's argument object knows, so random objects often get past the first check. */
function keysOf(method: MethodName): string[] {
  const schema = contract[method].args as unknown as { shape?: Record<string, unknown> };
  return schema.shape ? Object.keys(schema.shape) : [];
}

const anyValue = fc.oneof(
  { depthSize: 'small' },
  fc.jsonValue(),
  fc.string(),
  fc.constantFrom(
    '',
    ' ',
    'openai',
    'anthropic',
    'chat:abc',
    'library',
    '../..',
    '/',
    'a'.repeat(70),
  ),
  fc.constantFrom(0, -1, 1.5, Number.MAX_SAFE_INTEGER, Number.NaN, Infinity),
  fc.array(fc.string(), { maxLength: 3 }),
);

const argsFor = (method: MethodName) =>
  fc.oneof(
    fc.jsonValue(),
    fc.constantFrom(undefined, null, [], 'text', 42),
    fc.dictionary(fc.constantFrom(...keysOf(method), 'extra', '__proto__'), anyValue, {
      maxKeys: 4,
    }),
    fc.record(Object.fromEntries(keysOf(method).map((k) => [k, anyValue]))),
  );

function pathsIn(args: unknown): string[] {
  const { paths, folder } = (args ?? {}) as { paths?: unknown; folder?: unknown };
  return [...(Array.isArray(paths) ? paths : []), folder].filter(
    (p): p is string => typeof p === 'string',
  );
}

const call = fc
  .constantFrom(...METHOD_NAMES)
  .chain((method) => fc.tuple(fc.constant(method as string), argsFor(method)));

describe('the contract validators through the dispatcher (properties)', () => {
  let core: QuireCore;
  let remove: () => Promise<void>;
  let dataDir: string;
  let root: string;
  const reached: { method: string; args: unknown }[] = [];
  let dispatch: ReturnType<typeof createDispatcher>;
  const internalErrors: string[] = [];

  beforeAll(async () => {
    const temp = await makeTempDir();
    remove = temp.remove;
    root = temp.dir;
    dataDir = path.join(temp.dir, 'data');
    const docs = path.join(temp.dir, 'docs');
    fs.mkdirSync(docs);
    fs.writeFileSync(path.join(docs, 'kept.md'), '# Kept\n\nThe orchard has forty pear trees.\n');
    core = await makeTestCore(dataDir, { keychain: false });
    await core.library.add([path.join(docs, 'kept.md')]);
    await core.library.whenIdle();
    // Spy on the real handlers: record what reaches them, then run them.
    const spied = Object.fromEntries(
      Object.entries(core.handlers).map(([name, handler]) => [
        name,
        (args: unknown, ctx: HandlerContext) => {
          reached.push({ method: name, args });
          // Valid paths are real: adding or watching '/' or '../..' would walk the disk or the
          // repository. Keep the fuzzing inside its temp folder; everything else runs for real.
          const paths = pathsIn(args);
          if (paths.some((p) => path.relative(root, path.resolve(p)).startsWith('..')))
            throw new QuireError('forbidden', 'Outside the test sandbox.');
          return (handler as (a: unknown, c: HandlerContext) => unknown)(args, ctx);
        },
      ]),
    ) as unknown as Handlers;
    dispatch = createDispatcher(spied, {
      error: (message) => internalErrors.push(message),
      warn: () => {},
    });
  });
  afterAll(async () => {
    await core.library.whenIdle();
    await core.close();
    await remove();
  });

  const connection: Connection = { id: 'fuzz', deliver: () => {}, subscriptions: new Map() };
  const ctx: HandlerContext = { transport: 'memory', connection };

  it('turns any arguments into a typed Result, and invalid ones never reach a handler', async () => {
    await fc.assert(
      fc.asyncProperty(call, async ([method, args]) => {
        const before = reached.length;
        const result = await dispatch(method, args, ctx);
        expect(typeof result.ok).toBe('boolean');
        const valid = contract[method as MethodName].args.safeParse(args ?? {}).success;
        if (!valid) {
          expect(result).toMatchObject({ ok: false, error: { code: 'invalid_argument' } });
          expect(reached.length).toBe(before);
        }
        if (!result.ok) {
          expect(ErrorCodeSchema.safeParse(result.error.code).success).toBe(true);
          expect(result.error.message.length).toBeGreaterThan(0);
          // Bad input is the caller's fault and gets a specific code, never "internal".
          expect(result.error.code, `${method} ${JSON.stringify(args)}`).not.toBe('internal');
        }
      }),
      { numRuns: RUNS },
    );
    expect(internalErrors).toEqual([]);
    const methods = new Set(reached.map((r) => r.method));
    console.info(
      `${reached.length} of ${RUNS} random calls were valid and ran (${methods.size} methods)`,
    );
    expect(methods.size).toBeGreaterThan(5);
  });

  it('answers unknown method names with unknown_method', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string(), fc.jsonValue(), async (method, args) => {
        fc.pre(!(METHOD_NAMES as string[]).includes(method));
        expect(await dispatch(method, args, ctx)).toMatchObject({
          ok: false,
          error: { code: 'unknown_method' },
        });
      }),
      { numRuns: RUNS },
    );
  });

  it('still serves the library it had before the fuzzing', async () => {
    // Random valid calls may have paused the queue or changed the embedding model (a re-index).
    await dispatch('library.resume', {}, ctx);
    await core.library.whenIdle();
    const list = await dispatch('library.list', {}, ctx);
    if (!list.ok) throw new Error(list.error.message);
    const { documents } = list.value as { documents: DocumentInfo[] };
    const kept = documents.find((d) => d.name === 'kept.md');
    expect(kept?.error ?? null).toBeNull();
    expect(kept?.status).toBe('ready');
    const hits = await core.retriever.search('pear trees in the orchard', { k: 3, mode: 'text' });
    expect(hits.hits[0]?.text).toContain('forty pear trees');
  });
});
