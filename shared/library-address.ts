// Settings' library address, checked as it is typed. The rules are the core's
// (electron/core/object-store/library-location.ts, which parses the address when Quire starts):
// the scheme and the name patterns are shared from here; the checks are repeated in Settings'
// words, as the renderer cannot import the core, and a test
// (electron/core/library-settings.test.ts) keeps both in step.
import { isLoopbackHost } from './loopback';
import type { LibrarySettings } from './settings';

export type LibraryAddress =
  | { kind: 'default' }
  | { kind: 'folder'; path: string }
  | { kind: 's3'; uri: string; bucket: string; prefix: string }
  | { kind: 'azure'; uri: string; container: string; prefix: string };

/** The field a problem belongs to, so the form shows it there ('account' is accessKeyId). */
export type LibraryField = 'location' | 'endpoint' | 'region' | 'account';

export type LibraryAddressCheck =
  { ok: true; address: LibraryAddress } | { ok: false; field: LibraryField; message: string };

// Two letters at least, so that a Windows drive (C:\, C:/) is never read as a scheme.
const SCHEME = /^([a-z][a-z0-9+.-]+):\/\//i;
/** S3's naming rules, plus the underscore that GCS's S3 interoperability allows. */
export const BUCKET_NAME = /^[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]$/;
/** Azure's rules: no dots or underscores, and no two hyphens in a row. */
export const CONTAINER_NAME = /^(?!.*--)[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;
export const ACCOUNT_NAME = /^[a-z0-9]{3,24}$/;
const GOOGLE_CLOUD = new Set(['gs', 'gcs']);
const AZURE_DATA_LAKE = new Set(['abfs', 'abfss', 'adl']);
const REGION = /^[A-Za-z0-9._-]{1,64}$/;
const ABSOLUTE = /^(\/|\\\\|[A-Za-z]:[\\/])/;

/** An address's scheme, lowercased (`s3`, `az`, `file` …); undefined for a plain path. */
export function schemeOf(address: string): string | undefined {
  return SCHEME.exec(address.trim())?.[1]?.toLowerCase();
}

/** The object store an address names, or null for a folder or an unknown scheme. */
export function objectStoreOf(address: string): 's3' | 'azure' | null {
  const scheme = schemeOf(address);
  return scheme === 's3' ? 's3' : scheme === 'az' || scheme === 'azure' ? 'azure' : null;
}

/** The library settings as Quire will read them at the next start, or what is wrong with them. */
export function checkLibraryAddress(library: LibrarySettings): LibraryAddressCheck {
  const text = library.location.trim();
  if (text === '') return { ok: true, address: { kind: 'default' } };
  const scheme = schemeOf(text);
  if (scheme === undefined) {
    if (!ABSOLUTE.test(text))
      return location(`Write the folder's full path, like /home/me/Quire library.`);
    return { ok: true, address: { kind: 'folder', path: text } };
  }
  if (scheme === 'file') {
    if (!/^file:\/\/(localhost)?\//i.test(text) && !/^file:\/\/\/?[A-Za-z]:/i.test(text))
      return location(`"${text}" is not a usable file:// address; write the folder's path.`);
    return { ok: true, address: { kind: 'folder', path: text } };
  }
  if (scheme === 's3') return checkS3(text, library);
  if (scheme === 'az' || scheme === 'azure') return checkAzure(text, scheme, library);
  if (GOOGLE_CLOUD.has(scheme))
    return location(
      `${scheme}:// libraries are not supported. Google Cloud Storage works as an S3 bucket: ` +
        'write s3://bucket/prefix, with https://storage.googleapis.com as the endpoint and an ' +
        'HMAC key as the access key.',
    );
  if (AZURE_DATA_LAKE.has(scheme))
    return location(`${scheme}:// addresses are not supported: write az://container/prefix.`);
  return location(
    `Use a folder's path, s3://bucket/prefix or az://container/prefix, not ${scheme}://.`,
  );
}

function checkS3(text: string, library: LibrarySettings): LibraryAddressCheck {
  const rest = text.slice('s3://'.length);
  if (/[?#]/.test(rest)) return location('Remove the ? or #: the address is s3://bucket/prefix.');
  const [bucket = '', ...parts] = rest.split('/');
  if (bucket === '') return location('Name the bucket: s3://bucket/prefix.');
  if (!BUCKET_NAME.test(bucket))
    return location(
      `"${bucket}" is not a valid bucket name: 3 to 63 lowercase letters, digits, dots or hyphens, ` +
        'starting and ending with a letter or digit.',
    );
  const prefix = prefixOf(parts);
  if (prefix === null) return location('The prefix cannot hold "." or ".." parts.');
  const endpoint = checkS3Endpoint(library);
  if (endpoint) return { ok: false, field: 'endpoint', message: endpoint };
  const region = library.region?.trim() ?? '';
  if (region !== '' && !REGION.test(region))
    return {
      ok: false,
      field: 'region',
      message: `"${region}" is not a region name (like eu-west-1 or auto).`,
    };
  const uri = prefix === '' ? `s3://${bucket}` : `s3://${bucket}/${prefix}`;
  return { ok: true, address: { kind: 's3', uri, bucket, prefix } };
}

/** An Azure container; the region does not apply, and accessKeyId is the storage account. */
function checkAzure(text: string, scheme: string, library: LibrarySettings): LibraryAddressCheck {
  const rest = text.slice(scheme.length + '://'.length);
  if (/[?#]/.test(rest))
    return location('Remove the ? or #: the address is az://container/prefix.');
  const [container = '', ...parts] = rest.split('/');
  if (container === '') return location('Name the container: az://container/prefix.');
  if (container.includes('@'))
    return location(
      `Write the container alone, az://${container.split('@')[0]}/prefix, and the account below.`,
    );
  if (!CONTAINER_NAME.test(container))
    return location(
      `"${container}" is not a valid container name: 3 to 63 lowercase letters, digits or ` +
        'single hyphens, starting and ending with a letter or digit.',
    );
  const prefix = prefixOf(parts);
  if (prefix === null) return location('The prefix cannot hold "." or ".." parts.');
  const account = library.accessKeyId?.trim() ?? '';
  if (account !== '' && !ACCOUNT_NAME.test(account))
    return {
      ok: false,
      field: 'account',
      message: `"${account}" is not a storage account name: 3 to 24 lowercase letters or digits.`,
    };
  const endpoint = checkAzureEndpoint(library);
  if (endpoint) return { ok: false, field: 'endpoint', message: endpoint };
  const uri = prefix === '' ? `az://${container}` : `az://${container}/${prefix}`;
  return { ok: true, address: { kind: 'azure', uri, container, prefix } };
}

/** The prefix without empty parts, or null when it holds "." or "..". */
function prefixOf(parts: string[]): string | null {
  const segments = parts.filter((part) => part !== '');
  if (segments.some((part) => part === '.' || part === '..')) return null;
  return segments.join('/');
}

/** What is wrong with the endpoint, or null (none set means AWS itself). */
function checkS3Endpoint(library: LibrarySettings): string | null {
  const url = endpointOf(library, 'The endpoint', 'https://minio.example:9000');
  if (typeof url === 'string' || url === null) return url;
  if (url.pathname !== '/' || url.search !== '' || url.username !== '')
    return `Write the service's address alone, like ${url.protocol}//${url.host}, without a path.`;
  return plainHttpProblem(url, library);
}

/** What is wrong with the blob service address, which may end in a path (Azurite's does). */
function checkAzureEndpoint(library: LibrarySettings): string | null {
  const url = endpointOf(
    library,
    'The blob service address',
    'https://ACCOUNT.blob.core.windows.net',
  );
  if (typeof url === 'string' || url === null) return url;
  if (url.search !== '' || url.username !== '')
    return `Write the blob service address alone, like ${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}.`;
  return plainHttpProblem(url, library);
}

/** The endpoint as a URL, null when none is set, or what is wrong with it. */
function endpointOf(library: LibrarySettings, name: string, example: string): URL | string | null {
  const raw = library.endpoint?.trim() ?? '';
  if (raw === '') return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return `"${raw}" is not an address; write it like ${example}.`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return `${name} starts with https:// (or http:// on a trusted network).`;
  return url;
}

function plainHttpProblem(url: URL, library: LibrarySettings): string | null {
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname) && !library.allowHttp)
    return (
      `${url.origin} uses plain http, which sends the library and request signatures ` +
      'unencrypted. Use https, or switch on "Allow plain HTTP" (a trusted private network only).'
    );
  return null;
}

const location = (message: string): LibraryAddressCheck => ({
  ok: false,
  field: 'location',
  message,
});
