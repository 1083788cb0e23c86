// Where a library lives: a local folder, a prefix in an S3-compatible bucket, or a prefix in an
// Azure Blob Storage container.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { QuireError } from '../../../shared/errors';
import {
  ACCOUNT_NAME,
  BUCKET_NAME,
  CONTAINER_NAME,
  schemeOf,
} from '../../../shared/library-address';
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

/** A shared key or a SAS token; Microsoft Entra sign-in is not supported. */
export type AzureCredentials = { accountKey: string } | { sasToken: string };

export type AzureLibraryLocation = {
  kind: 'azure';
  /** Canonical form, `az://container` or `az://container/prefix`. */
  uri: string;
  /** The container; named `bucket` so that code common to both stores reads the same. */
  bucket: string;
  prefix: string;
  account: string;
  /** The account's blob service address, like https://acct.blob.core.windows.net. */
  endpoint: string;
  credentials: AzureCredentials;
  allowHttp: boolean;
};

/** A library in object storage, whichever service holds it. */
export type ObjectLibraryLocation = S3LibraryLocation | AzureLibraryLocation;

export type LibraryLocation = LocalLibraryLocation | ObjectLibraryLocation;

const DEFAULT_REGION = 'us-east-1';
const GOOGLE_CLOUD = new Set(['gs', 'gcs']);
const AZURE_DATA_LAKE = new Set(['abfs', 'abfss', 'adl']);

/**
 * Reads a library address: a folder (relative, absolute or file://), s3://bucket/prefix or
 * az://container/prefix. An S3 library's endpoint, region and credentials come from the
 * standard AWS_* variables in `env`, an Azure one's from the AZURE_STORAGE_* variables.
 */
export function parseLibraryLocation(
  input: string,
  env: NodeJS.ProcessEnv,
  options: { allowHttp?: boolean } = {},
): LibraryLocation {
  const text = input.trim();
  if (text === '') throw invalid('The library location is empty.');
  const scheme = schemeOf(text);
  if (scheme === undefined) return { kind: 'local', dir: path.resolve(text) };
  if (scheme === 'file') return { kind: 'local', dir: localPathOf(text) };
  if (scheme === 's3') return parseS3(text, env, options.allowHttp ?? false);
  if (scheme === 'az' || scheme === 'azure')
    return parseAzure(text, scheme, env, options.allowHttp ?? false);
  if (GOOGLE_CLOUD.has(scheme))
    throw invalid(
      `${scheme}:// libraries are not supported yet. Google Cloud Storage works as an S3 ` +
        'library: write s3://bucket/prefix, set AWS_ENDPOINT_URL_S3 to ' +
        'https://storage.googleapis.com and use an HMAC key as AWS_ACCESS_KEY_ID and ' +
        'AWS_SECRET_ACCESS_KEY.',
    );
  if (AZURE_DATA_LAKE.has(scheme))
    throw invalid(
      `${scheme}:// addresses are not supported: write the container as az://container/prefix, ` +
        'with the account in AZURE_STORAGE_ACCOUNT_NAME.',
    );
  throw invalid(
    `Unknown library location "${text}": use a folder, a file:// URL, s3://bucket/prefix or ` +
      'az://container/prefix.',
  );
}

/** The `storageOptions` LanceDB's connect() needs to reach this location (none for a folder). */
export function lanceStorageOptions(location: LibraryLocation): Record<string, string> {
  if (location.kind === 'local') return {};
  if (location.kind === 'azure') return azureStorageOptions(location);
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

function azureStorageOptions(location: AzureLibraryLocation): Record<string, string> {
  const options: Record<string, string> = {
    azure_storage_account_name: location.account,
    azure_storage_endpoint: location.endpoint,
  };
  if ('accountKey' in location.credentials)
    options.azure_storage_account_key = location.credentials.accountKey;
  else options.azure_storage_sas_token = location.credentials.sasToken;
  if (location.allowHttp) options.allow_http = 'true';
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
  const prefix = prefixOf(text, parts);
  const endpoint = endpointFrom(env);
  const usesHttp = endpoint !== null && endpoint.protocol === 'http:';
  if (endpoint !== null)
    refuseRemoteHttp(
      endpoint,
      'The storage endpoint',
      allowHttpOption,
      'the library and request signatures',
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

/** The prefix's segments without empty ones; "." and ".." are refused, as keys have no such parts. */
function prefixOf(text: string, parts: string[]): string {
  const segments = parts.filter((part) => part !== '');
  if (segments.some((part) => part === '.' || part === '..'))
    throw invalid(`"${text}" has a "." or ".." in its prefix; object keys have no relative parts.`);
  return segments.join('/');
}

function refuseRemoteHttp(url: URL, name: string, allowHttpOption: boolean, sent: string): void {
  if (url.protocol !== 'http:' || isLoopbackHost(url.hostname) || allowHttpOption) return;
  throw invalid(
    `${name} ${url.origin} uses plain http, which sends ${sent} unencrypted. Use https, or ` +
      'allow http explicitly with --allow-http (a trusted private network only).',
  );
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

function parseAzure(
  text: string,
  scheme: string,
  env: NodeJS.ProcessEnv,
  allowHttpOption: boolean,
): AzureLibraryLocation {
  const rest = text.slice(scheme.length + '://'.length);
  if (/[?#]/.test(rest))
    throw invalid(`"${text}" has a query or fragment; an Azure library is az://container/prefix.`);
  const [container = '', ...parts] = rest.split('/');
  if (container === '') throw invalid(`"${text}" names no container: write az://container/prefix.`);
  if (container.includes('@'))
    throw invalid(
      `Write the container alone, az://${container.split('@')[0]}/prefix, and the account in ` +
        'AZURE_STORAGE_ACCOUNT_NAME.',
    );
  if (!CONTAINER_NAME.test(container))
    throw invalid(
      `"${container}" is not a valid container name: 3 to 63 lowercase letters, digits or ` +
        'single hyphens, starting and ending with a letter or digit.',
    );
  const prefix = prefixOf(text, parts);
  const settings = { ...connectionStringOf(env), ...definedAzureVariables(env) };
  const account = settings.account;
  if (account === undefined)
    throw invalid(
      `${text} needs its storage account: set AZURE_STORAGE_ACCOUNT_NAME (or ` +
        'AZURE_STORAGE_CONNECTION_STRING).',
    );
  if (!ACCOUNT_NAME.test(account))
    throw invalid(
      `"${account}" is not a storage account name: 3 to 24 lowercase letters or digits.`,
    );
  const credentials: AzureCredentials | undefined =
    settings.accountKey !== undefined
      ? { accountKey: settings.accountKey }
      : settings.sasToken !== undefined
        ? { sasToken: settings.sasToken.replace(/^\?/, '') }
        : undefined;
  if (credentials === undefined)
    throw invalid(
      `No key for the storage account ${account}: set AZURE_STORAGE_ACCOUNT_KEY, or ` +
        'AZURE_STORAGE_SAS_TOKEN for a token limited to the container.',
    );
  const endpoint = azureEndpoint(settings.endpoint, account, allowHttpOption);
  return {
    kind: 'azure',
    uri: prefix === '' ? `az://${container}` : `az://${container}/${prefix}`,
    bucket: container,
    prefix,
    account,
    endpoint: endpoint.href.replace(/\/+$/, ''),
    credentials,
    allowHttp: endpoint.protocol === 'http:',
  };
}

type AzureVariables = {
  account?: string;
  accountKey?: string;
  sasToken?: string;
  endpoint?: string;
};

/** The AZURE_STORAGE_* variables, the names object stores and the Azure CLI read. */
function definedAzureVariables(env: NodeJS.ProcessEnv): AzureVariables {
  const found: AzureVariables = {
    account: nonEmpty(env.AZURE_STORAGE_ACCOUNT_NAME) ?? nonEmpty(env.AZURE_STORAGE_ACCOUNT),
    accountKey: nonEmpty(env.AZURE_STORAGE_ACCOUNT_KEY) ?? nonEmpty(env.AZURE_STORAGE_KEY),
    sasToken: nonEmpty(env.AZURE_STORAGE_SAS_TOKEN),
    endpoint: nonEmpty(env.AZURE_STORAGE_ENDPOINT),
  };
  return definedOnly(found);
}

/** What an AZURE_STORAGE_CONNECTION_STRING (as the portal gives it) says; variables win. */
function connectionStringOf(env: NodeJS.ProcessEnv): AzureVariables {
  const text = nonEmpty(env.AZURE_STORAGE_CONNECTION_STRING);
  if (text === undefined) return {};
  const fields = new Map<string, string>();
  for (const part of text.split(';')) {
    const at = part.indexOf('=');
    if (at > 0) fields.set(part.slice(0, at).trim().toLowerCase(), part.slice(at + 1).trim());
  }
  const account = fields.get('accountname');
  const protocol = fields.get('defaultendpointsprotocol') ?? 'https';
  const suffix = fields.get('endpointsuffix');
  const endpoint =
    fields.get('blobendpoint') ??
    (account && suffix ? `${protocol}://${account}.blob.${suffix}` : undefined);
  if (account === undefined && fields.get('blobendpoint') === undefined)
    throw invalid('AZURE_STORAGE_CONNECTION_STRING names no AccountName.');
  const found: AzureVariables = {
    account,
    accountKey: fields.get('accountkey'),
    sasToken: fields.get('sharedaccesssignature'),
    endpoint,
  };
  return definedOnly(found);
}

/** Leaves out what is unset or empty, so that spreading one source over another keeps values. */
function definedOnly(found: AzureVariables): AzureVariables {
  return Object.fromEntries(
    Object.entries(found).filter(([, value]) => value !== undefined && value !== ''),
  ) as AzureVariables;
}

function azureEndpoint(raw: string | undefined, account: string, allowHttpOption: boolean): URL {
  if (raw === undefined) return new URL(`https://${account}.blob.core.windows.net`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalid(`AZURE_STORAGE_ENDPOINT is not a URL: "${raw}".`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw invalid(`AZURE_STORAGE_ENDPOINT must be an http(s) URL, not "${raw}".`);
  if (url.search !== '' || url.username !== '')
    throw invalid(
      'AZURE_STORAGE_ENDPOINT must be the blob service address alone (like ' +
        `https://${account}.blob.core.windows.net), not "${raw}".`,
    );
  refuseRemoteHttp(
    url,
    'AZURE_STORAGE_ENDPOINT',
    allowHttpOption,
    'the library and its credentials',
  );
  return url;
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
