import type { LibraryStatus } from '../../../../shared/contract/settings';
import {
  checkLibraryAddress,
  objectStoreOf,
  schemeOf,
  type LibraryField,
} from '../../../../shared/library-address';
import type { LibrarySettings } from '../../../../shared/settings';

/** The three places Settings offers: the data folder, another folder, a bucket (or container). */
export type LibraryKind = 'default' | 'folder' | 'bucket';

/** Any scheme but file:// is a bucket's address, so its error shows where it was typed. */
export function libraryKindOf(location: string): LibraryKind {
  const text = location.trim();
  if (text === '') return 'default';
  const scheme = schemeOf(text);
  return scheme === undefined || scheme === 'file' ? 'folder' : 'bucket';
}

/** The service a bucket address names: S3 (or an S3-compatible one), or Azure Blob Storage. */
export type BucketService = 's3' | 'azure';

export function bucketServiceOf(location: string): BucketService {
  return objectStoreOf(location) === 'azure' ? 'azure' : 's3';
}

/** What the bucket's fields are called, and what they ask, for each service. */
export type BucketWords = {
  /** What holds the library: a bucket or a container. */
  place: string;
  endpoint: { label: string; placeholder: string; hint: string };
  /** S3 only: Azure has no region to set. */
  hasRegion: boolean;
  /** `name` is how a sentence calls it. */
  keyId: { label: string; name: string; placeholder: string };
  secret: { label: string; placeholder: string; noun: 'secret' | 'key' };
  /** The variables that hold the keys when no keychain keeps them across a restart. */
  environment: string;
};

export const BUCKET_WORDS: Record<BucketService, BucketWords> = {
  s3: {
    place: 'bucket',
    endpoint: {
      label: 'Endpoint',
      placeholder: 'Empty for AWS S3',
      hint: "Another service's address, e.g. https://minio.example:9000.",
    },
    hasRegion: true,
    keyId: {
      label: 'Access key ID',
      name: 'access key ID',
      placeholder: 'Empty: the AWS_* variables or your AWS profile',
    },
    secret: {
      label: 'Secret access key',
      placeholder: 'Paste the secret access key',
      noun: 'secret',
    },
    environment: 'AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY',
  },
  azure: {
    place: 'container',
    endpoint: {
      label: 'Blob service address',
      placeholder: 'https://ACCOUNT.blob.core.windows.net',
      hint: 'Empty for Azure itself. Azurite: http://127.0.0.1:10000/devstoreaccount1.',
    },
    hasRegion: false,
    keyId: {
      label: 'Storage account',
      name: 'storage account',
      placeholder: 'Empty: the AZURE_STORAGE_* variables',
    },
    secret: { label: 'Account key', placeholder: 'Paste the account key', noun: 'key' },
    environment: 'AZURE_STORAGE_ACCOUNT_NAME and AZURE_STORAGE_ACCOUNT_KEY',
  },
};

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
          ? 'Type the address, like s3://my-bucket/quire or az://my-container/quire. Until then the library stays in the data folder.'
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

/** A secret stored and a key ID (or storage account) typed go together; says which is missing. */
export function secretHint(
  library: LibrarySettings,
  stored: boolean,
  typed: boolean,
): string | null {
  const keyId = (library.accessKeyId ?? '').trim() !== '';
  const azure = bucketServiceOf(library.location) === 'azure';
  if (keyId && !stored && !typed)
    return azure
      ? 'Needed with the storage account: Quire cannot open the container without it.'
      : 'Needed with the access key ID: Quire cannot open the bucket without it.';
  if (!keyId && stored)
    return azure
      ? 'Quire uses the stored key only with a storage account: type it above.'
      : 'Quire uses the stored secret only with an access key ID: type it above.';
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
