// The demo page (index.html at /): stats() and the live panel, the inline prompt, the show button.
'use strict';
const { test: base, expect } = require('./fixtures');
const { DemoPage } = require('./pages/demo-page');
const { NpsPrompt } = require('./pages/prompt');
const { expectedStats, expectStats } = require('./support/nps');
const { recordCspViolations, cspProblems } = require('./support/csp');

const test = base.extend({
  /** The demo page, open; every test ends with no violation of its Content-Security-Policy. */
  demo: async ({ page, guard }, use) => {
    await recordCspViolations(page);
    const demo = new DemoPage(page);
    await demo.goto();
    await use(demo);
    expect(await cspProblems(page, guard), 'CSP violations on the demo page').toEqual([]);
  },
});

test('stats() on the demo page matches what was recorded, and the live panel shows it', async ({
  page,
  rows,
  demo,
}) => {
  await expect(demo.endpoint).toHaveText('http://127.0.0.1:8080/v1/responses');

  const empty = await page.evaluate(() => window.NpsWidget.stats());
  expectStats(expect, empty, expectedStats([]));
  await demo.expectPanel(expect, expectedStats([]));

  const scores = [10, 9, 9, 8, 7, 6, 3, 0, 10, 10];
  for (const score of scores) {
    await page.evaluate((s) => window.NpsWidget.record({ score: s, comment: `demo ${s}` }), score);
  }
  const want = expectedStats(scores);
  expectStats(expect, await page.evaluate(() => window.NpsWidget.stats()), want);
  // Refreshed by the 'response' events, without a reload.
  await demo.expectPanel(expect, want);
  await expect(demo.band).toHaveText('needs work');

  // Another touchpoint: stats() counts everything, a filter only its own answers.
  const support = [2, 10, 4];
  for (const score of support) {
    await page.evaluate((s) => window.NpsWidget.record({ score: s, touchpoint: 'support' }), score);
  }
  const everything = expectedStats([...scores, ...support]);
  expectStats(expect, await page.evaluate(() => window.NpsWidget.stats()), everything);
  expectStats(expect, await page.evaluate(() => window.NpsWidget.stats({ touchpoint: 'demo' })), want);
  expectStats(expect, await page.evaluate(() => window.NpsWidget.stats({ touchpoint: 'support' })), expectedStats(support));
  expectStats(expect, await page.evaluate(() => window.NpsWidget.stats({ touchpoint: 'nowhere' })), expectedStats([]));
  await demo.expectPanel(expect, everything);

  await page.evaluate(() => window.NpsWidget.flush());
  const byTouchpoint = (all) =>
    all.map((r) => `${r.touchpoint}:${r.score}`).sort();
  await expect
    .poll(async () => byTouchpoint(await rows()), { timeout: 20_000 })
    .toEqual([...scores.map((s) => `demo:${s}`), ...support.map((s) => `support:${s}`)].sort());
  await expect(demo.pending).toHaveText('0');

  // On load the panel reads the history kept in this browser.
  await page.reload();
  await page.evaluate(() => window.NpsWidget.ready);
  expectStats(expect, await page.evaluate(() => window.NpsWidget.stats()), everything);
  await demo.expectPanel(expect, everything);
  await expect(demo.problem).toBeHidden();
});

test('demo page: answer the inline prompt, the panel updates, the button opens the survey again', async ({
  page,
  rows,
  demo,
}) => {
  const inline = new NpsPrompt(page, { mode: 'inline' });
  await expect(page.locator('#nps-inline [data-nps-widget="inline"]')).toHaveCount(1);
  await inline.expectOpen(expect, { role: 'group' });
  await inline.answer(expect, 6, 'Inline answer from the demo');
  await demo.expectPanel(expect, expectedStats([6]));
  await expect
    .poll(async () => (await rows()).map((r) => [r.score, r.comment, r.touchpoint]), { timeout: 20_000 })
    .toEqual([[6, 'Inline answer from the demo', 'demo']]);

  await demo.showButton.click();
  const radiogroup = page.locator('[data-nps-widget="inline"]').getByRole('radiogroup');
  await expect(radiogroup).toBeVisible();
  await expect(radiogroup.getByRole('radio')).toHaveCount(11);
  await expect(radiogroup.getByRole('radio', { checked: true })).toHaveCount(0);

  // The same widget as the corner popup: the inline prompt goes, a popup dialog comes.
  await demo.popupButton.click();
  const popup = page.locator('[data-nps-widget="popup"]');
  await expect(popup.getByRole('dialog')).toBeVisible();
  await expect(popup.getByRole('radio')).toHaveCount(11);
  await expect(page.locator('[data-nps-widget="inline"]')).toHaveCount(0);
  await popup.getByRole('radio', { name: '10' }).click();
  await popup.getByRole('button', { name: 'Send' }).click();
  await expect(popup.getByRole('status')).toHaveText('Thank you for your feedback!');
  await expect
    .poll(async () => (await rows()).map((r) => r.score).sort((a, b) => a - b), { timeout: 20_000 })
    .toEqual([6, 10]);
});
