//! `localStorage`, falling back to memory when it is unavailable (sandboxed
//! iframes, blocked third-party storage, quota). Values are JSON written with
//! `JSON.stringify` (no serde_json in the wasm). The calls themselves are a few lines of
//! JavaScript below.

use std::cell::{Cell, RefCell};
use std::convert::Infallible;
use std::sync::atomic::{AtomicBool, Ordering};

use js_sys::Array;
use nps_core::queue::{QueueState, QueueStore};
use nps_core::wire::Response;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};

use super::{console, js};

/// The queue of responses not yet acknowledged (`QueueState` JSON).
pub const QUEUE_KEY: &str = "nps-widget:queue";
/// Tallies of the answers recorded in this browser, per touchpoint, for `stats()`.
pub const TALLIES_KEY: &str = "nps-widget:tallies";
/// The answers themselves, as the first release kept them for `stats()`
/// (moved into the tallies whenever found: a tab still running that release
/// may write it again).
pub const HISTORY_KEY: &str = "nps-widget:history";
/// Answered/dismissed times and the sample draw of this browser.
pub const VISITOR_KEY: &str = "nps-widget:visitor";
/// What the script-tag loader reads to decide whether to load the widget at all (`save_gate` in
/// src/embed/records.rs writes it; runtime/loader.js reads it).
pub const GATE_KEY: &str = "nps-widget:gate";
/// Suffix of the key under which an unreadable value is kept: `nps-widget:queue:corrupt`.
pub const CORRUPT_SUFFIX: &str = ":corrupt";

// The storage calls as JavaScript that cannot throw: `localStorage` (absent, or throwing, in a
// sandboxed iframe, with blocked storage or a full quota) and the memory `Map` that stands in
// for it, where each call through web-sys is a fallible import whose error path the wasm
// carries; the queue's entries are listed and ordered there too (`Array.prototype.sort`, not
// a sort in the wasm). Measured: wasm 94 416 → 91 238 B raw, the embed 43 559 → 42 536 B
// brotli. What is done with what they return (the warning, setting unreadable data aside, the
// queue) is decided here.
#[wasm_bindgen(inline_js = "
let ls = null;
try { ls = localStorage; } catch (e) {}
const mem = new Map();
export function get(k) {
  if (mem.has(k)) return mem.get(k);
  try { return ls.getItem(k); } catch (e) {}
}
export function set(k, v) {
  try { ls.setItem(k, v); mem.delete(k); return true; } catch (e) { mem.set(k, v); return false; }
}
export function remove(k) {
  mem.delete(k);
  try { ls.removeItem(k); } catch (e) {}
}
export function keys(prefix) {
  const out = [...mem.keys()].filter((k) => k.startsWith(prefix));
  try {
    for (let i = 0; i < ls.length; i++) {
      const k = ls.key(i);
      if (k.startsWith(prefix) && !mem.has(k)) out.push(k);
    }
  } catch (e) {}
  return out;
}
export function setAside(prefix, suffix) {
  return keys(prefix).filter((k) => k.endsWith(suffix))
    .map((k) => ({ reason: 'unreadable', key: k.slice(0, -suffix.length), stored: get(k) }));
}
export function entries(prefix, aside) {
  const found = [];
  for (const k of keys(prefix)) {
    const raw = get(k);
    if (k.endsWith(aside) || typeof raw !== 'string') continue;
    let e;
    try { e = JSON.parse(raw); } catch (x) {}
    const seq = e !== null && typeof e === 'object' && typeof e.seq === 'number' ? e.seq : 0;
    found.push([seq, k, raw, e]);
  }
  found.sort((a, b) => a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return found;
}
")]
extern "C" {
    /// The stored text, null when there is none, undefined when `localStorage` failed.
    #[wasm_bindgen(js_name = get)]
    fn js_get(key: &str) -> JsValue;
    /// Whether it went to `localStorage` (else it is kept in memory).
    #[wasm_bindgen(js_name = set)]
    fn js_set(key: &str, value: &str) -> bool;
    /// Removes a key (from the memory fallback too).
    pub fn remove(key: &str);
    /// `{reason: "unreadable", key, stored}` for every key under `prefix` that an unreadable
    /// value was kept aside under (`<key><suffix>`).
    #[wasm_bindgen(js_name = setAside)]
    fn js_set_aside(prefix: &str, suffix: &str) -> Array;
    /// `[seq, key, stored text, parsed value or undefined]` of every entry under `prefix`
    /// (not the ones kept aside under `aside`), by `seq` then key.
    #[wasm_bindgen(js_name = entries)]
    fn js_entries(prefix: &str, aside: &str) -> Array;
}

static WARNED: AtomicBool = AtomicBool::new(false);
static WARNED_CORRUPT: AtomicBool = AtomicBool::new(false);

/// Says once that answers are kept in memory only.
fn fall_back() {
    if !WARNED.swap(true, Ordering::Relaxed) {
        console::error(
            "localStorage is not available here (sandboxed iframe or blocked storage); \
             answers are kept in memory for this page only",
        );
    }
}

/// Reads a key (memory fallback first, then localStorage).
pub fn get(key: &str) -> Option<String> {
    let v = js_get(key);
    if v.is_undefined() {
        fall_back();
    }
    v.as_string()
}

/// Writes a key; on failure keeps it in memory and says so once.
pub fn set(key: &str, value: &str) {
    if !js_set(key, value) {
        fall_back();
    }
}

/// Reads a JSON value and converts it with `from`. Missing → `T::default()`.
/// Unreadable (bad JSON, or `from` refuses it) → the raw string is kept under
/// `<key>:corrupt`, one console message, and `T::default()`.
pub fn load<T: Default>(key: &str, from: fn(&JsValue) -> Option<T>) -> T {
    let Some(raw) = get(key) else {
        return T::default();
    };
    match js::parse(&raw).and_then(|v| from(&v)) {
        Some(v) => v,
        None => {
            corrupt(key, &raw);
            T::default()
        }
    }
}

fn corrupt(key: &str, raw: &str) {
    let mut backup = String::with_capacity(key.len() + CORRUPT_SUFFIX.len());
    backup.push_str(key);
    backup.push_str(CORRUPT_SUFFIX);
    set(&backup, raw);
    remove(key);
    if !WARNED_CORRUPT.swap(true, Ordering::Relaxed) {
        let mut m = String::from("stored data under \"");
        m.push_str(key);
        m.push_str("\" was unreadable; it was kept under \"");
        m.push_str(&backup);
        m.push_str("\" and the widget started fresh");
        console::error(&m);
    }
}

/// Writes a JS value as JSON.
pub fn save(key: &str, value: &JsValue) {
    if let Some(json) = js::stringify(value) {
        set(key, &json);
    }
}

/// What was found unreadable under keys starting with `prefix` and kept aside
/// (`<key>:corrupt`), byte for byte: `[{reason: "unreadable", key, stored}]`.
pub fn set_aside(prefix: &str) -> Array {
    js_set_aside(prefix, CORRUPT_SUFFIX)
}

/// The delivery queue in localStorage, one key per entry so that tabs never
/// overwrite each other's answers (localStorage has no transactions):
/// - `<key>:q:<id>`: a pending response, written once by the tab that
///   recorded it and removed when it is acknowledged or refused;
/// - `<key>:dead:<id>`: a dead letter;
/// - `<key>`: `{attempts, next_attempt_ms}` (the backoff).
///
/// A save writes the entries that are new since this store's last `load`
/// and removes only the ones that load saw and the state no longer holds:
/// an entry another tab added meanwhile is never lost. Every `load` re-reads
/// storage, so tabs see each other's changes.
#[derive(Debug)]
pub struct LocalQueueStore {
    key: String,
    /// The entry keys seen by the last `load`.
    loaded: RefCell<Vec<String>>,
    /// Whether `load` reads the dead letters too. Sending, recording and counting need only the
    /// pending entries, and a save removes only entries its load saw: leaving the dead letters
    /// unread keeps them as they are, and keeps those paths from growing with them.
    dead: bool,
}

impl Default for LocalQueueStore {
    fn default() -> Self {
        LocalQueueStore::with_key(QUEUE_KEY)
    }
}

const PENDING: &str = ":q:";
const DEAD: &str = ":dead:";

thread_local! {
    /// Orders entries written in the same millisecond by this page.
    static SEQ: Cell<u32> = const { Cell::new(0) };
}

impl LocalQueueStore {
    /// A queue under another key (tests).
    pub fn with_key(key: &str) -> Self {
        LocalQueueStore {
            key: key.to_owned(),
            loaded: RefCell::new(Vec::new()),
            dead: true,
        }
    }

    /// The queue without its dead letters (a save keeps what its load left unread): what
    /// delivery and `record()` read.
    pub fn pending_only() -> Self {
        LocalQueueStore {
            dead: false,
            ..LocalQueueStore::default()
        }
    }

    fn entry_key(&self, kind: &str, id: &str) -> String {
        let mut k = String::with_capacity(self.key.len() + kind.len() + id.len());
        k.push_str(&self.key);
        k.push_str(kind);
        k.push_str(id);
        k
    }

    /// Entries under `<key><kind>`, oldest first: (key, value). Unreadable
    /// ones are moved aside (`<entry key>:corrupt`).
    /// The entries of `kind`, oldest first, as `(key, value, stored text)`: the text so that an
    /// entry the caller cannot read is kept aside exactly as it was stored.
    fn entries(&self, kind: &str) -> Vec<(String, JsValue, String)> {
        let mut prefix = self.key.clone();
        prefix.push_str(kind);
        let mut found = Vec::new();
        for entry in js_entries(&prefix, CORRUPT_SUFFIX).iter() {
            let entry: Array = entry.unchecked_into();
            let (Some(k), Some(raw)) = (entry.get(1).as_string(), entry.get(2).as_string()) else {
                continue;
            };
            let parsed = entry.get(3);
            if parsed.is_undefined() {
                corrupt(&k, &raw);
                continue;
            }
            found.push((k, js::get(&parsed, "v"), raw));
        }
        found
    }

    /// The retry schedule alone (`attempts`, `next_attempt_ms`; no entries), without reading
    /// the queue: what an automatic flush checks before anything else.
    pub fn backoff(&self) -> QueueState {
        load(&self.key, js::backoff_from_js)
    }

    /// Adds one pending response without reading the queue: O(1) however long it is (what
    /// `record()` does; a later `load` sees it in its place, after everything stored before).
    pub fn append(&self, r: &Response) {
        write_entry(&self.entry_key(PENDING, &r.id), &js::response_to_js(r));
    }
}

/// Writes one entry, `{seq, v}`: `seq` orders it after every entry written before.
fn write_entry(k: &str, v: &JsValue) {
    let seq = SEQ.with(|s| {
        let n = s.get().wrapping_add(1);
        s.set(n);
        n % 1024
    });
    let o = js::obj();
    js::set_num(
        &o,
        "seq",
        (crate::browser::now_ms() * 1024 + u64::from(seq)) as f64,
    );
    js::set(&o, "v", v);
    save(k, &o);
}

impl QueueStore for LocalQueueStore {
    type Error = Infallible;
    fn load(&self) -> Result<QueueState, Infallible> {
        let mut q = self.backoff();
        let mut loaded = self.loaded.borrow_mut();
        loaded.clear();
        // One key per id (`<key>:q:<id>`): nothing to dedupe, and checking each entry against
        // the ones before made this quadratic (about 2 s at 10 000 queued).
        for (k, v, raw) in self.entries(PENDING) {
            match js::response_from_js(&v) {
                Some(r) => {
                    q.pending.push(r);
                    loaded.push(k);
                }
                None => corrupt(&k, &raw),
            }
        }
        for (k, v, raw) in if self.dead {
            self.entries(DEAD)
        } else {
            Vec::new()
        } {
            match js::dead_letter_from_js(&v) {
                Some(d) => {
                    q.dead_letters.push(d);
                    loaded.push(k);
                }
                None => corrupt(&k, &raw),
            }
        }
        Ok(q)
    }

    /// Writes what is not stored yet and removes what the last `load` saw and the state no
    /// longer holds. The state keeps the order of the entries that load saw (every change a
    /// queue makes removes some and adds at the end: an answer, a dead letter), so one forward
    /// pass pairs them: linear in the queue's length, where looking each key up in the other
    /// list was quadratic (about 2 s at 10 000 queued). An entry out of that order is written
    /// again, never removed.
    fn save(&mut self, state: &QueueState) -> Result<(), Infallible> {
        let mut loaded = self.loaded.take();
        let mut at = 0;
        let mut written = Vec::new();
        let mut keep = Vec::with_capacity(state.pending.len() + state.dead_letters.len());
        let mut put = |k: String, value: &dyn Fn() -> JsValue| {
            match loaded[at..].iter().position(|l| *l == k) {
                // Paired: taken out of `loaded`, which is left with what to remove.
                Some(i) => {
                    at += i;
                    loaded[at].clear();
                    at += 1;
                }
                None => {
                    write_entry(&k, &value());
                    written.push(k.clone());
                }
            }
            keep.push(k);
        };
        for r in &state.pending {
            put(self.entry_key(PENDING, &r.id), &|| js::response_to_js(r));
        }
        for d in &state.dead_letters {
            put(self.entry_key(DEAD, &d.response.id), &|| {
                js::dead_letter_to_js(d)
            });
        }
        for k in &loaded {
            if !k.is_empty() && !written.contains(k) {
                remove(k);
            }
        }
        save(&self.key, &js::backoff_to_js(state));
        *self.loaded.borrow_mut() = keep;
        Ok(())
    }
}
