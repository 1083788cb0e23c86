import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  daysLeft,
  electronSupportProblem,
  majorOf,
  readSupportTable,
  supportedMajors,
  type SupportTable,
} from './electron-support';

const root = path.resolve(__dirname, '..');
const table = readSupportTable(root);
const readJson = (file: string) =>
  JSON.parse(fs.readFileSync(path.join(root, file), 'utf8')) as {
    version: string;
    devDependencies: Record<string, string>;
  };

// One release cycle: the time it takes to move to the next major before this one runs out.
const WARN_DAYS = 56;

describe('the pinned Electron major', () => {
  const pinned = majorOf(readJson('package.json').devDependencies.electron ?? '');
  const installed = majorOf(readJson('node_modules/electron/package.json').version);

  it('is the one npm installed', () => {
    expect(pinned, 'package.json pins electron to a version').not.toBeNull();
    // A stale node_modules would let the check below pass for a major that no longer ships.
    expect(installed, 'node_modules/electron is out of date: run `npm ci`').toBe(pinned);
  });

  it('still gets security fixes today', () => {
    const today = new Date();
    const problem = electronSupportProblem(pinned!, table, today);
    expect(problem, problem ?? '').toBeNull();
    const left = daysLeft(pinned!, table, today)!;
    if (left <= WARN_DAYS)
      console.warn(
        `[electron-support] Electron ${pinned} reaches its end of life in ${left} days (${table.majors[String(pinned)]!.endOfLife}): plan the move to the next major.`,
      );
  });
});

describe('build/electron-support.json', () => {
  const day = /^\d{4}-\d{2}-\d{2}$/;

  it('says where its dates come from', () => {
    expect(table.source).toBe('https://releases.electronjs.org/schedule');
    expect(table.policy).toMatch(/^https:\/\/www\.electronjs\.org\/docs\//);
  });

  it('lists real dates, each major going stable before its end of life', () => {
    for (const [major, window] of Object.entries(table.majors)) {
      expect(major).toMatch(/^\d+$/);
      for (const date of [window.stable, window.endOfLife]) {
        expect(date, `Electron ${major}`).toMatch(day);
        expect(Number.isNaN(Date.parse(date)), `Electron ${major}: ${date}`).toBe(false);
      }
      expect(window.stable < window.endOfLife, `Electron ${major}`).toBe(true);
    }
  });

  it('follows the support policy: a major ends the day the third newer one goes stable', () => {
    // Catches a mistyped date: both come from the same schedule, so they must agree.
    for (const [major, window] of Object.entries(table.majors)) {
      const third = table.majors[String(Number(major) + 3)];
      if (third)
        expect(window.endOfLife, `Electron ${major} vs ${Number(major) + 3}`).toBe(third.stable);
    }
  });
});

describe('electronSupportProblem', () => {
  const sample: SupportTable = {
    source: 'https://releases.electronjs.org/schedule',
    policy: 'https://www.electronjs.org/docs/latest/tutorial/electron-timelines',
    note: '',
    majors: {
      '38': { stable: '2025-09-02', endOfLife: '2026-03-10' },
      '41': { stable: '2026-03-10', endOfLife: '2026-08-24' },
      '42': { stable: '2026-05-04', endOfLife: '2026-10-19' },
      '43': { stable: '2026-06-29', endOfLife: '2027-01-04' },
    },
  };
  const on = (date: string) => new Date(`${date}T12:00:00Z`);

  it('accepts a major up to the day before its end of life', () => {
    expect(electronSupportProblem(38, sample, on('2025-12-01'))).toBeNull();
    expect(electronSupportProblem(38, sample, on('2026-03-09'))).toBeNull();
  });

  it('fails from the end-of-life day on, and says to move to a supported major', () => {
    for (const date of ['2026-03-10', '2026-12-06']) {
      const problem = electronSupportProblem(38, sample, on(date))!;
      expect(problem).toContain('Electron 38 reached its end of life on 2026-03-10');
      expect(problem).toContain('move to a supported major');
    }
    expect(electronSupportProblem(38, sample, on('2026-07-01'))).toContain('(41, 42, 43)');
  });

  it('fails for a major the table does not list', () => {
    const problem = electronSupportProblem(47, sample, on('2026-12-06'))!;
    expect(problem).toContain('Electron 47 is not in build/electron-support.json');
    expect(problem).toContain('https://releases.electronjs.org/schedule');
  });

  it('knows which majors are supported on a given day', () => {
    expect(supportedMajors(sample, on('2026-07-01'))).toEqual([41, 42, 43]);
    expect(supportedMajors(sample, on('2026-12-06'))).toEqual([43]);
    expect(daysLeft(43, sample, on('2026-12-06'))).toBe(29);
  });

  it('reads the major from a version or a range', () => {
    expect(majorOf('^45.6.1')).toBe(45);
    expect(majorOf('~38.8.6')).toBe(38);
    expect(majorOf('45.6.1')).toBe(45);
    expect(majorOf('latest')).toBeNull();
  });
});
