import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decideBuild, listBuildInputs, writeStamp } from './build-stamp';

const inputs = ['src', 'config.ts'];
const outputs = ['out/index.html'];

let root: string;
const write = (file: string, text: string) => {
  fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
  fs.writeFileSync(path.join(root, file), text);
};
const decide = () => decideBuild(root, { inputs, outputs });
/** What a successful build leaves: its outputs and the stamp of the sources it started from. */
const build = () => {
  const decision = decide();
  if (!decision.rebuild) throw new Error('expected a rebuild');
  write('out/index.html', '<html></html>');
  writeStamp(root, decision.fingerprint, new Date('2026-01-02T03:04:05Z'));
};

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'quire-build-stamp-'));
  write('src/main.ts', 'export const a = 1;');
  write('src/view/page.tsx', 'export const b = 2;');
  write('src/main.test.ts', 'test("a", () => {});');
  write('config.ts', 'export default {};');
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

describe('decideBuild', () => {
  it('builds when there is no build yet', () => {
    expect(decide()).toMatchObject({ rebuild: true, reason: 'No build yet' });
  });

  it('builds when the outputs exist but no stamp says what they were built from', () => {
    write('out/index.html', '<html></html>');
    expect(decide()).toMatchObject({
      rebuild: true,
      reason: 'The build has no record of its sources',
    });
  });

  it('reuses a build made from the current sources, even after their mtimes change', () => {
    build();
    const later = new Date('2030-01-01T00:00:00Z');
    fs.utimesSync(path.join(root, 'src/main.ts'), later, later);
    expect(decide()).toEqual({
      rebuild: false,
      reason: 'Using the current build (from 2026-01-02T03:04:05.000Z)',
    });
  });

  it.each([
    ['an edited source', () => write('src/view/page.tsx', 'export const b = 3;')],
    ['an added source', () => write('src/extra.ts', 'export {};')],
    ['a removed source', () => fs.rmSync(path.join(root, 'src/view/page.tsx'))],
    [
      'a renamed source',
      () => fs.renameSync(path.join(root, 'src/main.ts'), path.join(root, 'src/index.ts')),
    ],
    ['an edited config file', () => write('config.ts', 'export default { x: 1 };')],
  ])('rebuilds after %s', (_name, change) => {
    build();
    change();
    expect(decide()).toMatchObject({ rebuild: true, reason: 'Sources changed' });
  });

  it('rebuilds when an output went missing', () => {
    build();
    fs.rmSync(path.join(root, 'out/index.html'));
    expect(decide()).toMatchObject({ rebuild: true, reason: 'No build yet' });
  });

  it('ignores test files, which are never bundled', () => {
    build();
    write('src/main.test.ts', 'test("b", () => {});');
    write('src/other.test.tsx', 'test("c", () => {});');
    expect(decide().rebuild).toBe(false);
  });
});

describe('listBuildInputs', () => {
  it('lists source files under the inputs, skipping tests, dot folders and node_modules', () => {
    write('src/node_modules/dep/index.js', '');
    write('src/.cache/x.ts', '');
    expect(listBuildInputs(root, inputs)).toEqual([
      'config.ts',
      'src/main.ts',
      'src/view/page.tsx',
    ]);
  });
});
