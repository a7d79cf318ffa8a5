// The checkout page with the README snippet: answering, what the receiver stores, keyboard use,
// and the screenshot the README shows.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { test, expect } = require('./fixtures');
const { pkgRequests } = require('./support/requests');
const { HostPage } = require('./pages/host-page');
const { NpsPrompt, deepFocus } = require('./pages/prompt');
const { expectOneRowWithComment, uniqueTag, UUID } = require('./support/expect-rows');
const { DOCS } = require('./support/paths');

test('the README shows the script tags of the checkout and order pages and the show() call, verbatim', () => {
  const root = path.join(__dirname, '..', '..');
  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
  const squash = (s) => s.replace(/\s+/g, ' ');
  for (const file of ['checkout.html', 'order.html']) {
    const page = fs.readFileSync(path.join(root, 'www', file), 'utf8');
    const snippet = page.match(/<script src="[^"]*nps-widget\.js"[\s\S]*?<\/script>/);
    expect(snippet, `${file} has the nps-widget script tag`).not.toBeNull();
    expect(squash(readme)).toContain(squash(snippet[0]));
  }
  const order = fs.readFileSync(path.join(root, 'www', 'order.js'), 'utf8');
  const call = order.match(/window\.NpsWidget\.show\(\{ order_id: orderId \}\)/);
  expect(call, 'order.js asks with the order id').not.toBeNull();
  expect(readme).toContain(call[0]);
});

test('the shop asks nothing while buying; the order page asks once "Delivered", with the order id', async ({
  page,
  rows,
}) => {
  const requests = pkgRequests(page);
  const shop = new HostPage(page, { asShipped: true });
  await shop.goto();
  const prompt = new NpsPrompt(page);
  // Past the auto-show delay: no prompt, and nothing of the widget beyond its loader.
  await page.waitForTimeout(4_000);
  await expect(prompt.host).toHaveCount(0);
  expect(requests).toEqual(['/pkg/nps-widget.js']);

  await shop.placeOrder(expect);
  await page.waitForURL(/\/www\/order\.html\?order=A-1042$/);
  await expect(page.getByRole('heading', { name: 'Order A-1042' })).toBeVisible();
  const note = page.locator('#order-note');
  await expect(note).toHaveText('We are packing your order.');
  const next = page.getByRole('button', { name: 'Simulate the next step' });
  await next.click();
  await expect(note).toHaveText('Your order is on its way.');
  await page.waitForTimeout(1_000);
  await expect(prompt.host).toHaveCount(0);

  await next.click();
  await expect(note).toHaveText('Delivered. Enjoy your coffee!');
  await prompt.expectOpen(expect);
  const comment = `Arrived in two days ${uniqueTag()}`;
  await prompt.answer(expect, 10, comment);
  const row = await expectOneRowWithComment(expect, rows, comment);
  expect(row.touchpoint).toBe('delivery');
  expect(row.score).toBe(10);
  expect(JSON.parse(String(row.properties))).toEqual({ order_id: 'A-1042' });
});

test('the "delivered" e-mail link opens the order page and asks at once, about that order', async ({ page, rows }) => {
  await page.goto('/www/order.html?order=A-77&status=delivered');
  await expect(page.getByRole('heading', { name: 'Order A-77' })).toBeVisible();
  const prompt = new NpsPrompt(page);
  await prompt.expectOpen(expect);
  const comment = `From the e-mail ${uniqueTag()}`;
  await prompt.answer(expect, 6, comment);
  const row = await expectOneRowWithComment(expect, rows, comment);
  expect(JSON.parse(String(row.properties))).toEqual({ order_id: 'A-77' });
  // An order id that is not one (markup, junk) is not taken from the address.
  await page.goto('/www/order.html?order=%3Cimg%20src%3Dx%3E&status=shipped');
  await expect(page.getByRole('heading', { name: 'Order A-1042' })).toBeVisible();
});

/** <script> elements inside the widget's shadow roots, or anywhere in the page carrying the payload. */
function injectedScripts(page) {
  return page.evaluate(() => {
    const found = [];
    const walk = (root) => {
      for (const el of root.querySelectorAll('*')) {
        if (el.localName === 'script') found.push(el.outerHTML);
        if (el.shadowRoot) walk(el.shadowRoot);
      }
    };
    for (const host of document.querySelectorAll('[data-nps-widget]')) {
      if (host.shadowRoot) walk(host.shadowRoot);
    }
    for (const s of document.querySelectorAll('script')) {
      if (s.textContent.includes('alert(')) found.push(s.outerHTML);
    }
    return found;
  });
}

test('a comment mixing Cyrillic, emoji and <script> is stored once, byte for byte, and shown only as text', async ({
  page,
  rows,
  guard,
}) => {
  const started = Date.now();
  const shop = new HostPage(page);
  // data-trigger defaults to auto, data-delay-ms to 3000: the popup opens by itself.
  const prompt = await shop.gotoPrompt(expect);
  await expect(prompt.host).toHaveAttribute('data-nps-widget', 'popup');

  const comment =
    `Доставка быстрая, спасибо! 🚀👍🏽👩‍💻 <script>alert(1)</script><img src=x onerror=alert(2)> ` +
    `"quotes" & 'apostrophes' — ${uniqueTag()}`;
  await prompt.choose(expect, 9);
  await prompt.comment.fill(comment);
  await expect(prompt.comment).toHaveValue(comment);
  await expect(prompt.comment).toBeVisible();
  expect(await injectedScripts(page)).toEqual([]);

  await prompt.send.click();
  await expect(prompt.status).toHaveText('Thank you for your feedback!');
  expect(await injectedScripts(page)).toEqual([]);

  const row = await expectOneRowWithComment(expect, rows, comment);
  expect(row.comment).toBe(comment);
  expect(row.score).toBe(9);
  expect(row.touchpoint).toBe('checkout');
  expect(row.page).toBe(shop.url);
  expect(row.id).toMatch(UUID);
  expect(String(row.locale)).toMatch(/^en/);
  const answeredAt = Date.parse(String(row.answered_at));
  expect(answeredAt).toBeGreaterThanOrEqual(started - 60_000);
  expect(answeredAt).toBeLessThanOrEqual(Date.now() + 60_000);
  const properties = JSON.parse(String(row.properties ?? '{}'));
  expect(typeof properties === 'object' && properties !== null && !Array.isArray(properties)).toBe(true);

  // Once acknowledged nothing is pending and nothing arrives twice.
  await expect.poll(() => shop.pending()).toBe(0);
  await shop.flush();
  const all = await rows();
  expect(all.filter((r) => r.id === row.id)).toHaveLength(1);
  expect(all).toHaveLength(1);

  expect(guard.dialogs).toEqual([]);
  await shop.placeOrder(expect);
});

test('keyboard only: Tab into the group, arrows to 8, Enter, type, Tab to Send, Enter', async ({ page, rows }) => {
  const prompt = await new HostPage(page).gotoPrompt(expect);

  // Tab through the shop's own fields until focus lands on a radio of the prompt.
  let focus = null;
  for (let i = 0; i < 30; i++) {
    await page.keyboard.press('Tab');
    focus = await deepFocus(page);
    if (focus && focus.inWidget && focus.role === 'radio') break;
  }
  expect(focus, 'Tab reaches a radio of the prompt').toMatchObject({ role: 'radio', inWidget: true });
  const entry = Number(focus.name);
  expect(Number.isInteger(entry) && entry >= 0 && entry <= 10).toBe(true);

  // The group is one Tab stop: Tab leaves it, Shift+Tab comes back to the same radio.
  await page.keyboard.press('Tab');
  expect(await deepFocus(page)).not.toMatchObject({ role: 'radio' });
  await page.keyboard.press('Shift+Tab');
  await expect(prompt.radio(entry)).toBeFocused();

  // Arrow keys move focus one step at a time.
  const key = entry <= 8 ? 'ArrowRight' : 'ArrowLeft';
  for (let at = entry; at !== 8; ) {
    await page.keyboard.press(key);
    at += key === 'ArrowRight' ? 1 : -1;
    await expect(prompt.radio(at)).toBeFocused();
  }
  await page.keyboard.press('Enter');
  await expect(prompt.radio(8)).toHaveAttribute('aria-checked', 'true');
  await expect(prompt.comment).toBeFocused();
  await expect(prompt.comment).toHaveAccessibleName('What should we do to earn a 10?');

  const comment = `Faster delivery please ${uniqueTag()}`;
  await page.keyboard.type(comment);
  await expect(prompt.comment).toHaveValue(comment);
  await expect(prompt.host.getByText(`${comment.length} / 2000`, { exact: true })).toBeVisible();

  for (let i = 0; i < 6; i++) {
    await page.keyboard.press('Tab');
    const f = await deepFocus(page);
    if (f && f.inWidget && f.name === 'Send') break;
  }
  await expect(prompt.send).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(prompt.status).toHaveText('Thank you for your feedback!');

  const row = await expectOneRowWithComment(expect, rows, comment);
  expect(row.score).toBe(8);
  expect(row.touchpoint).toBe('checkout');
});

test('screenshot of the open prompt on the checkout page → docs/prompt.png', async ({ page }) => {
  const prompt = await new HostPage(page).gotoPrompt(expect);
  // Let the opening transition (if any) finish before the picture.
  await page.waitForTimeout(600);
  fs.mkdirSync(DOCS, { recursive: true });
  const file = path.join(DOCS, 'prompt.png');
  const before = fs.existsSync(file) ? fs.statSync(file).mtimeMs : 0;
  await page.screenshot({ path: file });
  const png = fs.readFileSync(file);
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  expect(png.length).toBeGreaterThan(10_000);
  expect(fs.statSync(file).mtimeMs).toBeGreaterThan(before);
  // The prompt is in the picture: its box lies inside the viewport.
  const box = await prompt.container().boundingBox();
  const viewport = page.viewportSize();
  expect(box).not.toBeNull();
  expect(box.x).toBeGreaterThanOrEqual(0);
  expect(box.y).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width).toBeLessThanOrEqual(viewport.width);
  expect(box.y + box.height).toBeLessThanOrEqual(viewport.height);
});
