import type { EntailmentStatus, RerankerStatus } from '../../../../shared/contract';
import { SUGGESTED_EMBEDDING_MODELS } from '../../../../shared/models';
import type { RetrievalSettings } from '../../../../shared/settings';
import { Icon } from '../ui/Icon';
import { ModelDownload } from './ModelDownload';
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
  return (
    <fieldset className="settings-group" disabled={disabled}>
      <legend>Retrieval</legend>
      <div className="field-grid">
        <SelectField
          label="Embedding model"
          value={
            SUGGESTED_EMBEDDING_MODELS.some((m) => m.id === retrieval.embeddingModel)
              ? retrieval.embeddingModel
              : 'other'
          }
          options={[
            ...SUGGESTED_EMBEDDING_MODELS.map((m) => ({ value: m.id as string, label: m.label })),
            { value: 'other', label: 'Another model…' },
          ]}
          onChange={(v) => set('embeddingModel', v === 'other' ? '' : v)}
        />
        <TextField
          label="Model name"
          value={retrieval.embeddingModel}
          hint="For documents in other languages than English, pick the multilingual model. Applies after a restart; the library is then re-embedded in the background."
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
