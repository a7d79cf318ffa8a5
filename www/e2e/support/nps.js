// The contract's numbers (docs/contract.md §6), written out independently of the widget, for checking stats().
'use strict';

/** @param {number[]} scores integers 0..10 */
function expectedStats(scores) {
  const n = scores.length;
  const promoters = scores.filter((s) => s >= 9).length;
  const detractors = scores.filter((s) => s <= 6).length;
  const passives = n - promoters - detractors;
  // The 0..10 counts, as stats(filter, {distribution: true}) gives them (not a contract key of stats()).
  const distribution = Array.from({ length: 11 }, (_, k) => scores.filter((s) => s === k).length);
  if (n === 0) return { n, promoters, passives, detractors, nps: null, se: null, ci95: null, distribution };
  const p = promoters / n;
  const d = detractors / n;
  const nps = 100 * (p - d);
  const se = 100 * Math.sqrt((p + d - (p - d) ** 2) / n);
  const n2 = n + 3;
  const p2 = (promoters + 0.75) / n2;
  const d2 = (detractors + 0.75) / n2;
  const centre = 100 * (p2 - d2);
  const half = 1.96 * 100 * Math.sqrt((p2 + d2 - (p2 - d2) ** 2) / n2);
  const clip = (x) => Math.min(100, Math.max(-100, x));
  return { n, promoters, passives, detractors, nps, se, ci95: [clip(centre - half), clip(centre + half)], distribution };
}

/** Asserts stats() output equals the expected figures (counts exactly, floats to 1e-9). */
function expectStats(expect, got, want) {
  expect(Object.keys(got).sort()).toEqual(['ci95', 'detractors', 'n', 'nps', 'passives', 'promoters', 'se']);
  expect({ n: got.n, promoters: got.promoters, passives: got.passives, detractors: got.detractors }).toEqual({
    n: want.n,
    promoters: want.promoters,
    passives: want.passives,
    detractors: want.detractors,
  });
  if (want.nps === null) {
    expect(got.nps).toBeNull();
    expect(got.se).toBeNull();
    expect(got.ci95).toBeNull();
    return;
  }
  expect(got.nps).toBeCloseTo(want.nps, 9);
  expect(got.se).toBeCloseTo(want.se, 9);
  expect(got.ci95).toHaveLength(2);
  expect(got.ci95[0]).toBeCloseTo(want.ci95[0], 9);
  expect(got.ci95[1]).toBeCloseTo(want.ci95[1], 9);
}

module.exports = { expectedStats, expectStats };
