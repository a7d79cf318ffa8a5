// What the two entries of nps-widget share: the script-tag loader (loader.js) and the ES module
// (index.js). esbuild bundles this file into each; the I/O shell (shell.js) takes the prefix.

/** Every message of nps-widget in the console starts with it. */
export const P = 'nps-widget: ';

// What a method answers while the wasm is not there (not loaded yet, failed to load) or when it
// threw; methods not listed answer undefined. A fresh value each time: callers may change it.
const FALLBACKS = {
  flush: () => ({ sent: 0, pending: 0, deadLetters: 0 }),
  pending: () => 0,
  stats: () => ({ n: 0, promoters: 0, passives: 0, detractors: 0, nps: null, se: null, ci95: null }),
  deadLetters: () => [],
};

/** The answer of method `name` without the wasm. */
export function fallback(name) {
  const f = FALLBACKS[name];
  return f && f();
}

/** `record()`'s check, before anything is loaded: a bad score throws at once. */
export function checkScore(input) {
  const s = input && input.score;
  if (typeof s !== 'number' || s % 1 !== 0 || s < 0 || s > 10) {
    throw new TypeError(P + 'score must be an integer from 0 to 10, got ' +
      (typeof s === 'string' ? JSON.stringify(s) : String(s)));
  }
}

/**
 * Calls method `name` of the loaded widget `mod`. A throw never reaches the page: it is logged
 * and the fallback answered, except record()'s TypeError (a bad input is the caller's error).
 */
export function call(mod, name, args) {
  try {
    return mod[name](...args);
  } catch (e) {
    if (e instanceof TypeError && name === 'record') throw e;
    console.error(P + name + '() failed', e);
    return fallback(name);
  }
}

/**
 * Instantiates the wasm of the module `m` (pkg/nps_widget.js: glue and shell) from `url` and
 * connects the shell; resolves with the widget's methods.
 */
export function start(m, url) {
  // The locale catalogs sit next to the wasm: pkg/locales/<tag>.json.
  const locales = new URL('locales/', url).href;
  return m.default({ module_or_path: url }).then(() => new Promise((r) => setTimeout(r))).then(() => ({ ...m, ...m.connectShell(m, locales) }));
}

/** Says once, in the console, that the widget could not load. */
export function loadFailed(e) {
  console.error(P + 'could not load (' + ((e && e.message) || e) + ')');
}

/**
 * Defines <nps-survey> (once per page); `mount(el, options)` renders it, options being its
 * attributes minus the global HTML ones.
 */
export function defineSurvey(mount) {
  if (typeof customElements === 'undefined' || customElements.get('nps-survey')) return;
  customElements.define('nps-survey', class extends HTMLElement {
    connectedCallback() {
      const o = {};
      for (const a of this.attributes) {
        if (!/^(class|id|style|slot|hidden|title|lang|dir|tabindex|part|role|aria-.*)$/.test(a.name)) o[a.name] = a.value;
      }
      mount(this, o);
    }
  });
}
