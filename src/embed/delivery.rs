//! Delivery: flush timers, page-lifecycle flushes and the send loop over
//! `nps_core::queue`.

use super::*;

thread_local! {
    static FLUSH_TIMER: RefCell<Option<(u64, TimeoutHandle)>> = const { RefCell::new(None) };
    static FLUSHING: Cell<bool> = const { Cell::new(false) };
    static HOOKED: Cell<bool> = const { Cell::new(false) };
}

/// Flush when the browser comes back online, and with keepalive when the page
/// is hidden or unloaded. Installed once.
pub(super) fn install_page_hooks() {
    if HOOKED.with(|h| h.replace(true)) {
        return;
    }
    // Dropping a handle keeps its listener (only `remove()` detaches it).
    drop(lifecycle::on("online", |_| schedule_flush(0)));
    drop(lifecycle::on("pagehide", |_| page_hidden()));
    drop(lifecycle::on("visibilitychange", |_| {
        if lifecycle::page_hidden() {
            page_hidden();
        }
    }));
}

fn page_hidden() {
    wasm_bindgen_futures::spawn_local(async {
        flush_all(false, true).await;
    });
}

/// Arms the flush timer to fire within `ms` (keeps an earlier one).
pub(super) fn schedule_flush(ms: u64) {
    let due = crate::browser::now_ms().saturating_add(ms);
    let keep = FLUSH_TIMER.with(|t| matches!(&*t.borrow(), Some((at, _)) if *at <= due));
    if keep {
        return;
    }
    let handle = lifecycle::after(ms, || {
        FLUSH_TIMER.with(|t| t.borrow_mut().take());
        wasm_bindgen_futures::spawn_local(async {
            flush_all(false, false).await;
        });
    });
    let old =
        FLUSH_TIMER.with(|t| std::mem::replace(&mut *t.borrow_mut(), handle.map(|h| (due, h))));
    if let Some((_, h)) = old {
        h.clear();
    }
}

/// The oldest pending responses, at most `max` (1..=50), whose JSON fits in
/// one body. Same rule as `QueueState::next_batch_now`, but measured with
/// `JSON.stringify`: the core measures numbers with `f64` formatting, which
/// would add ~15 KB to the wasm. The oldest response always goes (an oversized
/// one is refused by the endpoint and becomes a dead letter, never blocks).
fn next_batch(q: &nps_core::QueueState, max: usize) -> Option<Vec<Response>> {
    let max = max.clamp(1, nps_core::MAX_RESPONSES);
    let budget = MAX_BODY_BYTES - ENVELOPE_RESERVE_BYTES;
    let mut used = 0;
    let mut count = 0;
    for r in q.pending.iter().take(max) {
        let len = js::stringify(&js::response_to_js(r)).map_or(0, |s| s.len()) + 1;
        if count > 0 && used + len > budget {
            break;
        }
        used += len;
        count += 1;
    }
    (count > 0).then(|| q.pending[..count].to_vec())
}

/// Sends batches until the queue is empty, a retry is due later, or (with
/// `force`) one attempt failed. Returns (sent, pending, dead letters).
pub(super) async fn flush_all(force: bool, keepalive: bool) -> (usize, usize, usize) {
    let mut store = LocalQueueStore::default();
    let counts = |store: &LocalQueueStore| {
        let q = store.load().unwrap_or_default();
        (q.pending(), q.dead_letters.len())
    };
    let Some(Some((endpoint, batch_size))) = with_live(|l| {
        l.opts
            .endpoint
            .clone()
            .map(|e| (e, l.opts.batch_size as usize))
    }) else {
        let (p, d) = counts(&store);
        return (0, p, d);
    };
    while FLUSHING.with(|f| f.get()) {
        if keepalive {
            let (p, d) = counts(&store);
            return (0, p, d);
        }
        lifecycle::sleep(25).await;
    }
    // Automatic flushes leave the sending to a tab that holds the lease.
    let leased = !force && !keepalive;
    if leased {
        if let Err(wait_ms) = take_lease(crate::browser::now_ms()) {
            schedule_flush(wait_ms);
            let (p, d) = counts(&store);
            return (0, p, d);
        }
    }
    FLUSHING.with(|f| f.set(true));
    let mut sent = 0;
    loop {
        let now = crate::browser::now_ms();
        if leased {
            let _ = take_lease(now);
        }
        let q = store.load().unwrap_or_default();
        let batch = if force || now >= q.next_attempt_ms {
            next_batch(&q, batch_size)
        } else {
            None
        };
        let Some(batch) = batch else {
            if q.pending() > 0 && q.next_attempt_ms > now {
                schedule_flush(q.next_attempt_ms - now);
            }
            break;
        };
        let ids: Vec<String> = batch.iter().map(|r| r.id.clone()).collect();
        let body = Batch::new(crate::browser::new_id(), rfc3339_from_unix_ms(now), batch);
        let Some(json) = js::stringify(&js::batch_to_js(&body)) else {
            break;
        };
        let reply = transport::post_json(&endpoint, &json, keepalive, transport::TIMEOUT_MS).await;
        let now = crate::browser::now_ms();
        let outcome = classify(reply.status, reply.retry_after.as_deref(), &reply.body, now);
        let next = transact(&mut store, |q| {
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
                sent += ids.len();
                emit("sent", &detail);
            }
            Outcome::Retry { .. } => {
                set(&detail, "kind", &JsValue::from_str("retry"));
                set(
                    &detail,
                    "status",
                    &reply.status.map(JsValue::from).unwrap_or(JsValue::NULL),
                );
                emit("error", &detail);
                schedule_flush(next.saturating_sub(now));
                break;
            }
            Outcome::Refused { status, reason } => {
                set(&detail, "kind", &JsValue::from_str("refused"));
                set(&detail, "status", &JsValue::from(status));
                set(&detail, "reason", &JsValue::from_str(&reason));
                emit("error", &detail);
            }
        }
    }
    FLUSHING.with(|f| f.set(false));
    if leased {
        release_lease();
    }
    let (p, d) = counts(&store);
    (sent, p, d)
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
        crate::widget::state::push_uint(&mut v, now + LEASE_MS);
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
