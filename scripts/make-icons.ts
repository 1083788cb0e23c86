// Renders resources/icon.svg to the PNG, ICO and ICNS files the installers use (committed output).
// Run with `npm run make-icons` after editing the SVG; it needs Chromium (QUIRE_CHROMIUM overrides).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { encodeIco, encodeIcns, ICNS_TYPES } from './icon-formats';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const resources = path.join(root, 'resources');

export const ICON_SIZES = [16, 32, 48, 64, 128, 256, 512, 1024] as const;
/** Windows shows these sizes; it scales from the nearest, so every common one is present. */
export const ICO_SIZES = [16, 32, 48, 64, 128, 256] as const;
/** The two text lines on the page are mush below this size, so small icons leave them out. */
const DETAIL_MIN_SIZE = 48;

async function render(): Promise<Map<number, Buffer>> {
  const svg = fs.readFileSync(path.join(resources, 'icon.svg'), 'utf8');
  const simple = svg.replace(/<g id="lines"[\s\S]*?<\/g>/, '');
  const browser = await chromium.launch({
    executablePath: process.env.QUIRE_CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
    ],
  });
  try {
    const page = await browser.newPage({ deviceScaleFactor: 1 });
    const pngs = new Map<number, Buffer>();
    for (const size of ICON_SIZES) {
      const source = size >= DETAIL_MIN_SIZE ? svg : simple;
      const src = `data:image/svg+xml;base64,${Buffer.from(source).toString('base64')}`;
      await page.setViewportSize({ width: size, height: size });
      await page.setContent(
        `<html><body style="margin:0;background:transparent">` +
          `<img src="${src}" width="${size}" height="${size}" style="display:block"></body></html>`,
      );
      // Wait until the image is decoded; the callback runs in the page (no DOM types here).
      await page.locator('img').evaluate((img) => (img as { decode(): Promise<void> }).decode());
      pngs.set(size, await page.screenshot({ type: 'png', omitBackground: true }));
    }
    return pngs;
  } finally {
    await browser.close();
  }
}

async function main() {
  const pngs = await render();
  const icons = path.join(resources, 'icons');
  fs.mkdirSync(icons, { recursive: true });
  for (const [size, png] of pngs) fs.writeFileSync(path.join(icons, `${size}x${size}.png`), png);
  fs.writeFileSync(path.join(resources, 'icon.png'), pngs.get(1024)!);
  fs.writeFileSync(path.join(resources, 'icon.ico'), encodeIco(ICO_SIZES.map((s) => pngs.get(s)!)));
  fs.writeFileSync(
    path.join(resources, 'icon.icns'),
    encodeIcns(ICNS_TYPES.map(({ type, pixels }) => ({ type, png: pngs.get(pixels)! }))),
  );
  process.stdout.write(`Wrote ${pngs.size} PNGs, icon.ico and icon.icns to ${resources}\n`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
