// Page object for the survey prompt (inside the widget's open shadow root; locators pierce it).
'use strict';

/** Visible texts of the prompt, per locale (widget-dom.md). */
const TEXT = {
  en: {
    question: (company) =>
      `How likely are you to recommend ${company ?? 'us'} to a friend or colleague?`,
    low: 'Not at all likely',
    high: 'Extremely likely',
    followUp: {
      detractor: 'What disappointed you, and what should we fix first?',
      passive: 'What should we do to earn a 10?',
      promoter: 'What did you like most?',
    },
    send: 'Send',
    close: 'Close',
    thanks: 'Thank you for your feedback!',
  },
  ru: {
    question: (company) => `Насколько вероятно, что вы порекомендуете ${company} другу или коллеге?`,
    low: 'Совсем маловероятно',
    high: 'Очень вероятно',
    send: 'Отправить',
    close: 'Закрыть',
    thanks: 'Спасибо за ваш отзыв!',
  },
};

function category(score) {
  if (score >= 9) return 'promoter';
  if (score >= 7) return 'passive';
  return 'detractor';
}

class NpsPrompt {
  /**
   * @param {import('@playwright/test').Page} page
   * @param {{mode?: 'popup'|'modal'|'inline', locale?: 'en'|'ru'}} [opts]
   */
  constructor(page, { mode, locale = 'en' } = {}) {
    this.page = page;
    this.text = TEXT[locale];
    this.host = page.locator(mode ? `[data-nps-widget="${mode}"]` : '[data-nps-widget]');
    this.radiogroup = this.host.getByRole('radiogroup');
    this.radios = this.host.getByRole('radio');
    this.comment = this.host.locator('textarea');
    this.send = this.host.getByRole('button', { name: this.text.send, exact: true });
    this.close = this.host.getByRole('button', { name: this.text.close, exact: true });
    this.status = this.host.getByRole('status');
  }

  /** The labelled container: role dialog (popup/modal) or group (inline). */
  container(company = 'Acme', role = 'dialog') {
    return this.host.getByRole(role, { name: this.text.question(company), exact: true });
  }

  radio(score) {
    return this.host.getByRole('radio', { name: String(score), exact: true });
  }

  /** Accessible structure of an open prompt, as far as locators can check it. */
  async expectOpen(expect, { company = 'Acme', role = 'dialog' } = {}) {
    await expect(this.container(company, role)).toBeVisible();
    await expect(this.radiogroup).toHaveAccessibleName(this.text.question(company));
    await expect(this.radios).toHaveCount(11);
    for (let score = 0; score <= 10; score++) await expect(this.radio(score)).toBeVisible();
    await expect(this.host.getByText(this.text.low, { exact: true })).toBeVisible();
    await expect(this.host.getByText(this.text.high, { exact: true })).toBeVisible();
    // The end labels describe the two ends of the scale, and only them.
    await expect(this.radio(0)).toHaveAccessibleDescription(this.text.low);
    await expect(this.radio(10)).toHaveAccessibleDescription(this.text.high);
    await expect(this.radio(5)).toHaveAccessibleDescription('');
    await expect(this.radiogroup).toHaveAccessibleDescription('');
  }

  /** Clicks a score and checks the follow-up box for its category got focus. */
  async choose(expect, score) {
    await this.radio(score).click();
    await expect(this.radio(score)).toHaveAttribute('aria-checked', 'true');
    if (this.text.followUp) {
      await expect(this.comment).toHaveAccessibleName(this.text.followUp[category(score)]);
    }
    await expect(this.comment).toBeFocused();
  }

  async answer(expect, score, comment) {
    await this.choose(expect, score);
    if (comment !== undefined) await this.comment.fill(comment);
    await this.send.click();
    await expect(this.status).toHaveText(this.text.thanks);
  }
}

/**
 * The element that has focus, looking through shadow roots: {role, name, inWidget}.
 * @param {import('@playwright/test').Page} page
 */
function deepFocus(page) {
  return page.evaluate(() => {
    let el = document.activeElement;
    while (el && el.shadowRoot && el.shadowRoot.activeElement) el = el.shadowRoot.activeElement;
    if (!el) return null;
    let root = el.getRootNode();
    let inWidget = false;
    while (root && root.host) {
      if (root.host.matches('[data-nps-widget]')) inWidget = true;
      root = root.host.getRootNode();
    }
    return {
      tag: el.tagName.toLowerCase(),
      role: el.getAttribute('role'),
      name: (el.getAttribute('aria-label') || el.textContent || '').trim(),
      inWidget,
    };
  });
}

module.exports = { NpsPrompt, TEXT, category, deepFocus };
