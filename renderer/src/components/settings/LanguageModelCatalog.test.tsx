import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { LanguageModelStatus } from '../../../../shared/contract/models';
import { LANGUAGE_MODEL_CATALOG } from '../../../../shared/model-catalog';
import { CatalogRow } from './LanguageModelCatalog';

const entry = LANGUAGE_MODEL_CATALOG[0]!;
const model: LanguageModelStatus = {
  ...entry,
  present: false,
  path: `/data/models/${entry.repo}/${entry.file}`,
  fitsInMemory: true,
  selected: false,
  download: null,
};
const OFFLINE = `Quire could not reach huggingface.co. Check your connection, or copy the model folder into /data/models/${entry.repo}.`;

const row = (message: string) =>
  renderToStaticMarkup(
    <CatalogRow
      model={model}
      recommended
      fit="Fits this machine"
      view={{ kind: 'failed', message }}
      onDownload={() => {}}
      onCancel={() => {}}
    />,
  );

describe('a catalogue model whose download failed', () => {
  const html = row(OFFLINE);

  it('shows the error under the model row, not in the narrow button column', () => {
    const action = html.slice(html.indexOf('class="catalog-action"'), html.indexOf('</li>'));
    expect(html).toContain('data-testid="catalog-error"');
    expect(html.indexOf('catalog-error')).toBeGreaterThan(html.indexOf('catalog-top'));
    // The button column holds only Retry; the message is in the row-wide block after it.
    expect(action.slice(0, action.indexOf('catalog-error'))).not.toContain('could not reach');
    expect(html).toContain('could not reach huggingface.co');
  });

  it('names the .gguf file Quire expects, and the folder once', () => {
    expect(html).toContain(`<code>${entry.file}</code>`);
    expect(html).toContain('in that folder');
    const other = row('The hub answered HTTP 500. Try again later.');
    expect(other).toContain(
      `<code>${entry.file}</code> in <code>/data/models/${entry.repo}</code>`,
    );
  });
});
