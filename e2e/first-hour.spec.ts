import fs from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { LANGUAGE_MODEL_CATALOG } from '../shared/model-catalog';
import { startFakeLlm, type FakeLlm } from './fake-llm';
import { startQuireServer, type ServerHandle } from './quire-server';
import { api, docRow, dropFiles, expectReady, startTestServer, textFile } from './ui-helpers';

/** What a new user met in their first hour (issue 20), each checked in the real app. */

const SHOTS = process.env.QUIRE_FIRST_HOUR_SHOTS ?? '/tmp/quire-first-hour';
const GUIDE =
  '# Alignment guide\n\nTighten the rear axle nuts to 45 Nm, then check the wheel alignment twice.\n';
// A control character (U+0002) as some PDFs and old files carry: it must never show as a box.
const STREETS =
  '# Streets\n\nThe workshop is on Rue de Belleville\u0002 near the metro, open every weekday.\n';
const ANSWER = 'Tighten the rear axle nuts to 45 Nm [1], at the workshop on Rue de Belleville [2].';
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;

test.describe.configure({ timeout: 420_000 });

let server: ServerHandle | undefined;
const llms: FakeLlm[] = [];
test.afterEach(async () => {
  await server?.stop();
  server = undefined;
  for (const llm of llms.splice(0)) await llm.close();
});

/** Screenshots at the window's size in both colour schemes, for a person to look at. */
async function shoot(page: Page, name: string) {
  fs.mkdirSync(SHOTS, { recursive: true });
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    await page.waitForTimeout(350);
    await page.screenshot({ path: path.join(SHOTS, `${name}-${colorScheme}.png`) });
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

async function dismissNotices(page: Page) {
  const buttons = page.locator('.notices').getByRole('button', { name: 'Dismiss' });
  while ((await buttons.count()) > 0) await buttons.first().click();
}

const question = (page: Page) => page.getByRole('textbox', { name: 'Your question' });

async function send(page: Page, text: string) {
  await question(page).fill(text);
  await question(page).press('Enter');
}

async function useFakeLlm(s: ServerHandle, tokensPerSecond: number): Promise<FakeLlm> {
  const llm = await startFakeLlm({ tokensPerSecond, answer: ANSWER });
  llms.push(llm);
  await api(s, 'settings.update', {
    settings: { provider: { kind: 'ollama', baseUrl: llm.baseUrl, model: 'fake' } },
  });
  return llm;
}

test('chat: sources follow the newest answer, pins in a new chat, a header with room for the title, a stop before any text, the export', async ({
  page,
}) => {
  server = await startTestServer();
  await useFakeLlm(server, 60);
  await page.setViewportSize({ width: 1400, height: 860 });
  await page.goto(server.openUrl);
  // One badge for this window's link, one for the network: no "Connected" beside "Offline".
  await expect(page.getByTestId('connection-state')).toHaveText('Connected');
  await expect(page.getByTestId('local-only')).toHaveText('Local only');
  await expect(page.locator('.sidebar-status')).not.toContainText('Offline');

  await page.getByRole('link', { name: 'Library' }).click();
  await dropFiles(page, [textFile('guide.md', GUIDE), textFile('streets.md', STREETS)]);
  await expectReady(page, 'guide.md');
  await expectReady(page, 'streets.md');

  // A brand-new chat offers pinning before any question.
  await page.getByRole('button', { name: 'New chat' }).click();
  const pinSelect = page.getByLabel('Pin a document to this conversation');
  await expect(pinSelect).toBeVisible();
  await dismissNotices(page);
  await shoot(page, 'chat-new-with-pin');

  await send(page, 'What torque for the rear axle nuts does the alignment guide give?');
  await expect(page).toHaveURL(/#\/chat\/[A-Za-z0-9_-]+$/);
  const answers = page.getByTestId('assistant-message');
  await expect(answers.first()).toHaveAttribute('data-status', 'complete', { timeout: 120_000 });
  const firstId = await answers.first().getAttribute('data-message-id');
  await answers
    .first()
    .getByRole('button', { name: /sources?$/ })
    .click();
  const panel = page.getByTestId('sources-panel');
  await expect(panel).toHaveAttribute('data-message-id', firstId!);
  await expect(panel.getByTestId('sources-question')).toContainText('What torque');
  // The passage's control character is gone from the snippet shown.
  const streets = panel.getByTestId('source-card').filter({ hasText: 'Belleville' });
  await expect(streets).toContainText('Rue de Belleville near the metro');
  expect(CONTROL.test((await streets.textContent()) ?? '')).toBe(false);

  // A second question: once its answer is done, the panel shows its sources, not the first's.
  await send(page, 'Where is the workshop?');
  await expect(answers).toHaveCount(2);
  await expect(answers.last()).toHaveAttribute('data-status', 'complete', { timeout: 120_000 });
  const secondId = await answers.last().getAttribute('data-message-id');
  expect(secondId).not.toBe(firstId);
  await expect(panel).toHaveAttribute('data-message-id', secondId!);
  await expect(panel.getByTestId('sources-question')).toContainText('Where is the workshop?');

  // Pinned: the header keeps one row at 1,400 px and the title is not cut.
  await pinSelect.selectOption({ label: 'guide.md' });
  await expect(page.getByTestId('pinned-documents')).toContainText('guide.md');
  await dismissNotices(page);
  const title = page.getByTestId('chat-title');
  const fits = await title.evaluate((el) => el.scrollWidth <= el.clientWidth + 1);
  expect(fits).toBe(true);
  const titleBox = (await title.boundingBox())!;
  const toolsBox = (await page.locator('.chat-header-tools').boundingBox())!;
  expect(
    Math.abs(titleBox.y + titleBox.height / 2 - (toolsBox.y + toolsBox.height / 2)),
  ).toBeLessThan(8);
  await shoot(page, 'chat-sources-and-pins');

  // The export names the pinned document and quotes passages without control characters.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export as Markdown' }).click(),
  ]);
  const markdown = fs.readFileSync(await download.path(), 'utf8');
  expect(markdown).toContain('Pinned document: *guide.md*.');
  expect(markdown).toContain('Rue de Belleville near the metro');
  expect(CONTROL.test(markdown)).toBe(false);

  // Stop before the model wrote anything: the note says so, and calls nothing "partial".
  await useFakeLlm(server, 0.05);
  await send(page, 'And the wheel alignment?');
  await expect(answers).toHaveCount(3);
  const stop = page.getByRole('button', { name: 'Stop' });
  await expect(stop).toBeVisible();
  await stop.click();
  await expect(answers.last()).toHaveAttribute('data-status', 'cancelled', { timeout: 30_000 });
  await expect(answers.last().getByTestId('message-stopped')).toHaveText(
    'Stopped before any answer was written.',
  );
  // Nothing was written, so nothing was checked: no note about the checks either.
  await expect(answers.last().getByTestId('answer-checks')).toHaveCount(0);
  await dismissNotices(page);
  await shoot(page, 'chat-stopped-before-text');

  // Deleting a conversation: Cancel has the focus, so Enter deletes nothing.
  const item = page.getByTestId('conversation-item').first();
  await item.hover();
  await item.getByRole('button', { name: /^Delete / }).click();
  const dialog = page.getByRole('dialog', { name: 'Delete conversation?' });
  await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await shoot(page, 'delete-conversation-dialog');
  await page.keyboard.press('Enter');
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('conversation-item')).toHaveCount(1);

  // Pinning from an empty chat starts its conversation with the document pinned.
  await page.getByRole('button', { name: 'New chat' }).click();
  await expect(page).toHaveURL(/#\/chat$/);
  await pinSelect.selectOption({ label: 'streets.md' });
  await expect(page).toHaveURL(/#\/chat\/[A-Za-z0-9_-]+$/);
  await expect(page.getByTestId('pinned-documents')).toContainText('streets.md');
  await expect(page.getByTestId('chat-title')).toHaveText('About “streets.md”');
  await dismissNotices(page);
  await shoot(page, 'chat-pinned-new');
});

test('library: images in the chooser, plurals, Pause only while indexing, one notice per add, names-only filter, collections', async ({
  page,
}) => {
  server = await startTestServer();
  await page.setViewportSize({ width: 1400, height: 860 });
  await page.goto(server.openUrl);
  await page.getByRole('link', { name: 'Library' }).click();

  // "Add files…" accepts the images the parsers read by OCR.
  const accept = (await page.getByTestId('add-files-input').first().getAttribute('accept')) ?? '';
  for (const ext of ['.pdf', '.docx', '.png', '.jpg', '.jpeg', '.tif', '.tiff', '.webp'])
    expect(accept.split(',')).toContain(ext);

  // One short document: one passage, said in the singular.
  await dropFiles(page, [textFile('guide.md', GUIDE)]);
  await expectReady(page, 'guide.md');
  await expect(page.getByTestId('library-totals')).toHaveText('1 document · 1 passage');
  await expect(docRow(page, 'guide.md')).toContainText('1 passage');
  await expect(docRow(page, 'guide.md')).not.toContainText('1 passages');
  // Nothing is indexing: nothing to pause.
  await expect(page.getByRole('button', { name: 'Pause indexing' })).toHaveCount(0);

  // Several files: "Sending 3 files…" gives way to the outcome.
  await dropFiles(page, [
    textFile('streets.md', STREETS),
    textFile('rivers.md', '# Rivers\n\nThe Rhone starts at a glacier.\n'),
    textFile('hills.md', '# Hills\n\nThe hill of Belleville rises in the east of Paris.\n'),
  ]);
  const notices = page.locator('.notices');
  await expect(notices).toContainText('Added 3 documents');
  await expect(notices).not.toContainText('Sending');
  for (const name of ['streets.md', 'rivers.md', 'hills.md']) await expectReady(page, name);

  // The filter searches names, and says so when a word from inside a document finds nothing.
  const filter = page.getByLabel('Filter documents');
  await expect(filter).toHaveAttribute('placeholder', 'Filter by name');
  await filter.fill('Belleville');
  await expect(page.getByTestId('library-no-match')).toContainText(
    'does not search the text of documents',
  );
  await dismissNotices(page);
  await shoot(page, 'library-filter-names-only');
  await filter.fill('');

  // An empty collection offers the library's documents to pick.
  await page.getByRole('button', { name: 'New collection' }).click();
  await page.getByLabel('Collection name').fill('Papers');
  await page.getByRole('button', { name: 'Create', exact: true }).click();
  await expect(page.getByTestId('collection-empty')).toContainText('This collection is empty.');
  await page
    .getByTestId('collection-empty')
    .getByRole('button', { name: 'Add documents…' })
    .click();
  const picker = page.getByRole('dialog', { name: 'Add documents to Papers' });
  await picker.getByRole('checkbox', { name: /guide\.md/ }).check();
  await picker.getByRole('checkbox', { name: /streets\.md/ }).check();
  await dismissNotices(page);
  await shoot(page, 'collection-picker');
  await picker.getByRole('button', { name: 'Add 2 documents' }).click();
  await expect(picker).toBeHidden();
  await expect(page.getByTestId('doc-row')).toHaveCount(2);

  // A row's Collections menu: checkbox items named just "Papers".
  await page.getByLabel('Show collection').selectOption({ label: 'All documents' });
  // A click anywhere else (a notice's Dismiss too) puts the menu away: clear them first.
  await dismissNotices(page);
  await docRow(page, 'guide.md').getByRole('button', { name: 'Collections of guide.md' }).click();
  const menu = page.getByRole('menu', { name: 'Collections of guide.md' });
  const papers = menu.getByRole('menuitemcheckbox', { name: 'Papers', exact: true });
  await expect(papers).toHaveAttribute('aria-checked', 'true');
  await expect(papers).toBeFocused();
  await shoot(page, 'collection-menu');
  await page.keyboard.press('Space');
  await expect(papers).toHaveAttribute('aria-checked', 'false');
  await expect(docRow(page, 'guide.md').getByTestId('doc-collections')).toHaveCount(0);
  await page.keyboard.press('Escape');
  await expect(menu).toBeHidden();
  await expect(
    docRow(page, 'guide.md').getByRole('button', { name: 'Collections of guide.md' }),
  ).toBeFocused();
});

test('sidebar times age while the window stays open', async ({ page }) => {
  server = await startTestServer();
  await page.clock.install();
  await page.setViewportSize({ width: 1400, height: 860 });
  await page.goto(server.openUrl);
  await api(server, 'chat.send', { text: 'Hello there' });
  const time = page.getByTestId('conversation-time').first();
  await expect(time).toHaveText('just now');
  await page.clock.fastForward('03:05');
  await expect(time).toHaveText('3 min ago');
});

test('a download that cannot reach the hub: the error has room and names the .gguf file', async ({
  page,
}) => {
  const entry = LANGUAGE_MODEL_CATALOG[0]!;
  // Port 9 (discard) is closed here: the hub is unreachable, as on an offline machine.
  server = await startQuireServer({ extraArgs: ['--hub', 'http://127.0.0.1:9'] });
  await page.setViewportSize({ width: 1400, height: 860 });
  await page.goto(server.openUrl);
  const row = page.getByTestId(`catalog-${entry.id}`);
  await row.getByRole('button', { name: /^Download/ }).click();
  const error = row.getByTestId('catalog-error');
  await expect(error).toBeVisible({ timeout: 60_000 });
  await expect(error).toContainText('could not reach');
  await expect(error).toContainText(entry.file);
  await expect(error).toContainText(path.join(server.dataDir, 'models', entry.repo));
  // Full width under the model row, in a few lines rather than six squeezed ones.
  const rowBox = (await row.boundingBox())!;
  const errorBox = (await error.boundingBox())!;
  expect(errorBox.width).toBeGreaterThan(rowBox.width * 0.8);
  const lineHeight = await error
    .locator('p')
    .first()
    .evaluate((el) => {
      const g = globalThis as unknown as {
        getComputedStyle: (e: unknown) => { lineHeight: string };
      };
      return parseFloat(g.getComputedStyle(el).lineHeight);
    });
  expect(errorBox.height).toBeLessThan(lineHeight * 4.5 + 24);
  await shoot(page, 'download-error');
});
