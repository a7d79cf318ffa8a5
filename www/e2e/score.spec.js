// The scorer page (www/score.html, also at /score): a file scored in the browser, in a Web
// Worker, with nothing sent anywhere; window.NpsScorer against the golden files; the screenshot
// the README shows.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { test, expect } = require('./fixtures');
const { DOCS, ROOT } = require('./support/paths');
const { recordCspViolations, cspProblems } = require('./support/csp');

const GOLDEN = path.join(ROOT, 'testdata', 'golden');

/** A realistic export: three touchpoints over three months, comments, one junk row. */
function realisticCsv() {
  const lines = ['id,answered_at,touchpoint,score,comment'];
  const touchpoints = ['checkout', 'delivery', 'support'];
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  for (let i = 0; i < 600; i++) {
    const month = 9 + Math.floor(i / 200);
    const day = 1 + (i % 28);
    const tp = touchpoints[i % 3];
    const lean = tp === 'delivery' ? -2 : month === 11 ? 1 : 0;
    const score = Math.max(0, Math.min(10, Math.round(8 + lean + (rand() - 0.5) * 6)));
    const comment = score <= 6 ? (i % 5 === 0 ? '"Late, and the box was <b>crushed</b>, sadly"' : 'slow') : score >= 9 ? 'great' : '';
    lines.push(`${i},2026-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}T10:00:00Z,${tp},${score},${comment}`);
  }
  lines.push('600,2026-11-30T10:00:00Z,checkout,eleven,junk');
  return lines.join('\r\n') + '\r\n';
}

async function openScorer(page) {
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  await recordCspViolations(page);
  await page.goto('/score');
  await page.evaluate(() => window.NpsScorer.ready);
  await expect(page.getByLabel(/file/i)).toBeVisible();
  return requests;
}

test('a dropped-in export is scored in the page: score, bars, touchpoints, trend, comments — and nothing is sent', async ({ page, guard }) => {
  const requests = await openScorer(page);
  const loaded = requests.length;
  const csv = realisticCsv();
  const expected = await page.evaluate((text) => window.NpsScorer.scoreText(text, { by: 'month' }), csv);
  expect(expected.n).toBe(600);
  expect(expected.invalid).toBe(1);

  await page.getByLabel(/file/i).setInputFiles({ name: 'export.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  const nps = page.locator('[data-nps]');
  await expect(nps).toHaveText(expected.nps.toFixed(1));
  await expect(page.locator('[data-ci]')).toHaveText(`${expected.ci95[0].toFixed(1)} to ${expected.ci95[1].toFixed(1)}`);
  await expect(page.getByText('1 row was not counted')).toContainText('first lines: 602');
  // 11 bars, coloured by category.
  const bars = page.locator('#chart-distribution rect');
  await expect(bars).toHaveCount(11);
  const fills = await bars.evaluateAll((rs) => rs.map((r) => r.getAttribute('fill')));
  expect(new Set(fills.slice(0, 7)).size).toBe(1);
  expect(fills[7]).toBe(fills[8]);
  expect(fills[9]).toBe(fills[10]);
  expect(new Set([fills[0], fills[7], fills[9]]).size).toBe(3);
  // Touchpoints: a row each, sortable.
  const rows = page.locator('table.touchpoints tbody tr');
  await expect(rows).toHaveCount(3);
  await page.getByRole('button', { name: 'Touchpoint' }).click();
  await expect(rows.first().locator('th')).toHaveText('checkout');
  await page.getByRole('button', { name: 'NPS' }).click();
  await expect(rows.last().locator('th')).toHaveText('delivery');
  // The trend by month, with the change in words, the same figures as the report.
  const changes = page.locator('ol.changes li');
  await expect(changes).toHaveCount(3);
  const nov = expected.groups['2026-11'];
  const diff = nov.change.diff;
  await expect(changes.nth(2)).toContainText(`${diff > 0 ? 'up' : 'down'} ${Math.abs(diff).toFixed(1)} points since October 2026`);
  await expect(changes.nth(2)).toContainText('statistically significant at 95 %');
  await expect(page.locator('[data-compare]')).toContainText('November 2026: ');
  // Comments are text: markup in a comment stays characters.
  const comment = page.locator('ul.comments li', { hasText: 'crushed' }).first();
  await expect(comment).toContainText('Late, and the box was <b>crushed</b>, sadly');
  expect(await page.locator('ul.comments b').count()).toBe(0);
  // Filters: by category and by touchpoint, with the keyboard.
  await page.getByLabel('Category').selectOption('promoter');
  await expect(page.locator('ul.comments li').first()).toContainText('great');
  await expect(page.locator('ul.comments li', { hasText: 'slow' })).toHaveCount(0);
  await page.getByLabel('Touchpoint', { exact: false }).last().selectOption('delivery');
  const tps = await page.locator('ul.comments li .tp').allTextContents();
  expect(new Set(tps)).toEqual(new Set(['delivery']));
  // Sorting by keyboard: the header buttons are reachable and say how the table is sorted.
  await page.getByRole('button', { name: 'Answers' }).focus();
  await page.keyboard.press('Enter');
  await expect(page.locator('table.touchpoints th[aria-sort="descending"]')).toHaveText('Answers');
  // Exports: summary CSV and a chart as SVG, made in the page.
  const [csvDownload] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Summary as CSV' }).click()]);
  const summary = fs.readFileSync(await csvDownload.path(), 'utf8');
  expect(summary.split('\n')[1]).toMatch(/^all,,600,/);
  const [svgDownload] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download chart (SVG)' }).first().click()]);
  expect(fs.readFileSync(await svgDownload.path(), 'utf8')).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);

  const after = requests.slice(loaded).filter((u) => !u.startsWith('blob:') && !u.startsWith('data:'));
  expect(after, 'requests made after the page loaded').toEqual([]);
  expect(await cspProblems(page, guard), 'CSP violations on the scorer page').toEqual([]);
});

test('NpsScorer.scoreFile reads a big file off the main thread with progress, and can be cancelled', async ({ page }) => {
  await openScorer(page);
  const result = await page.evaluate(async () => {
    const lines = ['score,touchpoint,answered_at'];
    for (let i = 0; i < 300000; i++) lines.push(`${i % 11},t${i % 4},2026-0${1 + (i % 9)}-15T08:00:00Z`);
    const file = new File([lines.join('\n')], 'big.csv', { type: 'text/csv' });
    const whole = window.NpsScorer.scoreText(await file.text(), { by: 'touchpoint' });
    // From here on the main thread must stay responsive: no task of 50 ms or more. (The
    // scoreText above is one such task, on purpose: it is synchronous. Let it end first.)
    await new Promise((r) => setTimeout(r, 200));
    const t0 = performance.now();
    const long = [];
    const observer = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) if (e.startTime >= t0) long.push(Math.round(e.duration));
    });
    observer.observe({ type: 'longtask' });
    const progress = [];
    const report = await window.NpsScorer.scoreFile(file, { by: 'touchpoint', onProgress: (f) => progress.push(f) });
    const ctl = new AbortController();
    const cancelled = window.NpsScorer.scoreFile(file, { signal: ctl.signal }).then(() => 'finished', (e) => e.name);
    ctl.abort();
    const outcome = await cancelled;
    await new Promise((r) => setTimeout(r, 100));
    observer.disconnect();
    return { report, whole, progress, cancelled: outcome, long };
  });
  expect(result.report).toEqual(result.whole);
  expect(result.report.n).toBe(300000);
  expect(result.progress.length).toBeGreaterThan(1);
  expect(result.progress[result.progress.length - 1]).toBe(1);
  expect(result.cancelled).toBe('AbortError');
  expect(result.long, 'main-thread tasks of 50 ms or more while a file was scored').toEqual([]);
});

test('a large file is read by two workers at once, with the counts of one, also when its middle is inside a quoted field', async ({ page }) => {
  // The page starts its workers while it loads and keeps them for the next file: count the
  // workers given a part of a file to read.
  await page.addInitScript(() => {
    const post = window.Worker.prototype.postMessage;
    window.workersStarted = 0;
    window.Worker.prototype.postMessage = function (message, ...rest) {
      if (message && message.file) window.workersStarted += 1;
      return post.call(this, message, ...rest);
    };
  });
  await openScorer(page);
  const result = await page.evaluate(async () => {
    const rows = (n, from) => {
      const lines = [];
      for (let i = from; i < from + n; i++) {
        const score = i % 97 === 0 ? 'n/a' : String(i % 11);
        const comment = i % 7 === 0 ? '"late, ""again""\nand again"' : i % 5 === 0 ? 'fine' : '';
        lines.push(`${score},t${i % 4},2026-0${1 + (i % 9)}-15T08:00:00Z,${comment}`);
      }
      return lines.join('\r\n') + '\r\n';
    };
    const header = 'score,touchpoint,answered_at,comment\r\n';
    const plain = new File([header, rows(320000, 0)], 'big.csv');
    // The middle of this one is deep inside one comment of many lines.
    const half = rows(160000, 0);
    const quoted = '10,t1,2026-01-15T08:00:00Z,"' + 'a line of a long letter\n'.repeat(20000) + '"\r\n';
    const odd = new File([header, half, quoted, rows(150000, 160000)], 'odd.csv');
    const out = {};
    for (const file of [plain, odd]) {
      const before = window.workersStarted;
      const text = await file.text();
      out[file.name] = {
        size: file.size,
        workers: window.workersStarted - before,
        whole: window.NpsScorer.scoreText(text, { by: 'touchpoint' }),
        two: await window.NpsScorer.scoreFile(file, { by: 'touchpoint' }),
        middleInQuotes: text.lastIndexOf('"', file.size / 2) > text.lastIndexOf('\n10,t1,', file.size / 2),
      };
      out[file.name].workers = window.workersStarted - before;
    }
    return out;
  });
  for (const name of ['big.csv', 'odd.csv']) {
    const r = result[name];
    expect(r.size, name).toBeGreaterThan(8 << 20);
    expect(r.workers, `workers reading ${name}`).toBe(2);
    expect(r.two, name).toEqual(r.whole);
    expect(r.whole.invalid, `rows of ${name} that are not scores`).toBeGreaterThan(3000);
  }
  expect(result['odd.csv'].middleInQuotes).toBe(true);
});

test('a file that is not an export gets one clear message', async ({ page }) => {
  await openScorer(page);
  const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
  await page.getByLabel(/file/i).setInputFiles({ name: 'photo.png', mimeType: 'image/png', buffer: png });
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('Could not score photo.png');
  await expect(alert).toContainText('PNG');
  await page.getByLabel(/file/i).setInputFiles({ name: 'nothing.csv', mimeType: 'text/csv', buffer: Buffer.from('id,comment\n1,hello\n') });
  await expect(page.getByRole('alert')).toContainText('score');
});

test('NpsScorer.scoreText gives the golden outputs, as nps score --json does', async ({ page }) => {
  await openScorer(page);
  const cases = goldenCases();
  expect(cases.length).toBeGreaterThan(3);
  for (const c of cases) {
    const got = await page.evaluate(([text, by]) => window.NpsScorer.scoreText(text, by ? { by } : {}), [c.input, c.by]);
    expect(got, `${c.name}`).toEqual(c.expected);
  }
});

test('screenshot of the scorer page on a realistic file → docs/scorer.png', async ({ page }) => {
  await openScorer(page);
  await page.getByLabel(/file/i).setInputFiles({ name: 'export.csv', mimeType: 'text/csv', buffer: Buffer.from(realisticCsv()) });
  await expect(page.locator('[data-nps]')).not.toHaveText('');
  await page.setViewportSize({ width: 1100, height: 1500 });
  const file = path.join(DOCS, 'scorer.png');
  await page.screenshot({ path: file });
  const png = fs.readFileSync(file);
  expect(png.subarray(0, 4)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47]));
  expect(png.length).toBeGreaterThan(20_000);
});

/** The golden cases: every `*.expected.json` next to its input (see testdata/golden/README.md). */
function goldenCases() {
  return require('./support/golden').cases(GOLDEN);
}
