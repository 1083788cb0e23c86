import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { longAnswer, startFakeLlm } from './fake-llm';
import { api, startTestServer } from './ui-helpers';

test('profile', async ({ page }) => {
  test.setTimeout(200_000);
  const llm = await startFakeLlm({ tokensPerSecond: 200, answer: longAnswer(36) });
  const server = await startTestServer();
  try {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quire-perf-'));
    const notes = path.join(dir, 'alignment.md');
    fs.writeFileSync(notes, '# Alignment\n\nThe system aligns sentences across two columns.\n');
    await api(server, 'library.add', { paths: [notes] });
    await expect.poll(async () => (await api<{ totals: { chunks: number } }>(server, 'library.list', {})).totals.chunks, { timeout: 120_000 }).toBeGreaterThan(0);
    await api(server, 'settings.update', { settings: { provider: { kind: 'ollama', baseUrl: llm.baseUrl, model: 'fake' } } });
    await page.goto(server.openUrl);
    await expect(page.getByTestId('connection-state')).toHaveText('Connected');
    const idle = await page.evaluate(async () => {
      const t: number[] = [];
      await new Promise<void>((r) => { const tick = (x: number) => { t.push(x); if (t.length < 240) requestAnimationFrame(tick); else r(); }; requestAnimationFrame(tick); });
      return (t.length - 1) * 1000 / (t[t.length - 1]! - t[0]!);
    });
    console.log('idle fps', idle);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
    const input = page.getByRole('textbox', { name: 'Your question' });
    await input.fill('How are sentences aligned?');
    await input.press('Enter');
    await cdp.send('Profiler.start');
    await expect(page.getByTestId('assistant-message').last()).toHaveAttribute('data-status', 'complete', { timeout: 60_000 });
    const { profile } = await cdp.send('Profiler.stop');
    const self = new Map<string, number>();
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const dt = profile.timeDeltas ?? [];
    (profile.samples ?? []).forEach((id, i) => {
      const n = byId.get(id)!;
      const key = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').pop()}:${n.callFrame.lineNumber}`;
      self.set(key, (self.get(key) ?? 0) + (dt[i] ?? 0) / 1000);
    });
    const top = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 30);
    for (const [k, v] of top) console.log(v.toFixed(1).padStart(8), k);
  } finally {
    await server.stop();
    await llm.close();
  }
});
