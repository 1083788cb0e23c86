import { expect, test, type Page } from '@playwright/test';
import type { ServerHandle } from './quire-server';
import {
  docRow,
  dropFiles,
  expectReady,
  fixtureFile,
  shootBoth,
  startTestServer,
  textFile,
} from './ui-helpers';

const NOTES = `# Field notes

## Citations

Quire answers with numbered citations. Each citation points at the exact passage,
so a reader can check every claim against the source document.

## Indexing

Documents are parsed, chunked and embedded on this machine. Nothing is uploaded.
`;

test.describe.configure({ timeout: 360_000 });

/** Notes every status each document row shows, in order, from now on. */
async function recordRowStates(page: Page) {
  await page.evaluate(() => {
    const g = globalThis as unknown as {
      document: {
        body: unknown;
        querySelectorAll: (s: string) => ArrayLike<{ getAttribute: (n: string) => string | null }>;
      };
      MutationObserver: new (cb: () => void) => { observe: (n: unknown, o: unknown) => void };
      __rowStates: Record<string, string[]>;
    };
    g.__rowStates = {};
    new g.MutationObserver(() => {
      for (const row of Array.from(g.document.querySelectorAll('[data-testid="doc-row"]'))) {
        const name = row.getAttribute('data-name') ?? '';
        const status = row.getAttribute('data-status') ?? '';
        const seen = (g.__rowStates[name] ??= []);
        if (seen.at(-1) !== status) seen.push(status);
      }
    }).observe(g.document.body, { subtree: true, childList: true, attributes: true });
  });
}

let server: ServerHandle;
test.afterEach(async () => {
  await server?.stop();
});

test('1. two files dropped on the window show progress and become ready', async ({ page }) => {
  server = await startTestServer();
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(server.openUrl);
  await expect(page.getByTestId('connection-state')).toHaveText('Connected');
  await page.getByRole('link', { name: 'Library' }).click();
  await expect(page.getByText('Drop files here')).toBeVisible();

  await recordRowStates(page);
  await dropFiles(page, [
    fixtureFile('acl_naacl06_two_column_paper.pdf'),
    textFile('field-notes.md', NOTES),
  ]);
  const pdf = docRow(page, 'acl_naacl06_two_column_paper.pdf');
  const md = docRow(page, 'field-notes.md');
  await expect(pdf).toBeVisible({ timeout: 30_000 });
  await expect(md).toBeVisible({ timeout: 30_000 });
  await expectReady(page, 'field-notes.md');
  await expectReady(page, 'acl_naacl06_two_column_paper.pdf');
  // Both rows showed their progress on the way: queued, then indexing stages, then ready.
  const states = await page.evaluate(
    () => (globalThis as unknown as { __rowStates: Record<string, string[]> }).__rowStates,
  );
  console.log(`[library] row states seen: ${JSON.stringify(states)}`);
  for (const name of ['acl_naacl06_two_column_paper.pdf', 'field-notes.md']) {
    expect(states[name]?.at(-1)).toBe('ready');
    expect(states[name]?.length).toBeGreaterThan(1);
  }
  expect(states['acl_naacl06_two_column_paper.pdf']).toEqual(
    expect.arrayContaining(['parsing', 'embedding']),
  );
  await expect(pdf).toContainText('8 pages');
  await expect(page.getByTestId('library-totals')).toContainText('2 documents');
  await shootBoth(page, 'library');

  // The drop overlay appears while something is dragged over the window.
  await page.evaluate(() => {
    const g = globalThis as unknown as {
      document: { body: EventTarget };
      DataTransfer: new () => { items: { add: (f: unknown) => void } };
      DragEvent: new (type: string, init: Record<string, unknown>) => Event;
      File: new (parts: unknown[], name: string) => unknown;
    };
    const transfer = new g.DataTransfer();
    transfer.items.add(new g.File(['x'], 'x.txt'));
    g.document.body.dispatchEvent(
      new g.DragEvent('dragenter', { bubbles: true, cancelable: true, dataTransfer: transfer }),
    );
  });
  await expect(page.getByTestId('drop-overlay')).toBeVisible();
  await shootBoth(page, 'drop-overlay');
});

test('2. a reload during indexing shows the true progress at once, and it continues', async ({
  page,
}) => {
  server = await startTestServer();
  await page.goto(server.openUrl);
  await page.getByRole('link', { name: 'Library' }).click();
  await dropFiles(page, [fixtureFile('geotopo_de_117p.pdf')]);
  const row = docRow(page, 'geotopo_de_117p.pdf');
  // Wait until real progress is shown (a page counter), then reload mid-indexing.
  const progress = row.getByTestId('doc-progress');
  await expect(progress).toContainText(/\d+ \/ \d+/, { timeout: 120_000 });
  await shootBoth(page, 'library-indexing');
  const before = await row.getByRole('progressbar').getAttribute('aria-valuenow');
  await page.reload();
  await expect(page.getByTestId('connection-state')).toHaveText('Connected');
  // Straight from the snapshot: the row is still indexing, at no less than before.
  const status = await row.getAttribute('data-status', { timeout: 15_000 });
  if (status !== 'ready') {
    const after = await row.getByRole('progressbar').getAttribute('aria-valuenow');
    expect(Number(after)).toBeGreaterThanOrEqual(Number(before));
    await expect(row.getByTestId('doc-progress')).toContainText(/\d+ \/ \d+|Waiting|Starting/);
  }
  await expectReady(page, 'geotopo_de_117p.pdf', 300_000);
  await expect(row).toContainText('117 pages');
});

test('6. an encrypted PDF asks for its password, then indexes', async ({ page }) => {
  server = await startTestServer();
  await page.goto(server.openUrl);
  await page.getByRole('link', { name: 'Library' }).click();
  await dropFiles(page, [fixtureFile('encrypted_userpw_openpassword.pdf')]);
  const row = docRow(page, 'encrypted_userpw_openpassword.pdf');
  await expect(row).toHaveAttribute('data-status', 'failed', { timeout: 120_000 });
  await expect(row.getByTestId('doc-error')).toContainText('password');

  await row.getByRole('button', { name: 'Enter password…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Unlock PDF' });
  await expect(dialog).toBeVisible();
  await shootBoth(page, 'password-dialog');
  // A wrong password first: the row says so, and asks again.
  await dialog.getByLabel('Password').fill('not-it');
  await dialog.getByRole('button', { name: 'Unlock' }).click();
  await expect(row.getByTestId('doc-error')).toContainText('not correct', { timeout: 120_000 });
  await row.getByRole('button', { name: 'Enter password…' }).click();
  await dialog.getByLabel('Password').fill('openpassword');
  await page.keyboard.press('Enter');
  await expect(dialog).toBeHidden();
  await expectReady(page, 'encrypted_userpw_openpassword.pdf', 120_000);
});
