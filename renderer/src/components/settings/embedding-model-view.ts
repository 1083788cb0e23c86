// What one catalogue embedding model shows: its facts, and what is known of its speed here.
import type { EmbeddingModelStatus } from '../../../../shared/contract/models';
import { describeDownloads } from '../../../../shared/embedding-catalog';
import {
  recommendEmbeddingModel,
  type EmbeddingRecommendation,
} from '../../../../shared/embedding-recommendation';
import { describeSpeed } from '../../../../shared/embedding-speed';

/** "English · 384 dimensions · 24 MB (int8) or 91 MB (fp32) download" */
export function describeEmbeddingModel(model: EmbeddingModelStatus): string {
  return `${model.languages.label} · ${model.dims.value} dimensions · ${describeDownloads(model)} download`;
}

export type SpeedView =
  | { kind: 'measured'; text: string; when: string }
  | { kind: 'measuring' }
  | { kind: 'not-measured'; canMeasure: boolean };

export function speedView(model: EmbeddingModelStatus, measuring: boolean): SpeedView {
  if (measuring) return { kind: 'measuring' };
  if (model.speed)
    return {
      kind: 'measured',
      text: describeSpeed(model.speed),
      when: new Date(model.speed.measuredAt).toLocaleDateString(undefined, {
        day: 'numeric',
        month: 'short',
        year: 'numeric',
      }),
    };
  return { kind: 'not-measured', canMeasure: model.present };
}

/** The row's state for styling and tests: in use, here, or to download. */
export function rowState(model: EmbeddingModelStatus): 'in-use' | 'present' | 'missing' {
  return model.inUse ? 'in-use' : model.present ? 'present' : 'missing';
}

/** The recommendation for the languages this window reads (the OS locale), best first. */
export function recommendedEmbeddingModel(
  languages: readonly string[] = typeof navigator === 'undefined'
    ? []
    : navigator.languages?.length
      ? navigator.languages
      : [navigator.language],
): EmbeddingRecommendation {
  return recommendEmbeddingModel(languages);
}
