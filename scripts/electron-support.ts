// Whether the Electron major Quire pins still gets security fixes, from build/electron-support.json.
import fs from 'node:fs';
import path from 'node:path';

export type SupportWindow = { stable: string; endOfLife: string };
export type SupportTable = {
  source: string;
  policy: string;
  note: string;
  majors: Record<string, SupportWindow>;
};

export const SUPPORT_TABLE_FILE = 'build/electron-support.json';

export function readSupportTable(root: string): SupportTable {
  return JSON.parse(fs.readFileSync(path.join(root, SUPPORT_TABLE_FILE), 'utf8')) as SupportTable;
}

/** The major of a version or a semver range such as "^45.6.1"; null when there is none. */
export function majorOf(versionOrRange: string): number | null {
  const match = /^\s*[~^=v]*\s*(\d+)\./.exec(versionOrRange);
  return match ? Number(match[1]) : null;
}

/** YYYY-MM-DD in UTC, the form the table uses, so dates compare as strings. */
export function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** The majors Electron supports on `today`: already stable and not yet at their end of life. */
export function supportedMajors(table: SupportTable, today: Date): number[] {
  const day = isoDay(today);
  return Object.entries(table.majors)
    .filter(([, window]) => window.stable <= day && day < window.endOfLife)
    .map(([major]) => Number(major))
    .sort((a, b) => a - b);
}

/**
 * Why `major` must not ship on `today`, or null when it is supported. Support ends on the
 * end-of-life day itself: that is the day the third newer major goes stable.
 */
export function electronSupportProblem(
  major: number,
  table: SupportTable,
  today: Date,
): string | null {
  const window = table.majors[String(major)];
  if (!window)
    return (
      `Electron ${major} is not in ${SUPPORT_TABLE_FILE}: add its stable and end-of-life dates ` +
      `from ${table.source}, or move to a major that is listed.`
    );
  if (isoDay(today) < window.endOfLife) return null;
  const supported = supportedMajors(table, today);
  return (
    `Electron ${major} reached its end of life on ${window.endOfLife} and gets no more Chromium security fixes: ` +
    `move to a supported major (${supported.length > 0 ? supported.join(', ') : `see ${table.source}`}) ` +
    `with \`npm install electron@<major> --save-dev\`, then update ${SUPPORT_TABLE_FILE} from ${table.source}.`
  );
}

/** Days from `today` to the end of life of `major`, or null when the table does not list it. */
export function daysLeft(major: number, table: SupportTable, today: Date): number | null {
  const window = table.majors[String(major)];
  if (!window) return null;
  return Math.round((Date.parse(window.endOfLife) - Date.parse(isoDay(today))) / 86_400_000);
}
