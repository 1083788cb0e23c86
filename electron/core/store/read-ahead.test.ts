import { describe, expect, it } from 'vitest';
import { boundReadAhead, LANCE_IO_BUFFER_BYTES } from './read-ahead';

describe("LanceDB's read-ahead", () => {
  it('is bounded when the environment says nothing', () => {
    const env: NodeJS.ProcessEnv = {};
    boundReadAhead(env);
    expect(env.LANCE_DEFAULT_IO_BUFFER_SIZE).toBe(String(LANCE_IO_BUFFER_BYTES));
  });

  it('keeps a size someone set', () => {
    const env: NodeJS.ProcessEnv = { LANCE_DEFAULT_IO_BUFFER_SIZE: '1073741824' };
    boundReadAhead(env);
    expect(env.LANCE_DEFAULT_IO_BUFFER_SIZE).toBe('1073741824');
  });
});
