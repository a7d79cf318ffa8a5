// Minifies the names between the wasm and its glue: every import (module "./nps_widget_bg.js",
// fields like "__wbg_getItem_4f3a9c0e1b2d7a65") and export of the wasm gets a one- or two-letter
// name, and the glue is rewritten to match. The hashed names are incompressible and appear in
// both files: 1.9 KB brotli of wasm and 1.5 KB of glue.
//   wasm-opt ... --minify-imports-and-exports-and-modules > map.json   (the mapping it prints)
//   node xtask/interface.mjs <pkg dir> <map.json>
// Fails (exit 1) if the mappings do not add up to the final wasm's imports and exports, or the
// glue does not use them the way wasm-bindgen writes it.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [pkg, mapFile] = process.argv.slice(2);
const wasmFile = join(pkg, 'nps_widget_bg.wasm');
const glueFile = join(pkg, 'nps_widget.js');

function fail(message) {
  console.error(`interface: ${message}`);
  process.exit(1);
}

// wasm-opt prints one mapping per run of the pass (--converge runs it again on the short
// names): compose them, old name -> name in the final wasm.
let maps;
try {
  const out = readFileSync(mapFile, 'utf8');
  maps = out.split(/^(?=\{)/m).filter((part) => part.trim()).map((part) => JSON.parse(part));
  if (!maps.length) throw new Error('empty');
} catch (e) {
  fail(`no name mapping from wasm-opt in ${mapFile} (${e.message})`);
}
function compose(pairs) {
  const out = new Map(pairs(maps[0]));
  for (const later of maps.slice(1)) {
    const step = new Map(pairs(later));
    for (const [from, to] of out) {
      if (step.has(to)) out.set(from, step.get(to));
      else out.delete(from); // optimized away in a later round
    }
  }
  return out;
}
const importModule = new Map(maps[0].imports.map(([module, field]) => [field, module]));
const imports = compose((m) => m.imports.map(([, field, short]) => [field, short]));
const exports = compose((m) => m.exports);

// Classes whose exports the linker dropped (xtask/wasm-ld: wasm-streams') are dead in the glue:
// remove them and their FinalizationRegistry, as wasm-bindgen writes them.
const before = new Set(maps[0].exports.map(([name]) => name));
let glue = readFileSync(glueFile, 'utf8');
for (const [, cls, free] of [...glue.matchAll(/^export class (\w+) \{\n[\s\S]*?wasm\.(\w+_free)\(ptr, 0\);/gm)]) {
  if (before.has(free)) continue;
  const body = new RegExp(`^export class ${cls} \\{\\n[\\s\\S]*?^\\}\\nif \\(Symbol\\.dispose\\) ${cls}\\.prototype\\[Symbol\\.dispose\\] = ${cls}\\.prototype\\.free;\\n`, 'm');
  const registry = new RegExp(`^const ${cls}Finalization = .*\\n.*\\n.*wasm\\.${free}\\(ptr, 1\\)\\);\\n`, 'm');
  if (!body.test(glue) || !registry.test(glue)) fail(`cannot remove the dead class ${cls} from the glue`);
  glue = glue.replace(body, '').replace(registry, '');
}

const minified = new WebAssembly.Module(readFileSync(wasmFile));
const finalImports = WebAssembly.Module.imports(minified);
const finalExports = WebAssembly.Module.exports(minified).map((e) => e.name);
const moduleOf = new Map(finalImports.map((i) => [i.name, i.module]));
// The composed mapping must name exactly what the final wasm imports and exports.
const same = (a, b) => a.length === b.length && a.every((x) => b.includes(x));
if (!same([...imports.values()], finalImports.map((i) => i.name))) {
  fail('the name mappings do not add up to the imports of the final wasm');
}
if (!same([...exports.values()], finalExports)) {
  fail('the name mappings do not add up to the exports of the final wasm');
}

// `name` as a whole identifier (not part of a longer one).
const ident = (prefix, name) =>
  new RegExp(`(?<![\\w$])${prefix.replace(/[.$]/g, '\\$&')}${name.replace(/\$/g, '\\$')}(?![\\w$])`, 'g');

// Imports the optimizer found unused are gone from the wasm, but wasm-bindgen wrote their
// functions into the glue's import object (`        __wbg_…: function(…) {…},` blocks, up to
// the next entry or the object's end): drop them, with their incompressible names.
const entry = /^ {8}([\w$]+): function[\s\S]*?(?=^ {8}[\w$]+: |^ {4}\};)/gm;
let dropped = 0;
glue = glue.replace(entry, (block, name) => {
  if (name === '__proto__' || imports.has(name)) return block;
  dropped++;
  return '';
});

// A function the wasm imports straight from a JavaScript snippet (`inline_js` with no value to
// convert, e.g. `styled() -> bool`) has no shim in the glue: its module's namespace object
// (`import * as importN from "<snippet>"`) is the import object's entry. That entry becomes an
// object of the short names, and the snippet's path stays as it is.
const direct = new Map();
for (const [, namespace, module] of glue.matchAll(/^import \* as (import\d+) from "([^"]+)";?$/gm)) {
  direct.set(module, namespace);
}
const directFields = new Map();
for (const [field, short] of imports) {
  const module = importModule.get(field);
  if (!direct.has(module)) continue;
  if (!directFields.has(module)) directFields.set(module, []);
  directFields.get(module).push([field, short]);
  imports.delete(field);
}
// wasm-opt gives every import the one module the shims have (checked below): the snippet's
// functions join the shims' object under their short names.
const SHIMS = '    const import0 = {\n        __proto__: null,\n';
for (const [module, fields] of directFields) {
  const namespace = direct.get(module);
  const entry = `        ${JSON.stringify(module)}: ${namespace},\n`;
  if (!glue.includes(entry)) fail(`the glue's import object has no entry for "${module}"`);
  if (!glue.includes(SHIMS)) fail("the glue's import object does not start as this step expects");
  glue = glue.replace(entry, () => '');
  const added = fields.map(([field, short]) => `        ${short}: ${namespace}.${field},\n`).join('');
  glue = glue.replace(SHIMS, () => SHIMS + added);
}

const modules = new Map();
for (const [field, short] of imports) {
  const module = importModule.get(field);
  const re = ident('', field);
  if (!re.test(glue)) fail(`the glue never names the import ${module}.${field}`);
  glue = glue.replace(re, () => short);
  const to = moduleOf.get(short);
  if (modules.has(module) && modules.get(module) !== to) fail(`the import module "${module}" was split`);
  modules.set(module, to);
}
for (const fields of directFields.values()) {
  for (const [field, short] of fields) {
    const shim = modules.get('./nps_widget_bg.js');
    if (moduleOf.get(short) !== shim) fail(`the import ${field} is not in the shims' module "${shim}"`);
  }
}
for (const [from, to] of modules) {
  const quoted = new RegExp(`(["'])${from.replace(/[.$/]/g, '\\$&')}\\1`, 'g');
  if (!quoted.test(glue)) fail(`the glue never names the import module "${from}"`);
  glue = glue.replace(quoted, () => JSON.stringify(to));
}
for (const [name, short] of exports) glue = glue.replace(ident('wasm.', name), () => `wasm.${short}`);
for (const [, name] of glue.matchAll(/(?<![\w$])wasm\.([\w$]+)/g)) {
  if (!finalExports.includes(name)) fail(`the glue uses wasm.${name}, which the wasm does not export`);
}
// `JsValue`'s `Debug` (reachable from the panic messages of `Result::unwrap` in the DOM code the
// wasm links) calls wasm-bindgen's `debugString`, 70 lines of glue that describe any value in
// detail. `String(value)` says what a panic message needs ("TypeError: …") and leaves
// `debugString` unused, for esbuild to drop. (Since the prompt's view is no longer a Leptos
// view, nothing links it.) Fails if the glue calls it elsewhere.
const DEBUG_CALL = '            const ret = debugString(arg1);\n';
glue = glue.replace(DEBUG_CALL, () => '            const ret = String(arg1);\n');
if (/debugString\(/.test(glue.replace(/function debugString\(/, ''))) {
  fail("the glue calls debugString where this step does not replace it");
}

// wasm-bindgen's warning when the server sends the wasm with another MIME type: the same advice
// in a third of the text (about 70 B of brotli). Fails when the text changed (a wasm-bindgen
// upgrade): update or drop this step then.
const MIME_WARNING =
  '"`WebAssembly.instantiateStreaming` failed because your server does not serve Wasm with ' +
  '`application/wasm` MIME type. Falling back to `WebAssembly.instantiate` which is slower. Original error:\\n"';
if (!glue.includes(MIME_WARNING)) fail('the glue no longer has wasm-bindgen\'s MIME type warning to shorten');
glue = glue.replace(MIME_WARNING, () => '"nps-widget: serve .wasm as application/wasm (slower fallback used)"');
writeFileSync(glueFile, glue);
console.log(`interface: ${imports.size} imports and ${exports.size} exports renamed, ${dropped} unused imports dropped from the glue`);
