// The page's line chart scales: every coordinate finite and inside the picture, whatever the values.
import { describe, expect, it } from 'vitest';
import { HEIGHT, lineScale, WIDTH } from '../../../src/playground/show/line-scale.ts';

const big = Number.MAX_VALUE;

function expectInside(points: [number, number][]): void {
  const scale = lineScale(points);
  for (const [x, y] of points) {
    const [sx, sy] = [scale.x(x), scale.y(y)];
    expect(Number.isFinite(sx) && sx >= 0 && sx <= WIDTH, `x ${x} → ${sx}`).toBe(true);
    expect(Number.isFinite(sy) && sy >= 0 && sy <= HEIGHT, `y ${y} → ${sy}`).toBe(true);
  }
  for (const tick of [...scale.xTicks, ...scale.yTicks]) expect(Number.isFinite(tick), `tick ${tick}`).toBe(true);
  for (const tick of scale.xTicks) expect(Number.isFinite(scale.x(tick))).toBe(true);
  for (const tick of scale.yTicks) expect(Number.isFinite(scale.y(tick))).toBe(true);
}

describe('lineScale', () => {
  it('maps ordinary values across the plot, lowest at the bottom', () => {
    const scale = lineScale([[0, 1], [10, 3]]);
    expect(scale.y(1)).toBeGreaterThan(scale.y(3));
    expect(scale.x(0)).toBeLessThan(scale.x(10));
    expect(scale.yTicks).toEqual([1, 2, 3]);
    expect(scale.xTicks).toEqual([0, 10]);
    // A flat line sits mid-chart, on a widened range.
    const flat = lineScale([[0, 5], [1, 5]]);
    expect(flat.yTicks).toEqual([0, 5, 10]);
  });

  it('keeps coordinates finite for values near ±1.8e308 (ranges and padding that would overflow)', () => {
    expectInside([[0, -big], [1, big], [2, 0]]);
    expectInside([[-big, 1], [big, 2]]);
    expectInside([[0, big], [1, big]]);
    expectInside([[big, -big], [big, -big]]);
    expectInside([[0, 1e308], [1, 1.5e308]]);
    expectInside([[0, 5e-324], [1, 0]]);
  });
});
