/*! nps-widget loader: defines window.NpsWidget now, loads the wasm next to this file. */
// A classic script once built: esbuild bundles it with api.js as an IIFE into pkg/nps-widget.js.
import { P, call, checkScore, fallback, loadFailed, start } from './api.js';

const w = window;
// Loaded twice: keep the first.
if (!(w.NpsWidget && w.NpsWidget.ready)) {
  const script = document.currentScript ||
    document.querySelector('script[src$="nps-widget.js"],script[src*="nps-widget.js?"]');
  const src = (script && script.src) || '';
  const base = src.slice(0, src.split(/[?#]/)[0].lastIndexOf('/') + 1);
  let mod = null, failed = false, queue = [], inited = false, done;
  const ready = new Promise((r) => { done = r; });

  // Promise-returning methods queue until the wasm is ready.
  const later = (name) => (...args) => {
    if (name === 'record') checkScore(args[0]);
    if (name === 'init') inited = true;
    if (mod) return Promise.resolve(call(mod, name, args));
    if (failed) return Promise.resolve(fallback(name));
    return new Promise((resolve) => { queue.push([name, args, resolve]); });
  };
  // Fire-and-forget methods queue too; getters answer the fallback before ready.
  const fire = (name) => (...args) => {
    if (mod) call(mod, name, args);
    else if (!failed) queue.push([name, args, null]);
  };
  const get = (name) => (...args) => (mod ? call(mod, name, args) : fallback(name));
  const attrs = (el) => {
    const o = {};
    if (el) for (const a of el.attributes) if (a.name.indexOf('data-') === 0) o[a.name] = a.value;
    return o;
  };
  const fail = (e) => {
    if (!failed) { failed = true; loadFailed(e); }
    for (const [name, , resolve] of queue) if (resolve) resolve(fallback(name));
    queue = [];
    done();
  };

  w.NpsWidget = {
    ready,
    init: later('init'),
    show: fire('show'),
    hide: fire('hide'),
    record: later('record'),
    flush: later('flush'),
    pending: get('pending'),
    stats: get('stats'),
    deadLetters: get('deadLetters'),
    on: fire('on'),
    off: fire('off'),
  };

  if (!base) fail(new Error('cannot find the nps-widget.js script element'));
  else {
    import(base + 'nps_widget.js').then((m) => start(m, base + 'nps_widget_bg.wasm')).then((m) => {
      mod = m;
      // The script tag's data-* options, unless the page called init() itself.
      if (!inited) call(m, 'init', [attrs(script)]);
      const q = queue;
      queue = [];
      for (const [name, args, resolve] of q) {
        let r = fallback(name);
        try { r = call(m, name, args); } catch (e) { console.error(P + name + '() failed', e); }
        if (resolve) resolve(r);
      }
      m.defineSurvey((el, o) => { call(m, 'mountSurvey', [el, o]); });
      done();
    }).catch(fail);
  }
}
