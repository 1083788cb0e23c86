import { chromium } from '@playwright/test';
const URL = 'http://127.0.0.1:47811/#token=devtoken0123456789abcdef0123456789';
const T = 'devtoken0123456789abcdef0123456789';
const api = async (m, a) => (await (await fetch(`http://127.0.0.1:47811/api/${m.replace('.', '/')}`, { method: 'POST', headers: { authorization: `Bearer ${T}`, 'content-type': 'application/json' }, body: JSON.stringify(a) })).json());
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
page.on('console', (m) => m.type() !== 'log' && console.log('console:', m.type(), m.text()));
page.on('pageerror', (e) => console.log('pageerror:', e.message));
const mode = process.argv[2];
if (mode === 'search') await api('settings.update', { settings: { version: 1, provider: { kind: 'none' } } });
else await api('settings.update', { settings: { version: 1, provider: { kind: 'ollama', baseUrl: process.argv[3], model: 'fake' } } });
await page.goto(URL);
await page.waitForTimeout(1500);
await page.getByLabel('Your question').fill('How does the system align sentences?');
await page.keyboard.press('Enter');
await page.waitForTimeout(mode === 'search' ? 2500 : 3000);
await page.screenshot({ path: `/tmp/shots/${mode}-1.png` });
if (mode !== 'search') {
  await page.waitForSelector('[data-testid="assistant-message"][data-status="complete"]', { timeout: 60000 });
  await page.screenshot({ path: `/tmp/shots/${mode}-2.png` });
  await page.locator('[data-testid="citation-chip"]').first().click();
  await page.waitForSelector('[data-testid="pdf-page"][data-rendered="true"], [data-testid="text-viewer"]', { timeout: 30000 });
  await page.waitForTimeout(500);
  await page.screenshot({ path: `/tmp/shots/${mode}-viewer.png` });
  console.log('highlights', await page.locator('[data-testid="pdf-page"]').getAttribute('data-highlights'));
  console.log('marked', await page.locator('mark.hl').allTextContents());
}
await browser.close();
