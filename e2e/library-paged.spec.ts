import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { syntheticRecords, writeSyntheticLibrary } from '../test/helpers/synthetic-library';
import { api, startTestServer } from './ui-helpers';

const COUNT = 20_000;
const name = (i: number) => `document-${String(i).padStart(5, '0')}-scifact-abstract.txt`;

test('20,000 documents from a real server: listed, scrolled end to end, searched, kept live', async ({
  page,
}) => {
  test.setTimeout(180_000);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'quire-e2e-paged-'));
  // A registry of 20,000 ready documents (their files need not exist to be listed).
  // Their vectors are the test model's, so nothing is queued for re-embedding either.
  const records = syntheticRecords(COUNT, { allReady: true }).map((r) => ({
    ...r,
    embeddingModel: 'quire-test/bow',
  }));
  writeSyntheticLibrary(dataDir, records);
  const server = await startTestServer({ dataDir });
  try {
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(server.openUrl);
    await page.getByRole('link', { name: 'Library' }).click();
    await expect(page.getByTestId('library-totals')).toContainText('20,000 documents');
    const rows = page.getByTestId('doc-row');
    await expect(rows.first()).toContainText(name(COUNT - 1));
    expect(await rows.count()).toBeLessThan(60);

    // The far end of the list: pages the snapshot never carried arrive from the core.
    const scroller = page.locator('.doc-scroller');
    await scroller.evaluate((el) => (el.scrollTop = el.scrollHeight));
    await expect(page.getByText(name(0), { exact: true })).toBeVisible();
    await expect(page.locator('.doc-row-pending')).toHaveCount(0);
    // The middle, by the row's own position.
    await scroller.evaluate((el) => (el.scrollTop = 10_000 * 76));
    await expect(page.getByText(name(COUNT - 1 - 10_000), { exact: true })).toBeVisible();
    await expect(page.locator('.doc-row-pending')).toHaveCount(0);
    expect(await rows.count()).toBeLessThan(60);

    // The search runs in the core, over all 20,000.
    const filter = page.getByLabel('Filter documents');
    await filter.fill('document-01234-');
    await expect(rows).toHaveCount(1);
    await expect(rows.first()).toContainText(name(1234));
    await page.getByRole('button', { name: 'Failed' }).click();
    await expect(page.getByText('No documents match.')).toBeVisible();
    await page.getByRole('button', { name: 'All' }).click();
    await filter.fill('');
    await expect(rows.first()).toContainText(name(COUNT - 1));

    // A new document arrives by events: on top, counted, and indexed live.
    const note = path.join(dataDir, 'a-new-note.md');
    fs.writeFileSync(note, '# A new note\n\nIt arrives while the list is long.\n');
    await api(server, 'library.add', { paths: [note] });
    await expect(page.getByTestId('library-totals')).toContainText('20,001 documents');
    await expect(rows.first()).toContainText('a-new-note.md');
    await expect(rows.first().getByTestId('doc-stage')).toContainText('Ready');
  } finally {
    await server.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
