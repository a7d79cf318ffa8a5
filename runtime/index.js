// nps-widget as an ES module: `import { init, show, record } from 'nps-widget'`.
// Loads the wasm next to this file on first use; calls made before it is ready wait for it.
// esbuild bundles it with api.js into pkg/index.js (nps_widget.js stays an import).
import * as wasm from './nps_widget.js';
import { call, checkScore, defineSurvey, fallback, loadFailed, start } from './api.js';

let mod = null;
let loading = null;

function ready() {
  if (!loading) {
    loading = start(wasm, new URL('nps_widget_bg.wasm', import.meta.url))
      .then((m) => (mod = m))
      .catch((e) => { loadFailed(e); return null; });
  }
  return loading;
}

function later(name) {
  return (...args) => (mod ? Promise.resolve(call(mod, name, args))
    : ready().then((m) => (m ? call(m, name, args) : fallback(name))));
}

// Importing the module defines <nps-survey>; a connected element loads the wasm, then mounts
// (if still on the page).
defineSurvey((el, o) => ready().then((m) => { if (m && el.isConnected) call(m, 'mountSurvey', [el, o]); }));

/** Configure and start; see index.d.ts for the options. */
export const init = later('init');
/** Open the prompt now (`{force: true}` skips recontact/sampling). */
export function show(properties, options) { later('show')(properties, options); }
/** Close the prompt without recording a dismiss. */
export function hide() { if (mod) call(mod, 'hide', []); }
/** Record a response without the UI; resolves once it is durably queued. */
export function record(input) {
  checkScore(input);
  return later('record')(input);
}
/** Try to deliver everything queued now. */
export const flush = later('flush');
/** Responses queued, not yet acknowledged (0 before the wasm is loaded). */
export function pending() { return mod ? call(mod, 'pending', []) : fallback('pending'); }
/** NPS statistics of the responses recorded in this browser. */
export function stats(filter, options) { return mod ? call(mod, 'stats', [filter, options]) : fallback('stats'); }
/** Responses the endpoint refused permanently. */
export function deadLetters() { return mod ? call(mod, 'deadLetters', []) : fallback('deadLetters'); }
/** Subscribe to `shown`, `response`, `sent`, `dismissed` or `error`. */
export function on(event, handler) { later('on')(event, handler); }
/** Unsubscribe a handler added with `on`. */
export function off(event, handler) { later('off')(event, handler); }
/** Resolves when the wasm is loaded. */
export function loaded() { return ready().then(() => undefined); }
