import { useLibrary } from '../../hooks/use-library';
import { navigate } from '../../hooks/use-route';
import { plural } from '../../library/format';
import { AddButtons } from '../library/AddButtons';
import { LanguageModelCatalog } from '../settings/LanguageModelCatalog';
import { ModelDownload } from '../settings/ModelDownload';
import { EmbeddingModelCatalog, useEmbeddingCatalog } from '../settings/EmbeddingModelCatalog';
import { recommendedEmbeddingModel } from '../settings/embedding-model-view';
import { findEmbeddingModel } from '../../../../shared/embedding-catalog';

/** Shown while no language model is set up: a model in minutes, then documents, then ask. */
export function GetStarted() {
  const library = useLibrary();
  const documents = library?.totals.documents ?? 0;
  // One model to start with, from the languages this computer is set to read.
  const recommendation = recommendedEmbeddingModel();
  const recommendedName = findEmbeddingModel(recommendation.id)?.name ?? recommendation.id;
  const inUseId = useEmbeddingCatalog().data?.inUseId;
  return (
    <section className="get-started" data-testid="get-started" aria-labelledby="get-started-title">
      <header className="get-started-header">
        <h2 id="get-started-title">Get started</h2>
        <p className="empty-hint">
          Quire answers from your documents with a language model that runs on this machine. Pick
          one to download; Quire uses it as soon as it arrives.
        </p>
      </header>
      <ol className="get-started-steps">
        <li>
          <h3>Choose a language model</h3>
          <LanguageModelCatalog />
          <p className="field-hint">
            Already run Ollama, another local server, or have an API key?{' '}
            <button
              type="button"
              className="btn-link"
              onClick={() => navigate({ view: 'settings' })}
            >
              Choose it in Settings
            </button>
            .
          </p>
        </li>
        <li>
          <h3>Search by meaning (optional)</h3>
          <p className="field-hint">
            Full-text search works without it; the embedding model also finds passages that use
            other words.
          </p>
          <p className="field-hint embed-recommendation" data-testid="embedding-recommendation">
            <strong>Recommended: {recommendedName}.</strong> {recommendation.reason}
          </p>
          <EmbeddingModelCatalog recommendedId={recommendation.id} />
          {inUseId && inUseId !== recommendation.id && (
            <p className="field-hint embed-note">
              The download below is the model in use now.{' '}
              <button
                type="button"
                className="btn-link"
                onClick={() => navigate({ view: 'settings' })}
              >
                Choose {recommendedName} in Settings
              </button>{' '}
              to use it instead.
            </p>
          )}
          <ModelDownload kinds={['embedding']} />
        </li>
        <li>
          <h3>Add your documents</h3>
          {documents > 0 ? (
            <p className="field-hint">{plural(documents, 'document')} in your library.</p>
          ) : (
            <AddButtons />
          )}
        </li>
      </ol>
      <p className="field-hint get-started-foot">
        You can ask right away: without a model, Quire shows the passages that answer best.
      </p>
    </section>
  );
}
