import { parentPort } from 'node:worker_threads';

// Placeholder protocol until the indexing pipeline lands: answers pings so the pool can be tested.
parentPort?.on('message', (message: { seq: number; request: { type: string } }) => {
  parentPort?.postMessage({ seq: message.seq, kind: 'response', response: { type: 'pong' } });
});
