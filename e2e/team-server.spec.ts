import { expect, test, type Browser, type Page } from '@playwright/test';
import { addUser } from '../test/helpers/team-server';
import type { ServerHandle } from './quire-server';
import { startTestServer } from './ui-helpers';

test.describe.configure({ timeout: 240_000 });

let server: ServerHandle | undefined;
test.afterEach(async () => {
  await server?.stop();
  server = undefined;
});

/** A person's own browser, opened at the link they were given (on this machine's loopback). */
async function openAs(browser: Browser, link: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  const url = new URL(link);
  await page.goto(`http://127.0.0.1:${url.port}/${url.hash}`);
  await expect(page.getByTestId('connection-state')).toHaveText('Connected');
  return page;
}

async function ask(page: Page, question: string) {
  await page.getByRole('button', { name: 'New chat' }).click();
  const input = page.getByRole('textbox', { name: 'Your question' });
  await input.fill(question);
  await input.press('Enter');
  await expect(page.getByTestId('assistant-message').last()).not.toHaveAttribute(
    'data-status',
    'streaming',
    { timeout: 60_000 },
  );
}

test('a team server with two users keeps each one’s conversations private', async ({ browser }) => {
  server = await startTestServer({ extraArgs: ['--host', '0.0.0.0', '--insecure-http'] });
  const alice = await addUser(server.dataDir, 'alice');
  const bob = await addUser(server.dataDir, 'bob');
  expect(alice.link.startsWith(server.url)).toBe(true);

  const alicePage = await openAs(browser, alice.link);
  const bobPage = await openAs(browser, bob.link);
  const aliceList = alicePage.getByRole('list', { name: 'Conversations' });
  const bobList = bobPage.getByRole('list', { name: 'Conversations' });

  await ask(alicePage, 'What do the notes say about lighthouses?');
  await expect(aliceList.getByTestId('conversation-item')).toHaveCount(1);
  await expect(aliceList).toContainText('lighthouses');
  await expect(bobPage.getByText('No conversations yet.')).toBeVisible();

  await ask(bobPage, 'Which rivers do the notes name?');
  await expect(bobList.getByTestId('conversation-item')).toHaveCount(1);
  await expect(bobList).toContainText('rivers');
  await expect(bobList).not.toContainText('lighthouses');

  // After a reload too, each list is its owner's alone (the snapshot, not just live events).
  await alicePage.reload();
  await expect(aliceList.getByTestId('conversation-item')).toHaveCount(1);
  await expect(aliceList).not.toContainText('rivers');
  await alicePage.screenshot({ path: 'test-results/team-server-alice.png' });
});
