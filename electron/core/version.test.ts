import fs from 'node:fs';
import { expect, it } from 'vitest';
import { QUIRE_VERSION } from './version';

it('QUIRE_VERSION matches package.json', () => {
  const pkg = JSON.parse(
    fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
  ) as { version: string };
  expect(QUIRE_VERSION).toBe(pkg.version);
});
