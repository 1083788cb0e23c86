import type * as PdfjsModule from 'pdfjs-dist';
import workerUrl from 'pdfjs-dist/build/pdf.worker.min.mjs?url';

type Pdfjs = typeof PdfjsModule;
let loading: Promise<Pdfjs> | null = null;

/** pdf.js is big: loaded on first use. Its worker is bundled, so the strict CSP holds. */
export function loadPdfjs(): Promise<Pdfjs> {
  loading ??= import('pdfjs-dist').then((pdfjs) => {
    pdfjs.GlobalWorkerOptions.workerSrc = workerUrl;
    return pdfjs;
  });
  return loading;
}

export function base64ToBytes(base64: string): Uint8Array {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** pdf.js reports passwords with PasswordException; code 2 means the one given was wrong. */
export function passwordProblem(error: unknown): 'required' | 'wrong' | null {
  const { name, code } = (error ?? {}) as { name?: unknown; code?: unknown };
  if (name !== 'PasswordException') return null;
  return code === 2 ? 'wrong' : 'required';
}
