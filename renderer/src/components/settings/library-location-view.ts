import type { LibraryStatus } from '../../../../shared/contract/settings';
import { checkLibraryAddress, type LibraryField } from '../../../../shared/library-address';
import type { LibrarySettings } from '../../../../shared/settings';

/** The three places Settings offers: the data folder, another folder, a bucket. */
export type LibraryKind = 'default' | 'folder' | 'bucket';

export function libraryKindOf(location: string): LibraryKind {
  const text = location.trim();
  if (text === '') return 'default';
  return /^s3:\/\//i.test(text) ? 'bucket' : 'folder';
}

/** What is wrong with the library as typed, under the field it belongs to; null when nothing. */
export function libraryProblem(
  library: LibrarySettings,
  kind: LibraryKind,
): { field: LibraryField; message: string } | null {
  if (kind === 'default') return null;
  if (library.location.trim() === '')
    return {
      field: 'location',
      message:
        kind === 'bucket'
          ? 'Type the address, like s3://my-bucket/quire. Until then the library stays in the data folder.'
          : "Type the folder's full path. Until then the library stays in the data folder.",
    };
  const checked = checkLibraryAddress(library);
  return checked.ok ? null : { field: checked.field, message: checked.message };
}

/** A sentence on where the open library's address came from, or null when Settings chose it. */
export function openLibraryNote(status: LibraryStatus): string | null {
  if (status.source === 'flag')
    return 'Chosen for this run with --library; what you set here applies when Quire starts without it.';
  if (status.source === 'default') return "This computer's data folder.";
  return null;
}

/** Whether a saved library change waits for the next start. */
export function libraryPending(pendingRestart: readonly string[] | undefined): boolean {
  return (pendingRestart ?? []).some((label) => label.startsWith('library '));
}

/** A secret stored and a key ID typed go together; says which half is missing. */
export function secretHint(
  library: LibrarySettings,
  stored: boolean,
  typed: boolean,
): string | null {
  const keyId = (library.accessKeyId ?? '').trim() !== '';
  if (keyId && !stored && !typed)
    return 'Needed with the access key ID: Quire cannot open the bucket without it.';
  if (!keyId && stored)
    return 'Quire uses the stored secret only with an access key ID: type it above.';
  return null;
}

/** Empty text fields are left out of the settings, as if never set. */
export function withField(
  library: LibrarySettings,
  field: 'endpoint' | 'region' | 'accessKeyId',
  value: string,
): LibrarySettings {
  const { [field]: _old, ...rest } = library;
  return value.trim() === '' ? rest : { ...rest, [field]: value };
}
