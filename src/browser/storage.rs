//! `localStorage`, falling back to memory when it is unavailable (sandboxed
//! iframes, blocked third-party storage, quota). Values are JSON written with
//! `JSON.stringify` (no serde_json in the wasm).

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::convert::Infallible;

use nps_core::queue::{QueueState, QueueStore};
use wasm_bindgen::JsValue;
use web_sys::Storage;

use super::{console, js};

/// The queue of responses not yet acknowledged (`QueueState` JSON).
pub const QUEUE_KEY: &str = "nps-widget:queue";
/// Responses recorded in this browser, for `stats()`.
pub const HISTORY_KEY: &str = "nps-widget:history";
/// Answered/dismissed times and the sample draw of this browser.
pub const VISITOR_KEY: &str = "nps-widget:visitor";
/// Suffix of the key under which an unreadable value is kept: `nps-widget:queue:corrupt`.
pub const CORRUPT_SUFFIX: &str = ":corrupt";

struct Store {
    local: Option<Storage>,
    memory: RefCell<BTreeMap<String, String>>,
    warned: Cell<bool>,
    warned_corrupt: Cell<bool>,
}

thread_local! {
    static STORE: Store = Store {
        local: web_sys::window().and_then(|w| w.local_storage().ok().flatten()),
        memory: RefCell::new(BTreeMap::new()),
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
        if let Some(v) = s.memory.borrow().get(key) {
            return Some(v.clone());
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
        if stored {
            s.memory.borrow_mut().remove(key);
        } else {
            s.fall_back();
            s.memory
                .borrow_mut()
                .insert(key.to_owned(), value.to_owned());
        }
    })
}

/// Removes a key.
pub fn remove(key: &str) {
    STORE.with(|s| {
        s.memory.borrow_mut().remove(key);
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

/// The delivery queue in localStorage. Every `load` re-reads storage, so tabs
/// sharing the origin see each other's changes (`nps_core::queue::transact`
/// loads, mutates and saves in one synchronous step).
#[derive(Clone, Debug)]
pub struct LocalQueueStore {
    key: String,
}

impl Default for LocalQueueStore {
    fn default() -> Self {
        LocalQueueStore {
            key: QUEUE_KEY.to_owned(),
        }
    }
}

impl LocalQueueStore {
    /// A queue under another key (tests).
    pub fn with_key(key: &str) -> Self {
        LocalQueueStore {
            key: key.to_owned(),
        }
    }
}

impl QueueStore for LocalQueueStore {
    type Error = Infallible;
    fn load(&self) -> Result<QueueState, Infallible> {
        Ok(load(&self.key, js::queue_from_js))
    }
    fn save(&mut self, state: &QueueState) -> Result<(), Infallible> {
        save(&self.key, &js::queue_to_js(state));
        Ok(())
    }
}
