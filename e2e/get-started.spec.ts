import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { startTestHub } from '../test/helpers/test-hub-server';
import { LANGUAGE_MODEL_CATALOG } from '../shared/model-catalog';
import { startQuireServer, type ServerHandle } from './quire-server';
import { api, dropFiles, expectReady, shootBoth, textFile } from './ui-helpers';

const STORIES_GGUF = '/work/shared/models/gguf/stories260K.gguf';
// The local hub serves the tiny real model under the first catalogue entry's name.
const ENTRY = LANGUAGE_MODEL_CATALOG[0]!;
const NOTES = `# Garden notes\n\nThe little rabbit planted carrots by the river every spring.\n`;

test.describe.configure({ timeout: 300_000 });

let server: ServerHandle | undefined;
let hub: Awaited<ReturnType<typeof startTestHub>> | undefined;
test.afterEach(async () => {
  await server?.stop();
  await hub?.close();
  server = undefined;
  hub = undefined;
});

test('Get started: a catalogue model downloads from the hub, is selected, and answers the first question', async ({
  page,
}) => {
  hub = await startTestHub({ [ENTRY.repo]: { [ENTRY.file]: STORIES_GGUF } });
  // A new user's machine: no models anywhere, downloads from the (local) hub only when asked.
  server = await startQuireServer({ extraArgs: ['--hub', hub.url] });
  await page.setViewportSize({ width: 1280, height: 860 });
  await page.goto(server.openUrl);
  await expect(page.getByTestId('connection-state')).toHaveText('Connected');

  const getStarted = page.getByTestId('get-started');
  await expect(getStarted.getByRole('heading', { name: 'Get started' })).toBeVisible();
  const row = page.getByTestId(`catalog-${ENTRY.id}`);
  await expect(row).toContainText(ENTRY.name);
  await expect(row).toContainText('download · needs');
  await expect(row).toContainText(/Fits this machine|This machine has/);
  await expect(page.getByTestId('model-catalog').locator('li')).toHaveCount(
    LANGUAGE_MODEL_CATALOG.length,
  );
  // The embedding model is offered beside it.
  await expect(getStarted.getByTestId('model-embedding')).toContainText('not installed');
  await shootBoth(page, 'get-started');
  expect(hub.requests).toEqual([]);

  await row.getByRole('button', { name: /^Download/ }).click();
  // Selected when complete: the Get started view gives way to the chat.
  await expect(getStarted).toBeHidden({ timeout: 60_000 });
  expect(hub.requests.length).toBeGreaterThan(0);
  const target = path.join(server.dataDir, 'models', ENTRY.repo, ENTRY.file);
  expect(fs.readFileSync(target).equals(fs.readFileSync(STORIES_GGUF))).toBe(true);
  const settings = await api<{ settings: { provider: unknown } }>(server, 'settings.get', {});
  expect(settings.settings.provider).toEqual({ kind: 'embedded', modelPath: target });
  // Settings shows the same catalogue with the model in use.
  await page.getByRole('link', { name: 'Settings' }).click();
  await expect(page.getByTestId(`catalog-${ENTRY.id}`)).toHaveAttribute('data-state', 'in-use');

  await page.getByRole('link', { name: 'Library' }).click();
  await dropFiles(page, [textFile('garden-notes.md', NOTES)]);
  await expectReady(page, 'garden-notes.md');

  await page.getByRole('button', { name: 'New chat' }).click();
  const input = page.getByRole('textbox', { name: 'Your question' });
  await input.fill('What did the rabbit plant?');
  await input.press('Enter');
  const answer = page.getByTestId('assistant-message').last();
  await expect(answer).toHaveAttribute('data-status', 'complete', { timeout: 120_000 });
  // A written answer from the downloaded model, not the search-only fallback.
  await expect(answer.getByTestId('search-mode')).toHaveCount(0);
  expect(((await answer.locator('.markdown').textContent()) ?? '').trim().length).toBeGreaterThan(
    0,
  );
  await page.screenshot({ path: 'test-results/screens/get-started-answered.png' });
});
