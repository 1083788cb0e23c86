// Abstention for bench:check: the coverage decision on the check half of the train claims that have
// evidence, with their gold abstracts removed (a real LanceDB prefilter) and present
// (see bench/coverage-eval.ts).
import { evaluateAbstention } from './coverage-eval';

export function abstention() {
  return evaluateAbstention({ half: 'check' });
}
