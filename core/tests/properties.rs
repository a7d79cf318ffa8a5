//! Property tests of nps-core (native only: proptest does not build for wasm32).
#![cfg(not(target_arch = "wasm32"))]

use nps_core::decimal::{parse_decimal, DecimalError};
use nps_core::options::Value;
use nps_core::{
    parse_options, rfc3339_from_unix_ms, transact, unix_ms_from_rfc3339, uuid_v7, Batch,
    MemoryStore, Outcome, Properties, PropertyValue, QueueState, Response, Tally, MAX_BODY_BYTES,
};
use proptest::prelude::*;
use std::collections::HashSet;

/// Last millisecond of 9999-12-31.
const MAX_MS: u64 = 253_402_300_799_999;

fn counts() -> impl Strategy<Value = [u64; 11]> {
    prop::array::uniform11(0u64..2_000)
}

/// Tally with `p` promoters, `q` passives and `d` detractors spread over their scores.
fn tally_pqd(p: u64, q: u64, d: u64) -> Tally {
    let mut c = [0u64; 11];
    c[0] = d / 2;
    c[6] = d - d / 2;
    c[7] = q;
    c[9] = p / 3;
    c[10] = p - p / 3;
    Tally::from_counts(c)
}

proptest! {
    #[test]
    fn nps_is_within_bounds(c in counts()) {
        let t = Tally::from_counts(c);
        match t.nps() {
            None => prop_assert_eq!(t.n(), 0),
            Some(nps) => prop_assert!((-100.0..=100.0).contains(&nps), "{}", nps),
        }
        prop_assert_eq!(t.se().is_none(), t.n() == 0);
        prop_assert_eq!(t.ci95().is_none(), t.n() == 0);
        if let Some(se) = t.se() {
            prop_assert!(se.is_finite() && se >= 0.0);
        }
    }

    #[test]
    fn swapping_promoters_and_detractors_negates(p in 0u64..5_000, q in 0u64..5_000, d in 0u64..5_000) {
        let a = tally_pqd(p, q, d);
        let b = tally_pqd(d, q, p);
        prop_assert_eq!(a.nps().map(|x| -x), b.nps());
        prop_assert_eq!(a.se(), b.se());
        if let (Some([lo, hi]), Some([lo2, hi2])) = (a.ci95(), b.ci95()) {
            prop_assert!((lo + hi2).abs() < 1e-9 && (hi + lo2).abs() < 1e-9);
        }
    }

    #[test]
    fn ci_is_clipped_and_contains_adjusted_centre(c in counts()) {
        let t = Tally::from_counts(c);
        if let (Some([lo, hi]), Some(centre)) = (t.ci95(), t.adjusted_wald_centre()) {
            prop_assert!(-100.0 <= lo && lo <= hi && hi <= 100.0, "[{}, {}]", lo, hi);
            prop_assert!(lo <= centre && centre <= hi, "{} not in [{}, {}]", centre, lo, hi);
        }
    }

    #[test]
    fn ci_narrows_like_one_over_sqrt_n(p in 20u64..2_000, q in 20u64..2_000, d in 20u64..2_000) {
        let one = tally_pqd(p, q, d);
        let four = tally_pqd(4 * p, 4 * q, 4 * d);
        let width = |t: &Tally| t.ci95().map(|[lo, hi]| hi - lo).unwrap_or(f64::NAN);
        let ratio = width(&four) / width(&one);
        prop_assert!((0.45..=0.55).contains(&ratio), "ratio {}", ratio);
    }

    #[test]
    fn merge_equals_adding_all(a in prop::collection::vec(0u8..=12, 0..200), b in prop::collection::vec(0u8..=12, 0..200)) {
        let mut merged: Tally = a.iter().copied().collect();
        merged.merge(&b.iter().copied().collect());
        let all: Tally = a.iter().chain(b.iter()).copied().collect();
        prop_assert_eq!(merged, all);
        prop_assert_eq!(merged.n() as usize, a.iter().chain(b.iter()).filter(|s| **s <= 10).count());
    }

    #[test]
    fn add_then_remove_is_identity(c in counts(), scores in prop::collection::vec(0u8..=10, 0..100), rot in 0usize..100) {
        let start = Tally::from_counts(c);
        let mut t = start;
        for s in &scores {
            prop_assert!(t.add(*s).is_ok());
        }
        prop_assert_eq!(t.n(), start.n() + scores.len() as u64);
        let mut order = scores.clone();
        if !order.is_empty() {
            let k = rot % order.len();
            order.rotate_left(k);
        }
        for s in order {
            prop_assert!(t.remove(s));
        }
        prop_assert_eq!(t, start);
    }
}

// ---------- wire ----------

/// Strings rich in what JSON must escape or must not: quotes, backslashes, control
/// characters, DEL, Cyrillic, emoji, line/paragraph separators.
fn tricky_string() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[\"\\\\\\x00-\\x1f\\x7f a-zа-яЖё😀🎉\u{2028}\u{2029}\u{fffd}/<>&']{0,40}",
    ]
}

fn property_value() -> impl Strategy<Value = PropertyValue> {
    prop_oneof![
        any::<bool>().prop_map(PropertyValue::Bool),
        any::<f64>().prop_map(PropertyValue::Number),
        prop_oneof![
            (-1e6f64..1e6).boxed(),
            Just(1e16).boxed(),
            Just(1e-7).boxed(),
            Just(-0.0).boxed(),
            (0i64..1_000_000_000).prop_map(|i| i as f64).boxed(),
        ]
        .prop_map(PropertyValue::Number),
        tricky_string().prop_map(PropertyValue::String),
    ]
}

prop_compose! {
    fn response()(
        id in tricky_string(),
        score in any::<u8>(),
        comment in prop::option::of(tricky_string()),
        touchpoint in tricky_string(),
        locale in tricky_string(),
        answered_at in tricky_string(),
        page in tricky_string(),
        properties in prop::collection::btree_map(tricky_string(), property_value(), 0..6)
            .prop_map(|m| m.into_iter().collect::<Properties>()),
    ) -> Response {
        Response { id, score, comment, touchpoint, locale, answered_at, page, properties }
    }
}

proptest! {
    #[test]
    fn json_len_equals_serde_json(mut r in response()) {
        // Exact for strings, booleans and integral numbers below 1e16 ...
        r.properties.retain(|_, v| {
            !matches!(v, PropertyValue::Number(x) if x.fract() != 0.0 || x.abs() >= 1e16)
        });
        let json = serde_json::to_string(&r).unwrap_or_default();
        prop_assert_eq!(r.json_len(), json.len(), "{}", json);
    }

    #[test]
    fn json_len_of_any_number(x in any::<f64>()) {
        let mut r = Response {
            id: String::new(), score: 0, comment: None, touchpoint: String::new(),
            locale: String::new(), answered_at: String::new(), page: String::new(),
            properties: Properties::new(),
        };
        r.properties.insert(String::new(), PropertyValue::Number(x));
        let json = serde_json::to_string(&r).unwrap_or_default();
        // ... and never less than what is written, for any number.
        prop_assert!(r.json_len() >= json.len(), "{} < {}", r.json_len(), json);
        if x.fract() == 0.0 && x.abs() < 1e16 || !x.is_finite() {
            prop_assert_eq!(r.json_len(), json.len(), "{}", json);
        }
    }

    #[test]
    fn properties_read_from_an_object_are_taken_as_they_are(
        props in prop::collection::btree_map(tricky_string(), property_value(), 0..8)
    ) {
        // Whatever reads them (serde here, the browser's conversion in the widget), the
        // option keeps every property unchanged, and refuses exactly the non-finite numbers.
        let props: Properties = props.into_iter().collect();
        let finite = props.iter().all(|(_, v)| !matches!(v, PropertyValue::Number(x) if !x.is_finite()));
        let parsed = parse_options([("properties", Value::Properties(&props))]);
        prop_assert_eq!(parsed.errors.is_empty(), finite);
        prop_assert_eq!(props.check().is_ok(), finite);
        if finite {
            prop_assert_eq!(&parsed.options.properties, &props);
        }
    }

    #[test]
    fn decimal_parser_equals_std_in_the_fast_path(
        m in 0u64..1_000_000_000_000_000,
        e in -22i32..=22,
        neg in any::<bool>(),
        trailing in 0usize..3,
    ) {
        // m * 10^e written out as a plain decimal (the dot moved into or before the digits),
        // with a few extra trailing zeros after a dot.
        let sign = if neg { "-" } else { "" };
        let digits = m.to_string();
        let point = digits.len() as i32 + e.min(0);
        let mut text = if point <= 0 {
            format!("{sign}0.{}{digits}", "0".repeat((-point) as usize))
        } else {
            let (a, b) = digits.split_at(point as usize);
            format!("{sign}{a}.{b}{}", "0".repeat(e.max(0) as usize))
        };
        text.push_str(&"0".repeat(trailing));
        let std = text.parse::<f64>();
        prop_assert!(std.is_ok(), "{}", text);
        prop_assert_eq!(parse_decimal(&text).ok(), std.ok(), "{}", text);
    }

    #[test]
    fn decimal_parser_agrees_with_std_whenever_it_accepts(s in "[-+.eE0-9]{0,30}") {
        match parse_decimal(&s) {
            Ok(x) => {
                prop_assert_eq!(Some(x), s.parse::<f64>().ok(), "{}", s);
                prop_assert!(!s.contains(['e', 'E']), "an exponent is refused: {}", s);
            }
            // Refused as inexact: std reads it (it is a number), we do not round.
            Err(DecimalError::Inexact) => prop_assert!(s.parse::<f64>().is_ok(), "{}", s),
            Err(DecimalError::Syntax) => {}
        }
    }

    #[test]
    fn parse_options_never_panics(pairs in prop::collection::vec((tricky_string(), tricky_string()), 0..8)) {
        let parsed = parse_options(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        prop_assert!(parsed.errors.len() <= pairs.len() + 1);
        for e in &parsed.errors {
            prop_assert!(e.to_string().contains(" must be "));
        }
    }
}

// ---------- report ----------

proptest! {
    /// The period of a row (its group by day, week, month) follows `time::day_of` of its
    /// `answered_at`, whatever shortcut the report takes for UTC times that repeat a day.
    #[test]
    fn period_groups_follow_day_of(
        parts in (1965u32..2105, 0u32..14, 0u32..33, 0u32..26, 0u32..62, 0u32..62),
        fraction in prop::sample::select(vec!["", ".5", ".123456", "."]),
        zone in prop::sample::select(vec!["Z", "z", "+01:00", "-05:30", "", "ZZ"]),
        t in prop::sample::select(vec!["T", "t", " "]),
        repeat in any::<bool>(),
    ) {
        use nps_core::report::{ReportBuilder, BAD_DATE_KEY};
        use nps_core::time::{day_of, format_day};
        let (y, mo, d, h, mi, se) = parts;
        let at = format!("{y:04}-{mo:02}-{d:02}{t}{h:02}:{mi:02}:{se:02}{fraction}{zone}");
        use nps_core::time::{format_month, format_week};
        use nps_core::GroupBy;
        for by in [GroupBy::Day, GroupBy::Week, GroupBy::Month] {
            let format = match by {
                GroupBy::Week => format_week,
                GroupBy::Month => format_month,
                _ => format_day,
            };
            let mut b = ReportBuilder::new(Some(by));
            if repeat {
                b.row(Some(9), b"", format!("{y:04}-{mo:02}-{d:02}T00:00:00Z").as_bytes(), || 1);
            }
            b.row(Some(10), b"", at.as_bytes(), || 2);
            let report = b.finish();
            let want = day_of(&at).map_or(BAD_DATE_KEY.to_string(), format);
            let group = report.groups.iter().find(|g| g.stats.tally.count(10) == 1);
            prop_assert_eq!(group.map(|g| g.key.clone()), Some(want), "{} by {}", at, by);
        }
    }
}

// ---------- time ----------

proptest! {
    #[test]
    fn rfc3339_round_trips(ms in 0u64..=MAX_MS) {
        let s = rfc3339_from_unix_ms(ms);
        prop_assert_eq!(s.len(), 20);
        prop_assert_eq!(unix_ms_from_rfc3339(&s), Some(ms - ms % 1000));
    }

    #[test]
    fn offsets_and_fractions(secs in 86_400u64..=253_402_214_399, frac in 0u64..1000, off_min in 0u64..(24 * 60), east in any::<bool>()) {
        let utc = secs * 1000 + frac;
        let off_ms = off_min * 60_000;
        let local = if east { utc + off_ms } else { utc - off_ms };
        let base = rfc3339_from_unix_ms(local);
        let text = format!(
            "{}.{:03}{}{:02}:{:02}",
            &base[..19], frac, if east { '+' } else { '-' }, off_min / 60, off_min % 60
        );
        prop_assert_eq!(unix_ms_from_rfc3339(&text), Some(utc), "{}", text);
    }

    #[test]
    fn uuid_v7_layout_and_order(a in 0u64..(1 << 48), b in 0u64..(1 << 48), ra in any::<[u8; 10]>(), rb in any::<[u8; 10]>()) {
        let ua = uuid_v7(a, ra);
        let ub = uuid_v7(b, rb);
        for u in [&ua, &ub] {
            prop_assert_eq!(u.len(), 36);
            let bytes = u.as_bytes();
            for (i, c) in bytes.iter().enumerate() {
                if matches!(i, 8 | 13 | 18 | 23) {
                    prop_assert_eq!(*c, b'-');
                } else {
                    prop_assert!(c.is_ascii_hexdigit() && !c.is_ascii_uppercase());
                }
            }
            prop_assert_eq!(bytes[14], b'7', "version nibble");
            prop_assert!(matches!(bytes[19], b'8' | b'9' | b'a' | b'b'), "variant bits 10");
        }
        if a < b {
            prop_assert!(ua < ub, "{} !< {}", ua, ub);
        }
        prop_assert_eq!(u64::from_str_radix(&ua[..8], 16).ok(), Some(a >> 16));
    }
}

// ---------- queue ----------

#[derive(Clone, Debug)]
enum Op {
    /// A new answer (fresh id).
    Answer,
    /// Re-enqueue an id already known to the queue (must be refused).
    Duplicate(usize),
    /// Pick a batch (respecting backoff or not) and put it in flight.
    Send { max: usize, ignore_backoff: bool },
    /// The in-flight batch number `n` (modulo) gets an answer.
    Finish {
        n: usize,
        outcome: u8,
        retry_after: Option<u64>,
    },
    /// Reload: state goes through storage; in-flight requests are forgotten or not.
    Restart {
        via_json: bool,
        drop_in_flight: bool,
    },
    /// Time passes.
    Tick(u64),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => Just(Op::Answer),
        1 => any::<usize>().prop_map(Op::Duplicate),
        3 => (0usize..60, any::<bool>()).prop_map(|(max, ignore_backoff)| Op::Send { max, ignore_backoff }),
        3 => (any::<usize>(), 0u8..3, prop::option::of(0u64..100_000))
            .prop_map(|(n, outcome, retry_after)| Op::Finish { n, outcome, retry_after }),
        1 => (any::<bool>(), any::<bool>()).prop_map(|(via_json, drop_in_flight)| Op::Restart { via_json, drop_in_flight }),
        2 => (0u64..400_000).prop_map(Op::Tick),
    ]
}

fn answer(id: String, comment_len: usize) -> Response {
    Response {
        id,
        score: (comment_len % 11) as u8,
        comment: Some("ж".repeat(comment_len)),
        touchpoint: "checkout".into(),
        locale: "ru".into(),
        answered_at: "2026-11-22T09:59:41Z".into(),
        page: String::new(),
        properties: Properties::new(),
    }
}

fn check_invariant(
    q: &QueueState,
    enqueued: &HashSet<String>,
    acked: &HashSet<String>,
) -> Result<(), TestCaseError> {
    let mut seen: HashSet<&str> = HashSet::new();
    for id in q
        .pending
        .iter()
        .map(|r| r.id.as_str())
        .chain(q.dead_letters.iter().map(|d| d.response.id.as_str()))
    {
        prop_assert!(seen.insert(id), "id {} is twice in the queue", id);
        prop_assert!(
            !acked.contains(id),
            "id {} is acknowledged and still queued",
            id
        );
    }
    prop_assert_eq!(seen.len() + acked.len(), enqueued.len(), "an id was lost");
    for id in enqueued {
        prop_assert!(
            seen.contains(id.as_str()) || acked.contains(id),
            "id {} was lost",
            id
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn queue_never_loses_or_duplicates(ops in prop::collection::vec(op(), 1..120), sizes in prop::collection::vec(0usize..30_000, 1..8)) {
        let mut store = MemoryStore::default();
        let mut q = QueueState::default();
        let mut now: u64 = 1_795_341_600_000;
        let mut next_id = 0u32;
        let mut enqueued: HashSet<String> = HashSet::new();
        let mut acked: HashSet<String> = HashSet::new();
        let mut in_flight: Vec<Vec<String>> = Vec::new();
        for op in ops {
            match op {
                Op::Answer => {
                    let id = uuid_v7(now, [(next_id % 251) as u8; 10]) + &next_id.to_string();
                    let size = sizes[next_id as usize % sizes.len()];
                    next_id += 1;
                    prop_assert!(q.enqueue(answer(id.clone(), size)));
                    enqueued.insert(id);
                }
                Op::Duplicate(i) => {
                    let known: Vec<Response> = q.pending.iter().cloned()
                        .chain(q.dead_letters.iter().map(|d| d.response.clone())).collect();
                    if !known.is_empty() {
                        let before = q.clone();
                        prop_assert!(!q.enqueue(known[i % known.len()].clone()));
                        prop_assert_eq!(&q, &before);
                    }
                }
                Op::Send { max, ignore_backoff } => {
                    let batch = if ignore_backoff { q.next_batch_now(max) } else { q.next_batch(now, max) };
                    match batch {
                        Some(b) => {
                            prop_assert!(!b.is_empty() && b.len() <= max.clamp(1, 50));
                            prop_assert_eq!(&b[..], &q.pending[..b.len()], "batch is not the oldest responses");
                            if b.len() > 1 {
                                let body = Batch::new(uuid_v7(now, [9; 10]), rfc3339_from_unix_ms(now), b.clone());
                                let len = serde_json::to_string(&body).map(|j| j.len()).unwrap_or(usize::MAX);
                                prop_assert!(len <= MAX_BODY_BYTES, "body of {} bytes", len);
                            }
                            in_flight.push(b.into_iter().map(|r| r.id).collect());
                        }
                        None => prop_assert!(q.pending.is_empty() || (!ignore_backoff && now < q.next_attempt_ms)),
                    }
                }
                Op::Finish { n, outcome, retry_after } => {
                    if !in_flight.is_empty() {
                        let sent = in_flight.remove(n % in_flight.len());
                        let outcome = match outcome {
                            0 => Outcome::Accepted,
                            1 => Outcome::Retry { retry_after_ms: retry_after },
                            _ => Outcome::Refused { status: 400, reason: "bad".into() },
                        };
                        let was_pending: Vec<String> = sent.iter()
                            .filter(|id| q.pending.iter().any(|r| &r.id == *id)).cloned().collect();
                        let pending_before = q.pending();
                        q.apply(&sent, &outcome, now, 0.5);
                        match outcome {
                            Outcome::Accepted => {
                                prop_assert_eq!(q.pending(), pending_before - was_pending.len());
                                acked.extend(was_pending);
                                prop_assert_eq!((q.attempts, q.next_attempt_ms), (0, 0));
                            }
                            Outcome::Retry { retry_after_ms } => {
                                prop_assert_eq!(q.pending(), pending_before);
                                prop_assert!(q.next_attempt_ms > now);
                                prop_assert!(q.next_attempt_ms >= now + retry_after_ms.unwrap_or(0));
                            }
                            Outcome::Refused { .. } => {
                                prop_assert_eq!(q.pending(), pending_before - was_pending.len());
                                for id in &was_pending {
                                    prop_assert!(q.dead_letters.iter().any(|d| &d.response.id == id));
                                }
                            }
                        }
                    }
                }
                Op::Restart { via_json, drop_in_flight } => {
                    if via_json {
                        let json = serde_json::to_string(&q).unwrap_or_default();
                        let back: Result<QueueState, _> = serde_json::from_str(&json);
                        prop_assert!(back.is_ok());
                        q = back.unwrap_or_default();
                    } else {
                        let saved = transact(&mut store, |s| *s = q.clone());
                        prop_assert!(saved.is_ok());
                        let loaded = transact(&mut store, |s| s.clone());
                        q = loaded.unwrap_or_default();
                    }
                    if drop_in_flight {
                        in_flight.clear();
                    }
                }
                Op::Tick(ms) => now += ms,
            }
            check_invariant(&q, &enqueued, &acked)?;
        }
        // Eventually everything is delivered or refused: flush until empty with a good endpoint.
        let mut rounds = 0;
        while let Some(batch) = q.next_batch_now(50) {
            let ids: Vec<String> = batch.into_iter().map(|r| r.id).collect();
            acked.extend(ids.iter().cloned());
            q.apply(&ids, &Outcome::Accepted, now, 0.5);
            rounds += 1;
            prop_assert!(rounds < 1_000);
        }
        check_invariant(&q, &enqueued, &acked)?;
        prop_assert_eq!(q.pending(), 0);
    }
}

proptest! {
    #[test]
    fn char_count_equals_chars_count(s in any::<String>()) {
        prop_assert_eq!(nps_core::char_count(&s), s.chars().count());
    }
}
