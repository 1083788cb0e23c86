// The documents' own files, for a library in a bucket: a citation must open its page on every
// home, and another home does not have the writer's files. The writer copies each ready
// document's file into the bucket; a reader fetches a copy the first time it opens one.
import fs from 'node:fs';
import path from 'node:path';
import type { DocumentRecord } from './library/document-registry';
import type { ObjectBucket } from './object-store';

const FILES_PREFIX = '_quire/files/';
const OCR_PREFIX = '_quire/ocr/';

/** The version of a document's file that was indexed: a re-indexed file gets a new object. */
const versionOf = (doc: Pick<DocumentRecord, 'mtimeMs' | 'size'>) =>
  `${Math.trunc(doc.mtimeMs)}-${doc.size}`;
const keyOf = (doc: DocumentRecord) => `${FILES_PREFIX}${doc.id}/${versionOf(doc)}`;
/** A scanned document's OCR word boxes travel beside its file, so citations mark the words. */
const ocrKeyOf = (fileKey: string) => `${OCR_PREFIX}${fileKey.slice(FILES_PREFIX.length)}.json`;

export type RegistryView = { readonly version: number; all(): DocumentRecord[] };

/**
 * Copies of the documents' files in the bucket, kept by the writer (`sync`) and read by any
 * home (`localFile`). Keys are `_quire/files/<document id>/<mtime>-<size>`.
 */
export class DocumentFileCopies {
  /** Document id → the key of its copy in the bucket. */
  private shipped: Map<string, string> | null = null;
  private seenVersion = -1;
  private readonly missing = new Set<string>();

  constructor(
    private readonly bucket: ObjectBucket,
    /** Where a reader keeps the copies it fetched. */
    private readonly cacheDir: string,
    /** The library's OCR word boxes, one `<document id>.json` each (indexing/ocr-cache.ts). */
    private readonly ocrDir: string,
    private readonly log: (level: 'warn', message: string) => void,
  ) {}

  /**
   * Uploads the files of ready documents that have no copy of their version yet and deletes
   * the copies of documents that are gone. Cheap when the registry has not changed. With
   * `until` (a time in ms) it stops uploading then; returns how many files it left uncopied.
   */
  async sync(registry: RegistryView, options: { until?: number } = {}): Promise<number> {
    if (registry.version === this.seenVersion) return 0;
    const version = registry.version;
    const shipped = await this.shippedCopies();
    const all = registry.all();
    const known = new Set(all.map((doc) => doc.id));
    const live = new Map<string, DocumentRecord>();
    for (const doc of all) if (doc.status === 'ready') live.set(doc.id, doc);
    let complete = true;
    let left = 0;
    for (const doc of live.values()) {
      const key = keyOf(doc);
      if (shipped.get(doc.id) === key) continue;
      if (options.until !== undefined && Date.now() > options.until) {
        complete = false;
        left++;
        continue;
      }
      const bytes = await readIfSame(doc);
      if (!bytes) {
        // Moved or changed since it was indexed: its next indexing ships the new version.
        if (!this.missing.has(key)) this.log('warn', `not copied to the bucket: ${doc.path}`);
        this.missing.add(key);
        continue;
      }
      try {
        await this.bucket.putBytes(key, bytes);
        const ocr = readOptional(path.join(this.ocrDir, `${doc.id}.json`));
        if (ocr) await this.bucket.putBytes(ocrKeyOf(key), ocr);
      } catch (error) {
        complete = false;
        left++;
        this.log('warn', `copying ${doc.name} to the bucket failed: ${String(error)}`);
        continue;
      }
      const old = shipped.get(doc.id);
      shipped.set(doc.id, key);
      if (old) await this.deleteCopy(old);
    }
    for (const [id, key] of [...shipped]) {
      // A document being indexed again keeps its old copy until the new one is shipped.
      if (known.has(id)) continue;
      await this.deleteCopy(key);
      shipped.delete(id);
    }
    if (complete) this.seenVersion = version;
    return left;
  }

  /**
   * A path this home can read the document's file at: the original when it is here and
   * unchanged, else the bucket's copy, fetched once. Null when neither exists.
   */
  async localFile(doc: DocumentRecord): Promise<string | null> {
    if (await readable(doc)) return doc.path;
    const cached = path.join(this.cacheDir, doc.id, `${versionOf(doc)}${path.extname(doc.path)}`);
    if (fs.existsSync(cached)) return cached;
    const bytes = await this.bucket.getBytes(keyOf(doc));
    if (!bytes) return null;
    const ocr = await this.bucket.getBytes(ocrKeyOf(keyOf(doc)));
    if (ocr) writeWhole(path.join(this.ocrDir, `${doc.id}.json`), ocr);
    fs.mkdirSync(path.dirname(cached), { recursive: true });
    // Other versions of this document's file are stale now.
    for (const name of fs.readdirSync(path.dirname(cached)))
      fs.rmSync(path.join(path.dirname(cached), name), { force: true });
    writeWhole(cached, bytes);
    return cached;
  }

  private async deleteCopy(key: string): Promise<void> {
    await this.bucket.delete(key).catch(() => undefined);
    await this.bucket.delete(ocrKeyOf(key)).catch(() => undefined);
  }

  private async shippedCopies(): Promise<Map<string, string>> {
    if (this.shipped) return this.shipped;
    const shipped = new Map<string, string>();
    for (const key of await this.bucket.list(FILES_PREFIX)) {
      const id = key.slice(FILES_PREFIX.length).split('/')[0];
      if (id) shipped.set(id, key);
    }
    this.shipped = shipped;
    return shipped;
  }
}

function readOptional(file: string): Buffer | null {
  try {
    return fs.readFileSync(file);
  } catch {
    return null;
  }
}

function writeWhole(file: string, bytes: Buffer): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.tmp`;
  fs.writeFileSync(temp, bytes);
  fs.renameSync(temp, file);
}

/** The file's bytes if it is still the version that was indexed. */
async function readIfSame(doc: DocumentRecord): Promise<Buffer | null> {
  if (!(await readable(doc))) return null;
  try {
    return await fs.promises.readFile(doc.path);
  } catch {
    return null;
  }
}

async function readable(doc: DocumentRecord): Promise<boolean> {
  try {
    const stat = await fs.promises.stat(doc.path);
    return stat.isFile() && versionOf(stat) === versionOf(doc);
  } catch {
    return false;
  }
}
