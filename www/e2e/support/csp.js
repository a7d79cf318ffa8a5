// Records Content-Security-Policy violations of a page (before any page script runs).
'use strict';

/** @param {import('@playwright/test').Page} page */
async function recordCspViolations(page) {
  await page.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener(
      'securitypolicyviolation',
      (e) => {
        window.__cspViolations.push(
          `${e.effectiveDirective} blocked ${e.blockedURI || '(inline)'} at ${e.sourceFile || '?'}:${e.lineNumber}`,
        );
      },
      true,
    );
  });
}

/** Violations seen by the page, plus console messages about the policy. */
async function cspProblems(page, guard) {
  const events = await page.evaluate(() => window.__cspViolations);
  const consoleLines = guard.console
    .map((m) => m.text)
    .filter((t) => /Content Security Policy|Refused to (load|execute|apply|connect|compile|evaluate)/i.test(t));
  return [...events, ...consoleLines];
}

module.exports = { recordCspViolations, cspProblems };
