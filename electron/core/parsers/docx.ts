import { QuireError } from '../../../shared/errors';

const ZIP_MAGIC = [0x50, 0x4b];
// OLE compound file: an encrypted .docx, or an old .doc with a new name.
const OLE_MAGIC = [0xd0, 0xcf, 0x11, 0xe0];

function startsWith(bytes: Uint8Array, magic: number[]): boolean {
  return magic.every((b, i) => bytes[i] === b);
}

/** Converts a .docx to HTML with mammoth, so headings survive as h1–h6; images are left out. */
export async function docxToHtml(bytes: Uint8Array): Promise<string> {
  if (startsWith(bytes, OLE_MAGIC)) {
    throw new QuireError(
      'unsupported_type',
      'This Word file is password-protected or in the old .doc format. Quire cannot read it yet; save it as an unprotected .docx and retry.',
    );
  }
  if (!startsWith(bytes, ZIP_MAGIC)) {
    throw new QuireError('corrupt_file', 'This Word document is damaged and cannot be read.');
  }
  const { default: mammoth } = await import('mammoth');
  try {
    const result = await mammoth.convertToHtml(
      { buffer: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) },
      // Never decode images: they would only bloat memory as data URIs.
      { convertImage: mammoth.images.imgElement(() => Promise.resolve({ src: '' })) },
    );
    return result.value;
  } catch (error) {
    throw new QuireError('corrupt_file', 'This Word document is damaged and cannot be read.', {
      cause: error,
    });
  }
}
