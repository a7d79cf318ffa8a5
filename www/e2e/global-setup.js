// Fails fast, with the fix, when something the end-to-end run needs is missing.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { NPS_BIN, PKG, PORT } = require('./support/paths');
const { portAccepts } = require('./support/server');

module.exports = async function globalSetup(config) {
  const problems = [];
  for (const file of ['nps-widget.js', 'nps_widget.js', 'nps_widget_bg.wasm']) {
    if (!fs.existsSync(path.join(PKG, file))) {
      problems.push(`${path.join(PKG, file)} is missing: run \`cargo xtask build\` first`);
    }
  }
  if (!fs.existsSync(NPS_BIN)) {
    problems.push(
      `nps binary not found at ${NPS_BIN}: run \`cargo build --release -p nps-server\`, or set NPS_BIN to its path`,
    );
  }
  const chromium = config.projects[0]?.use?.launchOptions?.executablePath;
  if (chromium && !fs.existsSync(chromium)) {
    problems.push(`Chromium not found at ${chromium}: apt-get install -y chromium (or set CHROMIUM_BIN)`);
  }
  if (await portAccepts(PORT)) {
    problems.push(`port ${PORT} is in use: the e2e receiver must listen on 127.0.0.1:${PORT} (the snippet's endpoint)`);
  }
  if (problems.length) throw new Error(`e2e prerequisites:\n  - ${problems.join('\n  - ')}`);
};
