import { ensureCurrentBuild, buildApp } from '../scripts/build-app';

/** The UI tests need a build of the current sources; reuse `out/` when it is one. */
export default function globalSetup(): void {
  const ok = process.env.QUIRE_REBUILD ? buildApp() : ensureCurrentBuild();
  if (!ok) throw new Error('The app build failed; see the electron-vite output above.');
}
