//! `localStorage`, falling back to memory when it is unavailable (sandboxed
//! iframes, blocked third-party storage, quota). Values are JSON written with
//! `JSON.stringify` (no serde_json in the wasm).

use std::cell::{Cell, RefCell};

use js_sys::{Array, Map};
use std::convert::Infallible;

use nps_core::queue::{QueueState, QueueStore};
use nps_core::wire::Response;
use wasm_bindgen::JsValue;
use web_sys::Storage;

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

struct Store {
    local: Option<Storage>,
    /// What could not be written to `localStorage` (a JS `Map`: O(1) per key however much
    /// waits there, where a list was scanned on every read and write).
    memory: Map,
    warned: Cell<bool>,
    warned_corrupt: Cell<bool>,
}

thread_local! {
    static STORE: Store = Store {
        local: web_sys::window().and_then(|w| w.local_storage().ok().flatten()),
        memory: Map::new(),
        warned: Cell::new(false),
        warned_corrupt: Cell::new(false),
    };
}

impl Store {
    fn fall_back(&self) {
        if !self.warned.replace(true) {
            console::error(
                "localStorage is not available here (sandboxed iframe or blocked storage); \
                 answers are kept in memory for this page only",
            );
        }
    }
}

/// Whether values really persist (false when the memory fallback is in use).
pub fn persistent() -> bool {
    STORE.with(|s| s.local.is_some() && !s.warned.get())
}

/// Reads a key (memory fallback first, then localStorage).
pub fn get(key: &str) -> Option<String> {
    STORE.with(|s| {
        if let Some(v) = s.memory.get(&JsValue::from_str(key)).as_string() {
            return Some(v);
        }
        match &s.local {
            Some(local) => match local.get_item(key) {
                Ok(v) => v,
                Err(_) => {
                    s.fall_back();
                    None
                }
            },
            None => {
                s.fall_back();
                None
            }
        }
    })
}

/// Writes a key; on failure keeps it in memory and says so once.
pub fn set(key: &str, value: &str) {
    STORE.with(|s| {
        let stored = match &s.local {
            Some(local) => local.set_item(key, value).is_ok(),
            None => false,
        };
        let k = JsValue::from_str(key);
        if stored {
            s.memory.delete(&k);
        } else {
            s.fall_back();
            s.memory.set(&k, &JsValue::from_str(value));
        }
    })
}

/// Removes a key.
pub fn remove(key: &str) {
    STORE.with(|s| {
        s.memory.delete(&JsValue::from_str(key));
        if let Some(local) = &s.local {
            let _ = local.remove_item(key);
        }
    })
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
    STORE.with(|s| {
        if !s.warned_corrupt.replace(true) {
            let mut m = String::from("stored data under \"");
            m.push_str(key);
            m.push_str("\" was unreadable; it was kept under \"");
            m.push_str(&backup);
            m.push_str("\" and the widget started fresh");
            console::error(&m);
        }
    });
}

/// Writes a JS value as JSON.
pub fn save(key: &str, value: &JsValue) {
    if let Some(json) = js::stringify(value) {
        set(key, &json);
    }
}

/// Every key (localStorage and the memory fallback) that starts with `prefix`.
pub fn keys(prefix: &str) -> Vec<String> {
    STORE.with(|s| {
        let mut out: Vec<String> = Array::from(&s.memory.keys())
            .iter()
            .filter_map(|k| k.as_string())
            .filter(|k| k.starts_with(prefix))
            .collect();
        // A key in memory may be in localStorage too (an older value): listed once.
        if let Some(local) = &s.local {
            let n = local.length().unwrap_or(0);
            for i in 0..n {
                if let Ok(Some(k)) = local.key(i) {
                    if k.starts_with(prefix) && !s.memory.has(&JsValue::from_str(&k)) {
                        out.push(k);
                    }
                }
            }
        }
        out
    })
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
        let mut found: Vec<(f64, String, JsValue, String)> = Vec::new();
        for k in keys(&prefix) {
            if k.ends_with(CORRUPT_SUFFIX) {
                continue;
            }
            let Some(raw) = get(&k) else { continue };
            let Some(entry) = js::parse(&raw) else {
                corrupt(&k, &raw);
                continue;
            };
            let seq = js::get(&entry, "seq").as_f64().unwrap_or(0.0);
            found.push((seq, k, js::get(&entry, "v"), raw));
        }
        heap_sort(&mut found);
        found
            .into_iter()
            .map(|(_, k, v, raw)| (k, v, raw))
            .collect()
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

/// Sorts queue entries by `(seq, key)`, oldest first, in O(n log n). Hand-written because
/// `slice::sort_unstable_by` costs the wasm 1 082 B of brotli (measured), and the insertion
/// sort this replaces was quadratic: seconds per answer with 10 000 queued.
fn heap_sort<V, R>(items: &mut [(f64, String, V, R)]) {
    let before =
        |a: &(f64, String, V, R), b: &(f64, String, V, R)| a.0 < b.0 || (a.0 == b.0 && a.1 < b.1);
    let sift = |items: &mut [(f64, String, V, R)], mut root: usize, end: usize| loop {
        let mut child = 2 * root + 1;
        if child >= end {
            return;
        }
        if child + 1 < end && before(&items[child], &items[child + 1]) {
            child += 1;
        }
        if !before(&items[root], &items[child]) {
            return;
        }
        items.swap(root, child);
        root = child;
    };
    let n = items.len();
    for start in (0..n / 2).rev() {
        sift(items, start, n);
    }
    for end in (1..n).rev() {
        items.swap(0, end);
        sift(items, 0, end);
    }
}
