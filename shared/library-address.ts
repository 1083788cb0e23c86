// Settings' library address, checked as it is typed. The rules are the core's
// (electron/core/object-store/library-location.ts, which parses the address when Quire starts);
// the renderer cannot import the core, so they are repeated here in Settings' words, and a test
// (electron/core/library-settings.test.ts) keeps both in step.
import { isLoopbackHost } from './loopback';
import type { LibrarySettings } from './settings';

export type LibraryAddress =
  | { kind: 'default' }
  | { kind: 'folder'; path: string }
  | { kind: 's3'; uri: string; bucket: string; prefix: string };

/** The field a problem belongs to, so the form shows it there. */
export type LibraryField = 'location' | 'endpoint' | 'region';

export type LibraryAddressCheck =
  { ok: true; address: LibraryAddress } | { ok: false; field: LibraryField; message: string };

// Two letters at least, so that a Windows drive (C:\, C:/) is never read as a scheme.
const SCHEME = /^([a-z][a-z0-9+.-]+):\/\//i;
const BUCKET_NAME = /^[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]$/;
const OTHER_CLOUDS = new Set(['gs', 'gcs', 'az', 'azure', 'abfs', 'abfss', 'adl']);
const REGION = /^[A-Za-z0-9._-]{1,64}$/;
const ABSOLUTE = /^(\/|\\\\|[A-Za-z]:[\\/])/;

/** The library settings as Quire will read them at the next start, or what is wrong with them. */
export function checkLibraryAddress(library: LibrarySettings): LibraryAddressCheck {
  const text = library.location.trim();
  if (text === '') return { ok: true, address: { kind: 'default' } };
  const scheme = SCHEME.exec(text)?.[1]?.toLowerCase();
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
  if (OTHER_CLOUDS.has(scheme))
    return location(
      `${scheme}:// libraries are not supported yet. Use s3://, with the service's S3 ` +
        'endpoint below (Google Cloud Storage has one: https://storage.googleapis.com).',
    );
  if (scheme !== 's3')
    return location(`Use a folder's path or s3://bucket/prefix, not ${scheme}://.`);
  const s3 = checkS3(text);
  if (!s3.ok) return s3;
  const endpoint = checkEndpoint(library);
  if (endpoint) return { ok: false, field: 'endpoint', message: endpoint };
  const region = library.region?.trim() ?? '';
  if (region !== '' && !REGION.test(region))
    return {
      ok: false,
      field: 'region',
      message: `"${region}" is not a region name (like eu-west-1 or auto).`,
    };
  return s3;
}

function checkS3(text: string): LibraryAddressCheck {
  const rest = text.slice('s3://'.length);
  if (/[?#]/.test(rest)) return location('Remove the ? or #: the address is s3://bucket/prefix.');
  const [bucket = '', ...parts] = rest.split('/');
  if (bucket === '') return location('Name the bucket: s3://bucket/prefix.');
  if (!BUCKET_NAME.test(bucket))
    return location(
      `"${bucket}" is not a valid bucket name: 3 to 63 lowercase letters, digits, dots or hyphens, ` +
        'starting and ending with a letter or digit.',
    );
  const segments = parts.filter((part) => part !== '');
  if (segments.some((part) => part === '.' || part === '..'))
    return location('The prefix cannot hold "." or ".." parts.');
  const prefix = segments.join('/');
  return {
    ok: true,
    address: {
      kind: 's3',
      uri: prefix === '' ? `s3://${bucket}` : `s3://${bucket}/${prefix}`,
      bucket,
      prefix,
    },
  };
}

/** What is wrong with the endpoint, or null (none set means AWS itself). */
function checkEndpoint(library: LibrarySettings): string | null {
  const raw = library.endpoint?.trim() ?? '';
  if (raw === '') return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return `"${raw}" is not an address; write it like https://minio.example:9000.`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return 'The endpoint starts with https:// (or http:// on a trusted network).';
  if (url.pathname !== '/' || url.search !== '' || url.username !== '')
    return `Write the service's address alone, like ${url.protocol}//${url.host}, without a path.`;
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
