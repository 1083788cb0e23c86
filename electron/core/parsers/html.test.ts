import { describe, expect, it } from 'vitest';
import { declaredCharset, parseHtml } from './html';

const PAGE = `<!doctype html>
<html><head><title>  Quire   Handbook </title>
<style>body { color: red }</style><script>var secret = "do not index";</script></head>
<body>
<noscript>Enable JavaScript</noscript>
<template><p>template text</p></template>
<p>Intro   paragraph with <b>bold</b>&nbsp;and &amp; entities.</p>
<h1>Setup</h1>
<p>First line<br>second line</p>
<h2>Linux <small>(x64)</small></h2>
<ul><li>One</li><li>Two</li></ul>
<table><tr><th>Key</th><th>Value</th></tr><tr><td>a</td><td>1</td></tr></table>
<pre>  code   keeps
    spaces</pre>
<div hidden>hidden text</div>
<svg><title>icon</title><text>svg text</text></svg>
<h2>Windows</h2><p>Run setup.exe</p>
</body></html>`;

describe('parseHtml', () => {
  const doc = parseHtml(PAGE);

  it('takes the title from <title>', () => {
    expect(doc.title).toBe('Quire Handbook');
  });

  it('drops invisible content', () => {
    const all = doc.sections.map((s) => s.text).join('\n');
    for (const hidden of [
      'do not index',
      'color: red',
      'Enable JavaScript',
      'template text',
      'hidden text',
      'svg text',
      'icon',
    ]) {
      expect(all).not.toContain(hidden);
    }
  });

  it('splits at headings and keeps their path', () => {
    expect(doc.sections.map((s) => s.headingPath)).toEqual([
      [],
      ['Setup'],
      ['Setup', 'Linux (x64)'],
      ['Setup', 'Windows'],
    ]);
    expect(doc.sections[0]?.text).toBe('Intro paragraph with bold and & entities.');
    expect(doc.sections[1]?.text).toBe('Setup\n\nFirst line\nsecond line');
    expect(doc.sections[2]?.text).toBe(
      'Linux (x64)\n\nOne\n\nTwo\n\nKey | Value\na | 1\n\n  code   keeps\n    spaces',
    );
  });

  it('offsets point into the sections joined by blank lines', () => {
    const full = doc.sections.map((s) => s.text).join('\n\n');
    for (const s of doc.sections)
      expect(full.slice(s.charStart, s.charStart + s.text.length)).toBe(s.text);
  });

  it('falls back to the first h1 for the title and survives broken markup', () => {
    const broken = parseHtml('<div><h1>Notes<p>unclosed <i>tags</div> tail');
    expect(broken.title).toBe('Notes');
    expect(broken.sections.map((s) => s.text).join(' ')).toContain('unclosed tags');
  });

  it('finds a declared charset', () => {
    expect(declaredCharset(Buffer.from('<meta charset="windows-1251">'))).toBe('windows-1251');
    expect(
      declaredCharset(
        Buffer.from('<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1">'),
      ),
    ).toBe('ISO-8859-1');
    expect(declaredCharset(Buffer.from('<p>none</p>'))).toBeNull();
  });
});
