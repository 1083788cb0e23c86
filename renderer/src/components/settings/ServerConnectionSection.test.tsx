import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { ServerConnectionSection } from './ServerConnectionSection';

describe('Settings → Connect to a Quire server', () => {
  it('is absent in a browser tab, which already is a server’s interface', () => {
    expect(renderToStaticMarkup(<ServerConnectionSection bridge={undefined} />)).toBe('');
    expect(renderToStaticMarkup(<ServerConnectionSection bridge={{}} />)).toBe('');
  });

  it('offers a link, a token apart, and Connect in the desktop app', () => {
    const html = renderToStaticMarkup(
      <ServerConnectionSection
        bridge={{
          connectServer: async () => ({ ok: false, error: { code: 'unreachable', message: '' } }),
        }}
      />,
    );
    expect(html).toContain('Connect to a Quire server');
    expect(html).toContain('Link or address');
    expect(html).toContain('Token (if the link has none)');
    expect(html).toMatch(/<input[^>]+type="password"/);
    expect(html).toContain('Connect</button>');
  });
});
