import fs from 'node:fs';
import { expect, test } from '@playwright/test';
import { startFakeLlm, type FakeLlm } from './fake-llm';
import type { ServerHandle } from './quire-server';
import { api, dropFiles, expectReady, startTestServer, textFile } from './ui-helpers';

const NOTES = `# Alignment notes\n\nThe system aligns sentences across two columns and scores each candidate.\n`;

test.describe.configure({ timeout: 300_000 });

let server: ServerHandle | undefined;
let llm: FakeLlm | undefined;
test.afterEach(async () => {
  await server?.stop();
  await llm?.close();
  server = undefined;
  llm = undefined;
});

test('Export as Markdown downloads the conversation with its citations as footnotes', async ({
  page,
}) => {
  server = await startTestServer();
  llm = await startFakeLlm({
    tokensPerSecond: 400,
    answer: 'Sentences are aligned across the two columns [1].',
  });
  await api(server, 'settings.update', {
    settings: { provider: { kind: 'ollama', baseUrl: llm.baseUrl, model: 'fake' } },
  });
  await page.goto(server.openUrl);
  await page.getByRole('link', { name: 'Library' }).click();
  await dropFiles(page, [textFile('alignment-notes.md', NOTES)]);
  await expectReady(page, 'alignment-notes.md');

  await page.getByRole('button', { name: 'New chat' }).click();
  const input = page.getByRole('textbox', { name: 'Your question' });
  await input.fill('How are sentences aligned?');
  await input.press('Enter');
  const answer = page.getByTestId('assistant-message').last();
  await expect(answer).toHaveAttribute('data-status', 'complete', { timeout: 120_000 });

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export as Markdown' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe('how-are-sentences-aligned.md');
  const markdown = fs.readFileSync(await download.path(), 'utf8');
  expect(markdown).toContain('Sentences are aligned across the two columns [^1-1].');
  expect(markdown).toMatch(
    /\n\[\^1-1\]: \*alignment-notes\.md\*, Alignment notes: "# Alignment notes The system aligns sentences/,
  );
});

test('Settings → Other apps (MCP) shows the command and saves the indexing switch', async ({
  page,
}) => {
  server = await startTestServer();
  await page.goto(server.openUrl);
  await page.getByRole('link', { name: 'Settings' }).click();
  const group = page.getByTestId('mcp-settings');
  await expect(group).toContainText('Other apps (MCP)');
  await expect(group.locator('code')).toContainText('run --silent quire -- mcp --data');
  const allow = group.getByRole('switch', { name: 'Let other apps add documents' });
  await expect(allow).not.toBeChecked();
  await allow.check();
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect
    .poll(
      async () =>
        (await api<{ settings: { mcp: { allowIndexing: boolean } } }>(server!, 'settings.get', {}))
          .settings.mcp.allowIndexing,
    )
    .toBe(true);
});
