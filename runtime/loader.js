// nps-widget loader.
// Defines window.NpsWidget now; loads the rest of pkg/ (next to this file) only when the visitor
// may be asked, answers wait to be sent, or the page uses the API.
// A classic script once built: esbuild bundles it with api.js as an IIFE into pkg/nps-widget.js.
import { P, call, checkScore, defineSurvey, fallback, loadFailed, start } from './api.js';

const w = window;
// Loaded twice: keep the first.
if (!(w.NpsWidget && 'ready' in w.NpsWidget)) {
  const script = document.currentScript ||
    document.querySelector('script[src$="nps-widget.js"],script[src*="nps-widget.js?"]');
  const src = (script && script.src) || '';
  const base = src.slice(0, src.split(/[?#]/)[0].lastIndexOf('/') + 1);
  const opts = {};
  if (script) for (const a of script.attributes) if (a.name.indexOf('data-') === 0) opts[a.name] = a.value;
  let mod = null, failed = false, queue = [], inited = false, loading = false, done;
  const ready = new Promise((r) => { done = r; });

  const fail = (e) => {
    if (!failed) { failed = true; loadFailed(e); }
    for (const [name, , resolve] of queue) if (resolve) resolve(fallback(name));
    queue = [];
    done();
  };
  const load = () => {
    if (!loading) {
      loading = true;
      if (!base) fail(new Error('cannot find the nps-widget.js script element'));
      else import(base + 'nps_widget.js').then((m) => start(m, base + 'nps_widget_bg.wasm')).then((m) => {
        mod = m;
        // The script tag's data-* options, unless the page called init() itself.
        if (!inited) call(m, 'init', [opts]);
        const q = queue;
        queue = [];
        for (const [name, args, resolve] of q) {
          let r = fallback(name);
          try { r = call(m, name, args); } catch (e) { console.error(P + name + '() failed', e); }
          if (resolve) resolve(r);
        }
        done();
      }).catch(fail);
    }
    return ready;
  };
  // Promise-returning methods load the widget and wait for it.
  const later = (name) => (...args) => {
    if (name === 'record') checkScore(args[0]);
    if (name === 'init') inited = true;
    if (mod) return Promise.resolve(call(mod, name, args));
    if (failed) return Promise.resolve(fallback(name));
    load();
    return new Promise((resolve) => { queue.push([name, args, resolve]); });
  };
  // Fire-and-forget methods queue; show() loads the widget, on/off/hide wait for a reason to.
  const fire = (name, loads) => (...args) => {
    if (mod) call(mod, name, args);
    else if (!failed) { queue.push([name, args, null]); if (loads) load(); }
  };
  // Getters load the widget and answer the fallback until it is there.
  const get = (name) => (...args) => (mod ? call(mod, name, args) : (load(), fallback(name)));

  w.NpsWidget = {
    get ready() { return load(); },
    init: later('init'),
    show: fire('show', 1),
    hide: fire('hide'),
    record: later('record'),
    flush: later('flush'),
    pending: get('pending'),
    stats: get('stats'),
    deadLetters: get('deadLetters'),
    on: fire('on'),
    off: fire('off'),
  };
  // A <nps-survey> on the page loads the widget, then renders once it is there.
  defineSurvey((el, o) => load().then(() => { if (mod && el.isConnected) call(mod, 'mountSurvey', [el, o]); }));

  // Politeness (docs/contract.md §1): the record the widget keeps (save_gate in
  // src/embed/records.rs) says, for the options it was configured with, from when this visitor
  // may be asked (absent: not under these options) and how many answers wait. Unless those
  // options are these, nothing waits and that time has not come, load the rest now. Without a
  // record the widget never ran in this browser (nor did a release before it leave a queue: any
  // `nps-widget:queue…` key, an answer or the backoff): with trigger manual and no preview
  // panel, only the page's own call can need it.
  let polite = false;
  try {
    const g = JSON.parse(localStorage.getItem('nps-widget:gate'));
    polite = g ? !g.queued && !(g.at <= Date.now()) && JSON.stringify(g.options) === JSON.stringify(opts)
      : opts['data-trigger'] === 'manual' && !('data-preview' in opts) && !Object.keys(localStorage).some((k) => k.startsWith('nps-widget:queue'));
  } catch (e) { /* storage blocked: load */ }
  if (!polite) load();
}
