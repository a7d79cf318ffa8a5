// Page object for the example shop page (www/checkout.html, the one host page) and the widget API on it.
'use strict';
const { NpsPrompt } = require('./prompt');

const PATH = '/www/checkout.html';
/** The README snippet: the nps-widget.js <script> tag of checkout.html. */
const SNIPPET = /<script src="\/pkg\/nps-widget\.js"[^>]*><\/script>/;

/** Replaces the one match of `pattern` in checkout.html; throws when the page has none, or several. */
function replaceOnce(html, pattern, replace) {
  const found = html.match(new RegExp(pattern.source, 'g')) ?? [];
  if (found.length !== 1) {
    throw new Error(`${PATH}: expected exactly one match of ${pattern} to change, found ${found.length}`);
  }
  return html.replace(pattern, replace);
}

const attribute = (value) => String(value).replace(/&/g, '&amp;').replace(/"/g, '&quot;');

/**
 * checkout.html with a variant's changes (see HostPage).
 * @param {string} html
 * @param {HostVariant} variant
 */
function applyVariant(html, { attributes, csp, snippet, card }) {
  if (attributes) {
    // An attribute the tag has gets the new value; others are added.
    html = replaceOnce(html, SNIPPET, (tag) => {
      for (const [name, value] of Object.entries(attributes)) {
        const set = ` ${name}="${attribute(value)}"`;
        const has = new RegExp(`\\s${name}="[^"]*"`);
        tag = has.test(tag) ? tag.replace(has, set) : tag.replace(/><\/script>$/, `${set}></script>`);
      }
      return tag;
    });
  }
  if (snippet !== undefined) html = replaceOnce(html, SNIPPET, () => snippet);
  if (csp) {
    html = replaceOnce(
      html,
      /<head>/,
      (head) => `${head}\n  <meta http-equiv="Content-Security-Policy" content="${attribute(csp)}">`,
    );
  }
  if (card !== undefined) html = replaceOnce(html, /<p id="order-status"[^>]*><\/p>/, (p) => `${p}\n      ${card}`);
  return html;
}

/**
 * @typedef {object} HostVariant changes made to checkout.html as it is served (page.route), so the
 *   file on disk stays the one host page with the README's snippet:
 * @property {Record<string, string>} [attributes] added to the snippet's <script> tag, e.g. {'data-locale': 'ru'}
 * @property {string} [csp] a Content-Security-Policy <meta>, first in <head>: it governs every script,
 *   style and connection of the page
 * @property {string} [snippet] markup that takes the place of the snippet's <script> tag (another install)
 * @property {string} [card] markup added to the checkout card, after the order status
 */

/**
 * checkout.html as the tests' host page. As shipped it asks nothing (data-trigger="manual": the
 * shop asks after delivery, on order.html); most tests are about the prompt itself, so by default
 * the page is served with data-trigger="auto" (the popup opens by itself after data-delay-ms,
 * 3000). `{asShipped: true}`: the file exactly as on disk.
 */
class HostPage {
  /**
   * @param {import('@playwright/test').Page} page
   * @param {HostVariant & {asShipped?: boolean}} [variant]
   */
  constructor(page, { asShipped = false, ...variant } = {}) {
    this.page = page;
    this.path = PATH;
    this.variant = asShipped
      ? {}
      : { ...variant, attributes: { 'data-trigger': 'auto', ...variant.attributes } };
    this.placeOrderButton = page.getByRole('button', { name: 'Place order' });
    this.orderStatus = page.locator('#order-status');
  }

  /** Opens the page (the variant, if any: changed in flight, and only this page's document). */
  async goto() {
    if (Object.keys(this.variant).length === 0) {
      await this.page.goto(this.path);
      return;
    }
    let failure;
    await this.page.route(`**${PATH}`, async (route) => {
      try {
        const response = await route.fetch();
        if (!response.ok()) throw new Error(`${PATH}: the server answered ${response.status()}`);
        await route.fulfill({ response, body: applyVariant(await response.text(), this.variant) });
      } catch (e) {
        failure = e;
        await route.abort();
      }
    });
    try {
      await this.page.goto(this.path);
    } catch (e) {
      throw failure ?? e;
    }
    if (failure) throw failure;
  }

  /**
   * Opens the page and waits for the popup (data-trigger auto, data-delay-ms 3000) to be open.
   * @param {import('@playwright/test').Expect} expect
   * @param {{locale?: 'en'|'ru'}} [opts]
   * @returns {Promise<NpsPrompt>}
   */
  async gotoPrompt(expect, { locale } = {}) {
    const prompt = new NpsPrompt(this.page, { locale });
    await this.goto();
    await prompt.expectOpen(expect);
    return prompt;
  }

  get url() {
    return new URL(this.path, this.page.url()).href;
  }

  /** The shop's own button: must keep working whatever the widget does. */
  async placeOrder(expect) {
    await this.placeOrderButton.click();
    await expect(this.orderStatus).toHaveText(/^Order A-\d+ placed\. Thank you, Ada Lovelace!$/);
  }

  /** Waits for `NpsWidget.ready` (wasm loaded, init done). */
  async widgetReady() {
    await this.page.waitForFunction(() => typeof window.NpsWidget === 'object' && window.NpsWidget !== null);
    await this.page.evaluate(() => window.NpsWidget.ready);
  }

  pending() {
    return this.page.evaluate(() => window.NpsWidget.pending());
  }

  flush() {
    return this.page.evaluate(() => window.NpsWidget.flush());
  }

  stats(filter) {
    return this.page.evaluate((f) => window.NpsWidget.stats(f), filter);
  }
}

module.exports = { HostPage };
