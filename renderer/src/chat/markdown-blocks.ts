const FENCE = /^ {0,3}(`{3,}|~{3,})/;

/**
 * Splits Markdown into blocks at blank lines outside code fences. Every block but the last
 * is finished and never changes while more text streams in, so each can be parsed once
 * and memoised; only the last one is parsed again per frame. A blank line followed by an
 * indented line is not a cut: that line continues a list item.
 */
export function splitBlocks(text: string): string[] {
  const blocks: string[] = [];
  const lines = text.split('\n');
  let fence: string | null = null;
  let start = 0;
  let offset = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const end = offset + line.length + 1;
    const open = FENCE.exec(line);
    if (open) {
      const marker = open[1] ?? '';
      if (fence === null) fence = marker;
      else if (marker[0] === fence[0] && marker.length >= fence.length) fence = null;
    }
    // Cut only once the next line has begun: its first character decides, and never changes.
    const next = lines[i + 1] ?? '';
    if (fence === null && line.trim() === '' && end > start + 1 && /^[^ \t]/.test(next)) {
      blocks.push(text.slice(start, end));
      start = end;
    }
    offset = end;
  }
  blocks.push(text.slice(start));
  return blocks;
}
