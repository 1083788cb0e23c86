import { describe, expect, it } from 'vitest';
import { citedSources, findCitationMarkers } from './citations';

describe('the citation grammar', () => {
  it('reads single numbers, lists and ranges with an en dash or a hyphen', () => {
    expect(citedSources('Yes [1]. Also [2, 3] and [4–6], then [7-8].', 8)).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8,
    ]);
  });

  it('leaves years, zero, out-of-range and reversed markers as text', () => {
    expect(citedSources('In [2023] and [0] and [9] and [3–2].', 8)).toEqual([]);
    expect(citedSources('Not [1-30] sources.', 40)).toEqual([]);
    expect(citedSources('[2, 9] is not a citation of 3 sources', 3)).toEqual([]);
  });

  it('says where each marker is, for the renderer to turn into chips', () => {
    expect(findCitationMarkers('See [2–3].', 3)).toEqual([
      { index: 4, length: 5, numbers: [2, 3] },
    ]);
  });
});
