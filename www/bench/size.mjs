#!/usr/bin/env node
// Size report of what a visitor downloads: pkg/ files raw, gzip -9 and brotli -q 11 (node's zlib).
//   node bench/size.mjs [--json]
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

const PKG = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'pkg');
// Loaded by the script-tag install, in order.
const FILES = ['nps-widget.js', 'nps_widget.js', 'nps_widget_bg.wasm'];

function measure(file) {
  const bytes = fs.readFileSync(path.join(PKG, file));
  return {
    file,
    raw: bytes.length,
    gzip: zlib.gzipSync(bytes, { level: 9 }).length,
    brotli: zlib.brotliCompressSync(bytes, {
      params: {
        [zlib.constants.BROTLI_PARAM_QUALITY]: 11,
        [zlib.constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
        [zlib.constants.BROTLI_PARAM_MODE]: file.endsWith('.wasm') ? zlib.constants.BROTLI_MODE_GENERIC : zlib.constants.BROTLI_MODE_TEXT,
      },
    }).length,
  };
}

const missing = FILES.filter((f) => !fs.existsSync(path.join(PKG, f)));
if (missing.length) {
  console.error(`bench/size.mjs: missing in ${PKG}: ${missing.join(', ')}; run \`cargo xtask build\` first`);
  process.exit(1);
}
const rows = FILES.map(measure);
const total = rows.reduce((t, r) => ({ file: 'total', raw: t.raw + r.raw, gzip: t.gzip + r.gzip, brotli: t.brotli + r.brotli }), {
  file: 'total', raw: 0, gzip: 0, brotli: 0,
});
if (process.argv.includes('--json')) {
  console.log(JSON.stringify({ files: rows, total }, null, 2));
} else {
  console.log(`${'file'.padEnd(22)}${'raw'.padStart(10)}${'gzip -9'.padStart(10)}${'brotli 11'.padStart(11)}`);
  for (const r of [...rows, total]) {
    console.log(`${r.file.padEnd(22)}${String(r.raw).padStart(10)}${String(r.gzip).padStart(10)}${String(r.brotli).padStart(11)}`);
  }
}
