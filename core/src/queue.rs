//! The durable delivery queue: a plain state machine, with storage behind a trait.
//!
//! A [`QueueState`] holds the responses not yet acknowledged (`pending`, oldest first), the
//! ones the endpoint permanently refused (`dead_letters`) and the retry schedule. The caller
//! drives it:
//!
//! 1. [`QueueState::enqueue`] a response when it is given;
//! 2. [`QueueState::next_batch`] picks what to send (or `None` while backing off);
//! 3. after the POST, [`classify`] the HTTP answer into an [`Outcome`] and
//!    [`QueueState::apply`] it with the ids that were sent.
//!
//! Every transition keeps the invariant the tests check: an id enqueued is, at every moment,
//! in exactly one of pending, dead letters or acknowledged — never lost, never duplicated.
//! [`transact`] wraps load → change → save around a [`QueueStore`] (localStorage in the
//! browser, [`MemoryStore`] in tests and as fallback).

use crate::time::rfc3339_from_unix_ms;
use crate::wire::{Response, ENVELOPE_RESERVE_BYTES, MAX_BODY_BYTES, MAX_RESPONSES};
use serde::{Deserialize, Serialize};

/// First retry delay.
pub const BACKOFF_BASE_MS: u64 = 1_000;
/// Longest retry delay from backoff.
pub const BACKOFF_MAX_MS: u64 = 300_000;
/// Longest wait a `Retry-After` header can impose (one day).
pub const RETRY_AFTER_MAX_MS: u64 = 86_400_000;
/// Longest refusal reason kept, in chars.
pub const MAX_REASON_CHARS: usize = 500;

/// Most responses a queue keeps pending. Beyond it the oldest [`SHED_AT_ONCE`] move to the dead
/// letters ([`QueueState::make_room`], reason [`QUEUE_FULL`]), so that an endpoint down for
/// months cannot fill the browser's storage (10 000 responses are about 4 MB of the usual 5 MB
/// per origin) and no answer disappears unseen.
pub const MAX_PENDING: usize = 10_000;

/// How many of the oldest responses a full queue moves to the dead letters at once. Recording
/// an answer appends it without reading the queue; only a queue past [`MAX_PENDING`] is read
/// whole, and moving 500 at once makes that one pass per 500 answers, so that recording stays
/// O(1) (amortized) however long the endpoint is away.
pub const SHED_AT_ONCE: usize = 500;

/// The reason of a dead letter moved out by [`QueueState::shed`] (its status is 0).
pub const QUEUE_FULL: &str = "queue-full";

/// The persisted queue.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct QueueState {
    /// Responses not yet acknowledged, oldest first.
    pub pending: Vec<Response>,
    /// Responses the endpoint permanently refused.
    pub dead_letters: Vec<DeadLetter>,
    /// Failed attempts since the last success or refusal.
    pub attempts: u32,
    /// No automatic send before this time (Unix ms).
    pub next_attempt_ms: u64,
}

/// A response the endpoint refused for good, kept with the answer it gave.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DeadLetter {
    /// The refused response.
    pub response: Response,
    /// HTTP status of the refusal.
    pub status: u16,
    /// Response body (truncated), or `HTTP <status>` when empty.
    pub reason: String,
    /// RFC 3339 time of the refusal.
    pub failed_at: String,
}

/// What an endpoint's answer means for the batch sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// 2xx: the whole batch is stored.
    Accepted,
    /// 408, 425, 429, 5xx, network error or timeout: try again later.
    Retry {
        /// Wait asked for by `Retry-After`, in ms.
        retry_after_ms: Option<u64>,
    },
    /// Any other 4xx: never send these responses again.
    Refused {
        /// HTTP status.
        status: u16,
        /// Why, from the response body (at most 500 chars).
        reason: String,
    },
}

/// Classifies an HTTP answer (docs/contract.md §4).
///
/// `status` is `None` for a network error or timeout. 2xx → [`Outcome::Accepted`]; 408, 425,
/// 429, 5xx and `None` → [`Outcome::Retry`] honouring `Retry-After` (delta-seconds or an
/// HTTP-date, capped at one day); any other 4xx → [`Outcome::Refused`] with the trimmed body
/// (at most 500 chars) as reason. Other statuses (1xx, 3xx) are retried: nothing is dropped
/// unless the endpoint clearly refuses it.
///
/// # Example
///
/// ```
/// use nps_core::{classify, Outcome};
/// assert_eq!(classify(Some(204), None, "", 0), Outcome::Accepted);
/// assert_eq!(
///     classify(Some(429), Some("30"), "", 0),
///     Outcome::Retry { retry_after_ms: Some(30_000) }
/// );
/// assert_eq!(
///     classify(Some(400), None, " bad score ", 0),
///     Outcome::Refused { status: 400, reason: "bad score".into() }
/// );
/// ```
pub fn classify(
    status: Option<u16>,
    retry_after: Option<&str>,
    body: &str,
    now_ms: u64,
) -> Outcome {
    let retry = || Outcome::Retry {
        retry_after_ms: retry_after.and_then(|h| parse_retry_after(h, now_ms)),
    };
    match status {
        Some(200..=299) => Outcome::Accepted,
        Some(408 | 425 | 429) | None => retry(),
        Some(s @ 400..=499) => Outcome::Refused {
            status: s,
            reason: refusal_reason(s, body),
        },
        Some(_) => retry(),
    }
}

fn refusal_reason(status: u16, body: &str) -> String {
    let body = body.trim();
    if body.is_empty() {
        let mut s = String::from("HTTP ");
        crate::push_u64(&mut s, u64::from(status));
        return s;
    }
    crate::char_prefix(body, MAX_REASON_CHARS).to_owned()
}

/// Parses a `Retry-After` value: delta-seconds or an IMF-fixdate
/// (`Sun, 06 Nov 1994 08:49:37 GMT`), as ms from `now_ms`, capped at one day. A date in the
/// past means 0.
///
/// # Errors
///
/// `None` when the value is neither form.
///
/// # Example
///
/// ```
/// use nps_core::queue::parse_retry_after;
/// assert_eq!(parse_retry_after("120", 0), Some(120_000));
/// let now = 1_795_341_600_000; // 2026-11-22T10:00:00Z
/// assert_eq!(parse_retry_after("Sun, 22 Nov 2026 10:00:05 GMT", now), Some(5_000));
/// assert_eq!(parse_retry_after("soon", now), None);
/// ```
pub fn parse_retry_after(value: &str, now_ms: u64) -> Option<u64> {
    let v = value.trim();
    let ms = if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) {
        // Saturate absurdly long numbers instead of rejecting them.
        let secs = crate::parse_digits(v).unwrap_or(u64::MAX);
        secs.saturating_mul(1000)
    } else {
        http_date_ms(v)?.saturating_sub(now_ms)
    };
    Some(ms.min(RETRY_AFTER_MAX_MS))
}

/// Unix ms of an IMF-fixdate such as `Sun, 06 Nov 1994 08:49:37 GMT`.
fn http_date_ms(v: &str) -> Option<u64> {
    let b = v.as_bytes();
    if b.len() != 29 || &b[3..5] != b", " || &b[25..] != b" GMT" {
        return None;
    }
    const DAYS: [&[u8]; 7] = [b"Mon", b"Tue", b"Wed", b"Thu", b"Fri", b"Sat", b"Sun"];
    const MONTHS: [&[u8]; 12] = [
        b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov",
        b"Dec",
    ];
    if !DAYS.contains(&&b[..3]) {
        return None;
    }
    let num = |range: core::ops::Range<usize>| -> Option<u32> {
        let s = b.get(range)?;
        let mut n = 0u32;
        for &d in s {
            if !d.is_ascii_digit() {
                return None;
            }
            n = n * 10 + u32::from(d - b'0');
        }
        Some(n)
    };
    let day = num(5..7)?;
    let month = MONTHS.iter().position(|m| *m == &b[8..11])? as u32 + 1;
    let year = num(12..16)?;
    let (hour, minute, second) = (num(17..19)?, num(20..22)?, num(23..25)?);
    if b[7] != b' ' || b[11] != b' ' || b[16] != b' ' || b[19] != b':' || b[22] != b':' {
        return None;
    }
    if year < 1970
        || day == 0
        || day > crate::time::days_in_month(i64::from(year), month)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    Some(crate::time::unix_ms_from_parts(
        year,
        month,
        day,
        hour,
        minute,
        second.min(59),
    ))
}

/// Retry delay after `attempts` failures, with *full jitter*: a ceiling of 1 s doubling per
/// attempt (`attempts` 0 and 1 both give 1 s), capped at 5 min, times `jitter`, a uniform draw
/// in 0..1 (clamped to 0..=1; NaN counts as 0). Clients that failed together spread over the
/// whole window instead of retrying in step (AWS Architecture Blog, "Exponential Backoff And
/// Jitter", 2015).
///
/// # Example
///
/// ```
/// use nps_core::backoff_ms;
/// assert_eq!(backoff_ms(1, 1.0), 1_000);
/// assert_eq!(backoff_ms(3, 1.0), 4_000);
/// assert_eq!(backoff_ms(3, 0.25), 1_000);
/// assert_eq!(backoff_ms(3, 0.0), 0);
/// assert_eq!(backoff_ms(30, 1.0), 300_000);
/// ```
pub fn backoff_ms(attempts: u32, jitter: f64) -> u64 {
    let shift = attempts.saturating_sub(1).min(20);
    let base = (BACKOFF_BASE_MS << shift).min(BACKOFF_MAX_MS);
    let j = if jitter.is_nan() {
        0.0
    } else {
        jitter.clamp(0.0, 1.0)
    };
    (base as f64 * j).round() as u64
}

impl QueueState {
    /// Adds a response at the end of the queue.
    ///
    /// Returns `false` and changes nothing when a response with the same id is already
    /// pending or dead-lettered (a response keeps its id through every retry).
    ///
    /// # Example
    ///
    /// ```
    /// # let r = nps_core::Response { id: "a".into(), score: 9, comment: None,
    /// #     touchpoint: "t".into(), locale: String::new(),
    /// #     answered_at: "2026-11-22T09:59:41Z".into(), page: String::new(),
    /// #     properties: Default::default() };
    /// let mut q = nps_core::QueueState::default();
    /// assert!(q.enqueue(r.clone()));
    /// assert!(!q.enqueue(r));
    /// assert_eq!(q.pending(), 1);
    /// ```
    pub fn enqueue(&mut self, r: Response) -> bool {
        let known = self.pending.iter().any(|p| p.id == r.id)
            || self.dead_letters.iter().any(|d| d.response.id == r.id);
        if known {
            return false;
        }
        self.pending.push(r);
        true
    }

    /// The next responses to send: `None` when nothing is pending or while backing off
    /// (`now_ms < next_attempt_ms`).
    ///
    /// See [`QueueState::next_batch_now`] for which responses are picked.
    ///
    /// # Example
    ///
    /// ```
    /// # let r = nps_core::Response { id: "a".into(), score: 9, comment: None,
    /// #     touchpoint: "t".into(), locale: String::new(),
    /// #     answered_at: "2026-11-22T09:59:41Z".into(), page: String::new(),
    /// #     properties: Default::default() };
    /// let mut q = nps_core::QueueState::default();
    /// assert_eq!(q.next_batch(0, 20), None);
    /// q.enqueue(r);
    /// q.next_attempt_ms = 5_000;
    /// assert_eq!(q.next_batch(4_999, 20), None);
    /// assert_eq!(q.next_batch(5_000, 20).map(|b| b.len()), Some(1));
    /// ```
    pub fn next_batch(&self, now_ms: u64, max: usize) -> Option<Vec<Response>> {
        if now_ms < self.next_attempt_ms {
            return None;
        }
        self.next_batch_now(max)
    }

    /// The next responses to send, ignoring backoff (an explicit `flush()`).
    ///
    /// Oldest first, at most `max` (clamped to 1..=50) and as many as fit in
    /// `MAX_BODY_BYTES` together with the batch envelope. The oldest response is always
    /// included, even if oversized, so an oversized response cannot block the queue: the
    /// endpoint refuses it (413) and it moves to the dead letters. `None` when empty.
    ///
    /// # Example
    ///
    /// ```
    /// # let r = |id: &str| nps_core::Response { id: id.into(), score: 9, comment: None,
    /// #     touchpoint: "t".into(), locale: String::new(),
    /// #     answered_at: "2026-11-22T09:59:41Z".into(), page: String::new(),
    /// #     properties: Default::default() };
    /// let mut q = nps_core::QueueState::default();
    /// for id in ["a", "b", "c"] { q.enqueue(r(id)); }
    /// let batch = q.next_batch_now(2).unwrap();
    /// assert_eq!(batch.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(), ["a", "b"]);
    /// ```
    pub fn next_batch_now(&self, max: usize) -> Option<Vec<Response>> {
        let max = max.clamp(1, MAX_RESPONSES);
        let budget = MAX_BODY_BYTES - ENVELOPE_RESERVE_BYTES;
        let mut used = 0usize;
        let mut count = 0usize;
        for r in self.pending.iter().take(max) {
            let len = r.json_len() + usize::from(count > 0); // comma between responses
            if count > 0 && used + len > budget {
                break;
            }
            used += len;
            count += 1;
        }
        (count > 0).then(|| self.pending[..count].to_vec())
    }

    /// Applies the endpoint's answer to a batch of `sent_ids`.
    ///
    /// - [`Outcome::Accepted`]: removes those ids; `attempts = 0`, `next_attempt_ms = 0`.
    /// - [`Outcome::Retry`]: keeps them; `attempts += 1`,
    ///   `next_attempt_ms = now + max(retry_after, backoff_ms(attempts, jitter))`.
    /// - [`Outcome::Refused`]: moves them to the dead letters with status, reason and the time;
    ///   `attempts = 0`, `next_attempt_ms = 0` (the rest of the queue may go).
    ///
    /// Ids no longer pending (acknowledged by another tab meanwhile) are ignored.
    ///
    /// # Example
    ///
    /// ```
    /// use nps_core::{Outcome, QueueState};
    /// # let r = |id: &str| nps_core::Response { id: id.into(), score: 9, comment: None,
    /// #     touchpoint: "t".into(), locale: String::new(),
    /// #     answered_at: "2026-11-22T09:59:41Z".into(), page: String::new(),
    /// #     properties: Default::default() };
    /// let mut q = QueueState::default();
    /// q.enqueue(r("a"));
    /// let ids = vec!["a".to_string()];
    /// q.apply(&ids, &Outcome::Retry { retry_after_ms: None }, 10_000, 1.0);
    /// assert_eq!((q.attempts, q.next_attempt_ms), (1, 11_000));
    /// q.apply(&ids, &Outcome::Accepted, 11_000, 1.0);
    /// assert_eq!((q.pending(), q.attempts, q.next_attempt_ms), (0, 0, 0));
    /// ```
    pub fn apply(&mut self, sent_ids: &[String], outcome: &Outcome, now_ms: u64, jitter: f64) {
        let sent = |r: &Response| sent_ids.contains(&r.id);
        match outcome {
            Outcome::Accepted => {
                self.pending.retain(|r| !sent(r));
                self.attempts = 0;
                self.next_attempt_ms = 0;
            }
            Outcome::Retry { retry_after_ms } => {
                self.attempts = self.attempts.saturating_add(1);
                let wait = backoff_ms(self.attempts, jitter).max(retry_after_ms.unwrap_or(0));
                self.next_attempt_ms = now_ms.saturating_add(wait);
            }
            Outcome::Refused { status, reason } => {
                let failed_at = rfc3339_from_unix_ms(now_ms);
                let (refused, kept): (Vec<Response>, Vec<Response>) =
                    core::mem::take(&mut self.pending)
                        .into_iter()
                        .partition(sent);
                self.pending = kept;
                self.dead_letters
                    .extend(refused.into_iter().map(|response| DeadLetter {
                        response,
                        status: *status,
                        reason: reason.clone(),
                        failed_at: failed_at.clone(),
                    }));
                self.attempts = 0;
                self.next_attempt_ms = 0;
            }
        }
    }

    /// Moves the oldest pending responses beyond `max` ([`MAX_PENDING`] in the widget) to the
    /// dead letters, with status 0 and reason [`QUEUE_FULL`], failed at `now_ms`; returns their
    /// ids (empty when nothing moved).
    ///
    /// # Example
    ///
    /// ```
    /// # let r = |id: &str| nps_core::Response { id: id.into(), score: 9, comment: None,
    /// #     touchpoint: "t".into(), locale: String::new(),
    /// #     answered_at: "2026-11-22T09:59:41Z".into(), page: String::new(),
    /// #     properties: Default::default() };
    /// let mut q = nps_core::QueueState::default();
    /// for id in ["a", "b", "c"] { q.enqueue(r(id)); }
    /// assert_eq!(q.shed(2, 0), ["a"]);
    /// assert_eq!(q.pending(), 2);
    /// assert_eq!(q.dead_letters[0].reason, "queue-full");
    /// assert!(q.shed(2, 0).is_empty());
    /// ```
    pub fn shed(&mut self, max: usize, now_ms: u64) -> Vec<String> {
        // `remove(0)` moves the rest of the queue for each response moved out: with 10 000
        // queued, some 50 ms once per SHED_AT_ONCE answers. `drain`, `split_off` or popping a
        // reversed queue would make it one pass, and cost the wasm 95–252 B of brotli (measured).
        let mut ids = Vec::new();
        while self.pending.len() > max {
            let response = self.pending.remove(0);
            ids.push(response.id.clone());
            self.dead_letters.push(DeadLetter {
                response,
                status: 0,
                reason: QUEUE_FULL.to_owned(),
                failed_at: rfc3339_from_unix_ms(now_ms),
            });
        }
        ids
    }

    /// A queue past [`MAX_PENDING`] moves its oldest to the dead letters until
    /// [`SHED_AT_ONCE`] places are free ([`QueueState::shed`]); returns their ids (empty when
    /// the queue was not past the bound).
    ///
    /// # Example
    ///
    /// ```
    /// use nps_core::queue::{MAX_PENDING, SHED_AT_ONCE};
    /// # let r = |id: usize| nps_core::Response { id: id.to_string(), score: 9, comment: None,
    /// #     touchpoint: "t".into(), locale: String::new(),
    /// #     answered_at: "2026-11-22T09:59:41Z".into(), page: String::new(),
    /// #     properties: Default::default() };
    /// let mut q = nps_core::QueueState::default();
    /// for i in 0..MAX_PENDING { q.enqueue(r(i)); }
    /// assert!(q.make_room(0).is_empty());
    /// q.enqueue(r(MAX_PENDING));
    /// let moved = q.make_room(0);
    /// assert_eq!(moved.len(), SHED_AT_ONCE + 1);
    /// assert_eq!(moved[0], "0");
    /// assert_eq!(q.pending(), MAX_PENDING - SHED_AT_ONCE);
    /// ```
    pub fn make_room(&mut self, now_ms: u64) -> Vec<String> {
        if self.pending.len() > MAX_PENDING {
            self.shed(MAX_PENDING - SHED_AT_ONCE, now_ms)
        } else {
            Vec::new()
        }
    }

    /// Number of responses not yet acknowledged.
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(nps_core::QueueState::default().pending(), 0);
    /// ```
    pub fn pending(&self) -> usize {
        self.pending.len()
    }
}

/// Persistence of a [`QueueState`] (localStorage in the browser, memory in tests).
pub trait QueueStore {
    /// Why loading or saving failed.
    type Error;
    /// Reads the stored state (the default state when nothing is stored).
    ///
    /// # Errors
    ///
    /// When the storage cannot be read.
    fn load(&self) -> Result<QueueState, Self::Error>;
    /// Replaces the stored state.
    ///
    /// # Errors
    ///
    /// When the storage cannot be written (full, blocked).
    fn save(&mut self, state: &QueueState) -> Result<(), Self::Error>;
}

/// A [`QueueStore`] in memory: for tests, and the fallback when browser storage is blocked.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MemoryStore {
    /// The stored state.
    pub state: QueueState,
}

impl QueueStore for MemoryStore {
    type Error = core::convert::Infallible;

    fn load(&self) -> Result<QueueState, Self::Error> {
        Ok(self.state.clone())
    }

    fn save(&mut self, state: &QueueState) -> Result<(), Self::Error> {
        self.state.clone_from(state);
        Ok(())
    }
}

/// Loads the state, applies `f`, saves it and returns `f`'s result. Reloading before every
/// change keeps several tabs sharing one storage from overwriting each other's updates.
///
/// # Errors
///
/// The store's error when loading or saving fails; when loading fails, `f` is not called.
///
/// # Example
///
/// ```
/// use nps_core::{transact, MemoryStore};
/// # let r = nps_core::Response { id: "a".into(), score: 9, comment: None,
/// #     touchpoint: "t".into(), locale: String::new(),
/// #     answered_at: "2026-11-22T09:59:41Z".into(), page: String::new(),
/// #     properties: Default::default() };
/// let mut store = MemoryStore::default();
/// let added = transact(&mut store, |q| q.enqueue(r)).unwrap();
/// assert!(added);
/// assert_eq!(store.state.pending(), 1);
/// ```
pub fn transact<S: QueueStore, R>(
    store: &mut S,
    f: impl FnOnce(&mut QueueState) -> R,
) -> Result<R, S::Error> {
    let mut state = store.load()?;
    let out = f(&mut state);
    store.save(&state)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::Properties;

    fn r(id: &str) -> Response {
        Response {
            id: id.to_owned(),
            score: 9,
            comment: None,
            touchpoint: "checkout".to_owned(),
            locale: "en".to_owned(),
            answered_at: "2026-11-22T09:59:41Z".to_owned(),
            page: String::new(),
            properties: Properties::new(),
        }
    }

    fn ids(rs: &[Response]) -> Vec<&str> {
        rs.iter().map(|r| r.id.as_str()).collect()
    }

    #[test]
    fn classify_statuses() {
        for s in [200, 201, 202, 204, 299] {
            assert_eq!(classify(Some(s), None, "", 0), Outcome::Accepted, "{s}");
        }
        for s in [408, 425, 429, 500, 502, 503, 599, 100, 301, 304, 600] {
            assert_eq!(
                classify(Some(s), None, "", 0),
                Outcome::Retry {
                    retry_after_ms: None
                },
                "{s}"
            );
        }
        assert_eq!(
            classify(None, Some("7"), "", 0),
            Outcome::Retry {
                retry_after_ms: Some(7_000)
            }
        );
        for s in [400, 401, 403, 404, 409, 413, 422, 499] {
            assert_eq!(
                classify(Some(s), Some("10"), "", 0),
                Outcome::Refused {
                    status: s,
                    reason: format!("HTTP {s}")
                },
                "{s}"
            );
        }
    }

    #[test]
    fn refusal_reason_is_truncated_to_500_chars() {
        let body = "ж".repeat(600);
        match classify(Some(400), None, &body, 0) {
            Outcome::Refused { reason, .. } => assert_eq!(reason, "ж".repeat(500)),
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn retry_after_forms() {
        let now = 1_795_341_600_000; // 2026-11-22T10:00:00Z
        assert_eq!(parse_retry_after("0", now), Some(0));
        assert_eq!(parse_retry_after(" 3 ", now), Some(3_000));
        assert_eq!(
            parse_retry_after("99999999999999999999999", now),
            Some(RETRY_AFTER_MAX_MS)
        );
        assert_eq!(
            parse_retry_after("Sun, 22 Nov 2026 10:01:00 GMT", now),
            Some(60_000)
        );
        assert_eq!(
            parse_retry_after("Sat, 21 Nov 2026 10:00:00 GMT", now),
            Some(0)
        );
        for bad in [
            "",
            "-1",
            "1.5",
            "soon",
            "Sun, 22 Nov 2026 10:01:00 UTC",
            "Sun, 31 Nov 2026 10:01:00 GMT",
            "Xyz, 22 Nov 2026 10:01:00 GMT",
            "Sun, 22 Foo 2026 10:01:00 GMT",
            "Sunday, 22-Nov-26 10:01:00 GMT",
        ] {
            assert_eq!(parse_retry_after(bad, now), None, "{bad:?}");
        }
    }

    #[test]
    fn backoff_doubles_and_caps() {
        let got: Vec<u64> = (0..12).map(|a| backoff_ms(a, 1.0)).collect();
        assert_eq!(
            got,
            [
                1_000, 1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 64_000, 128_000, 256_000,
                300_000, 300_000
            ]
        );
        assert_eq!(backoff_ms(u32::MAX, 1.0), 300_000);
        assert_eq!(backoff_ms(2, 0.0), 0);
        assert_eq!(backoff_ms(2, 0.5), 1_000);
        assert_eq!(backoff_ms(2, 7.0), 2_000);
        assert_eq!(backoff_ms(2, f64::NAN), 0);
        // Full jitter: the draws cover the whole window, not only its upper half.
        let window: Vec<u64> = (0..=10)
            .map(|i| backoff_ms(4, f64::from(i) / 10.0))
            .collect();
        assert_eq!(
            window,
            [0, 800, 1_600, 2_400, 3_200, 4_000, 4_800, 5_600, 6_400, 7_200, 8_000]
        );
    }

    #[test]
    fn retry_honours_retry_after_when_longer() {
        let mut q = QueueState::default();
        q.enqueue(r("a"));
        let sent = vec!["a".to_owned()];
        q.apply(
            &sent,
            &Outcome::Retry {
                retry_after_ms: Some(30_000),
            },
            1_000,
            1.0,
        );
        assert_eq!(q.next_attempt_ms, 31_000);
        q.apply(
            &sent,
            &Outcome::Retry {
                retry_after_ms: Some(10),
            },
            1_000,
            1.0,
        );
        assert_eq!((q.attempts, q.next_attempt_ms), (2, 3_000));
        assert_eq!(q.pending(), 1);
    }

    #[test]
    fn refused_moves_to_dead_letters() {
        let mut q = QueueState::default();
        for id in ["a", "b", "c"] {
            assert!(q.enqueue(r(id)));
        }
        q.attempts = 3;
        q.next_attempt_ms = 99;
        let refusal = Outcome::Refused {
            status: 422,
            reason: "bad".into(),
        };
        q.apply(
            &["a".to_owned(), "c".to_owned()],
            &refusal,
            1_795_341_600_000,
            0.5,
        );
        assert_eq!(ids(&q.pending), ["b"]);
        assert_eq!(q.dead_letters.len(), 2);
        assert_eq!(q.dead_letters[0].response.id, "a");
        assert_eq!(q.dead_letters[1].response.id, "c");
        assert_eq!(q.dead_letters[0].status, 422);
        assert_eq!(q.dead_letters[0].reason, "bad");
        assert_eq!(q.dead_letters[0].failed_at, "2026-11-22T10:00:00Z");
        assert_eq!((q.attempts, q.next_attempt_ms), (0, 0));
        // A dead-lettered id is not queued again.
        assert!(!q.enqueue(r("a")));
    }

    #[test]
    fn accepted_ignores_unknown_ids() {
        let mut q = QueueState::default();
        q.enqueue(r("a"));
        q.apply(&["zzz".to_owned()], &Outcome::Accepted, 0, 0.0);
        assert_eq!(q.pending(), 1);
    }

    #[test]
    fn batches_respect_count_and_size() {
        let mut q = QueueState::default();
        for i in 0..60 {
            q.enqueue(r(&format!("id{i}")));
        }
        assert_eq!(q.next_batch_now(0).map(|b| b.len()), Some(1));
        assert_eq!(q.next_batch_now(20).map(|b| b.len()), Some(20));
        assert_eq!(q.next_batch_now(1000).map(|b| b.len()), Some(50));
        // Big responses: only as many as fit in one body.
        let mut q = QueueState::default();
        for i in 0..10 {
            let mut big = r(&format!("big{i}"));
            big.comment = Some("x".repeat(20_000));
            q.enqueue(big);
        }
        let batch = q.next_batch_now(50).unwrap_or_default();
        assert_eq!(batch.len(), 3);
        let body = crate::wire::Batch::new(
            "0193a5c4-0000-7000-8000-000000000000".into(),
            "2026-11-22T10:00:00Z".into(),
            batch,
        );
        let len = serde_json::to_string(&body)
            .map(|s| s.len())
            .unwrap_or(usize::MAX);
        assert!(len <= MAX_BODY_BYTES, "{len}");
        // An oversized response still goes out alone rather than blocking the queue.
        let mut q = QueueState::default();
        let mut huge = r("huge");
        huge.page = "p".repeat(MAX_BODY_BYTES);
        q.enqueue(huge);
        q.enqueue(r("next"));
        assert_eq!(q.next_batch_now(50).map(|b| b.len()), Some(1));
    }

    #[test]
    fn transact_loads_changes_saves() {
        let mut store = MemoryStore::default();
        let added = transact(&mut store, |q| q.enqueue(r("a")));
        assert_eq!(added, Ok(true));
        let again = transact(&mut store, |q| q.enqueue(r("a")));
        assert_eq!(again, Ok(false));
        assert_eq!(ids(&store.state.pending), ["a"]);
    }

    /// A store that fails, to check `transact` does not call `f` when loading fails.
    struct Broken;

    impl QueueStore for Broken {
        type Error = &'static str;
        fn load(&self) -> Result<QueueState, &'static str> {
            Err("blocked")
        }
        fn save(&mut self, _: &QueueState) -> Result<(), &'static str> {
            Err("blocked")
        }
    }

    #[test]
    fn transact_propagates_store_errors() {
        let mut called = false;
        let out = transact(&mut Broken, |_| called = true);
        assert_eq!(out, Err("blocked"));
        assert!(!called);
    }

    #[test]
    fn state_round_trips_through_json() {
        let mut q = QueueState::default();
        q.enqueue(r("a"));
        q.enqueue(r("b"));
        q.apply(
            &["b".to_owned()],
            &Outcome::Refused {
                status: 400,
                reason: "no".into(),
            },
            0,
            0.0,
        );
        q.apply(
            &["a".to_owned()],
            &Outcome::Retry {
                retry_after_ms: None,
            },
            5,
            1.0,
        );
        let json = serde_json::to_string(&q).unwrap_or_default();
        let back: Result<QueueState, _> = serde_json::from_str(&json);
        assert_eq!(back.ok(), Some(q));
    }
}
