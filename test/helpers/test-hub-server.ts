// Tests only: a loopback server that answers like the Hugging Face hub's resolve endpoints.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

export type HubRequest = { method: string; url: string; range: string | null };

export type HubFaults = {
  /** Cut the connection after this many body bytes, on the first GET of the path only. */
  dropOnceAfter?: { path: string; bytes: number };
  /** Send this many body bytes of the path and then nothing more (the response never ends). */
  stallAfter?: { path: string; bytes: number };
  /** Publish a wrong sha256 for this LFS path. */
  wrongHash?: string;
};

type HubFile = { bytes: Buffer; sha256: string; lfs: boolean };

/** LFS in the real hub means large binaries; here, every .onnx and .gguf file. */
const isLfs = (file: string) => file.endsWith('.onnx') || file.endsWith('.gguf');

/**
 * Serves `repos` (model id -> { repo path -> local file }) at `/<id>/resolve/<rev>/<path>`:
 * LFS files answer with a 302 to `/cdn/<sha256>` plus X-Linked-Size and X-Linked-ETag, small
 * files with 200 and an ETag; the CDN honours Range with 206. Every request is recorded.
 */
export async function startTestHub(
  repos: Record<string, Record<string, string>>,
  faults: HubFaults = {},
) {
  const files = new Map<string, HubFile>();
  const cdn = new Map<string, { bytes: Buffer; repoPath: string }>();
  for (const [modelId, entries] of Object.entries(repos)) {
    for (const [repoPath, localFile] of Object.entries(entries)) {
      const bytes = fs.readFileSync(localFile);
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      files.set(`${modelId}/${repoPath}`, { bytes, sha256, lfs: isLfs(repoPath) });
      cdn.set(sha256, { bytes, repoPath });
    }
  }
  const requests: HubRequest[] = [];
  const dropped = new Set<string>();

  const server = http.createServer((req, res) => {
    const url = decodeURIComponent(req.url ?? '/');
    const range = req.headers.range ?? null;
    requests.push({ method: req.method ?? 'GET', url, range });
    const cdnMatch = /^\/cdn\/([0-9a-f]{64})$/.exec(url);
    if (cdnMatch) {
      const blob = cdn.get(cdnMatch[1]!);
      if (!blob) return void res.writeHead(404).end();
      return sendBody(req, res, blob.bytes, blob.repoPath, range);
    }
    const resolveMatch = /^\/(.+?)\/resolve\/[^/]+\/(.+)$/.exec(url);
    const file = resolveMatch ? files.get(`${resolveMatch[1]}/${resolveMatch[2]}`) : undefined;
    if (!resolveMatch || !file)
      return void res.writeHead(404, { 'X-Error-Code': 'EntryNotFound' }).end();
    const repoPath = resolveMatch[2]!;
    if (file.lfs) {
      const published = faults.wrongHash === repoPath ? 'f'.repeat(64) : file.sha256;
      res.writeHead(302, {
        Location: `/cdn/${file.sha256}`,
        'X-Linked-Size': String(file.bytes.length),
        'X-Linked-ETag': `"${published}"`,
        'Content-Length': '0',
      });
      return void res.end();
    }
    const etag = createHash('sha1').update(file.bytes).digest('hex');
    return sendBody(req, res, file.bytes, repoPath, range, { ETag: `"${etag}"` });
  });

  function sendBody(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    bytes: Buffer,
    repoPath: string,
    range: string | null,
    extra: Record<string, string> = {},
  ) {
    let start = 0;
    const rangeMatch = range ? /^bytes=(\d+)-$/.exec(range) : null;
    if (rangeMatch) {
      start = Number(rangeMatch[1]);
      if (start >= bytes.length) {
        res.writeHead(416, { 'Content-Range': `bytes */${bytes.length}` });
        return void res.end();
      }
    }
    const body = bytes.subarray(start);
    const headers = {
      ...extra,
      'Content-Length': String(body.length),
      'Accept-Ranges': 'bytes',
      ...(rangeMatch
        ? { 'Content-Range': `bytes ${start}-${bytes.length - 1}/${bytes.length}` }
        : {}),
    };
    res.writeHead(rangeMatch ? 206 : 200, headers);
    if (req.method === 'HEAD') return void res.end();
    const drop = faults.dropOnceAfter;
    if (drop?.path === repoPath && !dropped.has(repoPath)) {
      dropped.add(repoPath);
      res.write(body.subarray(0, drop.bytes), () => res.socket?.destroy());
      return;
    }
    const stall = faults.stallAfter;
    if (stall?.path === repoPath) return void res.write(body.subarray(0, stall.bytes));
    res.end(body);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    sha256Of: (modelId: string, repoPath: string) => files.get(`${modelId}/${repoPath}`)?.sha256,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * A hub repository made from a local model folder: its fp32 weights, and its int8 ones. A folder
 * without `onnx/model_quantized.onnx` (the cross-encoders) serves its fp32 file under that name.
 */
export function repoFromFolder(folder: string): Record<string, string> {
  const entries: Record<string, string> = {};
  for (const name of [
    'config.json',
    'tokenizer.json',
    'tokenizer_config.json',
    'special_tokens_map.json',
    'vocab.txt',
  ]) {
    if (fs.existsSync(path.join(folder, name))) entries[name] = path.join(folder, name);
  }
  const fp32 = path.join(folder, 'onnx', 'model.onnx');
  const q8 = path.join(folder, 'onnx', 'model_quantized.onnx');
  entries['onnx/model.onnx'] = fp32;
  entries['onnx/model_quantized.onnx'] = fs.existsSync(q8) ? q8 : fp32;
  return entries;
}
