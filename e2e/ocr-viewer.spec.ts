import { expect, test } from '@playwright/test';
import type { ServerHandle } from './quire-server';
import { dropFiles, expectReady, fixtureFile, startTestServer } from './ui-helpers';

test.describe.configure({ timeout: 420_000 });

let server: ServerHandle | undefined;
test.afterEach(async () => {
  await server?.stop();
  server = undefined;
});

test('a scan is read by OCR, found by its words, and the viewer marks those words on the image', async ({
  page,
}) => {
  server = await startTestServer();
  await page.setViewportSize({ width: 1280, height: 860 });
  await page.goto(server.openUrl);
  await page.getByRole('link', { name: 'Library' }).click();
  await dropFiles(page, [fixtureFile('scanned_loremipsum_image_only.pdf')]);
  await expectReady(page, 'scanned_loremipsum_image_only.pdf', 360_000);

  await page.getByRole('button', { name: 'New chat' }).click();
  const input = page.getByRole('textbox', { name: 'Your question' });
  await input.fill('Lorem ipsum dolor sit amet');
  await input.press('Enter');
  const answer = page.getByTestId('assistant-message').last();
  await expect(answer).toHaveAttribute('data-status', 'complete', { timeout: 60_000 });
  const card = answer.getByTestId('source-card').first();
  await expect(card).toContainText('scanned_loremipsum_image_only.pdf');
  await card.click();

  const viewer = page.getByTestId('document-viewer');
  const pdfPage = viewer.getByTestId('pdf-page');
  await expect(pdfPage).toHaveAttribute('data-rendered', 'true', { timeout: 60_000 });
  await expect(pdfPage).toHaveAttribute('data-ocr', 'true');
  await expect(pdfPage).not.toHaveAttribute('data-highlights', '0');
  await expect(viewer.locator('mark.ocr-hl').first()).toBeVisible();
  await expect(viewer.getByText('OCR', { exact: true })).toBeVisible();
  await page.screenshot({ path: 'test-results/screens/ocr-viewer.png' });
});
