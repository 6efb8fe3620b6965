// The page's note on what it hid: honest about drawings the runner dropped among lines.
import { describe, expect, it } from 'vitest';
import { hiddenText } from '../../../src/playground/output-view.ts';

describe('hiddenText', () => {
  it('counts lines and drawings the page hid itself exactly', () => {
    expect(hiddenText({ lines: 1200, drawings: 0, dropped: 0, sawDrawing: false })).toBe('1,200 earlier lines hidden');
    expect(hiddenText({ lines: 1, drawings: 0, dropped: 0, sawDrawing: false })).toBe('1 earlier line hidden');
    expect(hiddenText({ lines: 0, drawings: 3, dropped: 0, sawDrawing: true })).toBe('3 earlier drawings hidden');
    expect(hiddenText({ lines: 4, drawings: 1, dropped: 0, sawDrawing: true })).toBe('4 earlier lines and 1 drawing hidden');
  });

  it('calls what the runner dropped lines only while the run has shown no drawing', () => {
    expect(hiddenText({ lines: 0, drawings: 0, dropped: 5000, sawDrawing: false })).toBe('5,000 earlier lines hidden');
    expect(hiddenText({ lines: 10, drawings: 0, dropped: 5000, sawDrawing: false })).toBe('5,010 earlier lines hidden');
    // The runner's count may include drawings: it is not called lines.
    expect(hiddenText({ lines: 0, drawings: 0, dropped: 30, sawDrawing: true })).toBe('30 earlier lines or drawings hidden');
    expect(hiddenText({ lines: 10, drawings: 2, dropped: 30, sawDrawing: true })).toBe('42 earlier lines or drawings hidden');
    expect(hiddenText({ lines: 0, drawings: 0, dropped: 1, sawDrawing: true })).toBe('1 earlier line or drawing hidden');
  });
});
