// nps-widget as an ES module: `import { init, show, record } from 'nps-widget'`.
// Loads the wasm next to this file on first use; calls made before it is ready wait for it.
import load, * as wasm from './nps_widget.js';

const { connectShell, defineSurvey } = wasm;

const P = 'nps-widget: ';
const EMPTY = { n: 0, promoters: 0, passives: 0, detractors: 0, nps: null, se: null, ci95: null };
let mod = null;
let loading = null;

function ready() {
  if (!loading) {
    loading = load({ module_or_path: new URL('nps_widget_bg.wasm', import.meta.url) })
      .then(() => { mod = { ...wasm, ...connectShell(wasm, P) }; return mod; })
      .catch((e) => { console.error(P + 'could not load (' + ((e && e.message) || e) + ')'); return null; });
  }
  return loading;
}

function call(name, args, fallback) {
  try { return mod[name](...args); } catch (e) {
    if (e instanceof TypeError && name === 'record') throw e;
    console.error(P + name + '() failed', e);
    return fallback;
  }
}

function later(name, fallback) {
  return (...args) => (mod ? Promise.resolve(call(name, args, fallback))
    : ready().then((m) => (m ? call(name, args, fallback) : fallback)));
}

function checkScore(input) {
  const s = input && input.score;
  if (typeof s !== 'number' || !Number.isInteger(s) || s < 0 || s > 10) {
    throw new TypeError(P + 'score must be an integer from 0 to 10, got ' +
      (typeof s === 'string' ? JSON.stringify(s) : String(s)));
  }
}

// Importing the module defines <nps-survey>; a connected element loads the wasm, then mounts
// (if still on the page).
defineSurvey((el, o) => ready().then((m) => { if (m && el.isConnected) call('mountSurvey', [el, o]); }));

/** Configure and start; see index.d.ts for the options. */
export const init = later('init');
/** Open the prompt now (`{force: true}` skips recontact/sampling). */
export function show(properties, options) { later('show')(properties, options); }
/** Close the prompt without recording a dismiss. */
export function hide() { if (mod) call('hide', []); }
/** Record a response without the UI; resolves once it is durably queued. */
export function record(input) {
  checkScore(input);
  if (mod) return Promise.resolve(call('record', [input]));
  return ready().then((m) => (m ? call('record', [input]) : undefined));
}
/** Try to deliver everything queued now. */
export const flush = later('flush', { sent: 0, pending: 0, deadLetters: 0 });
/** Responses queued, not yet acknowledged (0 before the wasm is loaded). */
export function pending() { return mod ? call('pending', [], 0) : 0; }
/** NPS statistics of the responses recorded in this browser. */
export function stats(filter) { return mod ? call('stats', [filter], EMPTY) : { ...EMPTY }; }
/** Responses the endpoint refused permanently. */
export function deadLetters() { return mod ? call('deadLetters', [], []) : []; }
/** Subscribe to `shown`, `response`, `sent`, `dismissed` or `error`. */
export function on(event, handler) { later('on')(event, handler); }
/** Unsubscribe a handler added with `on`. */
export function off(event, handler) { later('off')(event, handler); }
/** Resolves when the wasm is loaded. */
export function loaded() { return ready().then(() => undefined); }
