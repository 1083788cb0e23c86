import { readFile, stat } from 'node:fs/promises';
import { QuireError } from '../../../shared/errors';

export const DEFAULT_MAX_BYTES = 200 * 1024 * 1024;

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new QuireError('cancelled', 'Indexing of this file was cancelled.');
}

function formatMb(bytes: number): string {
  return `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB`;
}

function fsError(error: unknown): QuireError | null {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ENOENT' || code === 'ENOTDIR') {
    return new QuireError(
      'file_missing',
      'This file no longer exists. It may have been moved or deleted.',
      { cause: error },
    );
  }
  if (code === 'EACCES' || code === 'EPERM') {
    return new QuireError(
      'forbidden',
      'Quire is not allowed to read this file. Check its permissions.',
      { cause: error },
    );
  }
  if (code === 'ABORT_ERR')
    return new QuireError('cancelled', 'Indexing of this file was cancelled.', { cause: error });
  return null;
}

/** Reads a whole file, refusing missing, empty and oversized files before reading them. */
export async function readFileBounded(
  path: string,
  maxBytes: number,
  signal?: AbortSignal,
): Promise<Uint8Array> {
  throwIfAborted(signal);
  let size: number;
  try {
    const info = await stat(path);
    if (info.isDirectory())
      throw new QuireError('unsupported_type', 'This is a folder, not a file.');
    size = info.size;
  } catch (error) {
    throw fsError(error) ?? error;
  }
  if (size > maxBytes) throw tooLarge(size, maxBytes);
  if (size === 0) throw new QuireError('empty_file', 'This file is empty.');
  let bytes: Uint8Array;
  try {
    const buffer = await readFile(path, signal ? { signal } : {});
    // A plain view: pdfjs refuses Buffer instances.
    bytes = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  } catch (error) {
    throw fsError(error) ?? error;
  }
  // The file may have grown between stat and read.
  if (bytes.byteLength > maxBytes) throw tooLarge(bytes.byteLength, maxBytes);
  if (bytes.byteLength === 0) throw new QuireError('empty_file', 'This file is empty.');
  return bytes;
}

function tooLarge(size: number, maxBytes: number): QuireError {
  return new QuireError(
    'too_large',
    `This file is ${formatMb(size)}, more than the ${formatMb(maxBytes)} limit. Raise the limit in settings or split the file.`,
  );
}
