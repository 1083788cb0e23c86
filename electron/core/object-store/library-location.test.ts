// Library addresses: folders, s3:// with the AWS_* variables, az:// with the AZURE_STORAGE_*
// ones, and what is refused and why.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { QuireError } from '../../../shared/errors';
import { lanceStorageOptions, parseLibraryLocation, type S3LibraryLocation } from './index';

const KEYS = { AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret' };

function s3(input: string, env: NodeJS.ProcessEnv = {}, allowHttp?: boolean): S3LibraryLocation {
  const location = parseLibraryLocation(input, env, { allowHttp });
  if (location.kind !== 's3') throw new Error(`expected an s3 location, got ${location.kind}`);
  return location;
}

function refusal(run: () => unknown): QuireError {
  try {
    run();
  } catch (error) {
    if (error instanceof QuireError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('parseLibraryLocation', () => {
  it('reads folders, relative, absolute and file://, as absolute paths', () => {
    const absolute = path.resolve('/tmp/quire library');
    expect(parseLibraryLocation('some/lib', {})).toEqual({
      kind: 'local',
      dir: path.resolve('some/lib'),
    });
    expect(parseLibraryLocation(absolute, {})).toEqual({ kind: 'local', dir: absolute });
    expect(parseLibraryLocation(pathToFileURL(absolute).href, {})).toEqual({
      kind: 'local',
      dir: absolute,
    });
  });

  it('splits s3://bucket/prefix and drops slashes around and inside the prefix', () => {
    const location = s3('s3://team-docs//quire/shared/', KEYS);
    expect(location).toMatchObject({
      uri: 's3://team-docs/quire/shared',
      bucket: 'team-docs',
      prefix: 'quire/shared',
    });
    expect(s3('s3://team-docs', KEYS)).toMatchObject({ uri: 's3://team-docs', prefix: '' });
  });

  it('takes credentials, region and endpoint from the standard variables, in their order', () => {
    const location = s3('s3://lib/p', {
      ...KEYS,
      AWS_SESSION_TOKEN: 'token',
      AWS_DEFAULT_REGION: 'eu-west-3',
      AWS_ENDPOINT_URL: 'https://general.example',
      AWS_ENDPOINT_URL_S3: 'https://s3.example:9000/',
    });
    expect(location).toMatchObject({
      credentials: { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'secret', sessionToken: 'token' },
      region: 'eu-west-3',
      endpoint: 'https://s3.example:9000',
      allowHttp: false,
    });
    const fallback = s3('s3://lib/p', {
      AWS_REGION: 'ap-south-1',
      AWS_DEFAULT_REGION: 'eu-west-3',
      AWS_ENDPOINT_URL: 'https://general.example',
    });
    expect(fallback).toMatchObject({
      region: 'ap-south-1',
      endpoint: 'https://general.example',
      credentials: null,
    });
    expect(s3('s3://lib/p', {})).toMatchObject({ region: 'us-east-1', endpoint: null });
  });

  it('refuses half a key pair instead of sending unsigned requests', () => {
    const error = refusal(() => s3('s3://lib/p', { AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE' }));
    expect(error.code).toBe('invalid_argument');
    expect(error.message).toContain('AWS_SECRET_ACCESS_KEY is missing');
  });

  it('allows plain http to loopback endpoints only, unless allowed explicitly', () => {
    for (const endpoint of ['http://127.0.0.1:9000', 'http://localhost:9000', 'http://[::1]:9000'])
      expect(s3('s3://lib/p', { AWS_ENDPOINT_URL_S3: endpoint })).toMatchObject({
        endpoint,
        allowHttp: true,
      });
    const remote = { AWS_ENDPOINT_URL_S3: 'http://minio.lan:9000' };
    const error = refusal(() => s3('s3://lib/p', remote));
    expect(error.code).toBe('invalid_argument');
    expect(error.message).toContain('--allow-http');
    expect(s3('s3://lib/p', remote, true)).toMatchObject({
      endpoint: 'http://minio.lan:9000',
      allowHttp: true,
    });
  });

  it('names the S3 way for gs://, and refuses Data Lake addresses with the az:// form', () => {
    const google = refusal(() => parseLibraryLocation('gs://bucket/lib', {}));
    expect(google.code).toBe('invalid_argument');
    expect(google.message).toContain('https://storage.googleapis.com');
    const lake = refusal(() => parseLibraryLocation('abfss://c@acct.dfs.core.windows.net/x', {}));
    expect(lake.message).toContain('az://container/prefix');
  });

  it('reads az://container/prefix with the AZURE_STORAGE_* variables', () => {
    const location = parseLibraryLocation('az://team-docs//quire/', {
      AZURE_STORAGE_ACCOUNT_NAME: 'acme',
      AZURE_STORAGE_ACCOUNT_KEY: 'a2V5',
    });
    expect(location).toEqual({
      kind: 'azure',
      uri: 'az://team-docs/quire',
      bucket: 'team-docs',
      prefix: 'quire',
      account: 'acme',
      endpoint: 'https://acme.blob.core.windows.net',
      credentials: { accountKey: 'a2V5' },
      allowHttp: false,
    });
    // The Azure CLI's names, a SAS token (its "?" dropped) and azure:// as well.
    expect(
      parseLibraryLocation('azure://box', {
        AZURE_STORAGE_ACCOUNT: 'acme',
        AZURE_STORAGE_SAS_TOKEN: '?sv=2024&sig=x',
      }),
    ).toMatchObject({ uri: 'az://box', prefix: '', credentials: { sasToken: 'sv=2024&sig=x' } });
  });

  it('reads a connection string as the portal gives it, and variables win over it', () => {
    const env = {
      AZURE_STORAGE_CONNECTION_STRING:
        'DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=a2V5;EndpointSuffix=core.chinacloudapi.cn',
    };
    expect(parseLibraryLocation('az://box/lib', env)).toMatchObject({
      account: 'acme',
      endpoint: 'https://acme.blob.core.chinacloudapi.cn',
      credentials: { accountKey: 'a2V5' },
    });
    const local = {
      AZURE_STORAGE_CONNECTION_STRING:
        'AccountName=devstoreaccount1;AccountKey=a2V5;BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;',
      AZURE_STORAGE_ACCOUNT_KEY: 'b3RoZXI=',
    };
    expect(parseLibraryLocation('az://box/lib', local)).toMatchObject({
      endpoint: 'http://127.0.0.1:10000/devstoreaccount1',
      credentials: { accountKey: 'b3RoZXI=' },
      allowHttp: true,
    });
  });

  it('refuses an Azure address without its account, its key, a valid container or https', () => {
    const keys = { AZURE_STORAGE_ACCOUNT_NAME: 'acme', AZURE_STORAGE_ACCOUNT_KEY: 'a2V5' };
    const bad: [string, NodeJS.ProcessEnv, RegExp][] = [
      ['az://box/lib', {}, /AZURE_STORAGE_ACCOUNT_NAME/],
      ['az://box/lib', { AZURE_STORAGE_ACCOUNT_NAME: 'acme' }, /AZURE_STORAGE_ACCOUNT_KEY/],
      ['az://box/lib', { ...keys, AZURE_STORAGE_ACCOUNT_NAME: 'Acme_1' }, /storage account name/],
      ['az://Box_1/lib', keys, /not a valid container name/],
      ['az://two--hyphens/lib', keys, /not a valid container name/],
      ['az://box@acme/lib', keys, /container alone/],
      ['az://', keys, /names no container/],
      ['az://box/lib', { ...keys, AZURE_STORAGE_ENDPOINT: 'http://blob.lan' }, /--allow-http/],
      ['az://box/lib', { ...keys, AZURE_STORAGE_ENDPOINT: 'https://h/?x=1' }, /address alone/],
    ];
    for (const [input, env, message] of bad) {
      const error = refusal(() => parseLibraryLocation(input, env));
      expect(error.code, input).toBe('invalid_argument');
      expect(error.message, input).toMatch(message);
    }
    const allowed = parseLibraryLocation(
      'az://box/lib',
      { ...keys, AZURE_STORAGE_ENDPOINT: 'http://blob.lan/acme' },
      { allowHttp: true },
    );
    expect(allowed).toMatchObject({ endpoint: 'http://blob.lan/acme', allowHttp: true });
  });

  it('refuses addresses with no bucket, a bad bucket, an unknown scheme or a bad endpoint', () => {
    const bad: [string, NodeJS.ProcessEnv, RegExp][] = [
      ['s3://', {}, /names no bucket/],
      ['s3:///prefix', {}, /names no bucket/],
      ['s3://Bad_Bucket!/p', {}, /not a valid bucket name/],
      ['s3://lib/a/../b', {}, /"\.\."/],
      ['s3://lib/p?versionId=3', {}, /query/],
      ['ftp://host/lib', {}, /Unknown library location/],
      ['s3://lib/p', { AWS_ENDPOINT_URL_S3: 'not a url' }, /AWS_ENDPOINT_URL_S3 is not a URL/],
      ['s3://lib/p', { AWS_ENDPOINT_URL_S3: 'ftp://h' }, /must be an http\(s\) URL/],
      ['', {}, /empty/],
    ];
    for (const [input, env, message] of bad) {
      const error = refusal(() => parseLibraryLocation(input, env));
      expect(error.code, input).toBe('invalid_argument');
      expect(error.message, input).toMatch(message);
    }
  });
});

describe('lanceStorageOptions', () => {
  it('gives LanceDB the endpoint, path-style requests, http and the keys', () => {
    const location = s3('s3://lib/p', {
      ...KEYS,
      AWS_SESSION_TOKEN: 'token',
      AWS_REGION: 'eu-west-3',
      AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:9000',
    });
    expect(lanceStorageOptions(location)).toEqual({
      aws_region: 'eu-west-3',
      aws_endpoint: 'http://127.0.0.1:9000',
      aws_virtual_hosted_style_request: 'false',
      allow_http: 'true',
      aws_access_key_id: 'AKIAEXAMPLE',
      aws_secret_access_key: 'secret',
      aws_session_token: 'token',
    });
  });

  it("gives LanceDB an Azure account's endpoint and key, or its SAS token", () => {
    const keys = {
      AZURE_STORAGE_ACCOUNT_NAME: 'devstoreaccount1',
      AZURE_STORAGE_ACCOUNT_KEY: 'a2V5',
    };
    const local = { ...keys, AZURE_STORAGE_ENDPOINT: 'http://127.0.0.1:10000/devstoreaccount1' };
    expect(lanceStorageOptions(parseLibraryLocation('az://box/lib', local))).toEqual({
      azure_storage_account_name: 'devstoreaccount1',
      azure_storage_endpoint: 'http://127.0.0.1:10000/devstoreaccount1',
      azure_storage_account_key: 'a2V5',
      allow_http: 'true',
    });
    const sas = { AZURE_STORAGE_ACCOUNT_NAME: 'acme', AZURE_STORAGE_SAS_TOKEN: 'sv=1&sig=2' };
    expect(lanceStorageOptions(parseLibraryLocation('az://box', sas))).toEqual({
      azure_storage_account_name: 'acme',
      azure_storage_endpoint: 'https://acme.blob.core.windows.net',
      azure_storage_sas_token: 'sv=1&sig=2',
    });
  });

  it('leaves AWS itself and its credential chain to Lance when nothing is set', () => {
    expect(lanceStorageOptions(s3('s3://lib/p', {}))).toEqual({ aws_region: 'us-east-1' });
    expect(lanceStorageOptions(parseLibraryLocation('lib', {}))).toEqual({});
  });
});
