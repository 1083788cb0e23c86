// npm run bench:team -- [--store s3|azure] [--docs 5183] [--runs 2] [--queries 50] [--fresh 3] [--json]
// A library in a bucket (S3: s3rver; Azure: Azurite) against one on the local disk, side by side
// on this machine:
// - indexing SciFact's abstracts full-text only, local then bucket, `--runs` times each,
//   interleaved, and the ratio of the medians;
// - warm text search p50 on both, and the object GETs each warm query makes in the bucket,
//   counted from the server's request log (s3rver's own; for Azurite, the request lines its
//   loopback relay sees);
// - a reader's freshness: a second home that reads the bucket (polling as `quire serve
//   --read-only` does, every 3 s), and the seconds from a document's add at the writer to a
//   search at the reader finding it.
// The bucket is on loopback, on the same disk (Azurite keeps it in memory): no network latency.
// A real S3 or Azure GET costs 10-30 ms, so multiply the GET count by that for a real floor.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  createQuireCore,
  type QuireCore,
  type QuireCoreOptions,
} from '../electron/core/quire-core';
import { search } from '../electron/core/retrieval/search';
import { startAzureServer } from '../test/helpers/azure-server';
import { startS3Server } from '../test/helpers/s3-server';
import { machine, SCIFACT_CORPUS } from './raw-ort-texts';
import { writeAbstracts } from './scifact-files';

const { values } = parseArgs({
  options: {
    store: { type: 'string', default: 's3' },
    docs: { type: 'string', default: '5183' },
    runs: { type: 'string', default: '2' },
    queries: { type: 'string', default: '50' },
    fresh: { type: 'string', default: '3' },
    json: { type: 'boolean', default: false },
  },
});
const log = (line: string) => (values.json ? process.stderr.write(`${line}\n`) : console.log(line));
const NO_MODEL = 'Xenova/all-MiniLM-L6-v2';
const BUCKET = 'bench';

const median = (numbers: number[]) => {
  const sorted = [...numbers].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};
const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

function openCore(dataDir: string, options: Partial<QuireCoreOptions> = {}): Promise<QuireCore> {
  return createQuireCore({
    dataDir,
    modelDir: path.join(dataDir, 'no-models'),
    embeddingModel: NO_MODEL,
    logger: { error: (m) => log(`error: ${m}`), warn: () => {} },
    ...options,
  });
}

async function indexInto(root: string, files: string, library?: string) {
  const core = await openCore(fs.mkdtempSync(path.join(root, 'home-')), { library });
  const started = performance.now();
  await core.library.add([files]);
  await core.library.whenIdle();
  const seconds = (performance.now() - started) / 1000;
  const totals = core.library.snapshot().totals;
  await core.close();
  return { seconds, documents: totals.documents, chunks: totals.chunks, failed: totals.failed };
}

/** The object server under the bench: its variables, its request log and how to stop it. */
type BenchStore = {
  scheme: 's3' | 'az';
  env: Record<string, string>;
  requests: { method: string }[];
  name: string;
  close(): Promise<void>;
};

async function startStore(kind: string): Promise<BenchStore> {
  if (kind === 'azure') {
    const azure = await startAzureServer({ containers: [BUCKET] });
    return { ...azure, scheme: 'az', name: 'Azurite 3.37.0 on loopback, in memory' };
  }
  if (kind !== 's3') throw new Error(`--store takes s3 or azure, not "${kind}"`);
  const s3 = await startS3Server({ buckets: [BUCKET] });
  return { ...s3, scheme: 's3', name: 's3rver 3.7.1 on loopback, same disk' };
}

async function warmSearch(core: QuireCore, queries: string[], s3?: BenchStore) {
  for (const query of queries) await search(core.store.lance, { query, mode: 'text', k: 10 });
  const before = s3?.requests.length ?? 0;
  const times: number[] = [];
  for (const query of queries) {
    const started = performance.now();
    await search(core.store.lance, { query, mode: 'text', k: 10 });
    times.push(performance.now() - started);
  }
  const gets = s3 ? s3.requests.slice(before).filter((r) => r.method === 'GET').length : 0;
  return { p50Ms: round(median(times)), getsPerQuery: round(gets / queries.length, 2) };
}

async function main() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'quire-team-bench-'));
  const s3 = await startStore(values.store);
  Object.assign(process.env, s3.env);
  const address = (run: number) => `${s3.scheme}://${BUCKET}/run-${run}`;
  try {
    const files = path.join(root, 'files');
    const count = writeAbstracts(files, Number(values.docs));
    log(`indexing ${count} abstracts full-text, local disk and bucket, ${values.runs} runs each…`);
    const local: number[] = [];
    const bucket: number[] = [];
    let chunks = 0;
    for (let run = 0; run < Number(values.runs); run++) {
      const onDisk = await indexInto(root, files);
      local.push(onDisk.seconds);
      const inBucket = await indexInto(root, files, address(run));
      bucket.push(inBucket.seconds);
      chunks = inBucket.chunks;
      log(
        `  run ${run + 1}: local ${round(onDisk.seconds)} s, bucket ${round(inBucket.seconds)} s` +
          ` (${inBucket.documents} documents, ${inBucket.chunks} chunks, ${inBucket.failed} failed)`,
      );
    }

    const queries = fs
      .readFileSync(path.join(path.dirname(SCIFACT_CORPUS), 'queries.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .slice(0, Number(values.queries))
      .map((line) => (JSON.parse(line) as { text: string }).text);
    const library = address(0);
    const reader = await openCore(fs.mkdtempSync(path.join(root, 'reader-')), {
      library,
      readOnly: true,
      followWriterMs: 3000,
    });
    const bucketSearch = await warmSearch(reader, queries, s3);
    const localCore = await openCore(fs.mkdtempSync(path.join(root, 'local-')), {});
    await localCore.library.add([files]);
    await localCore.library.whenIdle();
    const localSearch = await warmSearch(localCore, queries);
    await localCore.close();

    log('reader freshness…');
    const writer = await openCore(fs.mkdtempSync(path.join(root, 'writer-')), { library });
    const freshness: number[] = [];
    for (let i = 0; i < Number(values.fresh); i++) {
      const word = `zyxfresh${i}q`;
      const file = path.join(root, `fresh-${i}.md`);
      fs.writeFileSync(file, `# Fresh ${i}\n\nA new note about ${word} for the reader.\n`);
      const started = performance.now();
      await writer.library.add([file]);
      for (;;) {
        const hits = (await search(reader.store.lance, { query: word, mode: 'text', k: 1 })).hits;
        if (hits.length > 0) break;
        if (performance.now() - started > 60_000) throw new Error('the reader never saw it');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      freshness.push((performance.now() - started) / 1000);
      log(`  document ${i + 1} found by the reader after ${round(freshness.at(-1)!)} s`);
    }
    await writer.close();
    await reader.close();

    const report = {
      machine: machine(),
      documents: count,
      chunks,
      indexSeconds: { local: local.map((s) => round(s)), bucket: bucket.map((s) => round(s)) },
      bucketOverLocal: round(median(bucket) / median(local), 2),
      warmSearch: { local: localSearch, bucket: bucketSearch },
      readerFreshnessSeconds: {
        runs: freshness.map((s) => round(s)),
        median: round(median(freshness)),
      },
      store: s3.name,
    };
    if (values.json) console.log(JSON.stringify(report, null, 2));
    else console.dir(report, { depth: 4 });
  } finally {
    await s3.close();
    fs.rmSync(root, { recursive: true, force: true });
  }
}

await main();
