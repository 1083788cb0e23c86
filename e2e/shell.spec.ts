import net from 'node:net';
import { expect, test } from '@playwright/test';
import { startQuireServer } from './quire-server';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

test('the page loads as Quire, connects, and reconnects after a server restart', async ({
  page,
}) => {
  const port = await freePort();
  const token = 'e2e-token-0123456789abcdef0123456789';
  let server = await startQuireServer({ port, token });
  try {
    await page.goto(server.openUrl);
    await expect(page).toHaveTitle('Quire');
    await expect(page.getByRole('heading', { name: 'Quire' })).toBeVisible();
    const badge = page.getByTestId('connection-state');
    await expect(badge).toHaveText('Connected');
    // No language model yet: the first screen offers one.
    await expect(page.getByRole('heading', { name: 'Get started' })).toBeVisible();
    expect(page.url()).not.toContain('token='); // the token leaves the address bar
    await page.screenshot({ path: 'test-results/shell-connected.png' });

    await server.stop();
    await expect(badge).toHaveText('Reconnecting…', { timeout: 15_000 });
    await page.screenshot({ path: 'test-results/shell-reconnecting.png' });

    server = await startQuireServer({ port, token, dataDir: server.dataDir });
    await expect(badge).toHaveText('Connected', { timeout: 20_000 });

    await page.reload();
    await expect(badge).toHaveText('Connected');
  } finally {
    await server.stop();
  }
});
