// C0 and C1 control characters other than tab, line feed and carriage return. PDFs and old
// text files carry them (a broken glyph map, a form feed); a screen shows them as empty boxes.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;

/** `text` without control characters, tab and newlines kept: for snippets shown or exported. */
export function withoutControlChars(text: string): string {
  return text.replace(CONTROL, '');
}
