import { describe, expect, it } from 'vitest';
import { closeInOrder } from './shutdown';

describe('closeInOrder', () => {
  it('closes every part in order, logs a failure, goes on, and rethrows the first failure', async () => {
    const closed: string[] = [];
    const logged: string[] = [];
    const run = closeInOrder(
      [
        ['downloads', () => closed.push('downloads')],
        [
          'chat',
          async () => {
            throw new Error('stuck');
          },
        ],
        ['store', async () => closed.push('store')],
        ['lock', () => closed.push('lock')],
      ],
      (m) => logged.push(m),
    );
    await expect(run).rejects.toThrow('stuck');
    expect(closed).toEqual(['downloads', 'store', 'lock']);
    expect(logged).toEqual(['closing chat failed: stuck']);
  });
});
