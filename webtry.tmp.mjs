import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { readFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
const require = createRequire(import.meta.url);
const ort = await import('onnxruntime-web');
ort.env.wasm.wasmPaths = pathToFileURL(join(dirname(require.resolve('onnxruntime-web')), '/')).href;
console.log('wasmPaths', ort.env.wasm.wasmPaths);
globalThis[Symbol.for('onnxruntime')] = ort;
const main = require.resolve('@huggingface/transformers');
const t = await import(pathToFileURL(join(dirname(main), 'transformers.web.js')).href);
const root = '/work/main/.test-models/';
t.env.localModelPath = root;
t.env.allowRemoteModels = false;
t.env.allowLocalModels = true;
t.env.useCustomCache = true;
t.env.customCache = {
  async match(key) {
    if (typeof key !== 'string' || !key.startsWith(root)) return undefined;
    try { return new Response(await readFile(key)); } catch { return undefined; }
  },
  async put() {},
};
console.log('backend same?', t.env.backends.onnx === ort.env);
const p = await t.pipeline('feature-extraction', 'quire-test/bow', { dtype: 'fp32', device: 'auto', local_files_only: true });
const out = await p(['the cat sat on the mat', 'a cat on a mat', 'quantum chromodynamics'], { pooling: 'mean', normalize: true });
console.log(out.dims, out.data.slice(0,3));
const d = out.data; const dot=(a,b)=>{let s=0;for(let i=0;i<128;i++)s+=d[a*128+i]*d[b*128+i];return s};
console.log(dot(0,1), dot(0,2));
const maps = readFileSync('/proc/self/maps','utf8');
console.log('native loaded?', maps.includes('onnxruntime'));
