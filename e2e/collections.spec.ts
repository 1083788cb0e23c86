import { expect, test, type Page } from '@playwright/test';
import type { ServerHandle } from './quire-server';
import {
  api,
  docRow,
  dropFiles,
  expectReady,
  shootBoth,
  startTestServer,
  textFile,
} from './ui-helpers';

const DANUBE = '# The Danube\n\nThe Danube river floods its banks every spring on its way east.\n';
const RHONE = '# The Rhone\n\nThe Rhone river starts at a glacier in the Alps and flows west.\n';

/** The add notices sit over the header; a picture of the header needs them gone. */
async function dismissNotices(page: Page) {
  const buttons = page.locator('.notices').getByRole('button', { name: 'Dismiss' });
  while ((await buttons.count()) > 0) await buttons.first().click();
}

test.describe.configure({ timeout: 300_000 });

let server: ServerHandle | undefined;
test.afterEach(async () => {
  await server?.stop();
  server = undefined;
});

test('collections: create one, file a document, filter the library, and scope a chat to it', async ({
  page,
}) => {
  server = await startTestServer();
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(server.openUrl);
  await page.getByRole('link', { name: 'Library' }).click();
  await dropFiles(page, [textFile('danube.md', DANUBE), textFile('rhone.md', RHONE)]);
  await expectReady(page, 'danube.md');
  await expectReady(page, 'rhone.md');

  // Create a collection the way a user does.
  await page.getByRole('button', { name: 'New collection' }).click();
  await page.getByLabel('Collection name').fill('Alps');
  await page.getByRole('button', { name: 'Create', exact: true }).click();
  const show = page.getByLabel('Show collection');
  await expect(show).toHaveValue(/.+/);
  await expect(page.getByText('This collection is empty.')).toBeVisible();

  // File rhone.md in it from its row.
  await show.selectOption({ label: 'All documents' });
  await docRow(page, 'rhone.md').getByRole('button', { name: 'Collections of rhone.md' }).click();
  await page.getByRole('menuitemcheckbox', { name: 'Alps', exact: true }).click();
  await page.keyboard.press('Escape');
  await expect(docRow(page, 'rhone.md').getByTestId('doc-collections')).toContainText('in Alps');

  // Another window (a second client) makes a collection and files danube.md: this one sees it live.
  const docs = await api<{ documents: { id: string; name: string }[] }>(server, 'library.list', {});
  const east = await api<{ id: string }>(server, 'collections.create', { name: 'East' });
  const danube = docs.documents.find((d) => d.name === 'danube.md')!;
  await api(server, 'collections.addDocuments', {
    collectionId: east.id,
    documentIds: [danube.id],
  });
  await expect(docRow(page, 'danube.md').getByTestId('doc-collections')).toContainText('in East');

  await show.selectOption({ label: 'Alps (1)' });
  await expect(page.getByTestId('doc-row')).toHaveCount(1);
  await expect(docRow(page, 'rhone.md')).toBeVisible();
  await dismissNotices(page);
  await shootBoth(page, 'collections-library');

  // A new chat scoped to Alps finds the Rhone, never the Danube, though both are rivers.
  await page.getByRole('button', { name: 'New chat' }).click();
  await page.getByLabel('What this chat searches').selectOption({ label: 'Alps' });
  const input = page.getByRole('textbox', { name: 'Your question' });
  await input.fill('Which river floods or starts at a glacier?');
  await input.press('Enter');
  const answer = page.getByTestId('assistant-message').last();
  await expect(answer).toHaveAttribute('data-status', 'complete', { timeout: 60_000 });
  const cards = answer.getByTestId('source-card');
  await expect(cards.first()).toContainText('rhone.md');
  await expect(cards.filter({ hasText: 'danube.md' })).toHaveCount(0);
  await expect(page.getByLabel('What this chat searches')).toHaveValue(/.+/);
  await expect(page.getByTestId('conversation-scope').first()).toHaveText('Alps');
  await dismissNotices(page);
  await shootBoth(page, 'collections-chat');

  // Hand-picked: narrow the library to one document and chat about what is shown.
  await page.getByRole('link', { name: 'Library' }).click();
  await page.getByLabel('Filter documents').fill('danube');
  await expect(page.getByTestId('doc-row')).toHaveCount(1);
  await page.getByRole('button', { name: 'Chat about 1 shown document' }).click();
  await expect(page.getByLabel('What this chat searches')).toHaveValue('documents');
  await input.fill('Which river floods or starts at a glacier?');
  await input.press('Enter');
  const picked = page.getByTestId('assistant-message').last();
  await expect(picked).toHaveAttribute('data-status', 'complete', { timeout: 60_000 });
  await expect(picked.getByTestId('source-card').first()).toContainText('danube.md');
  await expect(picked.getByTestId('source-card').filter({ hasText: 'rhone.md' })).toHaveCount(0);
  await expect(page.getByTestId('conversation-scope').first()).toHaveText('1 selected document');

  // Deleting the collection keeps both documents.
  await page.getByRole('link', { name: 'Library' }).click();
  await page.getByLabel('Show collection').selectOption({ label: 'Alps (1)' });
  await page.getByRole('button', { name: 'Delete', exact: true }).click();
  await page.getByRole('button', { name: 'Delete collection' }).click();
  await expect(page.getByTestId('doc-row')).toHaveCount(2);
  await expect(docRow(page, 'rhone.md').getByTestId('doc-collections')).toHaveCount(0);
});
