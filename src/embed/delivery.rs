//! Delivery over `nps_core::queue`: the shell (`shell.js`) runs the send loop
//! — `takeBatch()`, `fetch`, `batchDone()` — and the timers; every decision
//! (what to send, backoff, retry or dead letter, the send lease) is made here.

use std::cell::OnceCell;

use js_sys::Object;
use nps_core::options::{Format, Options};
use nps_core::queue::{classify, Outcome, QueueState, QueueStore, QUEUE_FULL};
use nps_core::time::rfc3339_from_unix_ms;
use nps_core::wire::Batch;
use wasm_bindgen::JsValue;

use crate::browser::host::Shell;
use crate::browser::js::{self, set};
use crate::browser::storage::{self, LocalQueueStore};

/// One POST for the shell to send: the body in the configured format (docs/contract.md §4),
/// its `Content-Type` and the extra headers (an object).
pub(super) struct Post {
    pub(super) url: String,
    pub(super) body: String,
    pub(super) content_type: String,
    pub(super) headers: JsValue,
}

/// The batch on the wire: its ids, and whether this tab holds the lease.
struct InFlight {
    ids: Vec<String>,
    leased: bool,
}

/// This tab's side of delivery: the batch on the wire and the tab's id for the send lease.
pub(super) struct Delivery {
    in_flight: Option<InFlight>,
    /// This tab's id in the send lease, made on first use.
    tab_id: OnceCell<String>,
    /// How many responses wait, as this tab knows: counted exactly whenever the queue is read
    /// whole (`init()`, a send loop's start, a full queue), raised by each answer this tab
    /// records (which appends without reading the queue) and lowered by each batch delivered
    /// or refused. Answers other tabs recorded meanwhile
    /// are counted at this tab's next read. It decides when to send a full batch now and when
    /// to read the queue for [`nps_core::queue::MAX_PENDING`], and goes into the loader's record.
    pub(super) queued: usize,
    /// The pending queue as this send loop read it, with the store that read it: the loop's
    /// batches are taken from it and their answers applied to it, so that a queue of 10 000 is
    /// read once per loop, not once per batch of 50. Answers recorded meanwhile wait for the
    /// next loop (they are newer); dropped when the loop stops.
    read: Option<(LocalQueueStore, QueueState)>,
}

impl Delivery {
    pub(super) const fn new() -> Delivery {
        Delivery {
            in_flight: None,
            tab_id: OnceCell::new(),
            queued: 0,
            read: None,
        }
    }

    fn tab_id(&self) -> &str {
        self.tab_id.get_or_init(crate::browser::new_id)
    }

    /// The next batch to POST ([`Post`]), or None: nothing pending, no endpoint, a
    /// backoff still running (unless `force`), or (automatic flushes) another tab holding the
    /// send lease — then a later flush is scheduled. `unleased`: no lease is needed (a
    /// page-hide flush, which cannot wait, or the shell holds the site's Web Lock). `first`:
    /// the first call of a send loop, which reads the pending queue afresh ([`Delivery::read`]).
    pub(super) fn take_batch(
        &mut self,
        opts: &Options,
        shell: &Shell,
        force: bool,
        unleased: bool,
        first: bool,
    ) -> Option<Post> {
        if first {
            self.read = None;
        }
        let endpoint = opts.endpoint.as_ref()?;
        let batch_size = opts.batch_size as usize;
        let now = crate::browser::now_ms();
        // While backing off, an automatic flush waits without reading the queue: answers
        // recorded meanwhile each schedule one, and a long queue must not make them slow.
        let next = LocalQueueStore::default().backoff().next_attempt_ms;
        if !force && next > now {
            shell.schedule(next - now);
            return None;
        }
        // Automatic flushes leave the sending to a tab that holds the lease.
        let leased = !force && !unleased;
        if leased {
            if let Err(wait_ms) = self.take_lease(now) {
                shell.schedule(wait_ms);
                return None;
            }
        }
        let (_, q) = self.read.get_or_insert_with(|| {
            let store = LocalQueueStore::pending_only();
            let q = store.load().unwrap_or_default();
            self.queued = q.pending();
            (store, q)
        });
        let Some(batch) = q.next_batch_now(batch_size) else {
            self.read = None;
            if leased {
                self.release_lease();
            }
            return None;
        };
        let ids = batch.iter().map(|r| r.id.clone()).collect();
        let body = match opts.format {
            Format::Nps => js::stringify(&js::batch_to_js(&Batch::new(
                crate::browser::new_id(),
                rfc3339_from_unix_ms(now),
                batch,
            )))?,
            Format::JsonArray => js::stringify(&js::responses_to_js(&batch))?,
            Format::Ndjson => {
                let mut lines = String::new();
                for r in &batch {
                    lines.push_str(&js::stringify(&js::response_to_js(r))?);
                    lines.push('\n');
                }
                lines
            }
        };
        self.in_flight = Some(InFlight { ids, leased });
        Some(Post {
            url: endpoint.to_string(),
            body,
            content_type: opts.request_content_type().to_owned(),
            headers: js::object_from(
                opts.headers
                    .iter()
                    .map(|(k, v)| (k.as_str(), JsValue::from_str(v))),
            ),
        })
    }

    /// Applies the endpoint's answer to the batch from [`Delivery::take_batch`] (`status`
    /// None: network error or timeout) and queues the `sent` or `error` event. Returns how
    /// many responses were accepted, or -1 when the loop must stop (a retry is scheduled).
    pub(super) fn batch_done(
        &mut self,
        shell: &mut Shell,
        status: Option<u16>,
        retry_after: Option<&str>,
        body: &str,
    ) -> i32 {
        let Some(InFlight { ids, leased }) = self.in_flight.take() else {
            return -1;
        };
        let now = crate::browser::now_ms();
        let outcome = classify(status, retry_after, body, now);
        let Some((store, q)) = &mut self.read else {
            return -1;
        };
        q.apply(&ids, &outcome, now, crate::browser::random());
        let _ = store.save(q);
        let next = q.next_attempt_ms;
        if !matches!(outcome, Outcome::Retry { .. }) {
            self.queued = self.queued.saturating_sub(ids.len());
        }
        let detail = ids_detail(&ids);
        match outcome {
            Outcome::Accepted => {
                shell.emit("sent", detail.into());
                ids.len() as i32
            }
            Outcome::Retry { .. } => {
                set(&detail, "kind", &JsValue::from_str("retry"));
                set(
                    &detail,
                    "status",
                    &status.map(JsValue::from).unwrap_or(JsValue::NULL),
                );
                shell.emit("error", detail.into());
                shell.schedule(next.saturating_sub(now));
                self.read = None;
                if leased {
                    self.release_lease();
                }
                -1
            }
            Outcome::Refused { status, reason } => {
                set(&detail, "kind", &JsValue::from_str("refused"));
                set(&detail, "status", &JsValue::from(status));
                set(&detail, "reason", &JsValue::from_str(&reason));
                shell.emit("error", detail.into());
                0
            }
        }
    }

    /// Takes (or renews) the send lease, unless another tab holds a live one:
    /// then `Err(ms until it expires)`. Best effort, as localStorage has no
    /// compare-and-swap: it cuts duplicate POSTs from several open tabs, and the
    /// endpoint's dedupe by `id` covers the rest (delivery is at-least-once).
    fn take_lease(&self, now: u64) -> Result<(), u64> {
        let me = self.tab_id();
        if let Some((owner, until)) = storage::get(LEASE_KEY)
            .as_deref()
            .and_then(|raw| nps_core::split_ascii(raw, b' '))
            .map(|(o, u)| (o.to_owned(), nps_core::parse_digits(u).unwrap_or(0)))
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
    }

    fn release_lease(&self) {
        let mine = storage::get(LEASE_KEY)
            .and_then(|raw| nps_core::split_ascii(&raw, b' ').map(|(o, _)| o == self.tab_id()))
            .unwrap_or(false);
        if mine {
            storage::remove(LEASE_KEY);
        }
    }
}

/// `{count, ids}`: the start of a `sent` or `error` event's detail.
fn ids_detail(ids: &[String]) -> Object {
    let detail = Object::new();
    set(&detail, "count", &JsValue::from(ids.len() as u32));
    set(&detail, "ids", &js::array(ids, |i| JsValue::from_str(i)));
    detail
}

/// The `error` event of responses a full queue moved to the dead letters:
/// `{count, ids, kind: "queue-full"}`.
pub(super) fn queue_full(ids: &[String]) -> JsValue {
    let detail = ids_detail(ids);
    set(&detail, "kind", &JsValue::from_str(QUEUE_FULL));
    detail.into()
}

/// Send lease shared by the tabs of an origin: `"<tab id> <expiry ms>"`.
const LEASE_KEY: &str = "nps-widget:lock";
/// How long a lease lasts without renewal (a tab that dies holding it).
const LEASE_MS: u64 = 15_000;

/// `{sent, pending, deadLetters}`: what `flush()` resolves to.
pub(super) fn flush_result(sent: u32) -> JsValue {
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
