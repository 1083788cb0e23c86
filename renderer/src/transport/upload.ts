import type { MethodResult } from '../../../shared/contract';
import type { Result } from '../../../shared/result';
import type { Transport } from '../../../shared/transport';

export type AddResult = MethodResult<'library.add'>;

/** A browser has no file paths: its transport sends the bytes instead. */
export type UploadingTransport = Transport & { upload(file: File): Promise<Result<AddResult>> };

export function canUpload(transport: Transport): transport is UploadingTransport {
  return typeof (transport as Partial<UploadingTransport>).upload === 'function';
}
