// The chat-model catalogue on this machine: what is present, what fits, and downloads that end selected.
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { LanguageModelStatus } from '../../../shared/contract/models';
import { QuireError } from '../../../shared/errors';
import {
  findCatalogEntry,
  LANGUAGE_MODEL_CATALOG,
  type LanguageModelEntry,
} from '../../../shared/model-catalog';
import { downloadKey, type ModelDownloadState } from '../../../shared/models';
import { SYSTEM_STREAM } from '../../../shared/streams';
import { isDownloadUnfinished } from '../embedding/model-location';
import type { Handlers } from '../rpc/dispatch';
import { blankState, type ModelDownloads } from './model-downloads';

/** First choices for a first run: multilingual and quick to fetch, then smaller ones. */
const RECOMMENDED_ORDER = [
  'qwen2.5-1.5b-instruct',
  'llama-3.2-1b-instruct',
  'qwen2.5-0.5b-instruct',
] as const;

export type LanguageModelsOptions = {
  downloads: ModelDownloads;
  /** The GGUF file the provider in settings runs, if it is the embedded one. */
  selectedPath: () => string | null;
  /** Makes the file the embedded provider's model; the next question uses it. */
  select: (modelPath: string) => void;
  /** This machine's memory; tests pass their own. */
  totalMemoryBytes?: number;
};

const keyOf = (id: string) => downloadKey({ kind: 'language', modelId: id });

export class LanguageModels {
  constructor(private readonly options: LanguageModelsOptions) {}

  get totalMemoryBytes(): number {
    return this.options.totalMemoryBytes ?? os.totalmem();
  }

  catalog() {
    const total = this.totalMemoryBytes;
    const selected = this.options.selectedPath();
    const models: LanguageModelStatus[] = LANGUAGE_MODEL_CATALOG.map((entry) => {
      const found = this.locate(entry);
      const target = this.options.downloads.downloadDir;
      return {
        ...entry,
        present: found !== null,
        path: found ?? (target === null ? null : path.join(target, entry.repo, entry.file)),
        fitsInMemory: total >= entry.ramBytes,
        selected: found !== null && selected !== null && path.resolve(selected) === found,
        download: this.options.downloads.latestState(keyOf(entry.id)),
      };
    });
    const fitting = RECOMMENDED_ORDER.find((id) => models.find((m) => m.id === id)?.fitsInMemory);
    return {
      models,
      totalMemoryBytes: total,
      recommendedId: fitting ?? 'qwen2.5-0.5b-instruct',
      hub: this.options.downloads.hubUrl,
    };
  }

  /** The complete GGUF file in a models folder (downloaded or bundled), or null. */
  locate(entry: LanguageModelEntry): string | null {
    for (const dir of this.options.downloads.searchDirs) {
      const file = path.join(dir, entry.repo, entry.file);
      if (existsSync(file) && !isDownloadUnfinished(entry.repo, dir)) return file;
    }
    return null;
  }

  /** Starts (or joins) a download; a model already on disk is selected at once. */
  start(id: string): ModelDownloadState {
    const entry = requireEntry(id);
    const downloads = this.options.downloads;
    const found = this.locate(entry);
    if (found !== null && !downloads.isRunning(keyOf(id))) {
      this.options.select(found);
      return downloads.publish(keyOf(id), {
        ...blankState('language', id),
        state: 'done',
        fraction: 1,
      });
    }
    return downloads.startJob(keyOf(id), {
      kind: 'language',
      modelId: id,
      repo: entry.repo,
      files: [{ path: entry.file, required: true }],
      install: async () => {
        const file = this.locate(entry);
        if (file === null)
          throw new QuireError('internal', `${entry.file} is missing after its download.`);
        this.options.select(file);
        return false;
      },
    });
  }

  cancel(id: string): boolean {
    requireEntry(id);
    return this.options.downloads.cancelJob(keyOf(id));
  }

  settled(id: string): Promise<ModelDownloadState | null> {
    return this.options.downloads.settledJob(keyOf(id));
  }
}

function requireEntry(id: string): LanguageModelEntry {
  const entry = findCatalogEntry(id);
  if (!entry)
    throw new QuireError(
      'invalid_argument',
      `The catalogue has no model "${id}". Known models: ${LANGUAGE_MODEL_CATALOG.map((e) => e.id).join(', ')}.`,
    );
  return entry;
}

type LanguageModelHandlers = Pick<
  Handlers,
  'models.catalog' | 'models.downloadLanguageModel' | 'models.cancelLanguageModel'
>;

export function createLanguageModelHandlers(models: LanguageModels): LanguageModelHandlers {
  return {
    'models.catalog': () => models.catalog(),
    'models.downloadLanguageModel': ({ id }) => ({
      stream: SYSTEM_STREAM,
      state: models.start(id),
    }),
    'models.cancelLanguageModel': ({ id }) => ({ cancelled: models.cancel(id) }),
  };
}
