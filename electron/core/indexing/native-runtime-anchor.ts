import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

let anchor: Worker | null = null;

/**
 * onnxruntime-node's addon registers itself once per process: when every thread that
 * loaded it has exited, a new worker cannot load it again ("Module did not self-register").
 * A replaced indexing worker would then lose native embedding. This idle thread loads the
 * addon first and lives as long as the process, so workers can come and go. It runs no
 * inference and never touches the main thread.
 */
export function holdNativeRuntime(): void {
  if (anchor) return;
  let modulePath: string;
  try {
    modulePath = createRequire(import.meta.url).resolve('onnxruntime-node');
  } catch {
    return; // not installed: the workers will report it
  }
  const code = `try { require(${JSON.stringify(modulePath)}); } catch {} setInterval(() => {}, 1 << 30);`;
  anchor = new Worker(code, { eval: true });
  anchor.unref();
  anchor.on('error', () => {
    anchor = null;
  });
}
