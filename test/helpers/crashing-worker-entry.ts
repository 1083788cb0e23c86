// The real indexing worker, except that a document whose path holds CRASH_MARKER kills the
// worker mid-document, as a native crash in a parser would. Production code has no such path.
import { parentPort } from 'node:worker_threads';
import type { ToWorker } from '../../electron/core/indexing/worker-protocol';

const CRASH_MARKER = 'CRASHME';
const port = parentPort!;
const listen = port.on.bind(port);

function dooms(message: ToWorker): boolean {
  return 'request' in message && message.request.type === 'index'
    ? message.request.path.includes(CRASH_MARKER)
    : false;
}

// The real entry's message listener never sees a doomed document.
port.on = ((event: string, listener: (message: ToWorker) => void) =>
  listen(event, (message: ToWorker) => {
    if (event !== 'message' || !dooms(message)) return listener(message);
    port.postMessage({
      seq: message.seq,
      kind: 'progress',
      progress: { stage: 'parsing', done: 0, total: 1 },
    });
    setTimeout(() => process.exit(70), 5);
  })) as typeof port.on;

await import('../../electron/core/indexing/worker-entry');
