// Abstention for bench:check: the coverage decision on the check half of the train claims, with
// their gold abstracts removed (a real LanceDB prefilter) and present (see bench/coverage-eval.ts).
import { evaluateAbstention } from './coverage-eval';
import type { Claim } from './check-sets';

export function abstention(claims: Claim[]) {
  return evaluateAbstention({
    half: 'check',
    claims: claims.map((c) => ({ id: c.id, text: c.text, gold: c.evidence.map((e) => e.docId) })),
  });
}
