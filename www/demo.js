// Demo page logic (index.html): a live panel fed by NpsWidget.stats(), refreshed on load and on
// every 'response' event, plus where batches go and how many answers wait to be sent.
// External file on purpose: the demo runs under a CSP without 'unsafe-inline'.
'use strict';
(function () {
  const $ = (id) => document.getElementById(id);

  /** One decimal at most: 33.333 → "33.3", 0 → "0", -100 → "-100". */
  function fmt(x) {
    const r = Math.round(x * 10) / 10;
    if (r === 0) return '0'; // also -0
    return Number.isInteger(r) ? String(r) : r.toFixed(1);
  }

  function render(s) {
    $('stat-n').textContent = String(s.n);
    $('stat-promoters').textContent = String(s.promoters);
    $('stat-passives').textContent = String(s.passives);
    $('stat-detractors').textContent = String(s.detractors);
    const bandEl = $('stat-band');
    if (s.n === 0 || s.nps === null) {
      $('stat-nps').textContent = '—';
      $('stat-ci').textContent = '—';
      bandEl.textContent = 'no answers yet';
      bandEl.className = 'band';
    } else {
      $('stat-nps').textContent = fmt(s.nps);
      $('stat-ci').textContent = `[${fmt(s.ci95[0])}, ${fmt(s.ci95[1])}]`;
      // The band and the distribution are the wasm's (stats(filter, {distribution: true})).
      bandEl.textContent = s.band.replace('-', ' ');
      bandEl.className = `band ${s.band}`;
    }
    // CSSOM writes are allowed under style-src 'self' (style="" attributes are not).
    const share = (k) => (s.n === 0 ? '0%' : `${(100 * s[k]) / s.n}%`);
    $('bar-promoters').style.width = share('promoters');
    $('bar-passives').style.width = share('passives');
    $('bar-detractors').style.width = share('detractors');
    const most = Math.max(1, ...s.distribution);
    const bars = $('distribution').children;
    s.distribution.forEach((count, score) => {
      bars[score].style.height = `${(100 * count) / most}%`;
      bars[score].title = `${score}: ${count}`;
    });
    $('distribution').setAttribute('aria-label', 'Answers per score, 0 to 10: ' + s.distribution.join(', '));
  }

  function problem(message) {
    const el = $('widget-problem');
    el.textContent = message;
    el.hidden = false;
  }

  function start() {
    const tag = document.querySelector('script[src$="nps-widget.js"]');
    const endpoint = tag && tag.dataset.endpoint;
    $('endpoint').textContent = endpoint || 'nowhere: local-only (no data-endpoint)';

    const w = window.NpsWidget;
    if (!w) {
      problem('The widget did not load: build pkg/ with `cargo xtask build`.');
      return;
    }
    const refreshPending = () => {
      $('pending').textContent = String(w.pending());
    };
    const refresh = () => {
      render(w.stats(null, { distribution: true }));
      refreshPending();
    };
    // The same options as the script tag, in either mode: init() again reconfigures the widget
    // (the prompt on screen goes), then show({force}) opens a fresh prompt.
    const options = { ...(tag ? tag.dataset : {}), trigger: 'manual' };
    const open = (mode) => () =>
      w.init({ ...options, mode }).then(() => w.show(null, { force: true }));
    $('show-survey').addEventListener('click', open('inline'));
    $('show-popup').addEventListener('click', open('popup'));
    $('flush-now').addEventListener('click', () => {
      w.flush().then(refreshPending, refreshPending);
    });
    w.ready.then(
      () => {
        refresh();
        w.on('response', refresh);
        w.on('sent', refreshPending);
        w.on('error', refreshPending);
        setInterval(refreshPending, 1000);
      },
      (err) => problem(`The widget failed to start: ${err && err.message ? err.message : err}`),
    );
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
