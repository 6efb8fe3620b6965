// The page's note on what it hid, lines and drawings apart, whether the page hid them or the
// runner dropped them before sending (it says how many of each).
import { describe, expect, it } from 'vitest';
import { hiddenText } from '../../../src/playground/output-view.ts';

describe('hiddenText', () => {
  it('names lines and drawings apart, in the singular where it is one', () => {
    expect(hiddenText(1200, 0)).toBe('1,200 earlier lines hidden');
    expect(hiddenText(1, 0)).toBe('1 earlier line hidden');
    expect(hiddenText(0, 3)).toBe('3 earlier drawings hidden');
    expect(hiddenText(0, 1)).toBe('1 earlier drawing hidden');
    expect(hiddenText(4, 1)).toBe('4 earlier lines and 1 drawing hidden');
    expect(hiddenText(5010, 22)).toBe('5,010 earlier lines and 22 drawings hidden');
  });
});
