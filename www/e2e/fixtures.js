// Playwright fixtures: a real `nps serve` per test (fresh SQLite file), and a guard that records
// console messages, uncaught page errors and dialogs of every page in the test's browser context.
'use strict';
const base = require('@playwright/test');
const { NpsServer } = require('./support/server');
const { readResponses } = require('./support/db');

const test = base.test.extend({
  /** A running receiver on 127.0.0.1:8080 with a fresh database; stop()/start() keep the database. */
  // auto: every test loads its pages from this server.
  server: [
    async ({}, use, testInfo) => {
      const server = new NpsServer();
      await server.start();
      try {
        await use(server);
      } finally {
        await server.dispose();
        if (testInfo.status !== testInfo.expectedStatus) {
          await testInfo.attach('nps-serve.log', { body: server.log, contentType: 'text/plain' });
        }
      }
    },
    { auto: true },
  ],

  /** Rows of the receiver's `responses` table, read from the SQLite file. */
  rows: async ({ server }, use) => {
    await use(() => readResponses(server.dbPath));
  },

  /**
   * Console messages, uncaught exceptions and dialogs of every page in the context. Every test
   * ends with: no uncaught exception reached a host page, and no dialog (alert/confirm/prompt) opened.
   */
  guard: [
    async ({ context }, use) => {
      const guard = { console: [], pageErrors: [], dialogs: [] };
      const onConsole = (msg) => guard.console.push({ type: msg.type(), text: msg.text() });
      const onPageError = (err) => guard.pageErrors.push(String(err && err.stack ? err.stack : err));
      const onDialog = async (dialog) => {
        guard.dialogs.push({ type: dialog.type(), message: dialog.message() });
        await dialog.dismiss().catch(() => {});
      };
      context.on('console', onConsole);
      context.on('weberror', (webError) => onPageError(webError.error()));
      context.on('dialog', onDialog);
      await use(guard);
      base.expect(guard.pageErrors, 'uncaught exceptions in the page').toEqual([]);
      base.expect(guard.dialogs, 'dialogs opened by the page').toEqual([]);
    },
    { auto: true },
  ],
});

module.exports = { test, expect: base.expect };
