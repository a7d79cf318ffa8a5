// The prompt on a small phone: all 11 options in one row, each a 24 × 24 px target at least
// (WCAG 2.2 AA, 2.5.8), and no horizontal scroll of the host page.
'use strict';
const { test, expect } = require('./fixtures');
const { HostPage } = require('./pages/host-page');

for (const width of [320, 375]) {
  test(`${width} px wide: the 0–10 scale is one row of 24 px targets, the page does not scroll sideways`, async ({ page }) => {
    await page.setViewportSize({ width, height: 640 });
    const prompt = await new HostPage(page).gotoPrompt(expect);
    const boxes = [];
    for (let score = 0; score <= 10; score++) boxes.push(await prompt.radio(score).boundingBox());
    const tops = new Set(boxes.map((b) => Math.round(b.y)));
    expect(tops.size, 'rows of the scale').toBe(1);
    for (const [score, b] of boxes.entries()) {
      expect(b.width, `width of ${score}`).toBeGreaterThanOrEqual(24);
      expect(b.height, `height of ${score}`).toBeGreaterThanOrEqual(24);
      expect(b.x, `${score} starts inside the screen`).toBeGreaterThanOrEqual(0);
      expect(b.x + b.width, `${score} ends inside the screen`).toBeLessThanOrEqual(width);
    }
    for (let score = 1; score <= 10; score++) expect(boxes[score].x).toBeGreaterThan(boxes[score - 1].x);
    const scroll = await page.evaluate(() => document.scrollingElement.scrollWidth);
    expect(scroll, 'page width with the prompt open').toBeLessThanOrEqual(width);
  });
}
