import type { EntailmentStatus, RerankerStatus } from '../../../../shared/contract';
import type { ReactNode } from 'react';
import type { EmbeddingModelStatus } from '../../../../shared/contract/models';
import { findEmbeddingModel } from '../../../../shared/embedding-catalog';
import type { RetrievalSettings } from '../../../../shared/settings';
import { Icon } from '../ui/Icon';
import { EmbeddingModelCatalog } from './EmbeddingModelCatalog';
import { recommendedEmbeddingModel } from './embedding-model-view';
import { ModelDownload } from './ModelDownload';
import { ModelSwitchPanel } from './ModelSwitchPanel';
import { NumberField, RangeField, SelectField, Switch, TextField } from './fields';

export function RetrievalSection({
  retrieval,
  reranker,
  entailment,
  disabled,
  onChange,
}: {
  retrieval: RetrievalSettings;
  /** The core's view of the reranker model; absent from an older core. */
  reranker?: RerankerStatus;
  /** The core's view of the entailment model; absent from an older core. */
  entailment?: EntailmentStatus;
  disabled: boolean;
  onChange: (retrieval: RetrievalSettings) => void;
}) {
  // The status describes the saved model; a model name edited in the draft is checked on save.
  const rerankerNotice =
    retrieval.reranker && reranker?.modelId === retrieval.rerankerModel ? reranker.notice : null;
  // On by default, so a model that is simply not there yet is left to its download row below;
  // only one that is there and fails to load earns a warning.
  const entailmentNotice =
    retrieval.entailment &&
    entailment?.installed &&
    entailment.modelId === retrieval.entailmentModel
      ? entailment.notice
      : null;
  const set = <K extends keyof RetrievalSettings>(key: K, value: RetrievalSettings[K]) =>
    onChange({ ...retrieval, [key]: value });
  const recommendation = recommendedEmbeddingModel();
  const recommendedName = findEmbeddingModel(recommendation.id)?.name ?? recommendation.id;
  return (
    <fieldset className="settings-group" disabled={disabled}>
      <legend>Retrieval</legend>
      <ModelSwitchPanel />
      <p className="field-label">Embedding model</p>
      <p className="field-hint embed-recommendation" data-testid="embedding-recommendation">
        Recommended here: {recommendedName}. {recommendation.reason}
      </p>
      <EmbeddingModelCatalog
        recommendedId={recommendation.id}
        action={(model) =>
          chooseAction(model, retrieval.embeddingModel, (id) => set('embeddingModel', id))
        }
      />
      <div className="field-grid">
        <TextField
          label="Model name"
          value={retrieval.embeddingModel}
          hint="Choose one above, or type the name of another transformers.js model. Saving switches the library in the background: search keeps working with the current model until every passage has its new vector, and no restart is needed."
          onChange={(v) => set('embeddingModel', v)}
        />
        <SelectField
          label="Embedding backend"
          value={retrieval.embeddingBackend}
          options={[
            { value: 'auto', label: 'Automatic' },
            { value: 'native', label: 'Native (fastest)' },
            { value: 'wasm', label: 'WebAssembly (safest)' },
          ]}
          onChange={(v) => set('embeddingBackend', v)}
        />
        <SelectField
          label="Embedding precision"
          value={retrieval.embeddingDtype}
          options={[
            { value: 'auto', label: 'Automatic (int8 when the model has it)' },
            { value: 'q8', label: 'Int8 (about twice as fast)' },
            { value: 'fp32', label: 'Full (fp32)' },
          ]}
          onChange={(v) => set('embeddingDtype', v)}
        />
        <NumberField
          label="Chunk size (tokens)"
          min={64}
          max={1024}
          step={32}
          value={retrieval.chunkTokens}
          onChange={(v) => set('chunkTokens', v)}
        />
        <NumberField
          label="Passages per answer (top-k)"
          min={1}
          max={50}
          value={retrieval.topK}
          onChange={(v) => set('topK', v)}
        />
        <SelectField
          label="Search"
          value={retrieval.mode}
          options={[
            { value: 'hybrid', label: 'Hybrid (meaning + words)' },
            { value: 'vector', label: 'Meaning only' },
            { value: 'text', label: 'Words only' },
          ]}
          onChange={(v) => set('mode', v)}
        />
      </div>
      {retrieval.mode === 'hybrid' && (
        <div className="field-grid">
          <RangeField
            label="Meaning weight"
            min={0}
            max={3}
            step={0.1}
            value={retrieval.weights.vector}
            onChange={(v) => set('weights', { ...retrieval.weights, vector: v })}
          />
          <RangeField
            label="Word weight"
            min={0}
            max={3}
            step={0.1}
            value={retrieval.weights.text}
            onChange={(v) => set('weights', { ...retrieval.weights, text: v })}
          />
        </div>
      )}
      <Switch
        label="Rerank passages with a local cross-encoder"
        checked={retrieval.reranker}
        hint="More precise sources; a little slower."
        onChange={(v) => set('reranker', v)}
      />
      {rerankerNotice && (
        <div className="callout callout-warn" role="status" data-testid="reranker-notice">
          <Icon name="alert" />
          <p className="callout-text">{rerankerNotice}</p>
        </div>
      )}
      <Switch
        label="Check answers with the entailment model"
        checked={retrieval.entailment}
        hint="Reads each cited sentence against its sources, beyond matching words and numbers. Runs only once the model below is installed."
        onChange={(v) => set('entailment', v)}
      />
      {entailmentNotice && (
        <div className="callout callout-warn" role="status" data-testid="entailment-notice">
          <Icon name="alert" />
          <p className="callout-text">{entailmentNotice}</p>
        </div>
      )}
      <ModelDownload />
    </fieldset>
  );
}

/** Today's way to pick a model: it becomes the draft's, saved with the other settings. */
function chooseAction(
  model: EmbeddingModelStatus,
  chosenId: string,
  onChoose: (id: string) => void,
): ReactNode {
  // The row's own "In use" mark says the rest.
  if (model.id === chosenId && model.inUse) return null;
  if (model.id === chosenId)
    return (
      <span className="catalog-state">
        <Icon name="check" size={14} /> Chosen
      </span>
    );
  return (
    <button type="button" className="btn btn-small" onClick={() => onChoose(model.id)}>
      Choose
    </button>
  );
}
