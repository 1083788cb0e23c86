// Per-thread CPU time of this process, for the benchmarks.
import fs from 'node:fs';

/** CPU seconds per thread name (Linux): who used the cores — LanceDB's runtime, onnxruntime… */
export function threadCpu(): Map<string, number> {
  const byName = new Map<string, number>();
  const tasks = '/proc/self/task';
  if (!fs.existsSync(tasks)) return byName;
  const tick = 100; // USER_HZ on Linux
  for (const tid of fs.readdirSync(tasks)) {
    try {
      const comm = fs.readFileSync(`${tasks}/${tid}/comm`, 'utf8').trim();
      const name = Number(tid) === process.pid ? 'main thread' : comm;
      const stat = fs.readFileSync(`${tasks}/${tid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const seconds = (Number(fields[11]) + Number(fields[12])) / tick;
      byName.set(name, (byName.get(name) ?? 0) + seconds);
    } catch {
      // The thread ended meanwhile.
    }
  }
  return byName;
}

export function cpuDelta(before: Map<string, number>, after: Map<string, number>) {
  const delta: Record<string, number> = {};
  for (const [name, seconds] of after) {
    const used = seconds - (before.get(name) ?? 0);
    if (used >= 0.05) delta[name] = Math.round(used * 10) / 10;
  }
  return Object.fromEntries(Object.entries(delta).sort((a, b) => b[1] - a[1]));
}
