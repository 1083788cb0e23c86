// Library addresses: folders, s3:// with the AWS_* variables, and what is refused and why.
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

  it('names the supported choice for gs:// and az://', () => {
    for (const uri of ['gs://bucket/lib', 'az://container/lib']) {
      const error = refusal(() => parseLibraryLocation(uri, {}));
      expect(error.code).toBe('invalid_argument');
      expect(error.message).toMatch(/only s3:\/\/ is/);
      expect(error.message).toMatch(/S3 interoperability/);
    }
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

  it('leaves AWS itself and its credential chain to Lance when nothing is set', () => {
    expect(lanceStorageOptions(s3('s3://lib/p', {}))).toEqual({ aws_region: 'us-east-1' });
    expect(lanceStorageOptions(parseLibraryLocation('lib', {}))).toEqual({});
  });
});
