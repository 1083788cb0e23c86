import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { startQuireServer, type ServerHandle } from './quire-server';
import { api, expectReady, shootBoth, startTestServer } from './ui-helpers';

// Switching the embedding model from Settings' point of view: the panel follows the switch
// (paused, resumed, done) with no restart; search during a switch is covered in the core tests.
test.describe.configure({ timeout: 300_000 });

let server: ServerHandle | undefined;
test.afterEach(async () => {
  await server?.stop();
  server = undefined;
});

type SwitchState = { state: string; doneChunks: number; totalChunks: number; targetModel: string };

test('Settings follows a background model switch: paused, resumed and done, with no restart', async ({
  page,
}) => {
  // A library indexed with the bag-of-word-pieces model…
  server = await startTestServer();
  const dataDir = server.dataDir;
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(server.openUrl);
  const notesDir = path.join(dataDir, '..', `${path.basename(dataDir)}-notes`);
  fs.mkdirSync(notesDir, { recursive: true });
  for (let i = 0; i < 60; i++)
    fs.writeFileSync(
      path.join(notesDir, `river-note-${i}.md`),
      `# River note ${i}\n\nThe river ${i % 7} floods the valley ${i} every spring, says survey ${i}.\n`,
    );
  await api(server, 'library.add', { paths: [notesDir] });
  await page.getByRole('link', { name: 'Library' }).click();
  await expectReady(page, 'river-note-59.md');
  await server.stop();

  // …opened again without a model flag: the library's own record names its model.
  server = await startQuireServer({
    dataDir,
    extraArgs: ['--model-dir', path.resolve('.test-models')],
  });
  await page.goto(server.openUrl);
  await expect(page.getByTestId('connection-state')).toHaveText('Connected');
  await page.getByRole('link', { name: 'Settings' }).click();

  const started = await api<SwitchState>(server, 'models.switch', {
    modelId: 'quire-test/minilm-shape',
  });
  expect(started.targetModel).toBe('quire-test/minilm-shape');
  const paused = await api<SwitchState>(server, 'models.switchPause', {});
  expect(paused.state).toBe('paused');
  const panel = page.getByTestId('model-switch');
  await expect(panel).toContainText('Switch to quire-test/minilm-shape paused');
  await expect(panel).toContainText('search uses quire-test/bow');
  await panel.scrollIntoViewIfNeeded();
  await shootBoth(page, 'model-switch-paused');

  await panel.getByRole('button', { name: 'Resume' }).click();
  await expect(panel).toContainText('The library now uses quire-test/minilm-shape', {
    timeout: 120_000,
  });
  await shootBoth(page, 'model-switch-done');
  const status = await api<SwitchState>(server, 'models.switchStatus', {});
  expect(status).toMatchObject({ state: 'done' });
  expect(status.doneChunks).toBe(status.totalChunks);
  const settings = await api<{ settings: { retrieval: { embeddingModel: string } } }>(
    server,
    'settings.get',
    {},
  );
  expect(settings.settings.retrieval.embeddingModel).toBe('quire-test/minilm-shape');
});
