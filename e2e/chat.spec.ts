import { expect, test, type Page } from '@playwright/test';
import { longAnswer, startFakeLlm, type FakeLlm } from './fake-llm';
import type { ServerHandle } from './quire-server';
import {
  api,
  dropFiles,
  expectReady,
  fixtureFile,
  shootBoth,
  startTestServer,
  textFile,
} from './ui-helpers';

const STORIES_GGUF = '/work/shared/models/gguf/stories260K.gguf';
const NOTES = `# Alignment notes\n\nThe system aligns sentences across two columns and scores each candidate.\n`;

test.describe.configure({ timeout: 420_000 });

let server: ServerHandle | undefined;
let llm: FakeLlm | undefined;
test.afterEach(async () => {
  await server?.stop();
  await llm?.close();
  server = undefined;
  llm = undefined;
});

async function addFixtures(page: Page) {
  await page.getByRole('link', { name: 'Library' }).click();
  await dropFiles(page, [
    fixtureFile('acl_naacl06_two_column_paper.pdf'),
    textFile('alignment-notes.md', NOTES),
  ]);
  await expectReady(page, 'alignment-notes.md');
  await expectReady(page, 'acl_naacl06_two_column_paper.pdf');
}

async function ask(page: Page, question: string) {
  await page.getByRole('button', { name: 'New chat' }).click();
  const input = page.getByRole('textbox', { name: 'Your question' });
  await input.fill(question);
  await input.press('Enter');
}

/** Records every distinct length of the newest answer's text, to prove it streamed. */
async function watchAnswerLengths(page: Page) {
  await page.evaluate(() => {
    const g = globalThis as unknown as {
      document: {
        body: unknown;
        querySelectorAll: (s: string) => ArrayLike<{ textContent: string | null }>;
      };
      MutationObserver: new (cb: () => void) => { observe: (n: unknown, o: unknown) => void };
      __lengths: number[];
    };
    g.__lengths = [];
    new g.MutationObserver(() => {
      const all = g.document.querySelectorAll('[data-testid="assistant-message"] .markdown');
      const last = all[all.length - 1];
      const n = last?.textContent?.length ?? 0;
      if (n > 0 && g.__lengths[g.__lengths.length - 1] !== n) g.__lengths.push(n);
    }).observe(g.document.body, { subtree: true, childList: true, characterData: true });
  });
}

const lengths = (page: Page) =>
  page.evaluate(() => (globalThis as unknown as { __lengths: number[] }).__lengths);

test('3. ask with the embedded model: step trail, streaming, citation to the viewer', async ({
  page,
}) => {
  server = await startTestServer();
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(server.openUrl);
  await addFixtures(page);

  // Set up the embedded model the way a user does: Settings, a GGUF path, Save.
  await page.getByRole('link', { name: 'Settings' }).click();
  await page.getByText('Local model file').click();
  await page.getByLabel('Model file (.gguf)').fill(STORIES_GGUF);
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByText('Settings saved.')).toBeVisible();
  await page.getByRole('button', { name: 'Test connection' }).click();
  await expect(page.getByTestId('test-result')).toContainText('Connected', { timeout: 120_000 });

  await watchAnswerLengths(page);
  await ask(page, 'How does the system align sentences across columns?');
  const answer = page.getByTestId('assistant-message').last();
  const trail = answer.getByTestId('step-trail');
  await expect(trail).toBeVisible({ timeout: 60_000 });
  await expect(trail).toContainText(/Understanding your question|Searching|Writing/);
  await expect(answer).toHaveAttribute('data-status', 'complete', { timeout: 240_000 });
  // Streamed: the text grew over several frames, not in one piece.
  expect((await lengths(page)).length).toBeGreaterThan(1);
  // Finished: the trail folds into one line.
  await expect(trail.locator('summary')).toContainText('steps');

  // A citation opens the viewer at the cited page. A tiny model may not write [n]
  // markers, so the sources list (which the chips also point at) is the way in then.
  const chips = answer.getByTestId('citation-chip');
  if ((await chips.count()) > 0) await chips.first().click();
  else {
    await answer.getByRole('button', { name: /sources?$/ }).click();
    const cards = page.getByTestId('sources-panel').getByTestId('source-card');
    await cards.filter({ hasText: 'page' }).first().click();
  }
  const viewer = page.getByTestId('document-viewer');
  await expect(viewer).toBeVisible();
  const pageEl = viewer.getByTestId('pdf-page').or(viewer.getByTestId('text-viewer'));
  await expect(pageEl).toBeVisible({ timeout: 60_000 });
  if (await viewer.getByTestId('pdf-page').isVisible()) {
    await expect(viewer.getByTestId('pdf-page')).toHaveAttribute('data-rendered', 'true', {
      timeout: 60_000,
    });
    await expect(viewer.getByTestId('pdf-page')).not.toHaveAttribute('data-highlights', '0');
    await expect(viewer.getByTestId('pdf-page-label')).toContainText('cited');
  }
  await expect(viewer.locator('mark.hl').first()).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(viewer).toBeHidden();
});

test('4. Stop mid-answer keeps the partial answer, marked as stopped', async ({ page }) => {
  server = await startTestServer();
  llm = await startFakeLlm({ tokensPerSecond: 12, answer: longAnswer(10) });
  await api(server, 'settings.update', {
    settings: { provider: { kind: 'ollama', baseUrl: llm.baseUrl, model: 'fake' } },
  });
  await page.goto(server.openUrl);
  await addFixtures(page);
  await ask(page, 'How does the system align sentences?');
  const answer = page.getByTestId('assistant-message').last();
  await expect(answer).toHaveAttribute('data-status', 'streaming');
  await expect(answer.locator('.markdown')).toContainText('Part 1. The paper', {
    timeout: 60_000,
  });
  await expect(page.getByRole('button', { name: 'Stop' })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(answer).toHaveAttribute('data-status', 'cancelled', { timeout: 30_000 });
  await expect(answer.getByTestId('message-stopped')).toBeVisible();
  const partial = (await answer.locator('.markdown').textContent()) ?? '';
  expect(partial).toContain('Part 1. The paper');
  expect(partial).not.toContain('Part 10.');
  await llm.aborted; // the upstream request was cancelled too
  await expect(page.getByRole('button', { name: 'Send' })).toBeVisible();

  // The partial answer and its mark survive a reload: they were saved.
  await page.reload();
  const again = page.getByTestId('assistant-message').last();
  await expect(again).toHaveAttribute('data-status', 'cancelled');
  await expect(again.getByTestId('message-stopped')).toBeVisible();
  await expect(again.locator('.markdown')).toContainText('Part 1. The paper');
});

test('5. two pages stay in sync: a rename in one shows in the other', async ({ page, context }) => {
  server = await startTestServer();
  const other = await context.newPage();
  await page.goto(server.openUrl);
  await other.goto(server.openUrl);
  await expect(page.getByTestId('connection-state')).toHaveText('Connected');
  await expect(other.getByTestId('connection-state')).toHaveText('Connected');

  await ask(page, 'What do the notes say about citations?');
  await expect(page.getByTestId('assistant-message').last()).not.toHaveAttribute(
    'data-status',
    'streaming',
    { timeout: 60_000 },
  );
  const firstList = page.getByRole('list', { name: 'Conversations' });
  const otherList = other.getByRole('list', { name: 'Conversations' });
  await expect(otherList.getByTestId('conversation-item')).toHaveCount(1, { timeout: 30_000 });

  const item = firstList.getByTestId('conversation-item').first();
  await item.hover();
  await item.getByRole('button', { name: /^Rename/ }).click();
  const name = page.getByLabel('Conversation name');
  await name.fill('Renamed in page one');
  await name.press('Enter');
  await expect(firstList).toContainText('Renamed in page one');
  await expect(otherList).toContainText('Renamed in page one', { timeout: 30_000 });

  // Deleting (after confirming) removes it everywhere too.
  await item.hover();
  await item.getByRole('button', { name: /^Delete/ }).click();
  await page
    .getByRole('dialog', { name: 'Delete conversation?' })
    .getByRole('button', { name: 'Delete' })
    .click();
  await expect(firstList).toHaveCount(0);
  await expect(other.getByText('No conversations yet.')).toBeVisible({ timeout: 30_000 });
  await other.close();
});

test('screens: chat with citations, sources, viewer and settings, light and dark', async ({
  page,
}) => {
  server = await startTestServer();
  llm = await startFakeLlm({ tokensPerSecond: 400, answer: longAnswer(3) });
  await api(server, 'settings.update', {
    settings: { provider: { kind: 'ollama', baseUrl: llm.baseUrl, model: 'llama3.2' } },
  });
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(server.openUrl);
  await addFixtures(page);
  await ask(page, 'How does the system align sentences across the two columns?');
  const answer = page.getByTestId('assistant-message').last();
  await expect(answer).toHaveAttribute('data-status', 'complete', { timeout: 120_000 });
  await answer.getByRole('button', { name: /sources$/ }).click();
  await expect(page.getByTestId('sources-panel')).toBeVisible();
  await page.locator('.message-scroller').evaluate((el) => (el.scrollTop = 0));
  await shootBoth(page, 'chat-citations', () => page.waitForTimeout(400));

  // A chip citing a PDF page, so the viewer shows pdf.js with the passage marked.
  const pdfChip = answer.getByRole('button', { name: /^Source \d+: .*page \d+/ }).first();
  await (
    (await pdfChip.count()) > 0 ? pdfChip : answer.getByTestId('citation-chip').first()
  ).click();
  const viewer = page.getByTestId('document-viewer');
  await expect(viewer.getByTestId('pdf-page').or(viewer.getByTestId('text-viewer'))).toBeVisible({
    timeout: 60_000,
  });
  await expect(viewer.locator('mark.hl').first()).toBeVisible({ timeout: 60_000 });
  await shootBoth(page, 'viewer', () => page.waitForTimeout(400));
  await page.keyboard.press('Escape');

  await page.getByRole('link', { name: 'Settings' }).click();
  await expect(page.getByRole('heading', { name: 'Settings' })).toBeVisible();
  await expect(page.getByLabel('Model', { exact: true })).toHaveValue('llama3.2');
  await shootBoth(page, 'settings', () => page.waitForTimeout(400));

  await page.getByText('Anthropic', { exact: true }).click();
  await expect(page.getByTestId('privacy')).toContainText('Uses the internet');
  await expect(page.getByTestId('key-status')).toContainText('No key stored');
  await shootBoth(page, 'settings-remote', () => page.waitForTimeout(400));
});
