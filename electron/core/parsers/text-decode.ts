import chardet from 'chardet';
import iconv from 'iconv-lite';
import { QuireError } from '../../../shared/errors';

const SAMPLE_BYTES = 8192;
/** Share of control bytes in the sample above which a "text" file is treated as binary. */
const MAX_CONTROL_RATIO = 0.1;

export type DecodedText = { text: string; encoding: string };

const BOMS: { bytes: number[]; encoding: string }[] = [
  // UTF-32 first: its little-endian BOM starts with the UTF-16 one.
  { bytes: [0xff, 0xfe, 0x00, 0x00], encoding: 'utf-32le' },
  { bytes: [0x00, 0x00, 0xfe, 0xff], encoding: 'utf-32be' },
  { bytes: [0xef, 0xbb, 0xbf], encoding: 'utf-8' },
  { bytes: [0xff, 0xfe], encoding: 'utf-16le' },
  { bytes: [0xfe, 0xff], encoding: 'utf-16be' },
];

function bomEncoding(bytes: Uint8Array): { encoding: string; length: number } | null {
  for (const bom of BOMS) {
    if (bom.bytes.every((b, i) => bytes[i] === b))
      return { encoding: bom.encoding, length: bom.bytes.length };
  }
  return null;
}

/** UTF-16 without a BOM shows NULs in every other byte; a binary file shows them anywhere. */
function bomlessUtf16(sample: Uint8Array): string | null {
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i < sample.length; i++) {
    if (sample[i] !== 0) continue;
    if (i % 2 === 0) evenNul++;
    else oddNul++;
  }
  const half = sample.length / 2;
  if (oddNul > half * 0.6 && evenNul === 0) return 'utf-16le';
  if (evenNul > half * 0.6 && oddNul === 0) return 'utf-16be';
  return null;
}

function looksBinary(sample: Uint8Array): boolean {
  let control = 0;
  for (const b of sample) {
    if (b === 0) return true;
    // Tab, LF, VT, FF, CR and ESC (coloured logs) are normal in text.
    if (b < 0x20 && b !== 9 && b !== 10 && b !== 11 && b !== 12 && b !== 13 && b !== 27) control++;
  }
  return sample.length > 0 && control / sample.length > MAX_CONTROL_RATIO;
}

function decodeUtf8Strict(bytes: Uint8Array): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

function guessEncoding(bytes: Uint8Array, hint: string | null): string {
  if (hint && iconv.encodingExists(hint)) return hint.toLowerCase();
  for (const match of chardet.analyse(bytes.subarray(0, 64 * 1024))) {
    if (match.confidence >= 10 && iconv.encodingExists(match.name)) return match.name.toLowerCase();
  }
  // Single-byte fallback: never fails, keeps ASCII intact.
  return 'windows-1252';
}

/**
 * Decodes a text file: BOM first, then valid UTF-8, then the caller's hint (an HTML
 * meta charset), then chardet. Binary content behind a text extension is refused.
 */
export function decodeText(bytes: Uint8Array, hint: string | null = null): DecodedText {
  const bom = bomEncoding(bytes);
  let encoding: string;
  let text: string | null = null;
  if (bom) {
    encoding = bom.encoding;
    text = iconv.decode(bytes.subarray(bom.length), encoding, { stripBOM: false });
  } else {
    const sample = bytes.subarray(0, SAMPLE_BYTES);
    const utf16 = bomlessUtf16(sample);
    if (utf16) encoding = utf16;
    else if (looksBinary(sample)) throw binaryError();
    else {
      text = decodeUtf8Strict(bytes);
      encoding = text === null ? guessEncoding(bytes, hint) : 'utf-8';
    }
    text ??= iconv.decode(bytes, encoding, { stripBOM: false });
  }
  if (bom || encoding.startsWith('utf-16')) {
    // Wide encodings hide NULs from the byte check; look at the decoded text instead.
    const head = new TextEncoder().encode(text.slice(0, SAMPLE_BYTES));
    if (looksBinary(head)) throw binaryError();
  }
  if (text.trim() === '') throw new QuireError('empty_file', 'This file contains no text.');
  return { text, encoding };
}

function binaryError(): QuireError {
  return new QuireError(
    'binary_content',
    'This file looks like binary data, not text. Quire cannot read it despite its name.',
  );
}
