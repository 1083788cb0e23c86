import { describe, expect, it } from 'vitest';
import {
  configureLanceRuntime,
  LANCE_IO_BUFFER_BYTES,
  LANCE_MIN_CPU_THREADS,
} from './lance-runtime';

describe("LanceDB's process-wide settings", () => {
  it('bound the read-ahead and give the CPU pool at least four threads when the environment says nothing', () => {
    const env: NodeJS.ProcessEnv = {};
    configureLanceRuntime(env, 2);
    expect(env.LANCE_DEFAULT_IO_BUFFER_SIZE).toBe(String(LANCE_IO_BUFFER_BYTES));
    expect(env.LANCE_CPU_THREADS).toBe(String(LANCE_MIN_CPU_THREADS));
  });

  it('give a machine with more cores one thread per core', () => {
    const env: NodeJS.ProcessEnv = {};
    configureLanceRuntime(env, 12);
    expect(env.LANCE_CPU_THREADS).toBe('12');
  });

  it('keep values someone set', () => {
    const env: NodeJS.ProcessEnv = {
      LANCE_DEFAULT_IO_BUFFER_SIZE: '1073741824',
      LANCE_CPU_THREADS: '2',
    };
    configureLanceRuntime(env, 8);
    expect(env.LANCE_DEFAULT_IO_BUFFER_SIZE).toBe('1073741824');
    expect(env.LANCE_CPU_THREADS).toBe('2');
  });
});
