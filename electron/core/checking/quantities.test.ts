import { expect, it } from 'vitest';
import { findDates, findQuantities, parseDigits, sameQuantity } from './quantities';

const values = (text: string) =>
  findQuantities(text).map((q) => [q.text, q.value, q.percent, q.unit]);

it('reads thousands separators, decimal commas and points', () => {
  expect(parseDigits('1,234')).toBe(1234);
  expect(parseDigits('1,234,567.5')).toBe(1234567.5);
  expect(parseDigits('12,5')).toBe(12.5);
  expect(parseDigits('1.234.567')).toBe(1234567);
  expect(parseDigits('1 234')).toBe(1234);
});

it('finds percentages, scales, units, ranges and numbers written as words', () => {
  expect(values('Accuracy rose to 12 % from 9.5%')).toEqual([
    ['12 %', 12, true, null],
    ['9.5%', 9.5, true, null],
  ]);
  expect(values('doses of 5–10 mg over 12 weeks')).toEqual([
    ['5', 5, false, null],
    ['10 mg', 10, false, 'mg'],
    ['12 weeks', 12, false, 'wk'],
  ]);
  expect(values('3.5 million people and twenty-five percent of them')).toEqual([
    ['3.5 million', 3_500_000, false, null],
    ['twenty-five percent', 25, true, null],
  ]);
  expect(values('one in five adults')).toEqual([['five', 5, false, null]]);
});

it('does not read names such as IL-6 or CD4 as numbers', () => {
  expect(values('IL-6 and CD4 counts')).toEqual([]);
});

it('reads dates in several forms and keeps their digits out of the numbers', () => {
  const text = 'On March 5, 2020, 5 March 2021 and 2020-03-05, and in 1998.';
  expect(findDates(text).map((d) => [d.year, d.month, d.day])).toEqual([
    [2020, 3, 5],
    [2021, 3, 5],
    [2020, 3, 5],
    [1998, null, null],
  ]);
  expect(findQuantities(text)).toEqual([]);
  // "may" the verb is not a month.
  expect(findDates('this may help')).toEqual([]);
});

it('compares values, percentages and units', () => {
  const [claim] = findQuantities('12 %');
  const [plain] = findQuantities('12 patients');
  const [percent] = findQuantities('12 percent');
  expect(sameQuantity(claim!, percent!)).toBe(true);
  expect(sameQuantity(claim!, plain!)).toBe(false);
  const [mg] = findQuantities('10 mg');
  const [kg] = findQuantities('10 kg');
  expect(sameQuantity(mg!, kg!)).toBe(false);
  const [words] = findQuantities('five thousand');
  const [digits] = findQuantities('5,000');
  expect(sameQuantity(words!, digits!)).toBe(true);
});
