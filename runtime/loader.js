/*! nps-widget loader: defines window.NpsWidget now, loads the wasm next to this file. */
(function () {
  'use strict';
  var w = window;
  if (w.NpsWidget && w.NpsWidget.ready) return; // loaded twice: keep the first
  var P = 'nps-widget: ';
  var script = document.currentScript ||
    document.querySelector('script[src$="nps-widget.js"],script[src*="nps-widget.js?"]');
  var src = (script && script.src) || '';
  var base = src.slice(0, src.split(/[?#]/)[0].lastIndexOf('/') + 1);
  var mod = null, failed = false, queue = [], inited = false, done;
  var ready = new Promise(function (r) { done = r; });
  var EMPTY = { n: 0, promoters: 0, passives: 0, detractors: 0, nps: null, se: null, ci95: null };

  function checkScore(a) {
    var s = a && a.score;
    if (typeof s !== 'number' || s % 1 !== 0 || s < 0 || s > 10) {
      throw new TypeError(P + 'score must be an integer from 0 to 10, got ' +
        (typeof s === 'string' ? JSON.stringify(s) : String(s)));
    }
  }
  function safe(name, args, fallback) {
    try { return mod[name].apply(null, args); } catch (e) {
      if (e instanceof TypeError && name === 'record') throw e;
      console.error(P + name + '() failed', e);
      return fallback;
    }
  }
  // Promise-returning methods queue until the wasm is ready.
  function later(name, fallback) {
    return function () {
      var args = [].slice.call(arguments);
      if (name === 'record') checkScore(args[0]);
      if (name === 'init') inited = true;
      if (mod) return Promise.resolve(safe(name, args, fallback));
      if (failed) return Promise.resolve(fallback);
      return new Promise(function (resolve) { queue.push([name, args, resolve, fallback]); });
    };
  }
  // Fire-and-forget methods queue too; getters answer a default before ready.
  function fire(name) {
    return function () {
      var args = [].slice.call(arguments);
      if (mod) safe(name, args);
      else if (!failed) queue.push([name, args, null]);
    };
  }
  function get(name, fallback) {
    return function () { return mod ? safe(name, [].slice.call(arguments), fallback) : fallback; };
  }
  function attrs(el) {
    var o = {};
    if (el) for (var i = 0; i < el.attributes.length; i++) {
      var a = el.attributes[i];
      if (a.name.indexOf('data-') === 0) o[a.name] = a.value;
    }
    return o;
  }
  function fail(e) {
    if (!failed) { failed = true; console.error(P + 'could not load (' + ((e && e.message) || e) + ')'); }
    for (var i = 0; i < queue.length; i++) if (queue[i][2]) queue[i][2](queue[i][3]);
    queue = [];
    done();
  }

  w.NpsWidget = {
    ready: ready,
    init: later('init'),
    show: fire('show'),
    hide: fire('hide'),
    record: later('record'),
    flush: later('flush', { sent: 0, pending: 0, deadLetters: 0 }),
    pending: get('pending', 0),
    stats: get('stats', EMPTY),
    deadLetters: get('deadLetters', []),
    on: fire('on'),
    off: fire('off')
  };

  if (!base) { fail(new Error('cannot find the nps-widget.js script element')); return; }
  import(base + 'nps_widget.js').then(function (m) {
    return m.default({ module_or_path: base + 'nps_widget_bg.wasm' }).then(function () {
      return Object.assign({}, m, m.connectShell(m, P));
    });
  }).then(function (m) {
    mod = m;
    // The script tag's data-* options, unless the page called init() itself.
    if (!inited) safe('init', [attrs(script)]);
    var q = queue; queue = [];
    for (var i = 0; i < q.length; i++) {
      var r = q[i][3];
      try { r = safe(q[i][0], q[i][1], r); } catch (e) { console.error(P + q[i][0] + '() failed', e); }
      if (q[i][2]) q[i][2](r);
    }
    m.defineSurvey(function (el, o) { safe('mountSurvey', [el, o]); });
    done();
  }).catch(fail);
})();
