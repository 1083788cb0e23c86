import crypto from 'node:crypto';
import type { SafeStorageLike } from './types';

/** For tests: a safeStorage stand-in that really encrypts (AES-256-GCM, fixed test key). */
export function fakeSafeStorage(options: { available?: boolean } = {}): SafeStorageLike {
  const key = crypto.createHash('sha256').update('quire-test-key').digest();
  return {
    isEncryptionAvailable: () => options.available ?? true,
    encryptString(plainText) {
      const iv = crypto.randomBytes(12);
      const cipher = crypto.createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plainText, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]);
    },
    decryptString(encrypted) {
      const decipher = crypto.createDecipheriv('aes-256-gcm', key, encrypted.subarray(0, 12));
      decipher.setAuthTag(encrypted.subarray(12, 28));
      return Buffer.concat([decipher.update(encrypted.subarray(28)), decipher.final()]).toString(
        'utf8',
      );
    },
  };
}
