// The prompt on a small phone: all 11 options in one row, each a 24 × 24 px target at least
// (WCAG 2.2 AA, 2.5.8), and no horizontal scroll of the host page.
'use strict';
const { test, expect } = require('./fixtures');
const { HostPage } = require('./pages/host-page');
const { NpsPrompt } = require('./pages/prompt');

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

/** Starts summing the page's layout shifts (the CLS entries, input-caused ones included). */
async function observeShifts(page) {
  await page.addInitScript(() => {
    window.__shifts = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        // Which nodes moved: inside the widget's shadow root, or the host page's own.
        const page = e.sources.filter((s) => s.node && s.node.getRootNode() === document && !s.node.closest?.('[data-nps-widget]'));
        window.__shifts.push({ value: e.value, input: e.hadRecentInput, page: page.map((s) => s.node.nodeName) });
      }
    }).observe({ type: 'layout-shift', buffered: true });
  });
}
const shifts = (page) => page.evaluate(() => window.__shifts);
const top = async (locator) => (await locator.boundingBox()).y;

for (const mode of ['popup', 'modal']) {
  test(`${mode}: the host page does not move, from load to the thank-you (no layout shift at all)`, async ({ page }) => {
    await observeShifts(page);
    const host = new HostPage(page, { attributes: { 'data-mode': mode, 'data-delay-ms': '300' } });
    await host.goto();
    const button = host.placeOrderButton;
    const before = await top(button);
    const prompt = new NpsPrompt(page, { mode });
    await prompt.expectOpen(expect);
    await prompt.choose(expect, 6);
    await prompt.comment.fill('Too slow');
    await prompt.send.click();
    await expect(prompt.status).toHaveText(prompt.text.thanks);
    expect(await top(button)).toBe(before);
    await page.waitForTimeout(300);
    // No shift counted in CLS (none without recent input), and none of a host page node at all
    // (a popup growing by its follow-up after a choice moves only itself).
    const all = await shifts(page);
    expect(all.filter((s) => !s.input)).toEqual([]);
    expect(all.flatMap((s) => s.page)).toEqual([]);
  });
}

test('inline reserves its height: choosing, the follow-up and the thank-you move nothing below it', async ({ page }) => {
  await observeShifts(page);
  const host = new HostPage(page, {
    attributes: { 'data-mode': 'inline', 'data-target': '#order-status', 'data-trigger': 'manual' },
  });
  await host.goto();
  await host.widgetReady();
  await page.evaluate(() => window.NpsWidget.show());
  const prompt = new NpsPrompt(page, { mode: 'inline' });
  await prompt.expectOpen(expect, { role: 'group' });
  // What follows the prompt on the page: the order card.
  const below = page.getByRole('heading', { name: 'Your order' });
  const box = await prompt.host.boundingBox();
  const y = await top(below);
  await page.waitForTimeout(300);
  const mounted = (await shifts(page)).length;
  await expect(prompt.comment).toBeHidden();

  await prompt.choose(expect, 9);
  await expect(prompt.comment).toBeVisible();
  expect(await prompt.host.boundingBox()).toEqual(box);
  expect(await top(below)).toBe(y);

  await prompt.comment.fill('Great coffee');
  await prompt.send.click();
  await expect(prompt.status).toHaveText(prompt.text.thanks);
  await expect(prompt.radiogroup).toBeHidden();
  expect(await prompt.host.boundingBox()).toEqual(box);
  expect(await top(below)).toBe(y);
  // Not one node of the page shifted once the prompt was there (the mount itself is the
  // container's to reserve: README, "Inline").
  await page.waitForTimeout(300);
  expect((await shifts(page)).slice(mounted).flatMap((s) => s.page)).toEqual([]);
});
