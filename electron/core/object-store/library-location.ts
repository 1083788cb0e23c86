// Where a library lives: a local folder, or a prefix in an S3-compatible bucket.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { QuireError } from '../../../shared/errors';
import { isLoopbackHost } from '../../../shared/loopback';

export type S3Credentials = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };

export type LocalLibraryLocation = { kind: 'local'; dir: string };

export type S3LibraryLocation = {
  kind: 's3';
  /** Canonical form, `s3://bucket` or `s3://bucket/prefix`, for messages and for LanceDB. */
  uri: string;
  bucket: string;
  /** Without leading or trailing slashes; '' for the whole bucket. */
  prefix: string;
  region: string;
  /** An S3-compatible service (MinIO, R2, ...), origin only; null for AWS itself. */
  endpoint: string | null;
  /** Null: the SDK's and Lance's own credential chains (profiles, SSO, instance roles) decide. */
  credentials: S3Credentials | null;
  /** True when the endpoint speaks plain HTTP (a loopback one, or one the user allowed). */
  allowHttp: boolean;
};

export type LibraryLocation = LocalLibraryLocation | S3LibraryLocation;

const DEFAULT_REGION = 'us-east-1';
// Two letters at least, so that a Windows drive (C:\, C:/) is never read as a scheme.
const SCHEME = /^([a-z][a-z0-9+.-]+):\/\//i;
// S3's naming rules, plus the underscore that GCS's S3 interoperability allows.
const BUCKET_NAME = /^[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]$/;
const OTHER_CLOUDS = new Set(['gs', 'gcs', 'az', 'azure', 'abfs', 'abfss', 'adl']);

/**
 * Reads a library address: a folder (relative, absolute or file://) or s3://bucket/prefix.
 * Endpoint, region and credentials come from the standard AWS_* variables in `env`.
 */
export function parseLibraryLocation(
  input: string,
  env: NodeJS.ProcessEnv,
  options: { allowHttp?: boolean } = {},
): LibraryLocation {
  const text = input.trim();
  if (text === '') throw invalid('The library location is empty.');
  const scheme = SCHEME.exec(text)?.[1]?.toLowerCase();
  if (scheme === undefined) return { kind: 'local', dir: path.resolve(text) };
  if (scheme === 'file') return { kind: 'local', dir: localPathOf(text) };
  if (scheme === 's3') return parseS3(text, env, options.allowHttp ?? false);
  if (OTHER_CLOUDS.has(scheme))
    throw invalid(
      `${scheme}:// libraries are not supported yet: only s3:// is, with AWS or any S3-compatible ` +
        'service (MinIO, Cloudflare R2, or Google Cloud Storage through its S3 interoperability ' +
        'endpoint, set in AWS_ENDPOINT_URL_S3).',
    );
  throw invalid(
    `Unknown library location "${text}": use a folder, a file:// URL or s3://bucket/prefix.`,
  );
}

/** The `storageOptions` LanceDB's connect() needs to reach this location (none for a folder). */
export function lanceStorageOptions(location: LibraryLocation): Record<string, string> {
  if (location.kind === 'local') return {};
  const options: Record<string, string> = { aws_region: location.region };
  if (location.endpoint !== null) {
    options.aws_endpoint = location.endpoint;
    // object_store's default, stated because a virtual-hosted request to an IP or a
    // localhost endpoint puts the bucket in a host name that does not resolve.
    options.aws_virtual_hosted_style_request = 'false';
  }
  if (location.allowHttp) options.allow_http = 'true';
  if (location.credentials) {
    options.aws_access_key_id = location.credentials.accessKeyId;
    options.aws_secret_access_key = location.credentials.secretAccessKey;
    if (location.credentials.sessionToken)
      options.aws_session_token = location.credentials.sessionToken;
  }
  return options;
}

function parseS3(
  text: string,
  env: NodeJS.ProcessEnv,
  allowHttpOption: boolean,
): S3LibraryLocation {
  const rest = text.slice('s3://'.length);
  if (/[?#]/.test(rest))
    throw invalid(`"${text}" has a query or fragment; an S3 library is s3://bucket/prefix.`);
  const [bucket = '', ...parts] = rest.split('/');
  if (bucket === '') throw invalid(`"${text}" names no bucket: write s3://bucket/prefix.`);
  if (!BUCKET_NAME.test(bucket))
    throw invalid(
      `"${bucket}" is not a valid bucket name: 3 to 63 lowercase letters, digits, dots or hyphens.`,
    );
  const segments = parts.filter((part) => part !== '');
  if (segments.some((part) => part === '.' || part === '..'))
    throw invalid(`"${text}" has a "." or ".." in its prefix; S3 keys have no relative parts.`);
  const prefix = segments.join('/');
  const endpoint = endpointFrom(env);
  const usesHttp = endpoint !== null && endpoint.protocol === 'http:';
  if (usesHttp && !isLoopbackHost(endpoint.hostname) && !allowHttpOption)
    throw invalid(
      `The storage endpoint ${endpoint.origin} uses plain http, which sends the library and ` +
        'request signatures unencrypted. Use https, or allow http explicitly with --allow-http ' +
        '(a trusted private network only).',
    );
  return {
    kind: 's3',
    uri: prefix === '' ? `s3://${bucket}` : `s3://${bucket}/${prefix}`,
    bucket,
    prefix,
    region: nonEmpty(env.AWS_REGION) ?? nonEmpty(env.AWS_DEFAULT_REGION) ?? DEFAULT_REGION,
    endpoint: endpoint?.origin ?? null,
    credentials: credentialsFrom(env),
    allowHttp: usesHttp,
  };
}

function endpointFrom(env: NodeJS.ProcessEnv): URL | null {
  const name = nonEmpty(env.AWS_ENDPOINT_URL_S3) ? 'AWS_ENDPOINT_URL_S3' : 'AWS_ENDPOINT_URL';
  const raw = nonEmpty(env[name]);
  if (raw === undefined) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalid(`${name} is not a URL: "${raw}".`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw invalid(`${name} must be an http(s) URL, not "${raw}".`);
  if (url.pathname !== '/' || url.search !== '' || url.username !== '')
    throw invalid(
      `${name} must be the service's address alone (like https://minio.example:9000), not "${raw}".`,
    );
  return url;
}

function credentialsFrom(env: NodeJS.ProcessEnv): S3Credentials | null {
  const accessKeyId = nonEmpty(env.AWS_ACCESS_KEY_ID);
  const secretAccessKey = nonEmpty(env.AWS_SECRET_ACCESS_KEY);
  if (accessKeyId === undefined && secretAccessKey === undefined) return null;
  if (accessKeyId === undefined || secretAccessKey === undefined)
    throw invalid(
      `${accessKeyId === undefined ? 'AWS_ACCESS_KEY_ID' : 'AWS_SECRET_ACCESS_KEY'} is missing: ` +
        'set both AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or neither to use an AWS profile.',
    );
  const sessionToken = nonEmpty(env.AWS_SESSION_TOKEN);
  return sessionToken === undefined
    ? { accessKeyId, secretAccessKey }
    : { accessKeyId, secretAccessKey, sessionToken };
}

function localPathOf(text: string): string {
  try {
    return path.resolve(fileURLToPath(text));
  } catch (error) {
    throw new QuireError('invalid_argument', `"${text}" is not a usable file:// URL.`, {
      cause: error,
    });
  }
}

const nonEmpty = (value: string | undefined) =>
  value === undefined || value.trim() === '' ? undefined : value.trim();

const invalid = (message: string) => new QuireError('invalid_argument', message);
