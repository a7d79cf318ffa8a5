// nps-widget shell, shared by the loader (loader.js) and the ES module (index.js): the browser
// I/O that is far smaller in JavaScript than as wasm closures — timers, fetch, page events, the
// on()/off() handlers. Every decision (what to send, backoff, retry or dead letter,
// eligibility, what a key means) is made in the wasm, which calls schedule/emit/arm/disarm/keys.
// esbuild bundles it with the wasm-bindgen glue into pkg/nps_widget.js.
import { P } from './api.js';

const EVENTS = ['shown', 'response', 'sent', 'dismissed', 'error'];

export function connectShell(m, locales) {
  const listeners = [];
  let timer = 0, due = Infinity, busy = null, triggers = [];

  function schedule(ms) {
    const at = Date.now() + ms;
    if (timer && due <= at) return;
    clearTimeout(timer);
    due = at;
    timer = setTimeout(() => { timer = 0; due = Infinity; flush(false, false); }, ms);
  }

  // POST one batch, [url, body, content type, headers] from takeBatch; [status, Retry-After,
  // body], status undefined on a network error or timeout.
  // The timeout (10 s) counts ten 1 s ticks rather than one 10 s timer: a main thread busy for
  // seconds delays the ticks, and an answer that arrived meanwhile is read at the first free
  // turn instead of being aborted (then sent again) by a timer that fired late. An answer's
  // status, once it came, stands: a body cut short by the timeout cannot turn a 2xx into a retry.
  async function post([url, body, type, headers], keepalive) {
    const ctl = new AbortController();
    let left = 10, t;
    const tick = () => { t = left-- ? setTimeout(tick, 1000) : ctl.abort(); };
    tick();
    try {
      const r = await fetch(url, {
        method: 'POST', body, keepalive, signal: ctl.signal,
        headers: { ...headers, 'Content-Type': type },
      });
      return [r.status, r.headers.get('Retry-After'), await r.text().catch(() => '')];
    } catch (e) {
      return [undefined, undefined, ''];
    } finally {
      clearTimeout(t);
    }
  }

  // One send loop at a time; a page-hide flush does not wait for a running one.
  async function flush(force, keepalive) {
    while (busy) {
      if (keepalive) return;
      await busy;
    }
    let done, sent = 0;
    busy = new Promise((r) => { done = r; });
    const loop = async (locked) => {
      for (let b, i = 0; (b = m.takeBatch(force, keepalive, locked, !i++));) {
        const n = m.batchDone(...(await post(b, keepalive)));
        if (n < 0) break;
        sent += n;
      }
    };
    try {
      // One tab of the site sends at a time: the Web Lock is released when its tab closes or
      // crashes. An automatic flush finding it taken tries again later (the tab holding it
      // sends the shared queue meanwhile); flush() waits for it; a page-hide flush cannot wait.
      // Without Web Locks, the widget's lease in localStorage decides (locked = false).
      const locks = navigator.locks;
      if (locks && !keepalive) {
        await locks.request('nps-widget:flush', { ifAvailable: !force }, (lock) => (lock ? loop(true) : schedule(5000)));
      } else await loop(false);
    } finally {
      busy = null;
      done();
    }
    // Counting reads the whole queue, dead letters included: only for flush()'s caller.
    return force && m.flushResult(sent);
  }

  function emit(event, detail) {
    for (const [e, f] of listeners.slice()) {
      if (e === event) {
        try { f(detail); } catch (err) { console.error(P + 'an event handler threw', err); }
      }
    }
  }

  function listen(target, event, f) {
    target.addEventListener(event, f, { passive: true });
    triggers.push(() => target.removeEventListener(event, f));
  }
  function disarm() { triggers.forEach((off) => off()); triggers = []; }
  function fire() { disarm(); setTimeout(() => m.show()); }
  function arm(delay, scroll, exit) {
    disarm();
    if (scroll > 0) {
      listen(window, 'scroll', () => {
        const root = document.documentElement;
        if (scrollY + innerHeight >= root.scrollHeight * scroll / 100) fire();
      });
    }
    if (exit) listen(document, 'mouseout', (e) => { if (!e.relatedTarget && e.clientY <= 0) fire(); });
    if (!triggers.length) {
      const t = setTimeout(fire, delay);
      triggers.push(() => clearTimeout(t));
    }
  }

  // While a popup/modal is open (el: its host element; null once closed), a key pressed when
  // nothing on the page has focus is passed on to the prompt, as if pressed inside it: the wasm
  // decides what it means (Escape closes it). With focus inside, the prompt's own handler has
  // seen it (defaultPrevented once acted on). Focus on the host page is left alone.
  let fwd = null;
  // A modal makes the rest of the page inert (no focus, no clicks, hidden from assistive
  // technology) and, once closed, gives the focus back where it was.
  let inerted = [], back = null;
  // A kiosk (reset >= 0) starts over for the next customer `reset` ms after the last touch, key
  // or input in its prompt: the wasm's kioskReset() records a score left unsent.
  let idle = 0;
  function keys(el, modal, reset) {
    clearTimeout(idle);
    if (el && reset >= 0) {
      for (const t of ['pointerdown', 'keydown', 'input']) {
        el.addEventListener(t, () => { clearTimeout(idle); idle = setTimeout(m.kioskReset, reset); });
      }
    }
    if (fwd) document.removeEventListener('keydown', fwd);
    fwd = el && ((e) => {
      const a = document.activeElement;
      const box = el.shadowRoot && el.shadowRoot.querySelector('.box');
      if (!e.defaultPrevented && box && (!a || a === document.body || a === el)) {
        box.dispatchEvent(new KeyboardEvent('keydown', { key: e.key, bubbles: true }));
      }
    });
    if (fwd) document.addEventListener('keydown', fwd);
    if (modal) {
      back = document.activeElement;
      for (const c of document.body.children) if (c !== el && !c.inert) { c.inert = true; inerted.push(c); }
    } else if (!el) {
      inerted.forEach((c) => { c.inert = false; });
      inerted = [];
      if (back && back.focus) back.focus();
      back = null;
    }
  }

  // The prompt's text in the visitor's language (English is built in): fetched once, when needed.
  function catalog(tag) {
    fetch(locales + tag + '.json')
      .then((r) => (r.ok ? r.text() : Promise.reject(new Error('HTTP ' + r.status))))
      .then((text) => m.catalogLoaded(tag, text), (e) => m.catalogLoaded(tag, undefined, String(e && e.message || e)));
  }

  m.connect({ schedule, emit, arm, disarm, keys, catalog });
  addEventListener('online', () => schedule(0));
  // A score chosen on a prompt still open is an answer: recorded (durably) before the page goes.
  addEventListener('pagehide', () => { m.hide(); flush(false, true); });
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') flush(false, true);
  });

  return {
    flush: () => flush(true, false),
    // Recording is synchronous (localStorage); a TypeError comes back as a value.
    record(input) {
      const r = m.record(input);
      if (r instanceof Error) throw r;
      return Promise.resolve(r);
    },
    on(event, f) {
      if (!EVENTS.includes(event)) {
        console.error(P + 'on(): unknown event "' + event + '"; expected one of ' + EVENTS);
      } else if (typeof f !== 'function') {
        console.error(P + 'on(event, handler): handler must be a function');
      } else listeners.push([event, f]);
    },
    off(event, f) {
      for (let i = listeners.length; i--;) {
        if (listeners[i][0] === event && listeners[i][1] === f) listeners.splice(i, 1);
      }
    },
  };
}
