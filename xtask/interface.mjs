// Minifies the names between the wasm and its glue: every import (module "./nps_widget_bg.js",
// fields like "__wbg_getItem_4f3a9c0e1b2d7a65") and export of the wasm gets a one- or two-letter
// name, and the glue is rewritten to match. The hashed names are incompressible and appear in
// both files: 1.9 KB brotli of wasm and 0.8 KB of glue.
//   wasm-opt ... --minify-imports-and-exports-and-modules > map.json   (the mapping it prints)
//   node xtask/interface.mjs <pkg dir> <map.json>
// Fails (exit 1) if the glue does not use the wasm's interface the way wasm-bindgen writes it.
import { readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const [pkg, mapFile] = process.argv.slice(2);
const wasmFile = join(pkg, 'nps_widget_bg.wasm');
const glueFile = join(pkg, 'nps_widget.js');

function fail(message) {
  console.error(`interface: ${message}`);
  process.exit(1);
}

let map;
try {
  const out = readFileSync(mapFile, 'utf8');
  // With --converge the pass runs again on the minified names and prints an identity map:
  // the first object is the one that matters.
  const start = out.indexOf('{');
  map = JSON.parse(out.slice(start, out.indexOf('\n}', start) + 2));
} catch (e) {
  fail(`no name mapping from wasm-opt in ${mapFile} (${e.message})`);
}

// Classes whose exports the linker dropped (xtask/wasm-ld: wasm-streams') are dead in the glue:
// remove them and their FinalizationRegistry, as wasm-bindgen writes them.
const before = new Set(map.exports.map(([name]) => name));
let glue = readFileSync(glueFile, 'utf8');
for (const [, cls, free] of [...glue.matchAll(/^export class (\w+) \{\n[\s\S]*?wasm\.(\w+_free)\(ptr, 0\);/gm)]) {
  if (before.has(free)) continue;
  const body = new RegExp(`^export class ${cls} \\{\\n[\\s\\S]*?^\\}\\nif \\(Symbol\\.dispose\\) ${cls}\\.prototype\\[Symbol\\.dispose\\] = ${cls}\\.prototype\\.free;\\n`, 'm');
  const registry = new RegExp(`^const ${cls}Finalization = .*\\n.*\\n.*wasm\\.${free}\\(ptr, 1\\)\\);\\n`, 'm');
  if (!body.test(glue) || !registry.test(glue)) fail(`cannot remove the dead class ${cls} from the glue`);
  glue = glue.replace(body, '').replace(registry, '');
}

const minified = new WebAssembly.Module(readFileSync(wasmFile));
const moduleOf = new Map(WebAssembly.Module.imports(minified).map((i) => [i.name, i.module]));
const exported = new Set(WebAssembly.Module.exports(minified).map((e) => e.name));

// `name` as a whole identifier (not part of a longer one).
const ident = (prefix, name) =>
  new RegExp(`(?<![\\w$])${prefix.replace(/[.$]/g, '\\$&')}${name.replace(/\$/g, '\\$')}(?![\\w$])`, 'g');

const modules = new Map();
for (const [module, field, short] of map.imports) {
  const re = ident('', field);
  if (!re.test(glue)) fail(`the glue never names the import ${module}.${field}`);
  glue = glue.replace(re, short);
  modules.set(module, moduleOf.get(short));
}
for (const [from, to] of modules) {
  const quoted = new RegExp(`(["'])${from.replace(/[.$/]/g, '\\$&')}\\1`, 'g');
  if (!quoted.test(glue)) fail(`the glue never names the import module "${from}"`);
  glue = glue.replace(quoted, JSON.stringify(to));
}
for (const [name, short] of map.exports) glue = glue.replace(ident('wasm.', name), `wasm.${short}`);
for (const [, name] of glue.matchAll(/(?<![\w$])wasm\.([\w$]+)/g)) {
  if (!exported.has(name)) fail(`the glue uses wasm.${name}, which the wasm does not export`);
}
writeFileSync(glueFile, glue);
console.log(`interface: ${map.imports.length} imports and ${map.exports.length} exports renamed`);
