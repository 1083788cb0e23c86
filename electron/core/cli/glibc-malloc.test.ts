import { describe, expect, it } from 'vitest';
import { GLIBC_MALLOC_ENV, tunedMallocEnv } from './glibc-malloc';

describe('glibc malloc tuning for the indexing commands', () => {
  it('adds the variables for serve, index and mcp on glibc, keeping the rest of the environment', () => {
    for (const command of ['serve', 'index', 'mcp'])
      expect(tunedMallocEnv(command, { PATH: '/bin' }, true)).toEqual({
        PATH: '/bin',
        ...GLIBC_MALLOC_ENV,
      });
  });

  it('leaves short commands, other C libraries and a missing command alone', () => {
    expect(tunedMallocEnv('search', {}, true)).toBeNull();
    expect(tunedMallocEnv('serve', {}, false)).toBeNull();
    expect(tunedMallocEnv(undefined, {}, true)).toBeNull();
  });

  it('never overrides a choice already made, so the restarted process does not restart again', () => {
    const restarted = tunedMallocEnv('serve', {}, true)!;
    expect(tunedMallocEnv('serve', restarted, true)).toBeNull();
    expect(tunedMallocEnv('serve', { MALLOC_ARENA_MAX: '8' }, true)).toBeNull();
    expect(
      tunedMallocEnv('index', { GLIBC_TUNABLES: 'glibc.malloc.arena_max=4' }, true),
    ).toBeNull();
  });
});
