import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { EMBEDDING_MODEL_CATALOG } from '../shared/embedding-catalog';
import { makeTestModels } from '../scripts/make-test-models';
import { startQuireServer, type ServerHandle } from './quire-server';
import { SHOTS, shootBoth } from './ui-helpers';

const MINILM = 'Xenova/all-MiniLM-L6-v2';

let server: ServerHandle | undefined;
let modelsDir = '';
test.afterEach(async () => {
  await server?.stop();
  server = undefined;
  fs.rmSync(modelsDir, { recursive: true, force: true });
});

test('Get started and Settings show the embedding catalogue: sourced scores, sizes, and a speed measured here', async ({
  page,
}) => {
  // MiniLM's real tokenizer and shape (random weights) stand in for the default model, so the
  // row is "in use" and its speed is what the real model's would cost.
  const test = await makeTestModels(path.resolve('.test-models'));
  modelsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'quire-e2e-models-'));
  fs.cpSync(test.minilmDir, path.join(modelsDir, MINILM), { recursive: true });
  server = await startQuireServer({ extraArgs: ['--model-dir', modelsDir] });
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(server.openUrl);
  await expect(page.getByTestId('connection-state')).toHaveText('Connected');

  // Get started recommends one model and says why, above the same catalogue.
  const getStarted = page.getByTestId('get-started');
  await expect(getStarted.getByTestId('embedding-recommendation')).toContainText(
    /Recommended: (bge-small-en-v1\.5|multilingual-e5-small)\. This system/,
  );
  await expect(getStarted.locator('li.embed-row')).toHaveCount(EMBEDDING_MODEL_CATALOG.length);
  await getStarted.getByTestId('embedding-recommendation').scrollIntoViewIfNeeded();
  await shootBoth(page, 'get-started-embedding-catalog');

  await page.getByRole('link', { name: 'Settings' }).click();

  const catalog = page.getByTestId('embedding-catalog');
  await expect(catalog.locator('li.embed-row')).toHaveCount(EMBEDDING_MODEL_CATALOG.length);
  await expect(page.getByTestId('embedding-recommendation')).toContainText('Recommended here:');
  const minilm = page.getByTestId(`embedding-${MINILM}`);
  await expect(minilm).toHaveAttribute('data-state', 'in-use');
  await expect(minilm).toContainText('English · 384 dimensions · 24 MB (int8) or 91 MB (fp32)');
  await expect(minilm).toContainText('MTEB SciFact nDCG@10 64.51');
  await expect(minilm.getByRole('link', { name: /Source of MTEB SciFact/ })).toHaveAttribute(
    'href',
    /^https:\/\/github\.com\/embeddings-benchmark\/results\/blob\//,
  );
  const e5 = page.getByTestId('embedding-Xenova/multilingual-e5-small');
  await expect(e5).toContainText('About 100 languages');
  await expect(e5).toContainText('not measured yet');
  // Choosing is still today's draft setting; the row says so until it is saved.
  await e5.getByRole('button', { name: 'Choose' }).click();
  await expect(e5).toContainText('Chosen');
  await expect(page.getByTestId('unsaved-changes')).toBeVisible();
  await page.getByRole('button', { name: 'Discard' }).click();

  await expect(minilm.getByTestId('embedding-speed')).toContainText('not measured yet');
  await minilm.getByRole('button', { name: 'Measure' }).click();
  await expect(minilm.getByTestId('embedding-speed')).toContainText(
    /Measured here: [\d,.]+ passages\/s \([\d,.]+ tokens\/s\), (native|wasm) (q8|fp32), \d+ threads?/,
    { timeout: 120_000 },
  );
  await minilm.scrollIntoViewIfNeeded();
  await page.getByText('Embedding model', { exact: true }).scrollIntoViewIfNeeded();
  await shootBoth(page, 'settings-embedding-catalog');
  // Every row at once, to judge the layout of the whole list.
  await catalog.screenshot({ path: path.join(SHOTS, 'settings-embedding-catalog-rows.png') });
});
