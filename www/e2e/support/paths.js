// Where things live, relative to www/ (this file is www/e2e/support/paths.js).
'use strict';
const path = require('node:path');

const WWW = path.resolve(__dirname, '..', '..');
const ROOT = path.resolve(WWW, '..');

module.exports = {
  WWW,
  /** Repository root: served by `nps serve --static`, so host pages are at /www/… and the loader at /pkg/…. */
  ROOT,
  PKG: path.join(ROOT, 'pkg'),
  DOCS: path.join(ROOT, 'docs'),
  /** The `nps` binary: $NPS_BIN, or ../target/release/nps relative to www/. */
  NPS_BIN: process.env.NPS_BIN ? path.resolve(process.env.NPS_BIN) : path.join(ROOT, 'target', 'release', 'nps'),
  /** The host pages hard-code the README snippet's endpoint, so the receiver listens on this port. */
  PORT: 8080,
  HOST: '127.0.0.1',
};
