import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { renderToStaticMarkup } from 'react-dom/server';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { LibraryStatus } from '../../../../shared/contract/settings';
import {
  LibrarySettingsSchema,
  SettingsSchema,
  type LibrarySettings,
} from '../../../../shared/settings';
import type { Transport } from '../../../../shared/transport';
import type { SettingsInfo } from '../../api/call';
import { TransportProvider } from '../../hooks/transport-context';
import { LibraryLocationSection } from './LibraryLocationSection';
import {
  libraryKindOf,
  libraryPending,
  libraryProblem,
  secretHint,
  withField,
} from './library-location-view';

beforeAll(() => vi.stubGlobal('window', {}));

const library = (over: Partial<LibrarySettings> = {}) => LibrarySettingsSchema.parse(over);
const status = (over: Partial<LibraryStatus> = {}): LibraryStatus => ({
  uri: '/home/me/.config/Quire',
  readOnly: false,
  source: 'default',
  secretStored: false,
  problem: null,
  ...over,
});
const info = (over: Partial<SettingsInfo> = {}): SettingsInfo => ({
  settings: SettingsSchema.parse({}),
  keys: { openai: false, anthropic: false },
  secretBackend: 'keychain',
  offline: true,
  library: status(),
  ...over,
});

function render(value: LibrarySettings | undefined, settingsInfo: SettingsInfo | undefined) {
  const transport = { invoke: () => new Promise(() => {}) } as unknown as Transport;
  return renderToStaticMarkup(
    <QueryClientProvider client={new QueryClient()}>
      <TransportProvider transport={transport}>
        <LibraryLocationSection
          library={value}
          info={settingsInfo}
          disabled={false}
          onChange={() => {}}
        />
      </TransportProvider>
    </QueryClientProvider>,
  );
}

const checked = (html: string) => /checked="" value="(\w+)"/.exec(html)?.[1];

describe('Settings → Where the library lives', () => {
  it('shows the open library, and offers the three places with the data folder chosen', () => {
    const html = render(library(), info());
    expect(html).toContain('Open now: <code>/home/me/.config/Quire</code>');
    expect(html).toContain('This computer&#x27;s data folder.');
    expect(checked(html)).toBe('default');
    for (const title of ['In this computer', 'Another folder', 'An S3-compatible bucket'])
      expect(html).toContain(title);
    expect(html).not.toContain('Secret access key');
    expect(html).not.toContain('>Check<');
  });

  it('asks a bucket for its address, endpoint, region, key pair and switches, with a Check', () => {
    const html = render(
      library({
        location: 's3://team/quire',
        endpoint: 'https://minio.example:9000',
        accessKeyId: 'AKIA1',
      }),
      info({
        library: status({
          uri: 's3://team/quire',
          source: 'settings',
          secretStored: true,
          readOnly: true,
        }),
      }),
    );
    expect(checked(html)).toBe('bucket');
    expect(html).toContain('value="s3://team/quire"');
    expect(html).toContain('value="https://minio.example:9000"');
    expect(html).toContain('value="AKIA1"');
    expect(html).toContain('>read-only</span>');
    // The secret is write-only: the field is empty, and says only that one is stored.
    expect(html).toMatch(
      /type="password"[^>]*placeholder="•+ \(stored; type to replace\)"[^>]*value=""/,
    );
    expect(html).toContain('Secret stored in the system keychain.');
    expect(html).toContain('>Remove</button>');
    expect(html).toContain('Open read-only (another computer writes)');
    expect(html).toContain('Allow plain HTTP (trusted network only)');
    expect(html).toMatch(/<button type="button" class="btn">.*Check<\/button>/);
  });

  it('says what is wrong as it is typed, under the field, and holds the Check back', () => {
    const bad = render(library({ location: 's3://My_Bucket/q' }), info());
    expect(bad).toContain('data-testid="library-location-error"');
    expect(bad).toContain('is not a valid bucket name');
    expect(bad).toMatch(/<button type="button" class="btn" disabled="">.*Check<\/button>/);
    const http = render(
      library({ location: 's3://team/q', endpoint: 'http://minio.lan:9000' }),
      info(),
    );
    expect(http).toContain('data-testid="library-endpoint-error"');
    expect(http).toContain('switch on &quot;Allow plain HTTP&quot;');
  });

  it('warns that a session-only secret is gone by the time the library opens', () => {
    const html = render(library({ location: 's3://team/q' }), info({ secretBackend: 'session' }));
    expect(html).toContain('data-testid="library-secret-session"');
  });

  it('says a saved change waits for the next start, a flag that decides this run, and a library that could not open', () => {
    const pending = render(
      library({ location: '/srv/quire' }),
      info({ pendingRestart: ['library location'] }),
    );
    expect(pending).toContain('data-testid="library-pending"');
    expect(checked(pending)).toBe('folder');
    const flagged = render(
      library(),
      info({ library: status({ uri: 's3://x/y', source: 'flag' }) }),
    );
    expect(flagged).toContain('Chosen for this run with --library');
    const failed = render(
      library({ location: 's3://team/q' }),
      info({
        library: status({
          problem: 'The library set in Settings (s3://team/q) could not be opened',
        }),
      }),
    );
    expect(failed).toMatch(/callout-warn" role="alert">.*could not be opened/);
  });

  it('stays out of the way of a core older than the setting', () => {
    expect(render(undefined, info({ library: undefined }))).toBe('');
    expect(render(undefined, undefined)).toContain('Where the library lives');
  });
});

describe('the library form, field by field', () => {
  it('tells the three places apart by the address', () => {
    expect(libraryKindOf('')).toBe('default');
    expect(libraryKindOf(' S3://team/q')).toBe('bucket');
    expect(libraryKindOf('/srv/quire')).toBe('folder');
  });

  it('asks for an address once a place other than the data folder is picked', () => {
    expect(libraryProblem(library(), 'bucket')?.message).toMatch(/^Type the address/);
    expect(libraryProblem(library(), 'folder')?.message).toMatch(/full path/);
    expect(libraryProblem(library(), 'default')).toBeNull();
    expect(libraryProblem(library({ location: 'relative/dir' }), 'folder')?.field).toBe('location');
    expect(
      libraryProblem(library({ location: 's3://team/q', region: 'eu west' }), 'bucket')?.field,
    ).toBe('region');
  });

  it('names the missing half of the key pair', () => {
    expect(secretHint(library({ accessKeyId: 'K' }), false, false)).toMatch(/Needed/);
    expect(secretHint(library({ accessKeyId: 'K' }), false, true)).toBeNull();
    expect(secretHint(library(), true, false)).toMatch(/access key ID/);
  });

  it('leaves an emptied field out of the settings, and counts only library labels as pending', () => {
    expect(
      withField(library({ endpoint: 'https://a.example' }), 'endpoint', ''),
    ).not.toHaveProperty('endpoint');
    expect(withField(library(), 'region', 'auto')).toMatchObject({ region: 'auto' });
    expect(libraryPending(['chunk size'])).toBe(false);
    expect(libraryPending(['chunk size', 'library access settings'])).toBe(true);
  });
});
