// The kiosk page (kiosk.html, also /kiosk on `nps serve`; docs/contract.md §8): a tablet at the
// point of sale. The widget runs in data-mode="kiosk" (full screen, every customer is asked, the
// prompt resets itself for the next one). This script:
// - configures it from the query string: the option names of §1 without `data-` (endpoint,
//   touchpoint, locale, company, kiosk-reset-ms, theme, …). A query with options is saved in
//   localStorage['nps-kiosk:config'] and replaces what was saved; a visit without one uses the
//   saved configuration (the installed app starts at kiosk.html, with no query). An empty value
//   means the option's default (`?endpoint=` turns sending off). `mode` and `target` are
//   ignored: the page is always a kiosk. An endpoint starting with one `/` is on this server
//   (`?endpoint=/v1/responses`);
// - keeps a status line for staff: answers waiting, answers a full queue shed or the endpoint
//   refused, the time of the last delivery. Counts and times only, never an answer's content;
// - delivers what waits as soon as the network is back (the `online` event) and every 30 s
//   while answers wait, unless the endpoint itself asked to wait (429 / 5xx: the widget's
//   backoff honours its Retry-After);
// - registers the service worker (kiosk-sw.js) that keeps the page and pkg/ for offline starts.
// For tests: window.NpsKiosk.status() is the status line's last figures, {text, online,
// endpoint, pending, stored, queueFull, refused, unreadable, lastDelivery (ms or null),
// offlineCopy};
// NpsKiosk.update() recounts now and resolves to the same; NpsKiosk.offlineReady resolves to
// true once this page and the installed app's start page have their service workers active
// (false if one failed): from then on the kiosk starts with no network.
'use strict';
(() => {
  const CONFIG_KEY = 'nps-kiosk:config';
  const LAST_DELIVERY_KEY = 'nps-kiosk:last-delivery';
  const RETRY_MS = 30000;
  // The options of the script tag (docs/contract.md §1), without `data-`.
  const OPTIONS = [
    'endpoint', 'touchpoint', 'locale', 'company', 'trigger', 'delay-ms', 'scroll-percent',
    'exit-intent', 'recontact-days', 'dismiss-days', 'sample', 'batch-size', 'flush-ms', 'preview',
    'theme', 'properties', 'format', 'content-type', 'headers', 'kiosk-reset-ms',
  ];
  const FIXED = ['mode', 'target'];
  const P = 'nps-kiosk: ';

  const status = document.getElementById('kiosk-status');
  const message = document.getElementById('kiosk-message');
  const config = readConfig();
  const endpoint = resolveEndpoint(config.endpoint || '');
  if (config.theme === 'light' || config.theme === 'dark') {
    document.documentElement.dataset.theme = config.theme;
  }
  // What the status line shows (NpsKiosk.status()). stored: answers kept on this device, shown
  // without an endpoint only. offlineCopy: false without a service worker (not https, or it
  // could not be registered).
  let figures = {
    text: '', online: navigator.onLine, endpoint: Boolean(endpoint), pending: 0, stored: 0,
    queueFull: 0, refused: 0, unreadable: 0, lastDelivery: readLastDelivery(),
    offlineCopy: 'serviceWorker' in navigator,
  };
  // The last failed delivery attempt ({status}: null for a network error or timeout), until
  // the next delivery.
  let lastFailure = null;
  let flushing = false;

  // The configuration: options in the query string, else the saved ones.
  function readConfig() {
    const given = {};
    let any = false;
    for (const [raw, value] of new URLSearchParams(location.search)) {
      const name = raw.replace(/^data-/, '');
      if (FIXED.includes(name)) {
        console.warn(P + '"' + raw + '" in the query string is ignored: this page is always data-mode="kiosk"');
      } else if (!OPTIONS.includes(name)) {
        console.warn(P + 'unknown option "' + raw + '" in the query string is ignored; options: ' + OPTIONS.join(', '));
      } else {
        given[name] = value;
        any = true;
      }
    }
    if (any) {
      try {
        localStorage.setItem(CONFIG_KEY, JSON.stringify(given));
      } catch (e) {
        console.error(P + 'could not save the configuration; the installed app will not have it', e);
      }
      return given;
    }
    const saved = {};
    try {
      const stored = JSON.parse(localStorage.getItem(CONFIG_KEY) || '{}');
      for (const name of OPTIONS) {
        if (stored && typeof stored[name] === 'string') saved[name] = stored[name];
      }
    } catch (e) {
      console.error(P + 'the saved configuration is unreadable; open this page with its options again', e);
    }
    return saved;
  }

  // `/v1/responses` → this server's URL; anything else is given to the widget as it is.
  function resolveEndpoint(value) {
    return /^\/(?!\/)/.test(value) ? new URL(value, location.href).href : value;
  }

  // The widget's rule (https, http only to this machine), for the status line only: the widget
  // decides, and logs the error itself.
  function endpointAccepted(url) {
    try {
      const u = new URL(url);
      return u.protocol === 'https:' ||
        (u.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(u.hostname));
    } catch {
      return false;
    }
  }

  function readLastDelivery() {
    const t = Number(localStorage.getItem(LAST_DELIVERY_KEY));
    return t > 0 ? t : null;
  }

  function plural(n, one, many) {
    return n.toLocaleString() + ' ' + (n === 1 ? one : many);
  }

  function clock(ms) {
    const at = new Date(ms);
    const time = at.toLocaleTimeString([], { hour: 'numeric', minute: '2-digit' });
    return at.toDateString() === new Date().toDateString()
      ? time
      : at.toLocaleDateString([], { day: 'numeric', month: 'short' }) + ' ' + time;
  }

  function show(text, warn) {
    status.textContent = text;
    if (warn) status.dataset.state = 'warn';
    else delete status.dataset.state;
    figures.text = text;
  }

  // The status line from the figures: counts and times only.
  function render() {
    const f = figures;
    const parts = [];
    if (!f.online) parts.push('Offline');
    if (!f.endpoint) {
      parts.push('Not sending: no endpoint (open this page with ?endpoint=https://…/v1/responses)');
      parts.push(plural(f.stored, 'answer', 'answers') + ' recorded on this device');
    } else {
      parts.push(f.pending
        ? plural(f.pending, 'answer', 'answers') + ' waiting'
        : f.lastDelivery ? 'All answers delivered' : 'No answers waiting');
      if (f.pending && f.online && lastFailure) {
        parts.push(lastFailure.status ? 'endpoint answered ' + lastFailure.status : 'endpoint not reachable');
      }
      parts.push(f.lastDelivery ? 'last delivery ' + clock(f.lastDelivery) : 'no delivery yet');
    }
    if (f.queueFull) parts.push(plural(f.queueFull, 'answer', 'answers') + ' not delivered (queue full)');
    if (f.refused) parts.push(plural(f.refused, 'answer', 'answers') + ' refused by the endpoint');
    if (f.unreadable) parts.push(f.unreadable.toLocaleString() + ' unreadable in storage');
    if (!f.offlineCopy) parts.push('no offline copy (see the console)');
    show(parts.join(' · '), Boolean(f.queueFull || f.refused || f.unreadable || (f.pending && !f.online) || !f.offlineCopy));
  }

  // Counting reads the widget's whole queue: once per burst of events (a long queue drains in
  // batches of up to 50, one `sent` event each).
  let recount = null;
  function update() {
    if (!recount) {
      recount = new Promise((resolve) => setTimeout(resolve, 250)).then(() => {
        recount = null;
        const W = window.NpsWidget;
        let queueFull = 0, refused = 0, unreadable = 0;
        for (const d of W.deadLetters() || []) {
          if (d && d.reason === 'queue-full') queueFull++;
          else if (d && d.reason === 'unreadable') unreadable++;
          else refused++;
        }
        figures = {
          ...figures, online: navigator.onLine, pending: W.pending() || 0,
          stored: endpoint ? 0 : (W.stats() || {}).n || 0, queueFull, refused, unreadable,
          lastDelivery: readLastDelivery(),
        };
        render();
        return { ...figures };
      });
    }
    return recount;
  }

  // Delivers now, past the widget's backoff (which grows to 5 min while offline), unless the
  // endpoint answered the last attempt with 429 / 5xx: then its Retry-After stands.
  function retry() {
    if (flushing || !endpoint || !navigator.onLine || (lastFailure && lastFailure.status)) return;
    if (!(window.NpsWidget.pending() > 0)) return;
    flushing = true;
    window.NpsWidget.flush()
      .catch((e) => console.error(P + 'flush() failed', e))
      .then(() => { flushing = false; update(); });
  }

  function started() {
    const W = window.NpsWidget;
    if (!W) return failed();
    W.ready.then(() => {
      if (endpoint && !endpointAccepted(endpoint)) {
        message.textContent = 'The endpoint is not accepted (https:// only, http:// only for localhost). See the console.';
      } else {
        message.textContent = 'The survey starts in a moment.';
      }
      W.on('response', update);
      W.on('sent', () => {
        lastFailure = null;
        try {
          localStorage.setItem(LAST_DELIVERY_KEY, String(Date.now()));
        } catch (e) {
          console.error(P + 'could not save the time of the last delivery', e);
        }
        update();
      });
      W.on('error', (detail) => {
        if (detail && detail.kind === 'retry') lastFailure = { status: detail.status || null };
        update();
      });
      addEventListener('online', () => { lastFailure = null; update(); retry(); });
      addEventListener('offline', update);
      setInterval(() => { update(); retry(); }, RETRY_MS);
      update().then(retry);
    });
  }

  function failed() {
    message.textContent = 'The survey could not load: this device has no copy of it yet. Connect to the network and reload.';
    show((navigator.onLine ? '' : 'Offline · ') + 'survey not loaded', true);
  }

  // The widget, configured by data- attributes, in kiosk mode.
  const script = document.createElement('script');
  script.src = '/pkg/nps-widget.js';
  script.setAttribute('data-mode', 'kiosk');
  for (const [name, value] of Object.entries(config)) {
    if (value !== '') script.setAttribute('data-' + name, name === 'endpoint' ? endpoint : value);
  }
  script.addEventListener('load', started);
  script.addEventListener('error', failed);
  document.head.append(script);

  // The offline copy: a service worker whose scope is the page alone (not the site: a shop page
  // on the same origin keeps its own pkg/), next to it (/kiosk → /kiosk-sw.js, /www/kiosk.html →
  // /www/kiosk-sw.js). The installed app starts at the manifest's start_url (kiosk.html next to
  // the manifest, /www/kiosk.html): that page gets its worker now too, so that the app's first
  // start works with no network. And the storage is asked to be persistent: the queue of answers
  // lives in localStorage, which a browser short of space may otherwise clear.
  function register(script, scope) {
    return navigator.serviceWorker.register(script, { scope }).then(activated, (e) => {
      console.error(P + 'the service worker ' + script + ' could not be registered: no offline start', e);
      figures.offlineCopy = false;
      render();
      return false;
    });
  }
  // Whether the registration's worker is (or becomes) the active one; false if it fails to
  // install (it logs why: a file it could not fetch).
  function activated(reg) {
    const w = reg && (reg.installing || reg.waiting);
    if (!w) return Boolean(reg && reg.active);
    return new Promise((resolve) => {
      const settle = () => {
        if (w.state === 'activated') resolve(true);
        if (w.state === 'redundant') {
          console.error(P + 'the service worker ' + w.scriptURL + ' failed to install: no offline start');
          figures.offlineCopy = false;
          render();
          resolve(false);
        }
      };
      w.addEventListener('statechange', settle);
      settle();
    });
  }
  let offlineReady = Promise.resolve(false);
  if ('serviceWorker' in navigator) {
    const workers = [register(new URL('kiosk-sw.js', location.href).href, location.pathname)];
    const manifest = document.querySelector('link[rel="manifest"]');
    const start = manifest && new URL('kiosk.html', manifest.href);
    if (start && start.pathname !== location.pathname) {
      workers.push(register(new URL('kiosk-sw.js', start).href, start.pathname));
    }
    offlineReady = Promise.all(workers).then((ok) => ok.every(Boolean));
    if (navigator.storage && navigator.storage.persist) {
      navigator.storage.persist().catch(() => {});
    }
  } else {
    console.warn(P + 'no service worker here (the page is neither https nor localhost): no offline start');
  }

  window.NpsKiosk = {
    offlineReady,
    status: () => ({ ...figures }),
    update: () => (window.NpsWidget ? update() : Promise.resolve({ ...figures })),
  };
})();
