import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { decodeText } from './text-decode';

const SAMPLE =
  'Grüße aus Köln – naïve café, déjà vu. Ærø og Øresund.\nZweite Zeile mit Umlauten: äöü ÄÖÜ ß.\n';

describe('decodeText', () => {
  it('reads UTF-8, with or without a BOM', () => {
    expect(decodeText(Buffer.from(SAMPLE, 'utf8'))).toEqual({ text: SAMPLE, encoding: 'utf-8' });
    const withBom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(SAMPLE, 'utf8')]);
    expect(decodeText(withBom).text).toBe(SAMPLE);
  });

  it('reads UTF-16 by its BOM, both byte orders', () => {
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(SAMPLE, 'utf-16le')]);
    const be = Buffer.concat([Buffer.from([0xfe, 0xff]), iconv.encode(SAMPLE, 'utf-16be')]);
    expect(decodeText(le)).toEqual({ text: SAMPLE, encoding: 'utf-16le' });
    expect(decodeText(be)).toEqual({ text: SAMPLE, encoding: 'utf-16be' });
  });

  it('recognises UTF-16 without a BOM instead of calling it binary', () => {
    expect(decodeText(iconv.encode(SAMPLE.repeat(4), 'utf-16le')).text).toBe(SAMPLE.repeat(4));
  });

  it('detects Latin-1 / Windows-1252 text', () => {
    const text =
      'Le cœur a ses raisons que la raison ne connaît point. Ça été déjà très long. '.repeat(3);
    const decoded = decodeText(iconv.encode(text, 'windows-1252'));
    expect(decoded.text).toBe(text);
    expect(decoded.encoding).toMatch(/8859-1|1252/);
    const latin1 = 'Grüße aus Köln, schöne Straße, Käse und Brötchen. '.repeat(4);
    expect(decodeText(iconv.encode(latin1, 'latin1')).text).toBe(latin1);
  });

  it('uses a declared charset when the bytes are not UTF-8', () => {
    const text = 'Привет, мир! Это тест кодировки. '.repeat(2);
    expect(decodeText(iconv.encode(text, 'koi8-r'), 'koi8-r').text).toBe(text);
  });

  it('refuses binary data', () => {
    const binary = Uint8Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256);
    expect(() => decodeText(binary)).toThrow(expect.objectContaining({ code: 'binary_content' }));
    const controls = Buffer.from('ab\x01\x02\x03\x04\x05\x06\x07\x08cd'.repeat(100), 'latin1');
    expect(() => decodeText(controls)).toThrow(expect.objectContaining({ code: 'binary_content' }));
  });

  it('accepts tabs, CRLF and ANSI colours in logs', () => {
    const log = '\x1b[32mINFO\x1b[0m\tstarted\r\n\x1b[31mERROR\x1b[0m\tfailed\r\n'.repeat(50);
    expect(decodeText(Buffer.from(log)).text).toBe(log);
  });

  it('calls whitespace-only content empty', () => {
    expect(() => decodeText(Buffer.from(' \n\t\r\n  '))).toThrow(
      expect.objectContaining({ code: 'empty_file' }),
    );
    expect(() => decodeText(Buffer.from([0xef, 0xbb, 0xbf]))).toThrow(
      expect.objectContaining({ code: 'empty_file' }),
    );
  });
});
