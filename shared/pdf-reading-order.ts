/**
 * Reading order for a PDF page from its text items' boxes: a recursive XY-cut over line
 * fragments. Pure geometry, shared by the indexer and the viewer (see pdf-page-text.ts).
 */

/** One positioned text item: `item` counts text items only (TextLayer's textDivs). */
export type ItemBox = {
  item: number;
  str: string;
  x0: number;
  x1: number;
  /** Baseline. */
  y: number;
  h: number;
};

/** A run of items on one baseline with no wide gap: a line of one column or one table cell. */
type Fragment = {
  boxes: ItemBox[];
  x0: number;
  x1: number;
  bottom: number;
  top: number;
  y: number;
  h: number;
};

export type Block = { kind: 'text' | 'table'; rows: ItemBox[][][] };

// Boxes reach from a little below the baseline to a little above the cap height, so that
// the lines of a paragraph touch and only real spacing (paragraphs, gutters) leaves gaps.
const DESCENT = 0.3;
const ASCENT = 1.0;
// A vertical cut needs this many rows, so that word gaps lining up by chance do not cut.
const MIN_CUT_ROWS = 3;
// A vertical gutter must be this wide, and a horizontal gap this tall, to cut.
const MIN_GUTTER = 0.8;
const MIN_LINE_GAP = 0.25;

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1]!;
}

function fragment(boxes: ItemBox[]): Fragment {
  let x0 = Infinity;
  let x1 = -Infinity;
  let bottom = Infinity;
  let top = -Infinity;
  for (const b of boxes) {
    x0 = Math.min(x0, b.x0);
    x1 = Math.max(x1, b.x1);
    bottom = Math.min(bottom, b.y - DESCENT * b.h);
    top = Math.max(top, b.y + ASCENT * b.h);
  }
  const h = Math.max(...boxes.map((b) => b.h));
  return { boxes, x0, x1, bottom, top, y: boxes[0]!.y, h };
}

/** Groups items (or fragments) whose baselines lie within half a text height, top first. */
function rowsOf<T extends { y: number; h: number }>(things: readonly T[]): T[][] {
  const sorted = [...things].sort((a, b) => b.y - a.y);
  const rows: T[][] = [];
  let anchor: T | null = null;
  for (const t of sorted) {
    if (anchor && anchor.y - t.y <= 0.5 * Math.max(anchor.h, t.h)) rows[rows.length - 1]!.push(t);
    else {
      rows.push([t]);
      anchor = t;
    }
  }
  return rows;
}

/** Every item is an atom: word gaps in justified lines can be wider than a gutter, so only
 * the projection over many rows can tell them apart. */
function fragmentsOf(boxes: readonly ItemBox[]): Fragment[] {
  return boxes.map((b) => fragment([b]));
}

type Interval = [number, number];

/** Gaps of at least `min` between the merged projections of the intervals. */
function gaps(intervals: Interval[], min: number): Interval[] {
  const sorted = [...intervals].sort((a, b) => a[0] - b[0]);
  const out: Interval[] = [];
  let end = -Infinity;
  for (const [s, e] of sorted) {
    if (end !== -Infinity && s - end >= min) out.push([end, s]);
    end = Math.max(end, e);
  }
  return out;
}

function splitAt<T>(things: readonly T[], at: Interval[], pos: (t: T) => number): T[][] {
  const parts: T[][] = Array.from({ length: at.length + 1 }, () => []);
  for (const t of things) {
    const p = pos(t);
    let i = 0;
    while (i < at.length && p >= at[i]![1]) i++;
    parts[i]!.push(t);
  }
  return parts.filter((p) => p.length > 0);
}

function columnsOf(frags: readonly Fragment[], unit: number): Fragment[][] {
  const at = gaps(
    frags.map((f) => [f.x0, f.x1]),
    MIN_GUTTER * unit,
  );
  if (at.length === 0 || rowsOf(frags).length < MIN_CUT_ROWS) return [];
  return splitAt(frags, at, (f) => f.x0);
}

/**
 * Gutters that a few rows cross (a wide box or heading reaching into the next column):
 * positions covered by at most 6 % of the rows. Only tried where no clean cut exists.
 */
function looseColumnsOf(frags: readonly Fragment[], unit: number): Fragment[][] {
  const rows = rowsOf(frags);
  const allowed = Math.floor(rows.length * 0.06);
  if (rows.length < 2 * MIN_CUT_ROWS || allowed === 0) return [];
  const left = Math.min(...frags.map((f) => f.x0));
  const right = Math.max(...frags.map((f) => f.x1));
  const step = unit / 4;
  const spans = rows.map((row) => row.map((f): Interval => [f.x0, f.x1]));
  const at: Interval[] = [];
  let open: number | null = null;
  for (let x = left + step; x < right; x += step) {
    let covering = 0;
    for (const row of spans) if (row.some(([s, e]) => s < x && x < e)) covering++;
    if (covering <= allowed) open ??= x;
    else if (open !== null) {
      // The gap ends at the last free position: the next column starts right after it.
      if (x - step - open >= MIN_GUTTER * unit) at.push([open, x - step]);
      open = null;
    }
  }
  if (at.length === 0) return [];
  return splitAt(frags, at, (f) => f.x0);
}

function textLength(frags: readonly Fragment[]): number {
  let n = 0;
  for (const f of frags) for (const b of f.boxes) n += b.str.length;
  return n;
}

/** Side-by-side parts whose rows line up and hold short cells read as a table, row by row. */
function looksLikeTable(parts: Fragment[][]): boolean {
  const partRows = parts.map((p) => rowsOf(p));
  let rows = 0;
  let paired = 0;
  for (const [i, own] of partRows.entries()) {
    for (const row of own) {
      const f = row[0]!;
      rows++;
      const partner = partRows.some(
        (other, j) =>
          j !== i && other.some((r) => Math.abs(r[0]!.y - f.y) <= 0.3 * Math.max(f.h, r[0]!.h)),
      );
      if (partner) paired++;
    }
  }
  const shortest = Math.min(...partRows.map((own) => median(own.map((r) => textLength(r)))));
  return paired >= 0.6 * rows && shortest < 25;
}

/** Columns must be wide enough to hold text; a bullet or number column is not one. */
function isColumnSplit(parts: Fragment[][], unit: number): boolean {
  return parts.every(
    (p) => Math.max(...p.map((f) => f.x1)) - Math.min(...p.map((f) => f.x0)) >= 4 * unit,
  );
}

function strips(frags: readonly Fragment[], unit: number): Fragment[][] {
  const at = gaps(
    frags.map((f) => [-f.top, -f.bottom]),
    MIN_LINE_GAP * unit,
  );
  return at.length === 0 ? [frags.slice()] : splitAt(frags, at, (f) => -f.top);
}

function cut(frags: Fragment[], unit: number, out: Block[]): void {
  if (frags.length > 1) {
    const parts = columnsOf(frags, unit);
    if (parts.length > 1) {
      if (looksLikeTable(parts)) {
        out.push({ kind: 'table', rows: tableRows(frags) });
        return;
      }
      if (isColumnSplit(parts, unit)) {
        for (const p of parts) cut(p, unit, out);
        return;
      }
    }
    const bands = strips(frags, unit);
    if (bands.length > 1) {
      // Bands that share a gutter are pieces of the same columns, cut apart only because
      // their paragraphs happen to end at the same height: put them back together.
      const groups: Fragment[][] = [];
      for (const band of bands) {
        const last = groups[groups.length - 1];
        const joined = last ? [...last, ...band] : null;
        const cols = joined ? columnsOf(joined, unit) : [];
        if (
          last &&
          joined &&
          cols.length > 1 &&
          (isColumnSplit(cols, unit) || looksLikeTable(cols))
        ) {
          groups[groups.length - 1] = joined;
        } else groups.push(band);
      }
      const next = groups.length > 1 ? groups : bands;
      for (const g of next) cut(g, unit, out);
      return;
    }
    const loose = looseColumnsOf(frags, unit);
    if (loose.length > 1 && isColumnSplit(loose, unit)) {
      for (const p of loose) cut(p, unit, out);
      return;
    }
  }
  out.push({ kind: 'text', rows: leafRows(frags) });
}

function leafRows(frags: readonly Fragment[]): ItemBox[][][] {
  return rowsOf(frags).map((row) => [row.sort((a, b) => a.x0 - b.x0).flatMap((f) => f.boxes)]);
}

/** Table cells: a row's items, split where they are more than a text height apart. */
function tableRows(frags: readonly Fragment[]): ItemBox[][][] {
  return rowsOf(frags).map((row) => {
    const cells: ItemBox[][] = [];
    let right = -Infinity;
    for (const f of row.sort((a, b) => a.x0 - b.x0)) {
      if (cells.length === 0 || f.x0 - right > f.h) cells.push([]);
      cells[cells.length - 1]!.push(...f.boxes);
      right = Math.max(right, f.x1);
    }
    return cells;
  });
}

/** Header and footer bands: short bands at the top or bottom edge of the text. */
function edgeBands(bands: Fragment[][]): {
  head: Fragment[][];
  body: Fragment[][];
  foot: Fragment[][];
} {
  const isEdge = (band: Fragment[]): boolean => rowsOf(band).length <= 2 && textLength(band) <= 160;
  let first = 0;
  let last = bands.length;
  while (first < 2 && last - first > 1 && isEdge(bands[first]!)) first++;
  while (bands.length - last < 2 && last - first > 1 && isEdge(bands[last - 1]!)) last--;
  return { head: bands.slice(0, first), body: bands.slice(first, last), foot: bands.slice(last) };
}

/** The page's blocks in reading order: headers first, then the body by XY-cut, footers last. */
export function readingOrder(boxes: readonly ItemBox[]): Block[] {
  if (boxes.length === 0) return [];
  const unit = median(boxes.map((b) => b.h)) || 10;
  const frags = fragmentsOf(boxes);
  const { head, body, foot } = edgeBands(strips(frags, unit));
  const out: Block[] = [];
  for (const band of head) cut(band, unit, out);
  const bodyFrags = body.flat();
  if (bodyFrags.length > 0) cut(bodyFrags, unit, out);
  for (const band of foot) cut(band, unit, out);
  return out;
}
