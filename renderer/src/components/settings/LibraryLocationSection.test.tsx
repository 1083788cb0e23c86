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
  bucketServiceOf,
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
    for (const title of ['In this computer', 'Another folder', 'A bucket or container'])
      expect(html).toContain(title);
    expect(html).toContain('s3:// (AWS, MinIO, R2, Google Cloud) or az:// (Azure)');
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
    for (const label of ['Endpoint', 'Region', 'Access key ID', 'Secret access key'])
      expect(html).toContain(`>${label}</label>`);
    expect(html).not.toContain('Storage account');
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

  it("names an Azure container's fields as Azure does, and hides the region", () => {
    const html = render(
      library({
        location: 'az://team/quire',
        accessKeyId: 'devstoreaccount1',
        region: 'eu-west-1',
      }),
      info({
        library: status({ uri: 'az://team/quire', source: 'settings', secretStored: true }),
      }),
    );
    expect(checked(html)).toBe('bucket');
    expect(html).toContain('value="az://team/quire"');
    expect(html).toContain('value="devstoreaccount1"');
    for (const label of ['Blob service address', 'Storage account', 'Account key'])
      expect(html).toContain(`>${label}</label>`);
    for (const s3Label of ['>Endpoint<', '>Region<', '>Access key ID<', '>Secret access key<'])
      expect(html).not.toContain(s3Label);
    expect(html).not.toContain('value="eu-west-1"');
    expect(html).toContain('placeholder="https://ACCOUNT.blob.core.windows.net"');
    expect(html).toContain('Key stored in the system keychain.');
    expect(html).toContain('>Save key</button>');
    expect(html).toContain('Reaches the container with these keys');
    // The open library shows as in the cloud, as a bucket does.
    expect(html).toMatch(/data-testid="library-now"><svg[^>]*><path d="M7 18a5 5/);
  });

  it('says what is wrong with an Azure address, account or blob service address, under its field', () => {
    const container = render(library({ location: 'az://team--q/x' }), info());
    expect(container).toContain('data-testid="library-location-error"');
    expect(container).toContain('is not a valid container name');
    const account = render(library({ location: 'az://team/q', accessKeyId: 'My_Account' }), info());
    expect(account).toContain('data-testid="library-account-error"');
    expect(account).toContain('is not a storage account name');
    const endpoint = render(
      library({ location: 'az://team/q', endpoint: 'http://azurite.lan:10000/acct' }),
      info(),
    );
    expect(endpoint).toContain('data-testid="library-endpoint-error"');
    expect(
      render(
        library({ location: 'az://team/q', endpoint: 'http://127.0.0.1:10000/devstoreaccount1' }),
        info(),
      ),
    ).not.toContain('field-error');
    const lake = render(library({ location: 'abfss://team@acct.dfs.core.windows.net/q' }), info());
    expect(checked(lake)).toBe('bucket');
    expect(lake).toContain('write az://container/prefix');
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

  it('warns that a session-only secret is gone by the time the library opens, naming the variables to use', () => {
    const html = render(library({ location: 's3://team/q' }), info({ secretBackend: 'session' }));
    expect(html).toContain('data-testid="library-secret-session"');
    expect(html).toContain('Leave the access key ID empty');
    expect(html).toContain('AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY');
    const azure = render(library({ location: 'az://team/q' }), info({ secretBackend: 'session' }));
    expect(azure).toContain('Leave the storage account empty');
    expect(azure).toContain('AZURE_STORAGE_ACCOUNT_NAME and AZURE_STORAGE_ACCOUNT_KEY');
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
    expect(libraryKindOf('az://team/q')).toBe('bucket');
    expect(libraryKindOf('Azure://team/q')).toBe('bucket');
    // Its error shows in the address field where it was typed.
    expect(libraryKindOf('gs://team/q')).toBe('bucket');
    expect(libraryKindOf('/srv/quire')).toBe('folder');
    expect(libraryKindOf('file:///srv/quire')).toBe('folder');
    expect(libraryKindOf('C:\\Quire')).toBe('folder');
    expect(bucketServiceOf('s3://team/q')).toBe('s3');
    expect(bucketServiceOf(' AZ://team/q')).toBe('azure');
    expect(bucketServiceOf('azure://team/q')).toBe('azure');
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
    const azure = (over: Partial<LibrarySettings>) => library({ location: 'az://team/q', ...over });
    expect(secretHint(azure({ accessKeyId: 'acct' }), false, false)).toBe(
      'Needed with the storage account: Quire cannot open the container without it.',
    );
    expect(secretHint(azure({}), true, false)).toMatch(/with a storage account/);
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
