import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import type { Plugin } from 'vite';
import { CONTENT_SECURITY_POLICY } from './electron/core/server/static-files';

/** The built page carries a strict CSP; the dev server needs inline scripts, so only builds get it. */
function contentSecurityPolicy(): Plugin {
  return {
    name: 'quire-csp',
    apply: 'build',
    transformIndexHtml: (html) =>
      html.replace(
        '<head>',
        `<head>\n    <meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}" />`,
      ),
  };
}

export default defineConfig({
  main: {
    build: {
      externalizeDeps: true,
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'electron/main/index.ts'),
          'indexing-worker': resolve(__dirname, 'electron/core/indexing/worker-entry.ts'),
          'native-canary': resolve(__dirname, 'electron/core/embedding/native-canary.ts'),
          'embedding-speed-worker': resolve(__dirname, 'electron/core/indexing/speed-worker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      // A sandboxed preload cannot require packages: bundle everything into one CommonJS file.
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve(__dirname, 'electron/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'renderer'),
    plugins: [react(), contentSecurityPolicy()],
    build: {
      outDir: resolve(__dirname, 'out/renderer'),
      // electron-vite leaves builds unminified; the renderer is the one bundle whose size is
      // parsed on every window load, so it gets vite's default minifier (esbuild, JS and CSS).
      minify: 'esbuild',
      rollupOptions: { input: resolve(__dirname, 'renderer/index.html') },
    },
  },
});
