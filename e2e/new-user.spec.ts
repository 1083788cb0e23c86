import { expect, test, type Locator, type Page } from '@playwright/test';
import { longAnswer, startFakeLlm, type FakeLlm } from './fake-llm';
import type { ServerHandle } from './quire-server';
import {
  api,
  docRow,
  dropFiles,
  expectReady,
  fixtureFile,
  shootBoth,
  startTestServer,
  textFile,
} from './ui-helpers';

/** What a new user hit on a first walk through Quire, each now checked in the real app. */

const NOTES = `# Alignment notes\n\nThe system aligns sentences across two columns and scores each candidate.\n`;
const REGENERATED = 'Written again with a new seed: the system aligns sentences by score [1].';

test.describe.configure({ timeout: 420_000 });

let server: ServerHandle | undefined;
let llm: FakeLlm | undefined;
test.afterEach(async () => {
  await server?.stop();
  await llm?.close();
  server = undefined;
  llm = undefined;
});

const question = (page: Page) => page.getByRole('textbox', { name: 'Your question' });

async function send(page: Page, text: string) {
  await question(page).fill(text);
  await question(page).press('Enter');
}

function intersects(a: { x: number; y: number; width: number; height: number }, b: typeof a) {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

async function messageId(answer: Locator): Promise<string> {
  const id = await answer.getAttribute('data-message-id');
  if (!id) throw new Error('an answer without an id');
  return id;
}

test('chat: focus stays in the question box, versions, sources follow the answer, toasts clear of Stop', async ({
  page,
}) => {
  server = await startTestServer();
  // A regenerated answer carries a sampling seed; the first answers have none.
  llm = await startFakeLlm({
    tokensPerSecond: 40,
    answer: (seed) => (seed === undefined ? longAnswer(5) : REGENERATED),
  });
  await api(server, 'settings.update', {
    settings: { provider: { kind: 'ollama', baseUrl: llm.baseUrl, model: 'fake' } },
  });
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(server.openUrl);
  await page.getByRole('link', { name: 'Library' }).click();
  await dropFiles(page, [textFile('alignment-notes.md', NOTES)]);
  await expectReady(page, 'alignment-notes.md');

  // "New chat" puts the caret in the question box.
  await page.getByRole('button', { name: 'New chat' }).click();
  await expect(question(page)).toBeFocused();

  // The first question opens the new conversation's view; the caret stays in the box.
  await send(page, 'How does the system align sentences?');
  await expect(page).toHaveURL(/#\/chat\/[A-Za-z0-9_-]+$/);
  await expect(question(page)).toBeFocused();
  const answers = page.getByTestId('assistant-message');
  await expect(answers.first()).toHaveAttribute('data-status', 'complete', { timeout: 120_000 });
  const firstText = (await answers.first().locator('.markdown').textContent()) ?? '';
  expect(firstText).toContain('Part 1. The paper');

  // Regenerate: one answer with two versions, the new one shown.
  await answers.first().getByRole('button', { name: 'Regenerate answer' }).click();
  await expect(answers).toHaveCount(1);
  await expect(page.getByLabel('Version 2 of 2')).toBeVisible();
  await expect(answers.first()).toHaveAttribute('data-status', 'complete', { timeout: 120_000 });
  await expect(answers.first().locator('.markdown')).toContainText('Written again');
  await expect(answers.first().getByTestId('version-switcher')).toHaveText('2/2');
  const secondId = await messageId(answers.first());

  // The sources panel follows the version shown.
  await answers
    .first()
    .getByRole('button', { name: /sources?$/ })
    .click();
  const panel = page.getByTestId('sources-panel');
  await expect(panel).toHaveAttribute('data-message-id', secondId);
  await page.getByRole('button', { name: 'Previous version' }).click();
  await expect(page.getByLabel('Version 1 of 2')).toBeVisible();
  await expect(answers.first().locator('.markdown')).toContainText('Part 1. The paper');
  await expect(answers.first().locator('.markdown')).not.toContainText('Written again');
  const firstId = await messageId(answers.first());
  expect(firstId).not.toBe(secondId);
  await expect(panel).toHaveAttribute('data-message-id', firstId);
  await page.getByRole('button', { name: 'Next version' }).click();
  await expect(answers.first().locator('.markdown')).toContainText('Written again');

  // A second question: while its answer streams, the panel shows its sources, not the last ones.
  await send(page, 'What does the paper score?');
  const streaming = answers.last();
  await expect(answers).toHaveCount(2);
  await expect(streaming).toHaveAttribute('data-status', 'streaming');
  const streamingId = await messageId(streaming);
  await expect(panel).toHaveAttribute('data-message-id', streamingId);

  // A notice while the answer streams stays clear of the Stop button. Without the panel the
  // composer is widest, its Stop button furthest right, where notices used to sit.
  await panel.getByRole('button', { name: 'Hide sources' }).click();
  await dropFiles(page, [textFile('more-notes.md', '# More\n\nAnother note on scoring.\n')]);
  const notice = page.locator('.notice').first();
  await expect(notice).toBeVisible();
  const stop = page.getByRole('button', { name: 'Stop' });
  await expect(stop).toBeVisible();
  const stopBox = (await stop.boundingBox())!;
  for (const box of await page.locator('.notice').evaluateAll((all) =>
    all.map((el) => {
      const r = el.getBoundingClientRect();
      return { x: r.x, y: r.y, width: r.width, height: r.height };
    }),
  ))
    expect(intersects(stopBox, box)).toBe(false);
  await shootBoth(page, 'new-user-streaming-notice');
  await stop.click();
  await expect(streaming).toHaveAttribute('data-status', 'cancelled', { timeout: 30_000 });

  // "New chat" from a conversation (the chat view is replaced) also puts the caret there.
  await page.getByRole('button', { name: 'New chat' }).click();
  await expect(page).toHaveURL(/#\/chat$/);
  await expect(question(page)).toBeFocused();
});

test('library and settings: newest first, a click opens a document, unsaved settings kept', async ({
  page,
}) => {
  server = await startTestServer();
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(server.openUrl);
  await page.getByRole('link', { name: 'Library' }).click();
  await dropFiles(page, [fixtureFile('acl_naacl06_two_column_paper.pdf')]);
  await expectReady(page, 'acl_naacl06_two_column_paper.pdf');
  await dropFiles(page, [textFile('alignment-notes.md', NOTES)]);
  await expectReady(page, 'alignment-notes.md');

  // The document added last is listed first.
  const rows = page.getByTestId('doc-row');
  await expect(rows.first()).toHaveAttribute('data-name', 'alignment-notes.md');
  await expect(rows.nth(1)).toHaveAttribute('data-name', 'acl_naacl06_two_column_paper.pdf');

  // A click on a ready document opens it in the viewer, at page 1 for a PDF.
  const pdf = docRow(page, 'acl_naacl06_two_column_paper.pdf');
  await pdf.locator('.doc-meta').click();
  const viewer = page.getByTestId('document-viewer');
  await expect(viewer.getByTestId('pdf-page')).toBeVisible({ timeout: 60_000 });
  await expect(page.locator('.sheet-sub')).toContainText('Page 1');
  // Opened on its own, not from a citation: nothing on it is marked as cited.
  await expect(viewer.getByTestId('pdf-page-label')).toHaveText(/^Page 1 of \d+$/);
  await shootBoth(page, 'new-user-open-document', () => page.waitForTimeout(400));
  await page.keyboard.press('Escape');
  await expect(viewer).toBeHidden();

  // By keyboard: the document's name is a button.
  const open = docRow(page, 'alignment-notes.md').getByRole('button', {
    name: 'Open alignment-notes.md',
  });
  await open.focus();
  await page.keyboard.press('Enter');
  await expect(viewer.getByTestId('text-viewer')).toContainText('scores each candidate');
  await page.keyboard.press('Escape');

  // Unsaved settings survive leaving Settings, and say so.
  await page.getByRole('link', { name: 'Settings' }).click();
  const maxFile = page.getByLabel('Largest file (MB)');
  await maxFile.fill('123');
  await expect(page.getByTestId('unsaved-changes')).toHaveText('Unsaved changes');
  await page.getByRole('link', { name: 'Library' }).click();
  await expect(page.getByRole('link', { name: /Settings/ })).toContainText('Unsaved');
  await page.getByRole('link', { name: /Settings/ }).click();
  await expect(maxFile).toHaveValue('123');
  await expect(page.getByTestId('unsaved-changes')).toBeVisible();
  await shootBoth(page, 'new-user-unsaved-settings', () => page.waitForTimeout(400));
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByTestId('unsaved-changes')).toBeHidden();
  await expect(page.getByRole('link', { name: /Settings/ })).not.toContainText('Unsaved');
  const saved = await api<{ settings: { indexing: { maxFileMb: number } } }>(
    server,
    'settings.get',
    {},
  );
  expect(saved.settings.indexing.maxFileMb).toBe(123);
});
