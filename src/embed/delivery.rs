//! Delivery over `nps_core::queue`: the shell (`shell.js`) runs the send loop
//! — `takeBatch()`, `fetch`, `batchDone()` — and the timers; every decision
//! (what to send, backoff, retry or dead letter, the send lease) is made here.

use super::*;
use crate::browser::host;

/// The batch on the wire: its ids, and whether this tab holds the lease.
struct InFlight {
    ids: Vec<String>,
    leased: bool,
}

thread_local! {
    static IN_FLIGHT: RefCell<Option<InFlight>> = const { RefCell::new(None) };
}

/// Asks the shell to flush within `ms`.
pub(super) fn schedule_flush(ms: u64) {
    host::schedule(ms);
}

/// The next batch to POST as `[url, json]`, or undefined when there is none:
/// nothing pending, no endpoint, a backoff still running (unless `force`), or
/// (automatic flushes) another tab holding the send lease — then a later
/// flush is scheduled.
#[wasm_bindgen(js_name = takeBatch)]
pub fn take_batch(force: bool, keepalive: bool) -> JsValue {
    let Some(Some((endpoint, batch_size))) = with_live(|l| {
        l.opts
            .endpoint
            .clone()
            .map(|e| (e, l.opts.batch_size as usize))
    }) else {
        return JsValue::UNDEFINED;
    };
    let now = crate::browser::now_ms();
    // Automatic flushes leave the sending to a tab that holds the lease.
    let leased = !force && !keepalive;
    if leased {
        if let Err(wait_ms) = take_lease(now) {
            schedule_flush(wait_ms);
            return JsValue::UNDEFINED;
        }
    }
    let q = LocalQueueStore::default().load().unwrap_or_default();
    let batch = if force {
        q.next_batch_now(batch_size)
    } else {
        q.next_batch(now, batch_size)
    };
    let Some(batch) = batch else {
        if q.pending() > 0 && q.next_attempt_ms > now {
            schedule_flush(q.next_attempt_ms - now);
        }
        if leased {
            release_lease();
        }
        return JsValue::UNDEFINED;
    };
    let ids = batch.iter().map(|r| r.id.clone()).collect();
    let body = Batch::new(crate::browser::new_id(), rfc3339_from_unix_ms(now), batch);
    let Some(json) = js::stringify(&js::batch_to_js(&body)) else {
        return JsValue::UNDEFINED;
    };
    IN_FLIGHT.with(|f| *f.borrow_mut() = Some(InFlight { ids, leased }));
    Array::of2(&JsValue::from_str(&endpoint), &JsValue::from_str(&json)).into()
}

/// Applies the endpoint's answer to the batch from `takeBatch()` (`status`
/// undefined: network error or timeout). Returns how many responses were
/// accepted, or -1 when the loop must stop (a retry is scheduled).
#[wasm_bindgen(js_name = batchDone)]
pub fn batch_done(status: Option<u16>, retry_after: Option<String>, body: &str) -> i32 {
    let Some(InFlight { ids, leased }) = IN_FLIGHT.with(|f| f.borrow_mut().take()) else {
        return -1;
    };
    let now = crate::browser::now_ms();
    let outcome = classify(status, retry_after.as_deref(), body, now);
    let next = transact(&mut LocalQueueStore::default(), |q| {
        q.apply(&ids, &outcome, now, crate::browser::random());
        q.next_attempt_ms
    })
    .unwrap_or(0);
    let detail = Object::new();
    set(&detail, "count", &JsValue::from(ids.len() as u32));
    set(
        &detail,
        "ids",
        &ids.iter().map(|i| JsValue::from_str(i)).collect::<Array>(),
    );
    match outcome {
        Outcome::Accepted => {
            emit("sent", &detail);
            ids.len() as i32
        }
        Outcome::Retry { .. } => {
            set(&detail, "kind", &JsValue::from_str("retry"));
            set(
                &detail,
                "status",
                &status.map(JsValue::from).unwrap_or(JsValue::NULL),
            );
            emit("error", &detail);
            schedule_flush(next.saturating_sub(now));
            if leased {
                release_lease();
            }
            -1
        }
        Outcome::Refused { status, reason } => {
            set(&detail, "kind", &JsValue::from_str("refused"));
            set(&detail, "status", &JsValue::from(status));
            set(&detail, "reason", &JsValue::from_str(&reason));
            emit("error", &detail);
            0
        }
    }
}

/// `{sent, pending, deadLetters}`: what `flush()` resolves to.
#[wasm_bindgen(js_name = flushResult)]
pub fn flush_result(sent: u32) -> JsValue {
    let q = LocalQueueStore::default().load().unwrap_or_default();
    let o = Object::new();
    set(&o, "sent", &JsValue::from(sent));
    set(&o, "pending", &JsValue::from(q.pending() as u32));
    set(
        &o,
        "deadLetters",
        &JsValue::from(q.dead_letters.len() as u32),
    );
    o.into()
}

/// Send lease shared by the tabs of an origin: `"<tab id> <expiry ms>"`.
pub const LEASE_KEY: &str = "nps-widget:lock";
/// How long a lease lasts without renewal (a tab that dies holding it).
const LEASE_MS: u64 = 15_000;

thread_local! {
    static TAB_ID: String = crate::browser::new_id();
}

/// Takes (or renews) the send lease, unless another tab holds a live one:
/// then `Err(ms until it expires)`. Best effort, as localStorage has no
/// compare-and-swap: it cuts duplicate POSTs from several open tabs, and the
/// endpoint's dedupe by `id` covers the rest (delivery is at-least-once).
fn take_lease(now: u64) -> Result<(), u64> {
    TAB_ID.with(|me| {
        if let Some((owner, until)) = storage::get(LEASE_KEY)
            .as_deref()
            .and_then(|raw| raw.split_once(' '))
            .map(|(o, u)| (o.to_owned(), u.parse::<u64>().unwrap_or(0)))
        {
            if owner != *me && until > now {
                return Err(until - now);
            }
        }
        let mut v = String::with_capacity(me.len() + 16);
        v.push_str(me);
        v.push(' ');
        nps_core::push_u64(&mut v, now + LEASE_MS);
        storage::set(LEASE_KEY, &v);
        Ok(())
    })
}

fn release_lease() {
    TAB_ID.with(|me| {
        let mine = storage::get(LEASE_KEY)
            .and_then(|raw| raw.split_once(' ').map(|(o, _)| o == me))
            .unwrap_or(false);
        if mine {
            storage::remove(LEASE_KEY);
        }
    })
}
