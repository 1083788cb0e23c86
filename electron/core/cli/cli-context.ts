import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ParseArgsConfig } from 'node:util';
import { QuireError } from '../../../shared/errors';
import { objectStoreOf } from '../../../shared/library-address';
import { EmbeddingDtypeSchema } from '../../../shared/settings';
import { followWriterIntervalMs } from '../library-settings';
import { defaultDataDir } from '../paths';
import { openSettingsStore } from '../settings/settings-store';

/** Flags every command takes. */
export const SHARED_OPTIONS = {
  data: { type: 'string' },
  json: { type: 'boolean', default: false },
  'model-dir': { type: 'string' },
  'embedding-model': { type: 'string' },
  /** The embedding model's weights: auto (int8 when the model has them), fp32 or q8. */
  'embedding-dtype': { type: 'string' },
  /** Where model downloads come from (a mirror of the Hugging Face hub). */
  hub: { type: 'string' },
  /** Where the library lives: a folder, s3://bucket/prefix or az://container/prefix (default: Settings', else the data folder). */
  library: { type: 'string' },
  /** Opens a library in a bucket without taking its writer's lease. */
  'read-only': { type: 'boolean', default: false },
  /** Allows a plain-HTTP object-store endpoint that is not on this machine. */
  'allow-http': { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const satisfies ParseArgsConfig['options'];

export type CliOutput = {
  json: boolean;
  /** One JSON object per line in --json mode; plain text otherwise. */
  line: (text: string, object?: unknown) => void;
  error: (text: string, object?: unknown) => void;
};

export function createOutput(json: boolean): CliOutput {
  return {
    json,
    line: (text, object) =>
      process.stdout.write(json ? `${JSON.stringify(object ?? { message: text })}\n` : `${text}\n`),
    error: (text, object) =>
      process.stderr.write(
        json ? `${JSON.stringify(object ?? { error: { message: text } })}\n` : `${text}\n`,
      ),
  };
}

export function resolveDataDir(value: string | undefined): string {
  return path.resolve(value ?? process.env.QUIRE_DATA_DIR ?? defaultDataDir());
}

/** Where the built renderer lives, from source (tsx) or from a bundle. */
export function defaultRendererDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  // Nearest first: from out/ (a bundled CLI) or out/main (the app's bundle), else from sources.
  const candidates = [
    path.resolve(here, 'renderer'),
    path.resolve(here, '../renderer'),
    path.resolve(here, '../../../out/renderer'),
  ];
  return (
    process.env.QUIRE_RENDERER_DIR ??
    candidates.find((dir) => fs.existsSync(path.join(dir, 'index.html'))) ??
    candidates.at(-1)!
  );
}

/** The core settings every command reads from the shared flags. */
export function coreOptionsFrom(values: {
  'model-dir'?: string;
  'embedding-model'?: string;
  'embedding-dtype'?: string;
  hub?: string;
  library?: string;
  'read-only'?: boolean;
  'allow-http'?: boolean;
}) {
  const dtype = values['embedding-dtype'];
  const parsed = dtype === undefined ? undefined : EmbeddingDtypeSchema.safeParse(dtype);
  if (parsed && !parsed.success)
    throw new QuireError(
      'invalid_argument',
      `--embedding-dtype takes auto, fp32 or q8, not "${dtype}".`,
    );
  return {
    ...(parsed?.success ? { embeddingDtype: parsed.data } : {}),
    ...(values.hub ? { modelHub: values.hub } : {}),
    ...(values['model-dir'] ? { modelDir: path.resolve(values['model-dir']) } : {}),
    ...(values['embedding-model'] ? { embeddingModel: values['embedding-model'] } : {}),
    ...(values.library ? { library: values.library } : {}),
    ...(values['read-only'] ? { readOnly: true } : {}),
    ...(values['allow-http'] ? { allowHttp: true } : {}),
  };
}

/** How often `serve --read-only` and `mcp` follow the writer of the flag's library, else Settings'. */
export function followWriterMs(library: string | undefined, dataDir: string): number {
  const where = library ?? openSettingsStore({ dataDir }).get().library.location;
  return followWriterIntervalMs(objectStoreOf(where) !== null);
}

/** "1 chunk", "3 chunks". */
export function count(n: number, noun: string): string {
  return `${n.toLocaleString('en-US')} ${noun}${n === 1 ? '' : 's'}`;
}

/** Parser messages speak to the window ("Enter the password"); on the command line, a flag is the way. */
export function forCommandLine(code: string, message: string, name: string): string {
  if (code === 'password_required')
    return `This PDF is protected by a password. Run again with --password "${name}=PASSWORD".`;
  if (code === 'wrong_password')
    return `The password for this PDF is not correct. Run again with the right --password "${name}=PASSWORD".`;
  return message;
}
