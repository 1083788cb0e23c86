// Settings → Where the library lives, in the real page against `quire serve`, with a real S3 API
// (s3rver on loopback) and a real Azure Blob API (Azurite): typed-as-you-go errors, Check, the write-only secret, the restart.
import fs from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { AZURITE_ACCOUNT, AZURITE_KEY, startAzureServer } from '../test/helpers/azure-server';
import { startS3Server, withS3Env, type S3Server } from '../test/helpers/s3-server';
import type { ServerHandle } from './quire-server';
import { api, SHOTS, startTestServer } from './ui-helpers';

test.describe.configure({ timeout: 240_000 });

let s3: S3Server | undefined;
let server: ServerHandle | undefined;
test.afterEach(async () => {
  await server?.stop();
  server = undefined;
  await s3?.close();
  s3 = undefined;
});

/** The section alone, in light and dark, saved under test-results/screens. */
async function shootSection(page: Page, name: string) {
  fs.mkdirSync(SHOTS, { recursive: true });
  const section = page.getByTestId('library-settings');
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    await page.waitForTimeout(350);
    await section.screenshot({ path: path.join(SHOTS, `${name}-${colorScheme}.png`) });
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

async function openSettings(page: Page, at: ServerHandle) {
  // Tall enough for the whole section under the page's header.
  await page.setViewportSize({ width: 1280, height: 1500 });
  await page.goto(at.openUrl);
  await expect(page.getByTestId('connection-state')).toHaveText('Connected');
  await page.getByRole('link', { name: 'Settings' }).click();
  await page.getByTestId('library-settings').scrollIntoViewIfNeeded();
}

test('Settings place the library in a bucket: checked as typed, Check, secret write-only, opened at the next start', async ({
  page,
}) => {
  s3 = await startS3Server({ buckets: ['team'] });
  server = await startTestServer();
  const dataDir = server.dataDir;
  await openSettings(page, server);
  const section = page.getByTestId('library-settings');
  await expect(section.getByTestId('library-now')).toContainText(`Open now: ${dataDir}`);

  await section.getByText('A bucket or container').click();
  await expect(section.getByTestId('library-location-error')).toContainText('Type the address');
  const address = section.getByLabel('Address');
  await address.fill('s3://Team_Library/quire');
  await expect(section.getByTestId('library-location-error')).toContainText(
    '"Team_Library" is not a valid bucket name',
  );
  await expect(section.getByRole('button', { name: 'Check' })).toBeDisabled();
  await address.fill('s3://team/quire');
  await expect(section.getByTestId('library-location-error')).toHaveCount(0);
  await section.getByLabel('Endpoint').fill('http://minio.lan:9000');
  await expect(section.getByTestId('library-endpoint-error')).toContainText('"Allow plain HTTP"');
  await section.getByLabel('Endpoint').fill(s3.endpoint);
  await section.getByLabel('Region').fill('us-east-1');

  // s3rver knows one access key: another is refused, as wrong keys are by a real store.
  await section.getByLabel('Access key ID').fill('NOT-A-KEY');
  await section.getByLabel('Secret access key').fill('a-secret-typed-here');
  await section.getByRole('button', { name: 'Check' }).click();
  await expect(section.getByTestId('library-check')).toContainText("refused Quire's credentials");
  await section.getByLabel('Access key ID').fill('S3RVER');
  await section.getByRole('button', { name: 'Check' }).click();
  await expect(section.getByTestId('library-check')).toContainText(
    'The bucket answers and s3://team/quire is empty',
  );
  await shootSection(page, 'settings-library-check');

  // The secret goes to the secret store and never comes back.
  await section.getByRole('button', { name: 'Save secret' }).click();
  await expect(section.getByTestId('library-secret-status')).toContainText(/Secret (stored|kept)/);
  await expect(section.getByLabel('Secret access key')).toHaveValue('');
  const view = await api<Record<string, unknown>>(server, 'settings.get', {});
  expect(JSON.stringify(view)).not.toContain('a-secret-typed-here');
  expect(view.library).toMatchObject({ secretStored: true });

  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(section.getByTestId('library-pending')).toBeVisible();
  await expect(page.getByTestId('restart-note')).toContainText('library location');
  await shootSection(page, 'settings-library-bucket');

  // The next start opens the bucket. This machine has no keychain, so the secret was kept for
  // the session only: the restarted Quire takes the key pair from its environment instead.
  const backend = (view as { secretBackend: string }).secretBackend;
  if (backend === 'session') {
    const { settings } = await api<{ settings: { library: Record<string, unknown> } }>(
      server,
      'settings.get',
      {},
    );
    const { accessKeyId: _drop, ...library } = settings.library;
    await api(server, 'settings.update', { settings: { ...settings, library } });
  }
  await server.stop();
  const restoreEnv = withS3Env({ AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' });
  try {
    server = await startTestServer({ dataDir });
  } finally {
    restoreEnv();
  }
  await openSettings(page, server);
  await expect(section.getByTestId('library-now')).toContainText('Open now: s3://team/quire');
  await expect(section.getByTestId('library-pending')).toHaveCount(0);
  await expect(section.getByLabel('Address')).toHaveValue('s3://team/quire');
  expect(s3.requests.some((r) => r.method === 'PUT' && r.key === 'quire/quire-library.json')).toBe(
    true,
  );
  await shootSection(page, 'settings-library-opened');
});

test('Settings place the library in an Azure container: its own fields, and Check against Azurite', async ({
  page,
}) => {
  const azure = await startAzureServer({ containers: ['team'] });
  try {
    server = await startTestServer();
    await openSettings(page, server);
    const section = page.getByTestId('library-settings');
    await section.getByText('A bucket or container').click();
    await section.getByLabel('Address', { exact: true }).fill('az://Team_Box/quire');
    await expect(section.getByTestId('library-location-error')).toContainText(
      'not a valid container name',
    );
    await section.getByLabel('Address', { exact: true }).fill('az://team/quire');
    await expect(section.getByTestId('library-location-error')).toHaveCount(0);
    // Azure's words, and no region.
    await expect(section.getByLabel('Region')).toHaveCount(0);
    await section.getByLabel('Blob service address').fill(azure.endpoint);
    await section.getByLabel('Storage account').fill(AZURITE_ACCOUNT);
    // Azurite checks the signature: a key of another account is refused.
    await section
      .getByLabel('Account key')
      .fill(Buffer.from('the key of some other account').toString('base64'));
    await section.getByRole('button', { name: 'Check' }).click();
    await expect(section.getByTestId('library-check')).toContainText("refused Quire's credentials");
    await section.getByLabel('Account key').fill(AZURITE_KEY);
    await section.getByRole('button', { name: 'Check' }).click();
    await expect(section.getByTestId('library-check')).toContainText('az://team/quire is empty');
    await shootSection(page, 'settings-library-azure');
    // Check writes nothing.
    expect(azure.requests.filter((r) => r.method === 'PUT' && r.path.startsWith('/team/'))).toEqual(
      [],
    );
  } finally {
    await azure.close();
  }
});
