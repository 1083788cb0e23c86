import { expect, test } from '@playwright/test';
import { startFakeLlm, type FakeLlm } from './fake-llm';
import type { ServerHandle } from './quire-server';
import {
  api,
  docRow,
  dropFiles,
  expectReady,
  fixtureFile,
  shootBoth,
  startTestServer,
} from './ui-helpers';

test.describe.configure({ timeout: 300_000 });

let server: ServerHandle | undefined;
let llm: FakeLlm | undefined;
test.afterEach(async () => {
  await server?.stop();
  await llm?.close();
});

test('Ask about this document from the library row reads it section by section', async ({
  page,
}) => {
  server = await startTestServer();
  // Every section's note and the answer cite source 1: the first page of what was read.
  // Slow enough that the answer is caught mid-way, sections still being read.
  llm = await startFakeLlm({ tokensPerSecond: 8, answer: 'The filing deadlines are listed [1].' });
  await api(server, 'settings.update', {
    settings: { provider: { kind: 'ollama', baseUrl: llm.baseUrl, model: 'fake' } },
  });
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(server.openUrl);
  await page.getByRole('link', { name: 'Library' }).click();
  await dropFiles(page, [fixtureFile('dmca_summary_18p_rc4.pdf')]);
  await expectReady(page, 'dmca_summary_18p_rc4.pdf');
  await shootBoth(page, 'whole-document-library-row');

  await docRow(page, 'dmca_summary_18p_rc4.pdf').getByTestId('doc-ask').click();
  await expect(page.getByTestId('about-document')).toContainText(
    'Asking about the whole of dmca_summary_18p_rc4.pdf',
  );
  // The header says the same: every page is read, and nothing is searched.
  await expect(page.getByTestId('chat-whole-document')).toContainText(
    'every page of dmca_summary_18p_rc4.pdf',
  );
  await expect(page.locator('.chat-header')).not.toContainText('Searching');
  // The "Added" notice would cover the header in the pictures below.
  for (const notice of await page.getByRole('button', { name: 'Dismiss' }).all())
    await notice.click();
  const input = page.getByRole('textbox', { name: 'Your question' });
  await input.fill('List every deadline in this document.');
  await input.press('Enter');

  const answer = page.getByTestId('assistant-message').last();
  const trail = answer.getByTestId('step-trail');
  // While it runs, the trail says which section is being read and, after the first, the time left.
  await expect(trail).toContainText(
    /Reading section \d+ of \d+ · (under a minute|about \d+ min) left/,
    { timeout: 60_000 },
  );
  await shootBoth(page, 'whole-document-reading');
  await expect(answer).toHaveAttribute('data-status', 'complete', { timeout: 120_000 });

  await trail.locator('summary').click();
  const labels = await trail.locator('.step-label').allTextContents();
  // Why this many sections: what the model's context holds.
  const why = labels.find((l) => / sections: the model's [\d,]+-token context holds about/.test(l));
  const total = Number(/^(\d+) sections/.exec(why ?? '')?.[1]);
  expect(total).toBeGreaterThan(1);
  expect(labels).toContain(`Read all ${total} sections`);
  expect(labels.at(-1)).toBe(`Writing the answer from ${total} sections`);
  // The follow-up stays about the same document until the chip is cleared.
  await expect(page.getByTestId('about-document')).toBeVisible();
  await shootBoth(page, 'whole-document-steps');

  // The citation opens the viewer at a page of that document.
  await answer.getByTestId('citation-chip').first().click();
  const viewer = page.getByTestId('document-viewer');
  await expect(viewer.getByTestId('pdf-page')).toBeVisible({ timeout: 60_000 });
});

test('Pin from the library row, shown and removable in the chat header', async ({ page }) => {
  server = await startTestServer();
  llm = await startFakeLlm({ tokensPerSecond: 200, answer: 'Noted [1].' });
  await api(server, 'settings.update', {
    settings: { provider: { kind: 'ollama', baseUrl: llm.baseUrl, model: 'fake' } },
  });
  await page.goto(server.openUrl);
  await page.getByRole('link', { name: 'Library' }).click();
  await dropFiles(page, [fixtureFile('pdfa_crazyones.pdf')]);
  await expectReady(page, 'pdfa_crazyones.pdf');
  await docRow(page, 'pdfa_crazyones.pdf')
    .getByRole('button', { name: 'Pin pdfa_crazyones.pdf into a fresh chat' })
    .click();
  const pins = page.getByTestId('pinned-documents');
  await expect(pins).toContainText('Pinned: pdfa_crazyones.pdf');
  const input = page.getByRole('textbox', { name: 'Your question' });
  await input.fill('Who are the crazy ones?');
  await input.press('Enter');
  const answer = page.getByTestId('assistant-message').last();
  await expect(answer).toHaveAttribute('data-status', 'complete', { timeout: 60_000 });
  await answer.getByTestId('step-trail').locator('summary').click();
  await expect(answer.getByTestId('step-trail')).toContainText(
    'Pinned “pdfa_crazyones.pdf”: all of it is in the prompt',
  );
  await pins.getByRole('button', { name: 'Unpin pdfa_crazyones.pdf' }).click();
  await expect(pins).not.toContainText('Pinned:');

  // The viewer pins it back into this conversation, and unpins it again.
  await answer.getByTestId('citation-chip').first().click();
  await page.getByRole('button', { name: 'Pin to this chat' }).click();
  await expect(pins).toContainText('Pinned: pdfa_crazyones.pdf');
  await answer.getByTestId('citation-chip').first().click();
  await page.getByRole('button', { name: 'Unpin from this chat' }).click();
  await expect(pins).not.toContainText('Pinned:');
});
