import { describe, expect, it } from 'vitest';
import { detectLanguage } from './detect-language';
import { queryTermGroups, searchQueryText, searchText } from './search-text';

describe('detectLanguage', () => {
  it.each([
    ['The results of the experiment are shown in the table below.', 'en'],
    ['Die Ergebnisse des Versuchs sind in der Tabelle unten dargestellt.', 'de'],
    ['Les résultats de cette expérience sont dans le tableau ci-dessous.', 'fr'],
    ['Los resultados del experimento se muestran en la tabla de abajo.', 'es'],
    ['固有表現抽出は機械学習の重要な課題です。', 'ja'],
    ['机器学习是人工智能的一个分支。', 'zh'],
    ['적립한도 없이 커피전문점에서 포인트를 적립합니다.', 'ko'],
    ['12 345 67', 'und'],
  ])('%s → %s', (text, lang) => {
    expect(detectLanguage(text)).toBe(lang);
  });
});

describe('searchText', () => {
  it('splits Japanese into words and drops particles', () => {
    const words = searchText('固有表現抽出は機械学習の重要な課題です。', 'ja').split(' ');
    expect(words).toEqual(expect.arrayContaining(['固有', '表現', '抽出', '機械', '学習', '課題']));
    expect(words).not.toContain('の');
    expect(words).not.toContain('は');
  });

  it('prepares a Japanese query the same way, so a word inside a sentence is found', () => {
    const passage = new Set(
      searchText('本研究では機械学習を用いた固有表現抽出を提案する。', 'ja').split(' '),
    );
    for (const query of ['機械学習', '固有表現']) {
      const terms = searchQueryText(query).split(' ');
      expect(terms.length).toBeGreaterThan(0);
      expect(terms.every((t) => passage.has(t))).toBe(true);
    }
  });

  it('adds Hangul bigrams, so a word meets its form with a particle', () => {
    const passage = new Set(searchText('온라인쇼핑몰에서 적립합니다', 'ko').split(' '));
    const terms = searchQueryText('온라인쇼핑').split(' ');
    expect(terms.filter((t) => passage.has(t)).length).toBeGreaterThanOrEqual(3);
  });

  it('stems German lightly and drops German function words', () => {
    expect(searchText('Die offenen Mengen der Abbildungen', 'de')).toBe('offen meng abbildung');
    // A one-word query does not say its language: the library's languages are tried too.
    expect(searchQueryText('Abbildungen', ['de']).split(' ')).toContain('abbildung');
    expect(searchQueryText('Abbildungen', []).split(' ')).toEqual(['abbildungen']);
  });

  it('leaves English to the index, split as the simple tokenizer splits', () => {
    expect(searchText("Don't split U.S.-based e-mail, 3.5 GHz!", 'en')).toBe(
      'don t split u s based e mail 3 5 ghz',
    );
  });
});

describe('question words in queries', () => {
  it.each([
    ['What is dense passage retrieval?', 'dense passage retrieval'],
    ['Who introduced dense passage retrieval?', 'introduced dense passage retrieval'],
    ['How does dense passage retrieval work?', 'dense passage retrieval work'],
    ['Can you explain what the reranker does?', 'reranker'],
    ['Was ist eine offene Menge?', 'offen meng'],
    ["Qu'est-ce que la recherche dense ?", 'recherch dens'],
    ['¿Qué es la recuperación densa?', 'recuper dens'],
    ['Wat is een dichte zoekmachine?', 'dicht zoekmachin'],
    ['什么是密集检索', '密集 检索'],
  ])('%s → %s', (query, terms) => {
    expect(searchQueryText(query)).toBe(terms);
  });

  it('keeps keyword queries whole, and keeps the words when nothing else is left', () => {
    expect(searchQueryText('dense passage retrieval')).toBe('dense passage retrieval');
    expect(searchQueryText('Who is it?')).toBe('who is it');
    // "was" is English and German; the other words decide ("die" stays for an English question).
    expect(searchQueryText('Why do cells die?')).toBe('cells die');
  });

  it('groups each word with its forms in the library languages', () => {
    expect(queryTermGroups('Abbildungen', ['de'])).toEqual([['abbildungen', 'abbildung']]);
    expect(queryTermGroups('What are Abbildungen?', ['de'])).toEqual([
      ['abbildungen', 'abbildung'],
    ]);
  });
});
