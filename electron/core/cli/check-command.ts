import { createHash } from 'node:crypto';
import fs from 'node:fs';
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import type { SentenceCheck } from '../../../shared/answer-checks';
import { checkClaim } from '../checking/answer-checker';
import { termKeys, TermStats } from '../language/term-stats';
import { createQuireCore, type QuireCore } from '../quire-core';
import { coreOptionsFrom, createOutput, resolveDataDir, SHARED_OPTIONS } from './cli-context';

export const CHECK_HELP = `quire check FILE.jsonl [--data DIR] [--model-dir DIR] [--embedding-model ID] [--embedding-dtype auto|fp32|q8] [--json]
  Judges sentences against the passages given with them, as answers are checked. Each input
  line is {"id", "sentence", "passages": ["…"]}; the passages are sources 1..n, and a sentence
  without [n] markers is read as citing all of them. Prints one result per line, in input order:
  {"id", "verdict", "missing", "evidence", "note"} (plus "entailment" when the model ran);
  verdict is supported, partly, unsupported or uncited, and null with the note "Nothing in this
  sentence can be checked" when it states nothing checkable. A line that is not JSON or lacks a
  field gets {"id", "line", "error": {"code", "message"}} (id null when it has none) and the rest
  go on. Rare words are rare in the library in --data, else among the file's passages; the
  entailment model is used when it is set up. Exit code 3 when any line failed.`;

const LineSchema = z.object({
  id: z.union([z.string(), z.number()]),
  sentence: z.string().refine((s) => s.trim() !== '', 'is empty'),
  passages: z.array(z.string()).min(1, 'needs at least one passage'),
});
type CheckLine = z.infer<typeof LineSchema>;

type LineError = { code: 'invalid_json' | 'invalid_line' | 'internal'; message: string };
type Parsed =
  | { line: number; ok: true; value: CheckLine }
  | { line: number; ok: false; id: string | number | null; error: LineError };

const NOTHING_TO_CHECK = 'Nothing in this sentence can be checked';

function idOf(raw: unknown): string | number | null {
  if (typeof raw !== 'object' || raw === null || !('id' in raw)) return null;
  const { id } = raw as { id: unknown };
  return typeof id === 'string' || typeof id === 'number' ? id : null;
}

/** What is wrong with a line, naming the field, e.g. `no "passages"` or `"passages.1": …`. */
function describeIssues(raw: unknown, issues: z.ZodError['issues']): string {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    return 'the line is not a JSON object';
  const parts = issues.map((issue) => {
    const key = issue.path[0];
    if (typeof key === 'string' && !(key in raw)) return `no "${key}"`;
    return `"${issue.path.join('.')}" ${issue.message}`;
  });
  return [...new Set(parts)].join('; ');
}

function parseLine(text: string, line: number): Parsed {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return {
      line,
      ok: false,
      id: null,
      error: { code: 'invalid_json', message: `Not JSON: ${reason}` },
    };
  }
  const result = LineSchema.safeParse(raw);
  if (result.success) return { line, ok: true, value: result.data };
  return {
    line,
    ok: false,
    id: idOf(raw),
    error: { code: 'invalid_line', message: describeIssues(raw, result.error.issues) },
  };
}

/** The file's non-blank lines, parsed, one at a time: the file is never held whole. */
async function* readLines(file: string): AsyncGenerator<Parsed> {
  const input = fs.createReadStream(file, { encoding: 'utf8' });
  const lines = readline.createInterface({ input, crlfDelay: Infinity });
  let n = 0;
  try {
    for await (const text of lines) {
      n++;
      const trimmed = (n === 1 ? text.replace(/^\uFEFF/, '') : text).trim();
      if (trimmed !== '') yield parseLine(trimmed, n);
    }
  } finally {
    lines.close();
    input.destroy();
  }
}

/**
 * Rarity as the file's own passages see it, when the library has none. A passage repeated on
 * many lines (the usual shape of a benchmark file) is counted once, or its words would look common.
 */
async function statsFromFile(file: string): Promise<TermStats> {
  const stats = new TermStats();
  const seen = new Set<string>();
  for await (const parsed of readLines(file)) {
    if (!parsed.ok) continue;
    for (const passage of parsed.value.passages) {
      const hash = createHash('sha1').update(passage).digest('base64');
      if (seen.has(hash)) continue;
      seen.add(hash);
      stats.addPassage(termKeys(passage));
    }
  }
  return stats;
}

/** The library's document frequencies, when the core offers them and has passages. */
async function libraryStats(core: QuireCore): Promise<TermStats | null> {
  const stats = await core.termStats().catch(() => null);
  return stats && stats.passages > 0 ? stats : null;
}

async function hasAnyLine(file: string): Promise<boolean> {
  for await (const _ of readLines(file)) return true;
  return false;
}

function resultObject(id: string | number, check: SentenceCheck | null) {
  if (!check) return { id, verdict: null, missing: [], evidence: [], note: NOTHING_TO_CHECK };
  return {
    id,
    verdict: check.verdict,
    missing: check.missing,
    evidence: check.evidence,
    note: check.note,
    ...(check.entailment ? { entailment: check.entailment } : {}),
  };
}

export async function checkCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: SHARED_OPTIONS,
    allowPositionals: true,
    strict: true,
  });
  const out = createOutput(values.json);
  const [file] = positionals;
  if (!file || positionals.length > 1) {
    out.error('Give one JSON Lines file, e.g. quire check claims.jsonl');
    return 2;
  }
  try {
    if (!fs.statSync(file).isFile()) {
      out.error(`${file} is not a file.`);
      return 2;
    }
  } catch {
    out.error(`There is no file ${file}.`);
    return 2;
  }
  // An empty file has nothing to judge: no need to open the library and its workers.
  if (!(await hasAnyLine(file))) return 0;

  const core = await createQuireCore({
    ...coreOptionsFrom(values),
    dataDir: resolveDataDir(values.data),
    startIndexing: false,
    readOnly: true,
  });
  try {
    const stats = (await libraryStats(core)) ?? (await statsFromFile(file));
    const counts = { checked: 0, notBacked: 0, failed: 0 };
    for await (const parsed of readLines(file)) {
      if (!parsed.ok) {
        counts.failed++;
        printError(out, parsed.id, parsed.line, parsed.error);
        continue;
      }
      const { id, sentence, passages } = parsed.value;
      let check: SentenceCheck | null;
      try {
        check = await checkClaim(sentence, passages, { stats, entailment: core.entailment });
      } catch (error) {
        counts.failed++;
        const message = error instanceof Error ? error.message : String(error);
        printError(out, id, parsed.line, { code: 'internal', message });
        continue;
      }
      counts.checked++;
      if (check && check.verdict !== 'supported') counts.notBacked++;
      const result = resultObject(id, check);
      const verdict = result.verdict ?? 'not checked';
      out.line(`${id}: ${verdict}${result.note ? ` — ${result.note}` : ''}`, result);
    }
    const status = core.entailment.status();
    const modelNote = status.active
      ? null
      : (status.notice ??
        'Only words and numbers were checked: the entailment model is off (Settings → Retrieval).');
    if (modelNote && counts.checked > 0)
      out.error(`Note: ${modelNote}`, { note: 'entailment_off', reason: modelNote });
    if (!values.json)
      out.error(
        `${counts.checked} checked, ${counts.notBacked} not backed by their passages` +
          (counts.failed
            ? `, ${counts.failed} ${counts.failed === 1 ? 'line' : 'lines'} failed`
            : ''),
      );
    return counts.failed > 0 ? 3 : 0;
  } finally {
    await core.close();
  }
}

function printError(
  out: ReturnType<typeof createOutput>,
  id: string | number | null,
  line: number,
  error: LineError,
): void {
  // On stdout with the results, so every input line has its answer in order.
  out.line(`${id ?? `line ${line}`}: error (${error.code}) — ${error.message}`, {
    id,
    line,
    error,
  });
}
