// Writes the small ONNX models that tests and benches use, beside MiniLM's real tokenizer.
// The embedding models also get an int8 `onnx/model_quantized.onnx`, quantized from the fp32 graph
// as the transformers.js model repos' files are (scripts/onnx-quantize.ts).
// Usage: tsx scripts/make-test-models.ts <dir>
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  BOW_DIMS,
  BOW_NLI_LABELS,
  MINILM_SHAPE,
  SMALL_SHAPE,
  buildBowModel,
  buildBowNliModel,
  buildBowRerankerModel,
  buildMiniLmShapeModel,
} from './test-model-graphs';
import { quantizeDynamic } from './onnx-quantize';

export const BOW_MODEL_ID = 'quire-test/bow';
export const MINILM_SHAPE_MODEL_ID = 'quire-test/minilm-shape';
/** Another width (256): the model a library switches to in tests and `bench:swap`. */
export const SMALL_SHAPE_MODEL_ID = 'quire-test/small-shape';
export const BOW_RERANKER_MODEL_ID = 'quire-test/bow-reranker';
export const BOW_NLI_MODEL_ID = 'quire-test/bow-nli';
const SEED = 20250409;

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** The real MiniLM tokenizer and config, in ../shared beside the repository. */
export const MINILM_TOKENIZER_DIR = resolve(REPO_ROOT, '../shared/models/Xenova/all-MiniLM-L6-v2');
const TOKENIZER_FILES = [
  'tokenizer.json',
  'tokenizer_config.json',
  'special_tokens_map.json',
  'vocab.txt',
];

export type TestModels = {
  /** Pass this as `localModelPath`; the model ids are the *_MODEL_ID constants. */
  modelsDir: string;
  bowDir: string;
  minilmDir: string;
  rerankerDir: string;
  nliDir: string;
};

/**
 * Makes `<dir>/quire-test/bow`, `<dir>/quire-test/minilm-shape`, `<dir>/quire-test/bow-reranker`
 * and `<dir>/quire-test/bow-nli`; the two embedding models in fp32 and q8. The output is deterministic,
 * and a file whose content hash already matches is not rewritten, so calling this is cheap.
 */
export async function makeTestModels(dir: string): Promise<TestModels> {
  const modelsDir = resolve(dir);
  const bowDir = join(modelsDir, BOW_MODEL_ID);
  const minilmDir = join(modelsDir, MINILM_SHAPE_MODEL_ID);
  const rerankerDir = join(modelsDir, BOW_RERANKER_MODEL_ID);
  const nliDir = join(modelsDir, BOW_NLI_MODEL_ID);
  const baseConfig = JSON.parse(
    await readFile(join(MINILM_TOKENIZER_DIR, 'config.json'), 'utf8'),
  ) as Record<string, unknown>;
  await writeModelDir(
    bowDir,
    { ...baseConfig, _name_or_path: BOW_MODEL_ID, hidden_size: BOW_DIMS },
    () => buildBowModel(SEED),
    { quantized: true },
  );
  await writeModelDir(
    minilmDir,
    { ...baseConfig, _name_or_path: MINILM_SHAPE_MODEL_ID, hidden_size: MINILM_SHAPE.hidden },
    () => buildMiniLmShapeModel(SEED),
    { quantized: true },
  );
  await writeModelDir(
    join(modelsDir, SMALL_SHAPE_MODEL_ID),
    {
      ...baseConfig,
      _name_or_path: SMALL_SHAPE_MODEL_ID,
      hidden_size: SMALL_SHAPE.hidden,
      num_hidden_layers: SMALL_SHAPE.layers,
      num_attention_heads: SMALL_SHAPE.heads,
      intermediate_size: SMALL_SHAPE.ffn,
    },
    () => buildMiniLmShapeModel(SEED + 1, 11, SMALL_SHAPE),
    { quantized: true },
  );
  await writeModelDir(
    rerankerDir,
    {
      ...baseConfig,
      _name_or_path: BOW_RERANKER_MODEL_ID,
      hidden_size: BOW_DIMS,
      architectures: ['BertForSequenceClassification'],
      num_labels: 1,
      id2label: { 0: 'LABEL_0' },
      label2id: { LABEL_0: 0 },
    },
    () => buildBowRerankerModel(SEED),
  );
  await writeModelDir(
    nliDir,
    {
      ...baseConfig,
      _name_or_path: BOW_NLI_MODEL_ID,
      architectures: ['BertForSequenceClassification'],
      num_labels: BOW_NLI_LABELS.length,
      id2label: Object.fromEntries(BOW_NLI_LABELS.map((label, i) => [i, label])),
      label2id: Object.fromEntries(BOW_NLI_LABELS.map((label, i) => [label, i])),
    },
    () => buildBowNliModel(),
  );
  return { modelsDir, bowDir, minilmDir, rerankerDir, nliDir };
}

// Bump when the graphs or the weights change, so that stale models on disk get rebuilt.
const GENERATOR_VERSION = 4;
const STAMP_FILE = '.quire-test-model.json';
/** Hashes of what was built, by file; `onnx/model_quantized.onnx` only for the embedding models. */
type Stamp = { generator: number; seed: number; files: Record<string, string> };
// transformers.js loads `onnx/model.onnx` for dtype fp32 and `onnx/model_quantized.onnx` for q8.
const MODEL_FILE = 'onnx/model.onnx';
const QUANTIZED_FILE = 'onnx/model_quantized.onnx';

async function writeModelDir(
  modelDir: string,
  config: Record<string, unknown>,
  build: () => Uint8Array,
  { quantized = false } = {},
): Promise<void> {
  const small = new Map<string, Uint8Array>();
  for (const name of TOKENIZER_FILES)
    small.set(name, await readFile(join(MINILM_TOKENIZER_DIR, name)));
  small.set('config.json', Buffer.from(`${JSON.stringify(config, null, 2)}\n`));
  // Building MiniLM's weights takes most of a second, so the model is checked against the stamp's
  // hash of what was built; the small files are checked against their sources.
  const modelFiles = quantized ? [MODEL_FILE, QUANTIZED_FILE] : [MODEL_FILE];
  if (await upToDate(modelDir, small, modelFiles)) return;

  await mkdir(join(modelDir, 'onnx'), { recursive: true });
  for (const [name, bytes] of small) await writeAtomically(join(modelDir, name), bytes);
  const model = build();
  const built = new Map([[MODEL_FILE, model]]);
  if (quantized) built.set(QUANTIZED_FILE, quantizeDynamic(model));
  const files: Record<string, string> = {};
  for (const [name, bytes] of built) {
    await writeAtomically(join(modelDir, name), bytes);
    files[name] = sha256(bytes);
  }
  const stamp: Stamp = { generator: GENERATOR_VERSION, seed: SEED, files };
  await writeAtomically(join(modelDir, STAMP_FILE), Buffer.from(JSON.stringify(stamp, null, 2)));
}

async function upToDate(
  modelDir: string,
  small: Map<string, Uint8Array>,
  modelFiles: string[],
): Promise<boolean> {
  try {
    const stamp = JSON.parse(await readFile(join(modelDir, STAMP_FILE), 'utf8')) as Stamp;
    if (stamp.generator !== GENERATOR_VERSION || stamp.seed !== SEED) return false;
    if (Object.keys(stamp.files ?? {}).length !== modelFiles.length) return false;
    for (const name of modelFiles) {
      if (stamp.files[name] !== sha256(await readFile(join(modelDir, name)))) return false;
    }
    for (const [name, bytes] of small) {
      if (sha256(bytes) !== sha256(await readFile(join(modelDir, name)))) return false;
    }
    return true;
  } catch {
    return false;
  }
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** Writes through a temporary file and a rename, so parallel test workers never see half a model. */
async function writeAtomically(path: string, bytes: Uint8Array): Promise<void> {
  const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  await writeFile(tmp, bytes);
  await rename(tmp, path);
}

function isMain(): boolean {
  const entry = process.argv[1];
  // Bundles (benchmarks) inline this module: only the script itself is the entry point.
  return (
    entry !== undefined &&
    /make-test-models\.[cm]?[jt]s$/.test(entry) &&
    import.meta.url === pathToFileURL(resolve(entry)).href
  );
}

if (isMain()) {
  const dir = process.argv[2];
  if (!dir) {
    console.error('usage: tsx scripts/make-test-models.ts <dir>');
    process.exit(2);
  }
  const started = performance.now();
  const models = await makeTestModels(dir);
  console.log(JSON.stringify({ ...models, ms: Math.round(performance.now() - started) }));
}
