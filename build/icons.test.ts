import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ICNS_TYPES, parseIcns, parseIco, readPngSize } from '../scripts/icon-formats';
import { ICO_SIZES, ICON_SIZES } from '../scripts/make-icons';

const resources = path.resolve(__dirname, '../resources');
const read = (file: string) => fs.readFileSync(path.join(resources, file));

describe('the app icon', () => {
  it.each(ICON_SIZES)('has a %i px PNG of that size', (size) => {
    expect(readPngSize(read(`icons/${size}x${size}.png`))).toEqual({ width: size, height: size });
  });

  it('has a 1024 px icon.png', () => {
    expect(readPngSize(read('icon.png'))).toEqual({ width: 1024, height: 1024 });
  });

  it('has an icon.ico whose PNG entries are 16 to 256 px and the sizes they claim', () => {
    const entries = parseIco(read('icon.ico'));
    expect(entries.map((e) => e.width)).toEqual([...ICO_SIZES]);
    for (const entry of entries)
      expect(readPngSize(entry.png)).toEqual({ width: entry.width, height: entry.height });
  });

  it('has an icon.icns with PNG entries ic07 to ic14 of the sizes their types mean', () => {
    const entries = parseIcns(read('icon.icns'));
    expect(entries.map((e) => e.type).sort()).toEqual(
      ['ic07', 'ic08', 'ic09', 'ic10', 'ic11', 'ic12', 'ic13', 'ic14'].sort(),
    );
    for (const entry of entries) {
      const pixels = ICNS_TYPES.find((t) => t.type === entry.type)!.pixels;
      expect(readPngSize(entry.png), entry.type).toEqual({ width: pixels, height: pixels });
    }
  });

  it('keeps its SVG source beside the rendered files', () => {
    expect(read('icon.svg').toString()).toMatch(/^<svg[^>]+viewBox="0 0 1024 1024"/);
  });
});
