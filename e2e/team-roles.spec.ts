// The interface follows the person's role on a team server: what a viewer may not do is not
// shown at all, and the owner's link shows every control. A real `quire serve --host` and the
// real `quire users add`, opened in Chromium as each person opens their link.
import fs from 'node:fs';
import path from 'node:path';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { addUser } from '../test/helpers/team-server';
import type { ServerHandle } from './quire-server';
import { docRow, dropFiles, expectReady, startTestServer, textFile } from './ui-helpers';

test.describe.configure({ timeout: 240_000 });

const SHOTS = path.resolve('test-results');

let server: ServerHandle | undefined;
test.afterEach(async () => {
  await server?.stop();
  server = undefined;
});

/** The server listens on every interface; this machine reaches it on loopback. */
const loopback = (link: string) => {
  const url = new URL(link);
  return { base: `http://127.0.0.1:${url.port}`, hash: url.hash };
};

async function ownerCall(method: string, args: unknown): Promise<unknown> {
  const [domain, name] = method.split('.');
  const response = await fetch(`${loopback(server!.url).base}/api/${domain}/${name}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server!.token}` },
    body: JSON.stringify(args),
  });
  const result = (await response.json()) as { ok: boolean; value?: unknown };
  if (!result.ok) throw new Error(`${method}: ${JSON.stringify(result)}`);
  return result.value;
}

/** A person's own browser, opened at the link they were given, on the library. */
async function openLibraryAs(browser: Browser, link: string): Promise<Page> {
  const page = await (
    await browser.newContext({ viewport: { width: 1280, height: 800 } })
  ).newPage();
  const { base, hash } = loopback(link);
  await page.goto(`${base}/${hash}`);
  await expect(page.getByTestId('connection-state')).toHaveText('Connected');
  await page.getByRole('link', { name: 'Library' }).click();
  await expectReady(page, 'lighthouses.md');
  return page;
}

const CHANGE_CONTROLS = [
  { role: 'button', name: 'Add files…' },
  { role: 'button', name: 'Add folder…' },
  { role: 'button', name: 'New collection' },
  { role: 'button', name: 'Remove lighthouses.md' },
  { role: 'button', name: 'Re-index lighthouses.md' },
  { role: 'button', name: 'Collections of lighthouses.md' },
  { role: 'button', name: 'Watch a folder…' },
] as const;

const COLLECTION_CONTROLS = ['Add documents…', 'Rename', 'Empty', 'Delete'];

test('a viewer sees no control to change the library; the owner sees them all', async ({
  browser,
}) => {
  server = await startTestServer({ extraArgs: ['--host', '0.0.0.0', '--insecure-http'] });
  const upload = await fetch(`${loopback(server.url).base}/api/files/upload`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.token}`, 'x-file-name': 'lighthouses.md' },
    body: '# Lighthouses\n\nThe keeper lit the lamp at dusk on the northern cape.\n',
  });
  expect(upload.status).toBe(200);
  const shelf = (await ownerCall('collections.create', { name: 'Coast' })) as { id: string };
  const alice = await addUser(server.dataDir, 'alice');
  const bob = await addUser(server.dataDir, 'bob', '--editor');

  // The viewer: the list, the filter and the chat, and nothing that would be refused.
  const viewer = await openLibraryAs(browser, alice.link);
  await expect(viewer.getByTestId('signed-in-as')).toHaveText(/alice · viewer/);
  await expect(
    docRow(viewer, 'lighthouses.md').getByRole('button', { name: /Ask about/ }),
  ).toBeVisible();
  for (const control of CHANGE_CONTROLS)
    await expect(viewer.getByRole(control.role, { name: control.name }), control.name).toHaveCount(
      0,
    );
  await expect(viewer.getByTestId('add-files-input')).toHaveCount(0);
  await viewer.getByLabel('Show collection').selectOption(shelf.id);
  await expect(viewer.getByTestId('collection-empty')).toBeVisible();
  for (const name of COLLECTION_CONTROLS)
    await expect(viewer.getByRole('button', { name, exact: true }), name).toHaveCount(0);
  await viewer.getByLabel('Show collection').selectOption({ label: 'All documents' });
  fs.mkdirSync(SHOTS, { recursive: true });
  await viewer.screenshot({ path: path.join(SHOTS, 'team-roles-viewer.png') });

  // A file dropped on the viewer's window is neither offered nor sent.
  await dropFiles(viewer, [textFile('dropped.md', '# Dropped\n\nA note.\n')]);
  await expect(viewer.getByTestId('drop-overlay')).toHaveCount(0);
  await expect(viewer.getByTestId('doc-row')).toHaveCount(1);

  // Settings say what the role allows, and hold no field to change.
  await viewer.getByRole('link', { name: 'Settings' }).click();
  await expect(viewer.getByTestId('role-summary')).toContainText(
    'You are signed in as alice, a viewer: you can read, search and ask',
  );
  await expect(viewer.getByRole('button', { name: 'Save changes' })).toHaveCount(0);
  await expect(viewer.getByRole('radiogroup', { name: 'Provider' })).toHaveCount(0);
  await viewer.screenshot({ path: path.join(SHOTS, 'team-roles-viewer-settings.png') });

  // The editor: documents and collections, but not the owner's settings.
  const editor = await openLibraryAs(browser, bob.link);
  await expect(editor.getByRole('button', { name: 'Remove lighthouses.md' })).toBeVisible();
  await expect(editor.getByRole('button', { name: 'Add files…' })).toBeVisible();
  await expect(editor.getByRole('button', { name: 'New collection' })).toBeVisible();
  await expect(editor.getByRole('button', { name: 'Watch a folder…' })).toHaveCount(0);
  await editor.getByRole('link', { name: 'Settings' }).click();
  await expect(editor.getByTestId('role-summary')).toContainText('bob, an editor');
  await expect(editor.getByRole('button', { name: 'Save changes' })).toHaveCount(0);

  // The owner's link: every control is there.
  const owner = await openLibraryAs(browser, server.openUrl);
  await expect(owner.getByTestId('signed-in-as')).toHaveCount(0);
  for (const control of CHANGE_CONTROLS)
    await expect(owner.getByRole(control.role, { name: control.name }), control.name).toBeVisible();
  await owner.getByLabel('Show collection').selectOption(shelf.id);
  for (const name of COLLECTION_CONTROLS)
    await expect(owner.getByRole('button', { name, exact: true }).first(), name).toBeVisible();
  await owner.getByLabel('Show collection').selectOption({ label: 'All documents' });
  await owner.screenshot({ path: path.join(SHOTS, 'team-roles-owner.png') });
  await owner.getByRole('link', { name: 'Settings' }).click();
  await expect(owner.getByRole('button', { name: 'Save changes' })).toBeVisible();
  await expect(owner.getByTestId('role-summary')).toHaveCount(0);
});
