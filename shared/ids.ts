const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';

/** Sortable, url-safe ids: time prefix plus randomness (Web Crypto exists in Node and browsers). */
export function newId(prefix = ''): string {
  const time = Date.now().toString(36).padStart(9, '0');
  const bytes = new Uint8Array(10);
  globalThis.crypto.getRandomValues(bytes);
  let random = '';
  for (const b of bytes) random += ALPHABET[b % 36];
  return `${prefix}${time}${random}`;
}
