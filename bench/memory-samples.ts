// Resident memory sampled over a benchmark run: the peak alone hides whether memory levels off
// or keeps growing with the library.
import fs from 'node:fs';

export type MemorySample = {
  /** Seconds since the sampler started. */
  s: number;
  /** Documents ready and chunks stored at that moment (from the library's totals). */
  ready: number;
  chunks: number;
  rssMb: number;
  heapUsedMb: number;
  /** The main thread's V8 heap as reserved from the system (workers' heaps are not in it). */
  heapTotalMb: number;
  /** C++ objects bound to JavaScript ones, Buffers and ArrayBuffers included. */
  externalMb: number;
  arrayBuffersMb: number;
  /** Linux: anonymous (malloc'd) and file-backed (mapped files, code) parts of the RSS. */
  anonMb: number | null;
  fileMb: number | null;
  threads: number | null;
};

export type MemoryReport = {
  everySeconds: number;
  samples: MemorySample[];
  /** Sampled every 50 ms, so it catches what the slower series misses. */
  peak: { rssMb: number; heapUsedMb: number; externalMb: number; arrayBuffersMb: number };
  /** The kernel's own high-water mark of the whole process (VmHWM), when it can be read. */
  vmHwmMb: number | null;
};

const mb = (bytes: number) => Math.round(bytes / 2 ** 20);

function status(): {
  anonMb: number | null;
  fileMb: number | null;
  threads: number | null;
  hwm: number | null;
} {
  try {
    const text = fs.readFileSync('/proc/self/status', 'utf8');
    const kb = (key: string) => {
      const m = new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(text);
      return m ? Number(m[1]) : null;
    };
    const toMb = (v: number | null) => (v === null ? null : Math.round(v / 1024));
    return {
      anonMb: toMb(kb('RssAnon')),
      fileMb: toMb(kb('RssFile')),
      threads: kb('Threads'),
      hwm: toMb(kb('VmHWM')),
    };
  } catch {
    return { anonMb: null, fileMb: null, threads: null, hwm: null };
  }
}

/**
 * Starts sampling now: a row every `everySeconds`, the peak every 50 ms. `progress` reads
 * the library's counts for each row. `stop()` takes a last row and returns the report.
 */
export function sampleMemory(
  progress: () => { ready: number; chunks: number },
  everySeconds = 2,
): { stop(): MemoryReport } {
  const started = performance.now();
  const samples: MemorySample[] = [];
  let peak = process.memoryUsage();
  const row = () => {
    const now = process.memoryUsage();
    const { anonMb, fileMb, threads } = status();
    samples.push({
      s: Math.round((performance.now() - started) / 100) / 10,
      ...progress(),
      rssMb: mb(now.rss),
      heapUsedMb: mb(now.heapUsed),
      heapTotalMb: mb(now.heapTotal),
      externalMb: mb(now.external),
      arrayBuffersMb: mb(now.arrayBuffers),
      anonMb,
      fileMb,
      threads,
    });
  };
  row();
  const fast = setInterval(() => {
    const now = process.memoryUsage();
    if (now.rss > peak.rss) peak = now;
  }, 50);
  const slow = setInterval(row, everySeconds * 1000);
  return {
    stop() {
      clearInterval(fast);
      clearInterval(slow);
      row();
      return {
        everySeconds,
        samples,
        peak: {
          rssMb: mb(peak.rss),
          heapUsedMb: mb(peak.heapUsed),
          externalMb: mb(peak.external),
          arrayBuffersMb: mb(peak.arrayBuffers),
        },
        vmHwmMb: status().hwm,
      };
    },
  };
}

/** A compact table of the samples: at most `rows` of them, evenly spaced, the last included. */
export function memoryTable(report: MemoryReport, rows = 24): string {
  const { samples } = report;
  const step = Math.max(1, Math.ceil(samples.length / rows));
  const picked = samples.filter((_, i) => i % step === 0 || i === samples.length - 1);
  const cols: [string, (s: MemorySample) => string | number | null][] = [
    ['s', (s) => s.s],
    ['ready', (s) => s.ready],
    ['chunks', (s) => s.chunks],
    ['rss MB', (s) => s.rssMb],
    ['anon', (s) => s.anonMb],
    ['file', (s) => s.fileMb],
    ['heap', (s) => s.heapUsedMb],
    ['heapTotal', (s) => s.heapTotalMb],
    ['external', (s) => s.externalMb],
    ['arrayBuf', (s) => s.arrayBuffersMb],
    ['threads', (s) => s.threads],
  ];
  const cells = picked.map((s) => cols.map(([, get]) => String(get(s) ?? '-')));
  const widths = cols.map(([h], i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (values: string[]) => values.map((v, i) => v.padStart(widths[i]!)).join('  ');
  const { peak } = report;
  return [
    line(cols.map(([h]) => h)),
    ...cells.map(line),
    `peak rss ${peak.rssMb} MB (heap ${peak.heapUsedMb}, external ${peak.externalMb}, ` +
      `arrayBuffers ${peak.arrayBuffersMb}); VmHWM ${report.vmHwmMb ?? '-'} MB`,
  ].join('\n');
}
