const FENCE = /^ {0,3}(`{3,}|~{3,})/;

/**
 * Splits streaming Markdown into a stable head (whole blocks that will not change) and the
 * tail still being written. The head is cut only at a blank line outside code fences, so
 * re-rendering per frame re-parses just the tail.
 */
export function splitStableBlocks(text: string): { stable: string; tail: string } {
  let fence: string | null = null;
  let boundary = 0;
  let offset = 0;
  let previousBlank = false;
  const lines = text.split('\n');
  // The last line may be incomplete: never cut after it.
  for (let i = 0; i < lines.length - 1; i++) {
    const line = lines[i] ?? '';
    const end = offset + line.length + 1;
    const open = FENCE.exec(line);
    if (open) {
      const marker = open[1] ?? '';
      if (fence === null) fence = marker;
      else if (marker[0] === fence[0] && marker.length >= fence.length) fence = null;
    }
    const blank = line.trim() === '';
    if (fence === null && blank && !previousBlank && i > 0) boundary = end;
    previousBlank = blank;
    offset = end;
  }
  return { stable: text.slice(0, boundary), tail: text.slice(boundary) };
}
