//! Recording responses: the durable writes (queue, history, visitor record)
//! that happen before any network attempt, and the local statistics.

use js_sys::{Array, Object};
use nps_core::options::Options;
use nps_core::queue::{transact, QueueStore, MAX_PENDING};
use nps_core::scoring::Tally;
use nps_core::time::rfc3339_from_unix_ms;
use nps_core::wire::{KeyMap, Properties, Response};
use nps_core::History;
use wasm_bindgen::{JsCast, JsValue};

use crate::browser::js::{self, get, obj, set};
use crate::browser::storage::{
    self, LocalQueueStore, GATE_KEY, HISTORY_KEY, TALLIES_KEY, VISITOR_KEY,
};
use crate::widget::LiveTally;

/// The live summary shown by the preview panel: reference-counted, not owned by any view
/// (it outlives each prompt); created on first use.
pub(super) struct Preview(Option<LiveTally>);

impl Preview {
    pub(super) const fn new() -> Preview {
        Preview(None)
    }

    /// The live tally, with the current figures.
    pub(super) fn live(&mut self) -> LiveTally {
        let s = tally(None);
        match &self.0 {
            Some(live) => {
                live.set(s);
                live.clone()
            }
            None => self.0.insert(LiveTally::new(s)).clone(),
        }
    }

    /// Recounts, when the preview is on.
    pub(super) fn refresh(&mut self, opts: &Options) {
        if opts.preview {
            self.live();
        }
    }
}

/// What `stats()` counts: a tally of the answers recorded in this browser,
/// per touchpoint (`nps-widget:tallies` holds `{"checkout": [c0, …, c10]}`).
/// Counts, not answers: O(1) to update and to read, and nothing is dropped
/// however many answers are recorded (an import through `record()` too).
type Tallies = KeyMap<Tally>;

fn count(tallies: &mut Tallies, touchpoint: &str, score: u8) {
    // `score` is 0..=10 (validated with the response).
    let _ = tallies.get_or_default(touchpoint).add(score);
}

fn tallies_to_js(tallies: &Tallies) -> JsValue {
    js::object_from(tallies.iter().map(|(touchpoint, tally)| {
        let counts = js::array(&tally.counts(), |c| JsValue::from_f64(*c as f64));
        (touchpoint.as_str(), counts.into())
    }))
}

fn tallies_from_js(v: &JsValue) -> Option<Tallies> {
    if !v.is_object() || Array::is_array(v) {
        return None;
    }
    let mut tallies = Tallies::new();
    for entry in Object::entries(v.unchecked_ref()).iter() {
        let entry: Array = entry.unchecked_into();
        let list = entry.get(1);
        if !Array::is_array(&list) {
            return None;
        }
        let list: Array = list.unchecked_into();
        if list.length() != 11 {
            return None;
        }
        let mut counts = [0; 11];
        for (i, c) in (0..).zip(counts.iter_mut()) {
            *c = js::as_u64(&list.get(i))?;
        }
        tallies.insert(entry.get(0).as_string()?, Tally::from_counts(counts));
    }
    Some(tallies)
}

/// The answers the first release listed (`[{score, touchpoint, at}]`).
fn listed_from_js(v: &JsValue) -> Option<Vec<(String, u8)>> {
    if !Array::is_array(v) {
        return None;
    }
    let mut listed = Vec::new();
    for e in v.unchecked_ref::<Array>().iter() {
        let score = js::get_u64(&e, "score").filter(|s| *s <= 10)?;
        listed.push((js::get_str(&e, "touchpoint")?, score as u8));
    }
    Some(listed)
}

/// The tallies, with any answers listed by the first release (or by a tab
/// still running it) counted once and moved into them.
fn load_tallies() -> Tallies {
    let mut tallies = storage::load(TALLIES_KEY, tallies_from_js);
    if storage::get(HISTORY_KEY).is_some() {
        for (touchpoint, score) in storage::load(HISTORY_KEY, listed_from_js) {
            count(&mut tallies, &touchpoint, score);
        }
        storage::save(TALLIES_KEY, &tallies_to_js(&tallies));
        storage::remove(HISTORY_KEY);
    }
    tallies
}

/// What this browser remembers between visits (`nps-widget:visitor`).
#[derive(Clone, Debug, Default)]
struct Visitor {
    answered_at_ms: Option<u64>,
    dismissed_at_ms: Option<u64>,
    sample_draw: Option<f64>,
}

fn visitor_to_js(v: &Visitor) -> JsValue {
    let o = obj();
    let n = |x: Option<f64>| x.map(JsValue::from_f64).unwrap_or(JsValue::NULL);
    set(&o, "answered_at_ms", &n(v.answered_at_ms.map(|x| x as f64)));
    set(
        &o,
        "dismissed_at_ms",
        &n(v.dismissed_at_ms.map(|x| x as f64)),
    );
    set(&o, "sample_draw", &n(v.sample_draw));
    o.into()
}

fn visitor_from_js(v: &JsValue) -> Option<Visitor> {
    if !v.is_object() {
        return None;
    }
    Some(Visitor {
        answered_at_ms: js::get_u64(v, "answered_at_ms"),
        dismissed_at_ms: js::get_u64(v, "dismissed_at_ms"),
        sample_draw: get(v, "sample_draw").as_f64(),
    })
}

fn load_visitor() -> Visitor {
    storage::load(VISITOR_KEY, visitor_from_js)
}

fn save_visitor(v: &Visitor) {
    storage::save(VISITOR_KEY, &visitor_to_js(v));
}

/// Builds, validates and durably stores a response (queue, if an endpoint is set, and the
/// tallies) before any network attempt. `queued`: how many responses this tab knows to wait
/// ([`super::delivery::Delivery::queued`]). The response is appended without reading the queue,
/// so that recording costs the same at any queue length; only when the count passes
/// [`MAX_PENDING`] is the queue read whole, counted exactly, and the oldest moved to the dead
/// letters ([`nps_core::QueueState::make_room`]).
pub(super) fn record_answer(
    opts: &Options,
    locale: &str,
    score: u8,
    comment: Option<String>,
    touchpoint: Option<String>,
    extra: &Properties,
    queued: usize,
) -> Result<Recorded, String> {
    let now = crate::browser::now_ms();
    let mut properties = opts.properties.clone();
    properties.extend(extra.iter().map(|(k, v)| (k.clone(), v.clone())));
    let comment = comment.filter(|c| !c.trim().is_empty());
    let r = Response {
        id: crate::browser::new_id(),
        score,
        comment,
        touchpoint: touchpoint.unwrap_or_else(|| opts.touchpoint.clone()),
        locale: locale.to_owned(),
        answered_at: rfc3339_from_unix_ms(now),
        page: crate::browser::page_url(),
        properties,
    };
    check(&r)?;

    let (mut pending, mut shed) = (queued, Vec::new());
    if opts.endpoint.is_some() {
        let mut store = LocalQueueStore::pending_only();
        store.append(&r);
        pending += 1;
        if pending > MAX_PENDING {
            (pending, shed) = transact(&mut store, |q| {
                let shed = q.make_room(now);
                (q.pending(), shed)
            })
            .unwrap_or_default();
        }
    }
    let mut tallies = load_tallies();
    count(&mut tallies, &r.touchpoint, score);
    storage::save(TALLIES_KEY, &tallies_to_js(&tallies));
    let mut v = load_visitor();
    v.answered_at_ms = Some(now);
    save_visitor(&v);
    Ok(Recorded {
        response: r,
        pending,
        shed,
    })
}

/// What [`record_answer`] did: the response stored, how many wait now (as this tab knows), and
/// the ids of the oldest that moved to the dead letters because the queue was full.
pub(super) struct Recorded {
    pub(super) response: Response,
    pub(super) pending: usize,
    pub(super) shed: Vec<String>,
}

/// Remembers that this visitor dismissed the prompt now.
pub(super) fn dismissed() {
    let mut v = load_visitor();
    v.dismissed_at_ms = Some(crate::browser::now_ms());
    save_visitor(&v);
}

/// Responses queued and not yet acknowledged.
pub(super) fn pending() -> usize {
    LocalQueueStore::pending_only()
        .load()
        .map(|q| q.pending())
        .unwrap_or(0)
}

/// `Response::validate_recorded`'s message: "field: what is wrong" (`answered_at` is the
/// clock's, written just above).
fn check(r: &Response) -> Result<(), String> {
    r.validate_recorded().map_err(|e| e.text())
}

pub(super) fn tally(touchpoint: Option<&str>) -> Tally {
    let mut all = Tally::new();
    for (t, tally) in load_tallies() {
        if touchpoint.is_none_or(|want| t == want) {
            all.merge(&tally);
        }
    }
    all
}

/// Writes the record the script-tag loader reads on the next page (runtime/loader.js) to decide
/// whether to load the widget at all: the options the page was configured with (`options`, the
/// script tag's attributes as the loader passed them: a page configured otherwise loads the
/// widget), from when the visitor may be asked ([`nps_core::load_at`] of `opts`; absent: not
/// under these options) and how many answers wait to be sent (`queued`: the caller counted them
/// in the same queue transaction, so that writing this costs no pass over the queue).
pub(super) fn save_gate(opts: &Options, options: &JsValue, queued: usize) {
    let o = obj();
    set(&o, "options", options);
    if let Some(at) = nps_core::load_at(opts, &visitor_history()) {
        set(&o, "at", &JsValue::from_f64(at as f64));
    }
    set(&o, "queued", &JsValue::from(queued));
    storage::save(GATE_KEY, &o.into());
}

/// This browser's prompt history; the sample draw is made once and kept.
pub(super) fn visitor_history() -> History {
    let mut v = load_visitor();
    let draw = match v.sample_draw {
        Some(d) if (0.0..1.0).contains(&d) => d,
        _ => {
            let d = crate::browser::random();
            v.sample_draw = Some(d);
            save_visitor(&v);
            d
        }
    };
    History {
        answered_at_ms: v.answered_at_ms,
        dismissed_at_ms: v.dismissed_at_ms,
        sample_draw: draw,
    }
}
