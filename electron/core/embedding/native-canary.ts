// Child-process canary: can onnxruntime-node load and run here? backend-canary.ts starts this file.
// It imports no other project file, so it can be bundled as its own entry. If the native runtime
// crashes (as it has inside Electron), only this process dies.
//
// Protocol: on success it sends { ok: true, version, ms } over IPC and exits 0.
// QUIRE_CANARY_FAIL=abort|exit|hang|throw simulates each way of failing, for tests.

export type CanaryReport = { ok: true; version: string; ms: number } | { ok: false; error: string };

// A single MatMul(a[n,k], b[k,m]) graph, ONNX opset 13, encoded with scripts/onnx-graph.ts.
const MATMUL_MODEL_BASE64 =
  'CAgSFnF1aXJlLW1ha2UtdGVzdC1tb2RlbHM6bgoZCgFhCgFiEgF5GgZ5X25vZGUiBk1hdE11bBIMcXVpcmVfY2FuYXJ5WhUKAWESEAoOCAESCgoDEgFuCgMSAWtaFQoBYhIQCg4IARIKCgMSAWsKAxIBbWIVCgF5EhAKDggBEgoKAxIBbgoDEgFtQgQKABAN';

// MiniLM-sized products, up to a 12 MB output: the allocator paths that crash under Electron.
const SHAPES: Array<[n: number, k: number, m: number]> = [
  [8, 384, 384],
  [256, 384, 1536],
  [2048, 384, 1536],
];

// An Electron utility process talks through parentPort; a forked Node process through send.
type ParentPort = { postMessage(message: unknown): void };

function report(message: CanaryReport): Promise<void> {
  const parentPort = (process as { parentPort?: ParentPort }).parentPort;
  if (parentPort) {
    parentPort.postMessage(message);
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    if (!process.send) return resolve();
    process.send(message, () => resolve());
  });
}

async function simulateFailure(mode: string | undefined): Promise<void> {
  if (mode === 'abort') process.abort();
  if (mode === 'exit') process.exit(3);
  if (mode === 'hang') await new Promise(() => setInterval(() => undefined, 60_000));
  if (mode === 'throw') throw new Error('simulated canary failure');
}

async function main(): Promise<void> {
  const started = performance.now();
  await simulateFailure(process.env.QUIRE_CANARY_FAIL);
  const ort = await import('onnxruntime-node');
  const session = await ort.InferenceSession.create(Buffer.from(MATMUL_MODEL_BASE64, 'base64'), {
    intraOpNumThreads: 1,
  });
  for (let round = 0; round < 2; round++) {
    for (const [n, k, m] of SHAPES) {
      const a = new ort.Tensor('float32', new Float32Array(n * k).fill(0.5), [n, k]);
      const b = new ort.Tensor('float32', new Float32Array(k * m).fill(0.25), [k, m]);
      const { y } = await session.run({ a, b });
      const value = (y?.data as Float32Array | undefined)?.[0];
      if (value === undefined || Math.abs(value - 0.125 * k) > 1e-3 * k) {
        throw new Error(`onnxruntime-node computed a wrong result (${value})`);
      }
    }
  }
  await session.release();
  const version = (ort.env.versions as Record<string, string | undefined>).node ?? 'unknown';
  await report({ ok: true, version, ms: Math.round(performance.now() - started) });
}

main().then(
  () => process.exit(0),
  async (error: unknown) => {
    await report({ ok: false, error: error instanceof Error ? error.message : String(error) });
    process.exit(1);
  },
);
