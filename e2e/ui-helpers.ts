import fs from 'node:fs';
import path from 'node:path';
import { expect, type Page } from '@playwright/test';
import { startQuireServer, type ServerHandle } from './quire-server';

export const FIXTURES = '/work/shared/fixtures/pdfs';
export const SHOTS = path.resolve('test-results/screens');

/** `quire serve` with a fresh data folder and the generated test embedding model. */
export function startTestServer(
  options: { dataDir?: string; extraArgs?: string[] } = {},
): Promise<ServerHandle> {
  return startQuireServer({
    ...options,
    extraArgs: [
      '--model-dir',
      path.resolve('.test-models'),
      '--embedding-model',
      'quire-test/bow',
      ...(options.extraArgs ?? []),
    ],
  });
}

export type DropFile = { name: string; mime: string; base64: string };

export function fixtureFile(name: string, mime = 'application/pdf'): DropFile {
  return { name, mime, base64: fs.readFileSync(path.join(FIXTURES, name)).toString('base64') };
}

export function textFile(name: string, text: string, mime = 'text/markdown'): DropFile {
  return { name, mime, base64: Buffer.from(text, 'utf8').toString('base64') };
}

/**
 * A real drag and drop: File objects built in the page from the bytes, in a DataTransfer,
 * dispatched as dragenter, dragover and drop, the events a user's drag produces.
 */
export async function dropFiles(page: Page, files: DropFile[], target = 'main'): Promise<void> {
  await page.evaluate(
    async ({ files, target }) => {
      const g = globalThis as unknown as {
        document: { querySelector: (s: string) => EventTarget | null };
        DataTransfer: new () => { items: { add: (f: unknown) => void } };
        DragEvent: new (type: string, init: Record<string, unknown>) => Event;
        File: new (parts: unknown[], name: string, init: { type: string }) => unknown;
        atob: (s: string) => string;
      };
      const transfer = new g.DataTransfer();
      for (const f of files) {
        const binary = g.atob(f.base64);
        const bytes = new Uint8Array(binary.length);
        for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
        transfer.items.add(new g.File([bytes], f.name, { type: f.mime }));
      }
      const element = g.document.querySelector(target);
      if (!element) throw new Error(`no drop target ${target}`);
      const init = { bubbles: true, cancelable: true, dataTransfer: transfer };
      element.dispatchEvent(new g.DragEvent('dragenter', init));
      element.dispatchEvent(new g.DragEvent('dragover', init));
      element.dispatchEvent(new g.DragEvent('drop', init));
    },
    { files, target },
  );
}

export function docRow(page: Page, name: string) {
  return page.locator(`[data-testid="doc-row"][data-name="${name}"]`);
}

export async function expectReady(page: Page, name: string, timeout = 240_000): Promise<void> {
  await expect(docRow(page, name)).toHaveAttribute('data-status', 'ready', { timeout });
}

/** Screenshots in both colour schemes, saved under test-results/screens. */
export async function shootBoth(page: Page, name: string, settle?: () => Promise<void>) {
  fs.mkdirSync(SHOTS, { recursive: true });
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    // Let colour transitions finish before the picture is taken.
    await page.waitForTimeout(350);
    await settle?.();
    await page.screenshot({ path: path.join(SHOTS, `${name}-${colorScheme}.png`) });
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

/** The methods the page uses; tests call them directly for setup, as a second client would. */
export async function api<T>(server: ServerHandle, method: string, args: unknown): Promise<T> {
  const [domain, name] = method.split('.');
  const response = await fetch(`${server.url}/api/${domain}/${name}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(args),
  });
  const result = (await response.json()) as { ok: boolean; value?: T; error?: { message: string } };
  if (!result.ok) throw new Error(`${method}: ${result.error?.message}`);
  return result.value as T;
}
