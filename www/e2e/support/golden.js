// The golden cases of testdata/golden/ (its README says how they are laid out): every input
// with an expected JSON output, for each grouping it has one for.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const MODES = { 'score.json': undefined, 'by-touchpoint.json': 'touchpoint', 'by-day.json': 'day', 'by-week.json': 'week', 'by-month.json': 'month' };

function cases(dir) {
  const out = [];
  for (const name of fs.readdirSync(dir).sort()) {
    const folder = path.join(dir, name);
    if (!fs.statSync(folder).isDirectory()) continue;
    const inputFile = fs.readdirSync(folder).find((f) => f.startsWith('input.'));
    if (!inputFile) continue;
    const input = fs.readFileSync(path.join(folder, inputFile), 'utf8');
    for (const [file, by] of Object.entries(MODES)) {
      const expected = path.join(folder, file);
      if (!fs.existsSync(expected)) continue;
      out.push({ name: `${name}/${file}`, input, by, expected: JSON.parse(fs.readFileSync(expected, 'utf8')) });
    }
  }
  return out;
}

module.exports = { cases };
