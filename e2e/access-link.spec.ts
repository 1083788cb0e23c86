import net from 'node:net';
import { expect, test, type Page } from '@playwright/test';
import { startQuireServer } from './quire-server';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** Neither the app shell nor its false "empty" states may show without access. */
async function expectNoShell(page: Page) {
  await expect(page.getByText('Loading…')).toHaveCount(0);
  await expect(page.getByText('No conversations yet.')).toHaveCount(0);
  await expect(page.getByTestId('connection-state')).toHaveCount(0);
  await expect(page.getByRole('navigation')).toHaveCount(0);
}

test('a tab opened without the token says how to open Quire', async ({ page }) => {
  const server = await startQuireServer();
  try {
    await page.goto(server.url); // the address without its #token=…
    const screen = page.getByTestId('access-link');
    await expect(
      screen.getByRole('heading', { name: 'Quire needs its access link' }),
    ).toBeVisible();
    await expect(screen).toContainText('npm run serve');
    await expect(screen).toContainText(`${new URL(server.url).origin}/#token=…`);
    await expectNoShell(page);
    await page.screenshot({ path: 'test-results/access-link-missing.png' });

    // Pasting the printed address into the same tab opens Quire.
    await page.goto(server.openUrl);
    await expect(page.getByTestId('connection-state')).toHaveText('Connected');
    await expect(screen).toHaveCount(0);
  } finally {
    await server.stop();
  }
});

test('a tab whose token the restarted server refuses says the link is out of date', async ({
  page,
}) => {
  const port = await freePort();
  let server = await startQuireServer({ port, token: 'first-token-0123456789abcdef012345' });
  try {
    await page.goto(server.openUrl);
    await expect(page.getByTestId('connection-state')).toHaveText('Connected');

    // A restart makes a new token; the open tab still holds the old one.
    await server.stop();
    server = await startQuireServer({
      port,
      token: 'second-token-0123456789abcdef01234',
      dataDir: server.dataDir,
    });
    const screen = page.getByTestId('access-link');
    await expect(
      screen.getByRole('heading', { name: 'This access link is out of date' }),
    ).toBeVisible({ timeout: 20_000 });
    await expect(screen).toContainText('Open the new address that npm run serve printed');
    await expectNoShell(page);
    await page.reload(); // the refused token is still kept for the tab: same explanation
    await expect(screen).toHaveAttribute('data-problem', 'refused');
    await page.screenshot({ path: 'test-results/access-link-refused.png' });

    await page.goto(server.openUrl);
    await expect(page.getByTestId('connection-state')).toHaveText('Connected');
  } finally {
    await server.stop();
  }
});
