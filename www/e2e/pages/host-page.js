// Page object for the example shop pages (www/checkout.html and its variants) and the widget API on them.
'use strict';

class HostPage {
  /**
   * @param {import('@playwright/test').Page} page
   * @param {string} file e.g. 'checkout.html'
   */
  constructor(page, file = 'checkout.html') {
    this.page = page;
    this.path = `/www/${file}`;
    this.placeOrderButton = page.getByRole('button', { name: 'Place order' });
    this.orderStatus = page.locator('#order-status');
  }

  async goto() {
    await this.page.goto(this.path);
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
