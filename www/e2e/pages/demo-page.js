// Page object for the demo page (index.html at /): inline prompt, show button, live NPS panel.
'use strict';

/** The demo's number format: one decimal at most, "0" for zero. */
function fmt(x) {
  const r = Math.round(x * 10) / 10;
  if (r === 0) return '0';
  return Number.isInteger(r) ? String(r) : r.toFixed(1);
}

class DemoPage {
  /** @param {import('@playwright/test').Page} page */
  constructor(page) {
    this.page = page;
    this.showButton = page.getByRole('button', { name: 'Open the survey' });
    this.popupButton = page.getByRole('button', { name: 'Open as a popup' });
    this.flushButton = page.getByRole('button', { name: 'Send queued answers now' });
    this.n = page.locator('#stat-n');
    this.nps = page.locator('#stat-nps');
    this.band = page.locator('#stat-band');
    this.ci = page.locator('#stat-ci');
    this.promoters = page.locator('#stat-promoters');
    this.passives = page.locator('#stat-passives');
    this.detractors = page.locator('#stat-detractors');
    this.endpoint = page.locator('#endpoint');
    this.pending = page.locator('#pending');
    this.problem = page.locator('#widget-problem');
  }

  async goto() {
    await this.page.goto('/');
    await this.page.evaluate(() => window.NpsWidget.ready);
  }

  /** The panel shows exactly these stats (as returned by NpsWidget.stats()). */
  async expectPanel(expect, s) {
    await expect(this.n).toHaveText(String(s.n));
    await expect(this.promoters).toHaveText(String(s.promoters));
    await expect(this.passives).toHaveText(String(s.passives));
    await expect(this.detractors).toHaveText(String(s.detractors));
    if (s.n === 0) {
      await expect(this.nps).toHaveText('—');
      await expect(this.ci).toHaveText('—');
    } else {
      await expect(this.nps).toHaveText(fmt(s.nps));
      await expect(this.ci).toHaveText(`[${fmt(s.ci95[0])}, ${fmt(s.ci95[1])}]`);
    }
    // The 11 bars: the tallest for the most frequent score, none for a score nobody gave.
    const bars = this.page.locator('#distribution span');
    await expect(bars).toHaveCount(11);
    if (s.n > 0) {
      await expect(this.page.locator('#distribution')).toHaveAttribute('aria-label', `Answers per score, 0 to 10: ${s.distribution.join(', ')}`);
      const heights = await bars.evaluateAll((els) => els.map((e) => parseFloat(e.style.height)));
      const most = Math.max(...s.distribution);
      s.distribution.forEach((c, k) => expect(heights[k], `bar ${k}`).toBeCloseTo((100 * c) / most, 2));
    }
  }
}

module.exports = { DemoPage, fmt };
