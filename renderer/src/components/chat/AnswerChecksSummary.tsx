import { checksSummary, type AnswerChecks } from '../../../../shared/answer-checks';

// Any citation marker, even one citing a source that was never given.
const MARKER = /\s*\[\d{1,3}(?:\s*[,–-]\s*\d{1,3})*\]/g;

/** A sentence as a short plain quote: no citation markers, no Markdown signs, at most ~90 characters. */
export function sentenceExcerpt(text: string, start: number, end: number): string {
  const plain = text
    .slice(start, end)
    .replace(MARKER, '')
    .replace(/^\s*(?:[-*+]|\d+[.)]|#{1,6}|>)\s+/, '')
    .replace(/[*_`~]+/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  return plain.length > 90 ? `${plain.slice(0, 88).trimEnd()}…` : plain;
}

/**
 * Under the answer, quietly: how many sentences their sources do not back (a disclosure that
 * lists them, the keyboard's way to every note), and what the checks could not do. Nothing
 * shows while the answer streams: verdicts so far are not a conclusion.
 */
export function AnswerChecksSummary({
  checks,
  text,
  streaming,
}: {
  checks: AnswerChecks | null | undefined;
  text: string;
  streaming: boolean;
}) {
  if (!checks || (!checks.final && streaming)) return null;
  const summary = checksSummary(checks);
  if (!summary && !checks.note) return null;
  const notBacked = checks.sentences.filter((s) => s.verdict !== 'supported');
  return (
    <div className="answer-checks" data-testid="answer-checks">
      {summary && (
        <details className="checks-details">
          <summary data-testid="checks-summary">{summary}</summary>
          <ul className="checks-list">
            {notBacked.map((s) => (
              <li key={s.start} data-verdict={s.verdict}>
                <span className="checks-quote">“{sentenceExcerpt(text, s.start, s.end)}”</span>
                {s.note && <span className="checks-why">{s.note}</span>}
              </li>
            ))}
          </ul>
        </details>
      )}
      {checks.note && (
        <p className="checks-note" data-testid="checks-note">
          {checks.note}
        </p>
      )}
    </div>
  );
}
