import fs from 'node:fs';
import path from 'node:path';
import { SCIFACT_CORPUS } from './raw-ort-texts';

/**
 * Writes SciFact's first `count` abstracts as one .txt file each, `copies` times; a line
 * makes each copy's content distinct, so none is skipped as a duplicate.
 */
export function writeAbstracts(dir: string, count: number, copies = 1): number {
  const lines = fs.readFileSync(SCIFACT_CORPUS, 'utf8').split('\n').filter(Boolean);
  fs.mkdirSync(dir, { recursive: true });
  const chosen = lines.slice(0, count);
  for (let copy = 0; copy < copies; copy++) {
    chosen.forEach((line, i) => {
      const doc = JSON.parse(line) as { _id: string; title: string; text: string };
      const name = `${copy}-${String(i).padStart(5, '0')}-${doc._id}.txt`;
      const tag = copy === 0 ? '' : `\nCopy ${copy}.\n`;
      fs.writeFileSync(path.join(dir, name), `${doc.title}\n\n${doc.text}\n${tag}`);
    });
  }
  return chosen.length * copies;
}
