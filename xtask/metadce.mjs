// Drops the wasm exports no caller uses (the wasm-streams classes leptos' server_fn always
// exports): keeps every other export as a root and lets binaryen's wasm-metadce remove the rest.
//   node xtask/metadce.mjs <wasm-metadce> <file.wasm>
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [metadce, file] = process.argv.slice(2);
const unused = /underlying(bytesource|source|sink)/;
const exports = WebAssembly.Module.exports(new WebAssembly.Module(readFileSync(file)));
const keep = exports.filter((e) => !unused.test(e.name));
const graph = [
  { name: 'outside', root: true, reaches: keep.map((e) => `export:${e.name}`) },
  ...keep.map((e) => ({ name: `export:${e.name}`, export: e.name })),
];
const dir = mkdtempSync(join(tmpdir(), 'metadce-'));
const graphFile = join(dir, 'graph.json');
writeFileSync(graphFile, JSON.stringify(graph));
execFileSync(metadce, ['-f', graphFile, file, '-o', file,
  '--enable-bulk-memory', '--enable-nontrapping-float-to-int', '--enable-sign-ext',
  '--enable-mutable-globals', '--enable-reference-types', '--enable-multivalue'],
  { stdio: ['ignore', 'ignore', 'inherit'] });
console.log(`metadce: dropped ${exports.length - keep.length} unused exports of ${exports.length}`);
