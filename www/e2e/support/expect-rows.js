// Polling the receiver's database from the tests.
'use strict';

/**
 * Waits until exactly one row carries `comment` (polling the SQLite file) and returns it.
 * @param {import('@playwright/test').Expect} expect
 * @param {() => Promise<Array<Record<string, unknown>>>} rows
 * @param {string} comment
 * @param {number} timeout ms
 */
async function expectOneRowWithComment(expect, rows, comment, timeout = 20_000) {
  await expect
    .poll(async () => (await rows()).filter((r) => r.comment === comment).length, {
      message: `one row with comment ${JSON.stringify(comment)} in the receiver's database`,
      timeout,
      intervals: [250, 500, 1000],
    })
    .toBe(1);
  return (await rows()).find((r) => r.comment === comment);
}

/** A comment nobody else writes, so a test finds its own row. */
function uniqueTag() {
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

module.exports = { expectOneRowWithComment, uniqueTag, UUID };
