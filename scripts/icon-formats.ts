// The two icon containers installers need, both of which can simply hold PNG images:
// Windows .ico (PNG entries since Vista) and macOS .icns (PNG entries ic07..ic14).

export type PngSize = { width: number; height: number };

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Width and height from a PNG's IHDR chunk, which always comes first. */
export function readPngSize(png: Buffer): PngSize {
  if (png.length < 24 || !png.subarray(0, 8).equals(PNG_SIGNATURE))
    throw new Error('not a PNG file');
  if (png.toString('latin1', 12, 16) !== 'IHDR') throw new Error('PNG without IHDR first');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

export type IcoEntry = { width: number; height: number; png: Buffer };

export function encodeIco(pngs: readonly Buffer[]): Buffer {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(0, 0); // reserved
  header.writeUInt16LE(1, 2); // 1 = icon
  header.writeUInt16LE(pngs.length, 4);
  const directory = Buffer.alloc(16 * pngs.length);
  let offset = header.length + directory.length;
  pngs.forEach((png, index) => {
    const { width, height } = readPngSize(png);
    if (width > 256 || height > 256)
      throw new Error(`ICO entries are at most 256 px, not ${width}`);
    const at = index * 16;
    directory.writeUInt8(width === 256 ? 0 : width, at); // 0 means 256
    directory.writeUInt8(height === 256 ? 0 : height, at + 1);
    directory.writeUInt8(0, at + 2); // no palette
    directory.writeUInt8(0, at + 3);
    directory.writeUInt16LE(1, at + 4); // colour planes
    directory.writeUInt16LE(32, at + 6); // bits per pixel
    directory.writeUInt32LE(png.length, at + 8);
    directory.writeUInt32LE(offset, at + 12);
    offset += png.length;
  });
  return Buffer.concat([header, directory, ...pngs]);
}

export function parseIco(ico: Buffer): IcoEntry[] {
  if (ico.readUInt16LE(0) !== 0 || ico.readUInt16LE(2) !== 1) throw new Error('not an ICO file');
  const count = ico.readUInt16LE(4);
  const entries: IcoEntry[] = [];
  for (let index = 0; index < count; index++) {
    const at = 6 + index * 16;
    const size = ico.readUInt32LE(at + 8);
    const offset = ico.readUInt32LE(at + 12);
    entries.push({
      width: ico.readUInt8(at) || 256,
      height: ico.readUInt8(at + 1) || 256,
      png: ico.subarray(offset, offset + size),
    });
  }
  return entries;
}

/** icns types that hold a PNG, by pixel size (the @2x types reuse the larger bitmaps). */
export const ICNS_TYPES: ReadonlyArray<{ type: string; pixels: number }> = [
  { type: 'ic11', pixels: 32 }, // 16 pt @2x
  { type: 'ic12', pixels: 64 }, // 32 pt @2x
  { type: 'ic07', pixels: 128 },
  { type: 'ic13', pixels: 256 }, // 128 pt @2x
  { type: 'ic08', pixels: 256 },
  { type: 'ic14', pixels: 512 }, // 256 pt @2x
  { type: 'ic09', pixels: 512 },
  { type: 'ic10', pixels: 1024 }, // 512 pt @2x
];

export type IcnsEntry = { type: string; png: Buffer };

export function encodeIcns(entries: readonly IcnsEntry[]): Buffer {
  const chunks = entries.map(({ type, png }) => {
    const header = Buffer.alloc(8);
    header.write(type, 0, 'latin1');
    header.writeUInt32BE(png.length + 8, 4);
    return Buffer.concat([header, png]);
  });
  const header = Buffer.alloc(8);
  header.write('icns', 0, 'latin1');
  header.writeUInt32BE(8 + chunks.reduce((sum, chunk) => sum + chunk.length, 0), 4);
  return Buffer.concat([header, ...chunks]);
}

export function parseIcns(icns: Buffer): IcnsEntry[] {
  if (icns.toString('latin1', 0, 4) !== 'icns') throw new Error('not an icns file');
  if (icns.readUInt32BE(4) !== icns.length) throw new Error('icns length does not match the file');
  const entries: IcnsEntry[] = [];
  for (let at = 8; at < icns.length;) {
    const length = icns.readUInt32BE(at + 4);
    if (length < 8 || at + length > icns.length) throw new Error('broken icns entry');
    entries.push({
      type: icns.toString('latin1', at, at + 4),
      png: icns.subarray(at + 8, at + length),
    });
    at += length;
  }
  return entries;
}
