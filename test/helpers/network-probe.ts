// Run under the network guard by network-guard.test.ts: tries to reach the outside world
// from the main thread and from a worker_thread, and loopback as a control. Prints one JSON
// line: what each attempt ended with.
import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { Worker } from 'node:worker_threads';

type Outcome = { attempt: string; outcome: 'blocked' | 'connected' | 'error'; detail: string };

const UNROUTABLE = '10.255.255.1';

function socketAttempt(attempt: string, open: () => net.Socket): Promise<Outcome> {
  return new Promise((resolve) => {
    const socket = open();
    socket.setTimeout(3000, () => socket.destroy(new Error('timed out')));
    socket.once('connect', () => {
      socket.destroy();
      resolve({ attempt, outcome: 'connected', detail: '' });
    });
    socket.once('error', (error) =>
      resolve({ attempt, outcome: classify(error), detail: error.message }),
    );
  });
}

function requestAttempt(attempt: string, send: () => http.ClientRequest): Promise<Outcome> {
  return new Promise((resolve) => {
    const req = send();
    req.setTimeout(3000, () => req.destroy(new Error('timed out')));
    req.once('response', (res) => {
      res.resume();
      resolve({ attempt, outcome: 'connected', detail: String(res.statusCode) });
    });
    req.once('error', (error) =>
      resolve({ attempt, outcome: classify(error), detail: error.message }),
    );
  });
}

async function promiseAttempt(attempt: string, run: () => Promise<unknown>): Promise<Outcome> {
  try {
    await run();
    return { attempt, outcome: 'connected', detail: '' };
  } catch (error) {
    const e = error as Error & { cause?: Error };
    return { attempt, outcome: classify(e.cause ?? e), detail: (e.cause ?? e).message };
  }
}

function classify(error: Error): Outcome['outcome'] {
  return error.message.startsWith('network guard:') ? 'blocked' : 'error';
}

// Plain JavaScript: the worker gets only the guard (a --require preload), not tsx's ESM loader.
const WORKER_CODE = `
const net = require('node:net');
const dns = require('node:dns');
const { parentPort } = require('node:worker_threads');
const results = [];
const done = (attempt, error) => results.push({ attempt, message: error ? error.message : 'connected' });
const socket = net.connect(80, '${UNROUTABLE}');
socket.once('connect', () => { socket.destroy(); done('worker connect'); finish(); });
socket.once('error', (e) => { done('worker connect', e); finish(); });
let pending = 3;
dns.lookup('example.com', (e) => { done('worker dns.lookup', e); finish(); });
fetch('https://example.com/').then(() => done('worker fetch'), (e) => done('worker fetch', e.cause || e)).then(finish);
function finish() { if (--pending === 0) parentPort.postMessage(results); }
`;

function workerAttempts(): Promise<Outcome[]> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_CODE, { eval: true });
    worker.once('message', (results: { attempt: string; message: string }[]) => {
      void worker.terminate();
      resolve(
        results.map((r) => ({
          attempt: r.attempt,
          outcome: r.message.startsWith('network guard:')
            ? 'blocked'
            : r.message === 'connected'
              ? 'connected'
              : 'error',
          detail: r.message,
        })),
      );
    });
    worker.once('error', reject);
  });
}

async function loopbackControl(): Promise<Outcome[]> {
  const server = http.createServer((_req, res) => res.end('ok'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  const outcomes = [
    await socketAttempt('loopback connect', () => net.connect(port, '127.0.0.1')),
    await promiseAttempt('loopback fetch', () =>
      fetch(`http://localhost:${port}/`).then((r) => r.text()),
    ),
    await promiseAttempt('loopback dns.lookup', () => dns.promises.lookup('localhost')),
  ];
  server.close();
  return outcomes;
}

const outcomes: Outcome[] = [
  await socketAttempt('net.connect', () => net.connect(80, UNROUTABLE)),
  await socketAttempt('net.createConnection by name', () =>
    net.createConnection({ host: 'example.com', port: 443 }),
  ),
  await promiseAttempt(
    'dns.lookup',
    () =>
      new Promise((resolve, reject) =>
        dns.lookup('example.com', (e, address) => (e ? reject(e) : resolve(address))),
      ),
  ),
  await promiseAttempt('dns.promises.lookup', () => dns.promises.lookup('example.com')),
  await promiseAttempt('dns.promises.resolve4', () => dns.promises.resolve4('example.com')),
  await promiseAttempt('Resolver.resolveTxt', () =>
    new dns.promises.Resolver().resolveTxt('example.com'),
  ),
  await requestAttempt('http.get', () => http.get(`http://${UNROUTABLE}/`)),
  await requestAttempt('https.get', () => https.get('https://example.com/')),
  await promiseAttempt('fetch', () => fetch('https://huggingface.co/Xenova/all-MiniLM-L6-v2')),
  await promiseAttempt('fetch Request', () => fetch(new Request(`http://${UNROUTABLE}/`))),
  ...(await workerAttempts()),
  ...(await loopbackControl()),
];
process.stdout.write(JSON.stringify(outcomes) + '\n');
