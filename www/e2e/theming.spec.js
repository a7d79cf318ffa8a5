// Theming and isolation: the --nps-* custom properties restyle the prompt; a hostile host
// stylesheet does not break it; the prompt changes no computed style of the host page.
'use strict';
const { test, expect } = require('./fixtures');
const { HostPage } = require('./pages/host-page');
const { NpsPrompt } = require('./pages/prompt');

test('--nps-accent, --nps-bg, --nps-fg, --nps-radius and --nps-font restyle the prompt', async ({ page }) => {
  const host = new HostPage(page);
  await host.goto();
  await page.addStyleTag({
    content: ':root { --nps-accent: rgb(170, 0, 60); --nps-bg: rgb(250, 245, 230); --nps-fg: rgb(20, 30, 40); --nps-radius: 3px; --nps-font: Georgia, serif; }',
  });
  const prompt = new NpsPrompt(page);
  await prompt.expectOpen(expect);
  await prompt.choose(expect, 9);
  // Polled: the chosen radio's colour has a short transition.
  await expect
    .poll(() =>
      prompt.host.evaluate((el) => {
        const box = el.shadowRoot.querySelector('.box');
        const chosen = el.shadowRoot.querySelector('[aria-checked="true"]');
        const b = getComputedStyle(box);
        return { accent: getComputedStyle(chosen).backgroundColor, bg: b.backgroundColor, fg: b.color, radius: b.borderTopLeftRadius, font: b.fontFamily };
      }),
    )
    .toEqual({ accent: 'rgb(170, 0, 60)', bg: 'rgb(250, 245, 230)', fg: 'rgb(20, 30, 40)', radius: '3px', font: 'Georgia, serif' });
});

test('a hostile host stylesheet does not break the prompt, and the prompt changes no host style', async ({ page }) => {
  const host = new HostPage(page);
  await host.goto();
  const snapshot = () =>
    page.evaluate(() => {
      const pick = (el) => {
        const s = getComputedStyle(el);
        return [s.display, s.position, s.fontFamily, s.fontSize, s.color, s.backgroundColor, s.margin, s.padding, s.overflow, s.width].join('|');
      };
      return [...document.querySelectorAll('body, body *:not([data-nps-widget])')].map(pick);
    });
  const before = await snapshot();
  const prompt = new NpsPrompt(page);
  await prompt.expectOpen(expect);
  expect(await snapshot(), 'host computed styles with the prompt open').toEqual(before);

  await page.addStyleTag({ content: '* { all: unset !important; } button { display: none !important; } div { visibility: hidden !important; }' });
  await expect(prompt.radio(10)).toBeVisible();
  await prompt.choose(expect, 10);
  await expect(prompt.send).toBeVisible();
});
