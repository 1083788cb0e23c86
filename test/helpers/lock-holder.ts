// A stand-in for a running Quire: takes a data folder's writer lock with the real code, says so
// on stdout ("locked <pid>"), and holds it until killed. SIGTERM releases it cleanly.
import { lockDataDir } from '../../electron/core/data-lock';

const lock = await lockDataDir(process.argv[2]!);
process.stdout.write(`locked ${process.pid}\n`);
const keepAlive = setInterval(() => {}, 60_000);
process.once('SIGTERM', () => {
  clearInterval(keepAlive);
  lock.release();
});
