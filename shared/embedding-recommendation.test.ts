import { describe, expect, it } from 'vitest';
import { recommendEmbeddingModel } from './embedding-recommendation';

describe('recommendEmbeddingModel', () => {
  it('recommends bge-small for English-only systems, and says why with sourced figures', () => {
    const pick = recommendEmbeddingModel(['en-GB', 'en']);
    expect(pick.id).toBe('Xenova/bge-small-en-v1.5');
    expect(pick.reason).toContain('English only');
    expect(pick.reason).toContain('71.27');
    expect(pick.reason).toContain('64.51');
  });

  it('recommends multilingual-e5-small as soon as another language is read', () => {
    const pick = recommendEmbeddingModel(['de-AT', 'en-US']);
    expect(pick.id).toBe('Xenova/multilingual-e5-small');
    expect(pick.reason).toContain('German');
    expect(pick.reason).toContain('about 100 languages');
    expect(pick.reason).toContain('also reads German');
    expect(recommendEmbeddingModel(['ja', 'ko', 'zh-TW', 'fr']).reason).toContain(
      'This system reads Japanese, Korean and Chinese,',
    );
  });
});
