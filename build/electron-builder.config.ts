// Installers: AppImage and deb (Linux x64), dmg (macOS arm64), NSIS (Windows x64).
// Built by `npm run dist` (scripts/dist.ts), on the platform each installer is for.
import type { Configuration } from 'electron-builder';

/**
 * Native code cannot be loaded from inside app.asar, so every package that ships a binary
 * stays outside it, whole: an addon's .node file loads .so/.dylib/.dll files beside it.
 * The scoped globs cover every platform's binary package, not only this machine's.
 */
export const NATIVE_UNPACK = [
  'node_modules/@lancedb/**', // LanceDB and its per-platform binaries
  'node_modules/onnxruntime-node/**', // the native embedding backend
  'node_modules/node-llama-cpp/**', // the embedded language model...
  'node_modules/@node-llama-cpp/**', // ...and its per-platform llama.cpp builds
  'node_modules/keytar/**', // the OS keychain
  'node_modules/@napi-rs/**', // canvas, which pdf.js renders pages with for OCR
  'node_modules/sharp/**', // transformers.js's image library...
  'node_modules/@img/**', // ...and its libvips binaries
  'node_modules/@reflink/**', // copy-on-write copies in node-llama-cpp's downloader
  '**/*.node', // any other addon, wherever it sits
];

/**
 * Electron's fuses, flipped in the packed binary before it is signed, so that nobody can turn
 * the packaged app into a general-purpose Node runtime or debugger, or make it load code that
 * is not in its (integrity-checked) app.asar.
 */
export const ELECTRON_FUSES: NonNullable<Configuration['electronFuses']> = {
  runAsNode: false, // ELECTRON_RUN_AS_NODE is ignored
  enableNodeOptionsEnvironmentVariable: false, // NODE_OPTIONS and NODE_EXTRA_CA_CERTS are ignored
  enableNodeCliInspectArguments: false, // no --inspect, and SIGUSR1 opens no inspector
  enableCookieEncryption: true, // the cookie store is encrypted with the OS keychain's key
  enableEmbeddedAsarIntegrityValidation: true, // app.asar must match its hash (macOS, Windows)
  onlyLoadAppFromAsar: true, // no loose app/ folder next to app.asar is ever loaded
  // Flipping fuses breaks the ad-hoc signature Apple silicon requires; without a Developer ID to
  // sign with, electron-builder would leave the arm64 app unable to start. Re-sign it ad hoc.
  resetAdHocDarwinSignature: true,
};

const config: Configuration = {
  appId: 'Quire',
  productName: 'Quire',
  artifactName: '${productName}-${version}-${os}-${arch}.${ext}',
  directories: { output: 'dist', buildResources: 'build' },
  // The electron-vite build and the manifest; production node_modules are added by electron-builder.
  files: [
    'out/main/**',
    'out/preload/**',
    'out/renderer/**',
    'package.json',
    '!**/*.map',
    // onnxruntime-node ships every platform's binaries (~110 MB more); keep this one's.
    // (${platform} is the building machine's, which scripts/dist.ts makes the target's.)
    '!node_modules/onnxruntime-node/bin/napi-v*/!(${platform})/**',
    '!node_modules/onnxruntime-node/bin/napi-v*/${platform}/!(${arch})/**',
    // Every target is x64 on Linux and Windows: their ARM llama.cpp builds would be dead weight.
    '!node_modules/@node-llama-cpp/linux-arm*/**',
    '!node_modules/@node-llama-cpp/win-arm64*/**',
  ],
  asar: true,
  asarUnpack: NATIVE_UNPACK,
  // All of these are N-API modules: the binaries npm installed already serve Electron.
  npmRebuild: false,
  electronFuses: ELECTRON_FUSES,
  // Optional bundled models, read from process.resourcesPath/models (see resources/models/README.md).
  extraResources: [{ from: 'resources/models', to: 'models', filter: ['**/*'] }],
  linux: {
    target: [
      { target: 'AppImage', arch: ['x64'] },
      { target: 'deb', arch: ['x64'] },
    ],
    icon: 'resources/icons',
    category: 'Office',
    synopsis: 'Chat with your own documents, offline.',
    maintainer: 'Quire',
  },
  mac: {
    target: [{ target: 'dmg', arch: ['arm64'] }],
    icon: 'resources/icon.icns',
    category: 'public.app-category.productivity',
  },
  win: {
    target: [{ target: 'nsis', arch: ['x64'] }],
    icon: 'resources/icon.ico',
  },
  nsis: { oneClick: false, allowToChangeInstallationDirectory: true },
};

export default config;
