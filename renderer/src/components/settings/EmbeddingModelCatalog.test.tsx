import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { EmbeddingModelStatus } from '../../../../shared/contract/models';
import { EMBEDDING_MODEL_CATALOG } from '../../../../shared/embedding-catalog';
import type { EmbeddingSpeed } from '../../../../shared/embedding-speed';
import { EmbeddingModelRow } from './EmbeddingModelCatalog';
import { describeEmbeddingModel, recommendedEmbeddingModel } from './embedding-model-view';

const bge = EMBEDDING_MODEL_CATALOG.find((e) => e.name === 'bge-small-en-v1.5')!;
const model = (over: Partial<EmbeddingModelStatus> = {}): EmbeddingModelStatus => ({
  ...bge,
  present: false,
  path: `/data/models/${bge.id}`,
  inUse: false,
  speed: null,
  ...over,
});
const speed: EmbeddingSpeed = {
  modelId: bge.id,
  measuredAt: Date.UTC(2026, 9, 12),
  backend: 'native',
  dtype: 'q8',
  threads: 2,
  batchSize: 8,
  passages: 200,
  tokens: 24_000,
  seconds: 4,
  passagesPerSecond: 50,
  tokensPerSecond: 6000,
  loadSeconds: 0.4,
};

const row = (m: EmbeddingModelStatus, extra: { measuring?: boolean; recommended?: boolean } = {}) =>
  renderToStaticMarkup(
    <EmbeddingModelRow
      model={m}
      recommended={extra.recommended ?? false}
      measuring={extra.measuring ?? false}
      error={null}
      onMeasure={() => {}}
      action={<button type="button">Use this model</button>}
    />,
  );

describe('an embedding catalogue row', () => {
  it('shows languages, dimensions, both download sizes, and every published score with its source', () => {
    const html = row(model(), { recommended: true });
    expect(html).toContain('bge-small-en-v1.5');
    expect(html).toContain('Recommended');
    expect(html).toContain(describeEmbeddingModel(model()));
    expect(describeEmbeddingModel(model())).toBe(
      'English · 384 dimensions · 35 MB (int8) or 134 MB (fp32) download',
    );
    for (const figure of bge.quality) {
      expect(html).toContain(figure.label);
      expect(html).toContain(`href="${figure.source}"`);
    }
    expect(html).toContain('<strong>71.27</strong>');
    expect(html).toContain(`href="${bge.files.q8.source}"`);
    expect(html).toContain('target="_blank"');
  });

  it('says "not measured yet", offers Measure only once the model is here', () => {
    expect(row(model())).toContain('not measured yet');
    expect(row(model())).not.toContain('>Measure<');
    expect(row(model())).toContain('measured after its download');
    expect(row(model({ present: true }))).toContain('>Measure<');
  });

  it('shows the speed measured here, with backend, weights and threads, and the in-use mark', () => {
    const html = row(model({ present: true, inUse: true, speed }));
    expect(html).toContain('50 passages/s (6,000 tokens/s), native q8, 2 threads');
    expect(html).toContain('In use');
    expect(html).toContain('Measure again');
    expect(html).toContain('data-state="in-use"');
    expect(row(model({ present: true }), { measuring: true })).toContain('Measuring its speed');
  });

  it("leaves a place for the row's action (a model switch's button)", () => {
    const html = row(model());
    expect(html).toContain('class="catalog-action"><button type="button">Use this model</button>');
  });
});

describe('recommendedEmbeddingModel', () => {
  it('follows the languages the window reads', () => {
    expect(recommendedEmbeddingModel(['en-US']).id).toBe('Xenova/bge-small-en-v1.5');
    expect(recommendedEmbeddingModel(['fr-FR', 'en']).id).toBe('Xenova/multilingual-e5-small');
  });
});
