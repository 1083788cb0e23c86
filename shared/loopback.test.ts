import { describe, expect, it } from 'vitest';
import { isLoopbackHost, isLoopbackUrl } from './loopback';
import { isRemoteProvider } from './settings';

describe('the loopback rule', () => {
  it('knows localhost, all of 127/8 and ::1, and nothing else', () => {
    for (const host of [
      'localhost',
      '127.0.0.1',
      '127.0.0.2',
      '127.255.0.9',
      '[::1]',
      '::ffff:127.0.0.1',
    ])
      expect(isLoopbackHost(host), host).toBe(true);
    for (const host of [
      '10.0.0.1',
      '128.0.0.1',
      '127.0.0.300',
      'example.com',
      '::2',
      'localhost.evil.com',
    ])
      expect(isLoopbackHost(host), host).toBe(false);
    expect(isLoopbackUrl('http://127.0.0.2:8080/v1')).toBe(true);
  });

  it('judges a provider at 127.0.0.2 local, as the key handling and the network guard do', () => {
    const at = (baseUrl: string) => isRemoteProvider({ kind: 'openai', baseUrl, model: 'm' });
    expect(at('http://127.0.0.2:8080/v1')).toBe(false);
    expect(at('http://[::1]:8080/v1')).toBe(false);
    expect(at('https://api.openai.com/v1')).toBe(true);
  });
});
