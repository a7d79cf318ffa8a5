//! Browser tests of the widget: the prompt mounted in a real shadow root,
//! storage and the JS façade. Run with
//! `CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown -p nps-widget`.
#![cfg(target_arch = "wasm32")]

use std::cell::Cell;
use std::rc::Rc;
use std::sync::{Arc, Mutex};

use nps_core::options::{Mode, Theme};
use nps_core::queue::{transact, Outcome, QueueState, QueueStore};
use nps_core::scoring::Tally;
use nps_core::wire::{Batch, Properties, PropertyValue, Response};
use nps_widget::browser::storage::{self, LocalQueueStore};
use nps_widget::embed;
use nps_widget::widget::i18n::{Strings, EN, LOCALES};
use nps_widget::widget::state::{Answer, Closed};
use nps_widget::widget::{mount_prompt, LiveTally, Mounted, PromptConfig};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, HtmlTextAreaElement, KeyboardEvent, KeyboardEventInit};

wasm_bindgen_test_configure!(run_in_browser);

/// What the prompt reported to its owner.
#[derive(Default)]
struct Seen {
    answers: Vec<Answer>,
    closes: Vec<Closed>,
}

struct Fixture {
    mounted: Mounted,
    seen: Arc<Mutex<Seen>>,
    _parent: Element,
}

impl Fixture {
    fn new(strings: &'static Strings, company: Option<&str>) -> Fixture {
        Fixture::with(strings, company, Mode::Inline, Theme::Auto, None)
    }

    fn with(
        strings: &'static Strings,
        company: Option<&str>,
        mode: Mode,
        theme: Theme,
        preview: Option<LiveTally>,
    ) -> Fixture {
        let doc = web_sys::window().unwrap().document().unwrap();
        let parent = doc.create_element("div").unwrap();
        doc.body().unwrap().append_child(&parent).unwrap();
        let seen = Arc::new(Mutex::new(Seen::default()));
        let (a, c) = (seen.clone(), seen.clone());
        let config = PromptConfig {
            strings,
            company: company.map(str::to_owned),
            mode,
            theme,
            preview,
            reset_ms: None,
        };
        let mounted = mount_prompt(
            &parent,
            config,
            move |answer| a.lock().unwrap().answers.push(answer),
            move |closed| c.lock().unwrap().closes.push(closed),
        );
        Fixture {
            mounted,
            seen,
            _parent: parent,
        }
    }

    fn q(&self, selector: &str) -> Option<Element> {
        self.mounted.root().query_selector(selector).unwrap()
    }

    fn el(&self, selector: &str) -> HtmlElement {
        self.q(selector)
            .unwrap_or_else(|| panic!("no element matches {selector}"))
            .unchecked_into()
    }

    fn all(&self, selector: &str) -> Vec<Element> {
        let list = self.mounted.root().query_selector_all(selector).unwrap();
        (0..list.length())
            .map(|i| list.item(i).unwrap().unchecked_into())
            .collect()
    }

    fn radios(&self) -> Vec<Element> {
        self.all("[role=radio]")
    }

    fn radio(&self, score: usize) -> HtmlElement {
        self.radios()[score].clone().unchecked_into()
    }

    fn text(&self, selector: &str) -> String {
        self.el(selector).text_content().unwrap_or_default()
    }

    /// The text as rendered (`innerText`: what CSS hides is left out).
    fn shown_text(&self, selector: &str) -> String {
        use wasm_bindgen::JsCast;
        self.el(selector)
            .unchecked_into::<web_sys::HtmlElement>()
            .inner_text()
    }

    fn active_label(&self) -> Option<String> {
        self.mounted
            .root()
            .active_element()
            .and_then(|e| e.text_content())
    }

    fn type_comment(&self, text: &str) {
        let ta: HtmlTextAreaElement = self.el("textarea").unchecked_into();
        ta.set_value(text);
        let ev = web_sys::Event::new_with_event_init_dict("input", &{
            let i = web_sys::EventInit::new();
            i.set_bubbles(true);
            i
        })
        .unwrap();
        ta.dispatch_event(&ev).unwrap();
    }
}

fn key(target: &Element, key: &str) {
    let init = KeyboardEventInit::new();
    init.set_key(key);
    init.set_bubbles(true);
    init.set_cancelable(true);
    let ev = KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    target.dispatch_event(&ev).unwrap();
}

/// Lets Leptos apply pending updates.
async fn tick() {
    let p = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 0)
            .unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(p).await.unwrap();
}

#[wasm_bindgen_test]
async fn prompt_lives_in_an_open_shadow_root_with_question_and_11_radios() {
    let f = Fixture::new(&EN, Some("Acme"));
    assert_eq!(
        f.mounted.host().get_attribute("data-nps-widget").as_deref(),
        Some("inline")
    );
    assert!(
        f.mounted.host().shadow_root().is_some(),
        "shadow root must be open"
    );
    assert_eq!(
        f.text("#nps-q"),
        "How likely are you to recommend Acme to a friend or colleague?"
    );
    assert_eq!(
        f.el("[role=group]")
            .get_attribute("aria-labelledby")
            .as_deref(),
        Some("nps-q")
    );
    let group = f.el("[role=radiogroup]");
    assert_eq!(
        group.get_attribute("aria-labelledby").as_deref(),
        Some("nps-q")
    );
    assert_eq!(f.text("#nps-lo"), "Not at all likely");
    assert_eq!(f.text("#nps-hi"), "Extremely likely");
    let radios = f.radios();
    assert_eq!(radios.len(), 11);
    for (i, r) in radios.iter().enumerate() {
        assert_eq!(r.text_content().unwrap(), i.to_string());
        assert_eq!(r.get_attribute("aria-checked").as_deref(), Some("false"));
        let expected_tab = if i == 0 { "0" } else { "-1" };
        assert_eq!(
            r.get_attribute("tabindex").as_deref(),
            Some(expected_tab),
            "radio {i}"
        );
        // 0 and 10 are described by the end labels; the others and the group are not.
        let described = match i {
            0 => Some("nps-lo"),
            10 => Some("nps-hi"),
            _ => None,
        };
        assert_eq!(
            r.get_attribute("aria-describedby").as_deref(),
            described,
            "radio {i}"
        );
    }
    assert_eq!(group.get_attribute("aria-describedby"), None);
    // The comment box is hidden (not rendered, out of the accessibility tree)
    // before a choice.
    assert!(
        f.el("textarea").closest("[hidden]").unwrap().is_some(),
        "no visible comment box before a choice"
    );
    assert_eq!(
        f.el("button.x").get_attribute("aria-label").as_deref(),
        Some("Close")
    );
    assert_eq!(f.el("button.x").text_content().as_deref(), Some("×"));
}

#[wasm_bindgen_test]
async fn generic_question_without_company() {
    let f = Fixture::new(&EN, None);
    assert_eq!(
        f.text("#nps-q"),
        "How likely are you to recommend us to a friend or colleague?"
    );
}

#[wasm_bindgen_test]
async fn click_checks_one_radio_and_moves_the_tab_stop() {
    let f = Fixture::new(&EN, Some("Acme"));
    f.radio(9).click();
    tick().await;
    for (i, r) in f.radios().iter().enumerate() {
        let checked = if i == 9 { "true" } else { "false" };
        assert_eq!(
            r.get_attribute("aria-checked").as_deref(),
            Some(checked),
            "radio {i}"
        );
        let tab = if i == 9 { "0" } else { "-1" };
        assert_eq!(
            r.get_attribute("tabindex").as_deref(),
            Some(tab),
            "radio {i}"
        );
    }
}

#[wasm_bindgen_test]
async fn arrow_keys_move_focus_and_enter_chooses() {
    let f = Fixture::new(&EN, Some("Acme"));
    f.radio(0).focus().unwrap();
    key(&f.radio(0), "ArrowRight");
    tick().await;
    assert_eq!(f.active_label().as_deref(), Some("1"));
    assert_eq!(f.radio(1).get_attribute("tabindex").as_deref(), Some("0"));
    assert_eq!(f.radio(0).get_attribute("tabindex").as_deref(), Some("-1"));
    key(&f.radio(1), "ArrowLeft");
    key(&f.radio(0), "ArrowLeft");
    tick().await;
    assert_eq!(
        f.active_label().as_deref(),
        Some("10"),
        "ArrowLeft wraps from 0 to 10"
    );
    key(&f.radio(10), "Home");
    tick().await;
    assert_eq!(f.active_label().as_deref(), Some("0"));
    key(&f.radio(0), "End");
    key(&f.radio(10), "ArrowUp");
    tick().await;
    assert_eq!(f.active_label().as_deref(), Some("9"));
    key(&f.radio(9), "ArrowDown");
    key(&f.radio(10), "ArrowLeft");
    key(&f.radio(9), "ArrowLeft");
    tick().await;
    key(&f.radio(8), "Enter");
    tick().await;
    tick().await;
    assert_eq!(
        f.radio(8).get_attribute("aria-checked").as_deref(),
        Some("true")
    );
    assert_eq!(f.shown_text("label.fu"), "What should we do to earn a 10?");
    let focused = f.mounted.root().active_element().map(|e| e.tag_name());
    assert_eq!(
        focused.as_deref(),
        Some("TEXTAREA"),
        "focus moves to the comment box"
    );
    // Space chooses too.
    key(&f.radio(8), "ArrowRight");
    key(&f.radio(9), " ");
    tick().await;
    assert_eq!(
        f.radio(9).get_attribute("aria-checked").as_deref(),
        Some("true")
    );
    assert_eq!(
        f.radio(8).get_attribute("aria-checked").as_deref(),
        Some("false")
    );
}

#[wasm_bindgen_test]
async fn follow_up_question_depends_on_the_category() {
    for (score, question) in [
        (0, "What disappointed you, and what should we fix first?"),
        (6, "What disappointed you, and what should we fix first?"),
        (7, "What should we do to earn a 10?"),
        (8, "What should we do to earn a 10?"),
        (9, "What did you like most?"),
        (10, "What did you like most?"),
    ] {
        let f = Fixture::new(&EN, Some("Acme"));
        f.radio(score).click();
        tick().await;
        // The three questions are all in the label (stacked, so it keeps its height); the
        // category's is the one shown.
        assert_eq!(f.shown_text("label.fu"), question, "score {score}");
        let ta = f.el("textarea");
        assert_eq!(
            f.el("label.fu").get_attribute("for"),
            ta.get_attribute("id"),
            "the follow-up labels the comment box"
        );
        assert_eq!(ta.get_attribute("maxlength").as_deref(), Some("2000"));
        assert_eq!(f.text(".cnt"), "0 / 2000");
        assert_eq!(f.text("button.send"), "Send");
    }
}

#[wasm_bindgen_test]
async fn counter_follows_the_comment_in_characters() {
    let f = Fixture::new(&EN, Some("Acme"));
    f.radio(4).click();
    tick().await;
    let before = f.el("textarea");
    f.type_comment("héllo");
    tick().await;
    assert_eq!(f.text(".cnt"), "5 / 2000");
    assert!(
        f.el("textarea").is_same_node(Some(&before)),
        "typing must not re-render the comment box (focus and caret would be lost)"
    );
    f.type_comment(&"я".repeat(2100));
    tick().await;
    assert_eq!(
        f.text(".cnt"),
        "2000 / 2000",
        "pasted text is cut at 2000 characters"
    );
    let ta: HtmlTextAreaElement = f.el("textarea").unchecked_into();
    assert_eq!(ta.value().chars().count(), 2000);
}

#[wasm_bindgen_test]
async fn submit_reports_the_answer_and_thanks_in_a_live_region() {
    let f = Fixture::new(&EN, Some("Acme"));
    assert_eq!(
        f.text("[role=status]"),
        "",
        "live region exists, empty, before the answer"
    );
    f.radio(3).click();
    tick().await;
    let evil = "<script>window.__pwned = 1</script><img src=x onerror=alert(1)>";
    f.type_comment(evil);
    tick().await;
    f.el("button.send").click();
    tick().await;
    let answers = f.seen.lock().unwrap().answers.clone();
    assert_eq!(
        answers,
        vec![Answer {
            score: 3,
            comment: Some(evil.to_owned())
        }]
    );
    assert!(
        f.q("script").is_none() && f.q("img").is_none(),
        "comment is text, never markup"
    );
    assert_eq!(f.text("[role=status]"), "Thank you for your feedback!");
    assert!(
        f.el(".body").has_attribute("hidden"),
        "the form is hidden after the answer"
    );
    // Closing the thank-you is not a dismiss.
    f.el("button.x").click();
    tick().await;
    assert_eq!(f.seen.lock().unwrap().closes, vec![Closed::Nothing]);
}

#[wasm_bindgen_test]
async fn closing_right_after_a_choice_does_not_panic() {
    // Regression: the deferred focus of the comment box touched a disposed NodeRef.
    let f = Fixture::new(&EN, Some("Acme"));
    f.radio(5).click();
    drop(f);
    tick().await;
    tick().await;
    // A panic would have disabled the widget: record() would resolve to undefined.
    let recorded = record(r#"{"score":5,"touchpoint":"after-close"}"#).unwrap();
    assert_eq!(
        field(&recorded, "score").as_f64(),
        Some(5.0),
        "widget still active"
    );
}

#[wasm_bindgen_test]
async fn events_on_a_dropped_prompt_reach_nothing_and_throw_nothing() {
    // The shadow root is open: a host page may keep its elements and dispatch events on them
    // after the prompt is gone. They must reach no handler and throw nothing into the page.
    let f = Fixture::new(&EN, Some("Acme"));
    let (radio, close) = (f.radio(3), f.el(".x"));
    let seen = f.seen.clone();
    drop(f);
    // An exception in a listener does not reach dispatchEvent's caller: the window's error
    // event reports it.
    let thrown = Rc::new(Cell::new(0));
    let count = thrown.clone();
    let on_error = Closure::<dyn Fn(web_sys::Event)>::new(move |_| count.set(count.get() + 1));
    let window = web_sys::window().unwrap();
    window
        .add_event_listener_with_callback("error", on_error.as_ref().unchecked_ref())
        .unwrap();
    radio.click();
    key(&radio, "Enter");
    close.click();
    tick().await;
    window
        .remove_event_listener_with_callback("error", on_error.as_ref().unchecked_ref())
        .unwrap();
    assert_eq!(thrown.get(), 0, "an event on the dropped prompt threw");
    let seen = seen.lock().unwrap();
    assert!(seen.answers.is_empty() && seen.closes.is_empty());
    assert_eq!(
        radio.get_attribute("aria-checked").as_deref(),
        Some("false")
    );
}

#[wasm_bindgen_test]
async fn escape_dismisses() {
    let f = Fixture::new(&EN, Some("Acme"));
    key(&f.radio(0), "Escape");
    tick().await;
    assert_eq!(f.seen.lock().unwrap().closes, vec![Closed::Dismissed]);
    assert!(f.seen.lock().unwrap().answers.is_empty());
}

#[wasm_bindgen_test]
async fn a_chosen_score_is_an_answer_when_the_prompt_is_closed() {
    for close in ["x", "Escape"] {
        let f = Fixture::new(&EN, Some("Acme"));
        f.radio(9).click();
        tick().await;
        f.type_comment("fast delivery");
        match close {
            "x" => f.el("button.x").click(),
            _ => key(&f.el("textarea"), "Escape"),
        }
        tick().await;
        let seen = f.seen.lock().unwrap();
        assert_eq!(
            seen.closes,
            vec![Closed::Answered(Answer {
                score: 9,
                comment: Some("fast delivery".into())
            })],
            "{close}"
        );
        assert!(seen.answers.is_empty(), "not a Send");
    }
}

/// A catalog of `locales/`, read as the embed reads a fetched one (the browser's JSON.parse).
fn catalog(tag: &str, json: &str) -> &'static Strings {
    let obj = js_sys::JSON::parse(json).unwrap();
    let locale = LOCALES.iter().copied().find(|l| *l == tag).unwrap();
    Strings::from_catalog(locale, |k| {
        js_sys::Reflect::get(&obj, &k.into()).ok()?.as_string()
    })
    .unwrap()
}

#[wasm_bindgen_test]
async fn arabic_is_right_to_left_with_zero_at_the_right() {
    let f = Fixture::new(
        catalog("ar", include_str!("../locales/ar.json")),
        Some("Acme"),
    );
    // On the element the view is mounted in: the whole prompt inherits them.
    let bx = f.el("[dir]");
    assert!(bx.query_selector(".box").unwrap().is_some());
    assert_eq!(bx.get_attribute("dir").as_deref(), Some("rtl"));
    assert_eq!(bx.get_attribute("lang").as_deref(), Some("ar"));
    assert!(f.text("#nps-q").contains("Acme"));
    let x = |score: usize| f.radio(score).offset_left();
    assert!(x(0) > x(10), "0 at the right: {} vs {}", x(0), x(10));
    // ← moves up the scale in right-to-left.
    key(&f.radio(3), "ArrowLeft");
    tick().await;
    assert_eq!(f.active_label().as_deref(), Some("4"));
    let en = Fixture::new(&EN, Some("Acme"));
    assert_eq!(en.el("[dir]").get_attribute("dir").as_deref(), Some("ltr"));
}

#[wasm_bindgen_test]
async fn russian_strings() {
    let f = Fixture::new(
        catalog("ru", include_str!("../locales/ru.json")),
        Some("Acme"),
    );
    assert_eq!(
        f.text("#nps-q"),
        "Насколько вероятно, что вы порекомендуете Acme другу или коллеге?"
    );
    assert_eq!(f.text("#nps-lo"), "Совсем маловероятно");
    assert_eq!(f.text("#nps-hi"), "Очень вероятно");
    assert_eq!(
        f.el("button.x").get_attribute("aria-label").as_deref(),
        Some("Закрыть")
    );
    f.radio(10).click();
    tick().await;
    assert_eq!(f.text("button.send"), "Отправить");
    f.el("button.send").click();
    tick().await;
    assert_eq!(f.text("[role=status]"), "Спасибо за ваш отзыв!");
}

fn response(id: &str, score: u8) -> Response {
    let mut properties = Properties::new();
    properties.insert("order_id".into(), PropertyValue::String("A-17".into()));
    properties.insert("total".into(), PropertyValue::Number(12.5));
    properties.insert("vip".into(), PropertyValue::Bool(true));
    // A key a plain JS assignment would turn into a prototype change (and lose).
    properties.insert("__proto__".into(), PropertyValue::String("kept".into()));
    Response {
        id: id.into(),
        score,
        comment: Some("Fast \"delivery\" — спасибо".into()),
        touchpoint: "checkout".into(),
        locale: "ru".into(),
        answered_at: "2026-11-22T09:59:41Z".into(),
        page: "https://shop.example.com/orders/17".into(),
        properties,
    }
}

#[wasm_bindgen_test]
fn local_queue_store_round_trips_through_local_storage() {
    let key = "test:queue-roundtrip";
    storage::remove(key);
    let mut store = LocalQueueStore::with_key(key);
    transact(&mut store, |q| {
        assert!(q.enqueue(response("a", 9)));
        assert!(q.enqueue(response("b", 2)));
    })
    .unwrap();
    // One key per response, holding the whole response.
    let raw = storage::get("test:queue-roundtrip:q:a").expect("written to localStorage");
    assert!(raw.contains("\"order_id\":\"A-17\""), "{raw}");
    assert!(raw.contains("\"__proto__\":\"kept\""), "{raw}");
    let q = LocalQueueStore::with_key(key).load().unwrap();
    assert_eq!(q.pending, vec![response("a", 9), response("b", 2)]);
    // A second store (another tab) sees the same state.
    let other = LocalQueueStore::with_key(key);
    assert_eq!(other.load().unwrap().pending(), 2);
}

#[wasm_bindgen_test]
fn a_tab_saving_a_stale_queue_loses_no_answer_of_another_tab() {
    // Two tabs record at the same moment: both read the queue before either
    // writes (the read-modify-write of one shared key lost one answer).
    let key = "test:queue-stale";
    let mut tab_a = LocalQueueStore::with_key(key);
    let mut tab_b = LocalQueueStore::with_key(key);
    transact(&mut tab_a, |q| q.enqueue(response("first", 5))).unwrap();
    let mut seen_by_a = tab_a.load().unwrap();
    let mut seen_by_b = tab_b.load().unwrap();
    seen_by_a.enqueue(response("from-a", 9));
    seen_by_b.enqueue(response("from-b", 4));
    tab_a.save(&seen_by_a).unwrap();
    tab_b.save(&seen_by_b).unwrap();
    let ids = |q: QueueState| q.pending.into_iter().map(|r| r.id).collect::<Vec<_>>();
    assert_eq!(
        ids(LocalQueueStore::with_key(key).load().unwrap()),
        ["first", "from-a", "from-b"]
    );

    // Tab A acknowledges "first" from a snapshot taken before tab B added "late".
    let mut acked = tab_a.load().unwrap();
    transact(&mut tab_b, |q| q.enqueue(response("late", 1))).unwrap();
    acked.apply(&["first".to_owned()], &Outcome::Accepted, 0, 0.5);
    tab_a.save(&acked).unwrap();
    assert_eq!(
        ids(LocalQueueStore::with_key(key).load().unwrap()),
        ["from-a", "from-b", "late"]
    );
    // Clean up for the next run.
    transact(&mut tab_a, |q| {
        let all: Vec<String> = q.pending.iter().map(|r| r.id.clone()).collect();
        q.apply(&all, &Outcome::Accepted, 0, 0.5);
    })
    .unwrap();
    assert_eq!(LocalQueueStore::with_key(key).load().unwrap().pending(), 0);
}

#[wasm_bindgen_test]
fn corrupted_queue_is_backed_up_and_the_queue_starts_fresh() {
    let key = "test:queue-corrupt";
    storage::set(key, "{\"pending\": [ {\"id\": 1 } ");
    let q = LocalQueueStore::with_key(key).load().unwrap();
    assert_eq!(q.pending(), 0);
    assert_eq!(
        storage::get("test:queue-corrupt:corrupt").as_deref(),
        Some("{\"pending\": [ {\"id\": 1 } ")
    );
    assert_eq!(
        storage::get(key),
        None,
        "the unreadable value is moved away"
    );
    // Answers listed under the backoff's key (an early development format) are kept aside,
    // not overwritten by the next save.
    let listed = "{\"pending\":[{\"id\":\"early\",\"score\":9}],\"attempts\":2}";
    storage::set(key, listed);
    assert_eq!(LocalQueueStore::with_key(key).load().unwrap().attempts, 0);
    assert_eq!(
        storage::get("test:queue-corrupt:corrupt").as_deref(),
        Some(listed)
    );
    // Valid JSON of the wrong shape is corrupt too: the backoff ...
    storage::set(key, "42");
    assert_eq!(LocalQueueStore::with_key(key).load().unwrap().attempts, 0);
    assert_eq!(
        storage::get("test:queue-corrupt:corrupt").as_deref(),
        Some("42")
    );
    // ... and an entry, which is moved aside while the good ones are read.
    let good = "test:queue-corrupt:q:good";
    let entry = format!(
        "{{\"seq\":1,\"v\":{}}}",
        serde_json::to_string(&response("good", 7)).unwrap()
    );
    storage::set(good, &entry);
    let bad = "{\"seq\":2,\"v\":{\"id\":\"bad\",\"score\":\"nine\"}}";
    storage::set("test:queue-corrupt:q:bad", bad);
    // Entries that are JSON but not an entry: kept aside byte for byte too.
    storage::set("test:queue-corrupt:q:num", "42");
    storage::set("test:queue-corrupt:q:shape", "{\"seq\":3,\"value\":[1, 2]}");
    let q = LocalQueueStore::with_key(key).load().unwrap();
    assert_eq!(q.pending, vec![response("good", 7)]);
    for (k, stored) in [
        ("bad", bad),
        ("num", "42"),
        ("shape", "{\"seq\":3,\"value\":[1, 2]}"),
    ] {
        let kept = format!("test:queue-corrupt:q:{k}:corrupt");
        assert_eq!(storage::get(&kept).as_deref(), Some(stored), "{k}");
        assert_eq!(storage::get(&format!("test:queue-corrupt:q:{k}")), None);
        storage::remove(&kept);
    }
    storage::remove(good);
}

fn js(json: &str) -> JsValue {
    js_sys::JSON::parse(json).unwrap()
}

/// `record()` as the shell sees it: the recorded response, or the TypeError
/// it throws.
fn record(json: &str) -> Result<JsValue, JsValue> {
    let r = embed::record(js(json));
    if r.is_instance_of::<js_sys::Error>() {
        Err(r)
    } else {
        Ok(r)
    }
}

fn field(v: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(v, &JsValue::from_str(key)).unwrap()
}

#[wasm_bindgen_test]
async fn stats_and_record_through_the_embed() {
    // Local-only (no endpoint), manual trigger: nothing is sent, stats still work.
    embed::init(js(r#"{"trigger":"manual","touchpoint":"embed-test"}"#));
    let empty = embed::stats(JsValue::from_str("embed-test-none"), JsValue::UNDEFINED);
    assert_eq!(field(&empty, "n").as_f64(), Some(0.0));
    assert!(field(&empty, "nps").is_null());
    assert!(field(&empty, "se").is_null());
    assert!(field(&empty, "ci95").is_null());
    let empty = embed::stats(
        JsValue::from_str("embed-test-none"),
        js(r#"{"distribution":true}"#),
    );
    assert!(field(&empty, "band").is_null());

    for score in [10, 9, 8, 3] {
        record(&format!(r#"{{"score":{score}}}"#)).unwrap();
    }
    let s = embed::stats(js(r#"{"touchpoint":"embed-test"}"#), JsValue::UNDEFINED);
    assert_eq!(field(&s, "n").as_f64(), Some(4.0));
    assert_eq!(field(&s, "promoters").as_f64(), Some(2.0));
    assert_eq!(field(&s, "passives").as_f64(), Some(1.0));
    assert_eq!(field(&s, "detractors").as_f64(), Some(1.0));
    assert_eq!(field(&s, "nps").as_f64(), Some(25.0));
    // The contract's keys only, unless asked for the band and the 0–10 distribution (what the
    // demo page shows, computed here too).
    assert!(field(&s, "band").is_undefined());
    let s = embed::stats(
        JsValue::from_str("embed-test"),
        js(r#"{"distribution":true}"#),
    );
    assert_eq!(field(&s, "band").as_string().as_deref(), Some("needs-work"));
    let distribution: Vec<f64> = js_sys::Array::from(&field(&s, "distribution"))
        .iter()
        .map(|c| c.as_f64().unwrap())
        .collect();
    assert_eq!(distribution, [0., 0., 0., 1., 0., 0., 0., 0., 1., 1., 1.]);
    let ci: js_sys::Array = field(&s, "ci95").unchecked_into();
    assert_eq!(ci.length(), 2);
    assert!(ci.get(0).as_f64().unwrap() < 25.0 && ci.get(1).as_f64().unwrap() > 25.0);
    assert_eq!(embed::pending(), 0, "local-only mode queues nothing");

    // A bad score is a synchronous TypeError naming the value.
    for bad in [
        r#"{"score":11}"#,
        r#"{"score":9.5}"#,
        r#"{"score":"9"}"#,
        r#"{}"#,
    ] {
        let err = record(bad).expect_err(bad);
        assert!(err.is_instance_of::<js_sys::TypeError>(), "{bad}");
        let msg: String = js_sys::Error::from(err).message().into();
        assert!(
            msg.starts_with("nps-widget: score must be an integer from 0 to 10, got "),
            "{msg}"
        );
    }
    let s = embed::stats(JsValue::from_str("embed-test"), JsValue::UNDEFINED);
    assert_eq!(
        field(&s, "n").as_f64(),
        Some(4.0),
        "rejected scores are not recorded"
    );
}

#[wasm_bindgen_test]
async fn modes_set_role_aria_modal_and_theme_class() {
    let modal = Fixture::with(&EN, Some("Acme"), Mode::Modal, Theme::Dark, None);
    assert_eq!(
        modal
            .mounted
            .host()
            .get_attribute("data-nps-widget")
            .as_deref(),
        Some("modal")
    );
    let dialog = modal.el("[role=dialog]");
    assert_eq!(dialog.get_attribute("aria-modal").as_deref(), Some("true"));
    assert_eq!(
        dialog.get_attribute("aria-labelledby").as_deref(),
        Some("nps-q")
    );
    assert_eq!(dialog.class_name(), "box modal dark");

    let popup = Fixture::with(&EN, None, Mode::Popup, Theme::Light, None);
    let dialog = popup.el("[role=dialog]");
    assert_eq!(
        dialog.get_attribute("aria-modal"),
        None,
        "a popup is not modal"
    );
    assert_eq!(dialog.class_name(), "box popup light");
    assert!(popup.q("[role=group]").is_none());

    // The stylesheet is adopted (CSP-safe), not inlined.
    let sheets = popup.mounted.root().adopted_style_sheets();
    assert_eq!(sheets.length(), 1);
    assert!(popup.q("style").is_none() && popup.q("[style]").is_none());
}

#[wasm_bindgen_test]
async fn preview_panel_follows_the_shared_summary() {
    let tally = LiveTally::new(Tally::new());
    let f = Fixture::with(
        &EN,
        Some("Acme"),
        Mode::Inline,
        Theme::Auto,
        Some(tally.clone()),
    );
    assert_eq!(f.text(".pv").trim_end(), "NPS in this browser NPS – · n 0");
    let bars = |f: &Fixture| -> Vec<String> {
        f.all(".pv .bars span")
            .iter()
            .map(|b| b.text_content().unwrap_or_default())
            .collect()
    };
    assert_eq!(bars(&f), [" ".repeat(7), " ".repeat(2), " ".repeat(2)]);
    let three: Tally = [10u8, 10, 9, 3].into_iter().collect();
    tally.set(three);
    tick().await;
    // The figures, then the bars.
    let figures = f.text(".pv").replace(&bars(&f).concat(), "");
    assert_eq!(
        figures,
        format!(
            "NPS in this browser{}",
            nps_widget::widget::preview_text(&three.summary())
        )
    );
    assert!(figures.contains(" · 95% CI "), "{figures}");
    assert!(figures.ends_with(" · good · n 4"), "{figures}");
    // 11 bars, the tallest the most frequent score, in three colours: detractors, passives,
    // promoters.
    assert_eq!(bars(&f), ["   ▄   ", "  ", "▄█"]);
    let classes: Vec<String> = f
        .all(".pv .bars span")
        .iter()
        .map(|b| b.get_attribute("class").unwrap_or_default())
        .collect();
    assert_eq!(classes, ["d", "p", "r"]);
    drop(f);
    // The tally outlives the prompt that showed it.
    tally.set(Tally::new());
}

#[wasm_bindgen_test]
fn two_tabs_enqueueing_through_storage_keep_both_responses() {
    let key = "test:queue-two-tabs";
    storage::remove(key);
    let mut tab_a = LocalQueueStore::with_key(key);
    let mut tab_b = LocalQueueStore::with_key(key);
    transact(&mut tab_a, |q| q.enqueue(response("from-a", 9))).unwrap();
    transact(&mut tab_b, |q| q.enqueue(response("from-b", 4))).unwrap();
    transact(&mut tab_a, |q| q.enqueue(response("from-a2", 7))).unwrap();
    let ids: Vec<String> = tab_b
        .load()
        .unwrap()
        .pending
        .into_iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(ids, ["from-a", "from-b", "from-a2"]);
}

#[wasm_bindgen_test]
fn stats_count_per_touchpoint_without_a_cap_and_take_in_the_first_release_list() {
    storage::remove(storage::TALLIES_KEY);
    // The first release kept the answers themselves: they are counted once, into the tallies.
    storage::set(
        storage::HISTORY_KEY,
        r#"[{"score":9,"touchpoint":"a","at":1},{"score":3,"touchpoint":"b","at":2},{"score":10,"touchpoint":"a","at":3}]"#,
    );
    let a = embed::stats(JsValue::from_str("a"), JsValue::UNDEFINED);
    assert_eq!(field(&a, "n").as_f64(), Some(2.0));
    assert_eq!(field(&a, "promoters").as_f64(), Some(2.0));
    assert_eq!(
        storage::get(storage::HISTORY_KEY),
        None,
        "moved, not copied"
    );
    let all = embed::stats(JsValue::UNDEFINED, JsValue::UNDEFINED);
    assert_eq!(field(&all, "n").as_f64(), Some(3.0));
    assert_eq!(field(&all, "detractors").as_f64(), Some(1.0));
    // Any touchpoint name is a key of its own, "__proto__" too.
    record(r#"{"score":7,"touchpoint":"__proto__"}"#).unwrap();
    assert_eq!(
        storage::get(storage::TALLIES_KEY).as_deref(),
        Some(
            // Sorted by touchpoint (a `KeyMap`).
            r#"{"__proto__":[0,0,0,0,0,0,0,1,0,0,0],"a":[0,0,0,0,0,0,0,0,0,1,1],"b":[0,0,0,1,0,0,0,0,0,0,0]}"#
        )
    );
    let proto = embed::stats(JsValue::from_str("__proto__"), JsValue::UNDEFINED);
    assert_eq!(field(&proto, "n").as_f64(), Some(1.0));
    // A tab still running the first release writes its list again: counted once more, no more.
    storage::set(
        storage::HISTORY_KEY,
        r#"[{"score":0,"touchpoint":"b","at":4}]"#,
    );
    assert_eq!(
        field(&embed::stats(JsValue::UNDEFINED, JsValue::UNDEFINED), "n").as_f64(),
        Some(5.0)
    );
    assert_eq!(
        field(&embed::stats(JsValue::UNDEFINED, JsValue::UNDEFINED), "n").as_f64(),
        Some(5.0)
    );
    // Counts, not a list: a million answers stay a million and one.
    storage::set(
        storage::TALLIES_KEY,
        r#"{"import":[0,0,0,0,0,0,0,0,0,0,1000000]}"#,
    );
    record(r#"{"score":0,"touchpoint":"import"}"#).unwrap();
    let s = embed::stats(JsValue::from_str("import"), JsValue::UNDEFINED);
    assert_eq!(field(&s, "n").as_f64(), Some(1_000_001.0));
    assert_eq!(field(&s, "detractors").as_f64(), Some(1.0));
    // A list of the wrong length is unreadable: kept aside, stats start fresh.
    storage::set(storage::TALLIES_KEY, r#"{"a":[1,2,3]}"#);
    assert_eq!(
        field(&embed::stats(JsValue::UNDEFINED, JsValue::UNDEFINED), "n").as_f64(),
        Some(0.0)
    );
    assert_eq!(
        storage::get("nps-widget:tallies:corrupt").as_deref(),
        Some(r#"{"a":[1,2,3]}"#)
    );
    storage::remove(storage::TALLIES_KEY);
    storage::remove("nps-widget:tallies:corrupt");
}

#[wasm_bindgen_test]
async fn corrupted_history_is_backed_up_and_stats_start_fresh() {
    storage::remove(storage::TALLIES_KEY);
    storage::set(storage::HISTORY_KEY, "[{\"score\":9,\"touchpoint\":");
    let s = embed::stats(JsValue::UNDEFINED, JsValue::UNDEFINED);
    assert_eq!(field(&s, "n").as_f64(), Some(0.0));
    assert!(field(&s, "nps").is_null());
    assert_eq!(
        storage::get("nps-widget:history:corrupt").as_deref(),
        Some("[{\"score\":9,\"touchpoint\":")
    );
    record(r#"{"score":10,"touchpoint":"after-corrupt"}"#).unwrap();
    let s = embed::stats(JsValue::from_str("after-corrupt"), JsValue::UNDEFINED);
    assert_eq!(field(&s, "n").as_f64(), Some(1.0));
}

#[wasm_bindgen_test]
async fn show_with_force_replaces_a_prompt_or_thank_you_on_screen_with_a_fresh_prompt() {
    let doc = web_sys::window().unwrap().document().unwrap();
    let slot = doc.create_element("div").unwrap();
    slot.set_id("force-slot");
    doc.body().unwrap().append_child(&slot).unwrap();
    embed::init(js(
        r##"{"trigger":"manual","mode":"inline","target":"#force-slot","touchpoint":"force-test"}"##,
    ));
    let hosts = || {
        slot.query_selector_all("[data-nps-widget]")
            .unwrap()
            .length()
    };
    let root = || {
        slot.query_selector("[data-nps-widget]")
            .unwrap()
            .expect("a prompt on screen")
            .shadow_root()
            .unwrap()
    };
    let force = js(r#"{"force":true}"#);
    embed::show(JsValue::UNDEFINED, force.clone());
    tick().await;
    assert_eq!(hosts(), 1);
    // Answer it: the thank-you is on screen.
    let radio: HtmlElement = root()
        .query_selector_all("[role=radio]")
        .unwrap()
        .item(3)
        .unwrap()
        .unchecked_into();
    radio.click();
    tick().await;
    let send: HtmlElement = root()
        .query_selector(".send")
        .unwrap()
        .unwrap()
        .unchecked_into();
    send.click();
    tick().await;
    let status = || {
        root()
            .query_selector("[role=status]")
            .unwrap()
            .unwrap()
            .text_content()
    };
    assert_eq!(status().as_deref(), Some("Thank you for your feedback!"));

    // Without force nothing changes; with force a fresh prompt replaces it.
    embed::show(JsValue::UNDEFINED, JsValue::UNDEFINED);
    tick().await;
    assert_eq!(status().as_deref(), Some("Thank you for your feedback!"));
    embed::show(JsValue::UNDEFINED, force);
    tick().await;
    assert_eq!(hosts(), 1, "the old prompt is gone");
    assert_eq!(status().as_deref(), Some(""));
    let checked = root()
        .query_selector_all("[aria-checked=true]")
        .unwrap()
        .length();
    assert_eq!(checked, 0, "nothing chosen in the fresh prompt");
    embed::hide();
    tick().await;
    assert_eq!(hosts(), 0);
    slot.remove();
}

/// Batches whose JS objects must serialise exactly as serde does: unicode, `"__proto__"` keys,
/// large and fractional numbers, empty and absent comments.
fn fixture_batches() -> Vec<Batch> {
    let mut tricky = response("0193a5c4-0000-7000-8000-00000000000a", 10);
    tricky.comment = Some("Ünïcödé 👋 \"quoted\" \\ <b>not html</b>\n\t\u{1}".into());
    tricky.touchpoint = "__proto__".into();
    for (k, x) in [
        ("fraction", 0.1 + 0.2),
        ("negative", -12.5),
        ("tiny", 1.5e-7),
        ("max_safe", 9_007_199_254_740_991.0),
        ("min_safe", -9_007_199_254_740_991.0),
        ("big_fraction", 4_503_599_627_370_495.5),
        ("whole", 100.0),
        ("zero", 0.0),
        ("negative_zero", -0.0),
    ] {
        tricky.properties.insert(k.into(), PropertyValue::Number(x));
    }
    tricky
        .properties
        .insert("constructor".into(), PropertyValue::String("x".into()));
    let mut empty = response("0193a5c4-0000-7000-8000-00000000000b", 0);
    empty.comment = Some(String::new());
    empty.properties = Properties::new();
    let mut absent = response("0193a5c4-0000-7000-8000-00000000000c", 7);
    absent.comment = None;
    vec![
        Batch::new(
            "0193a5c4-0000-7000-8000-0000000000b1".into(),
            "2026-11-22T10:00:00Z".into(),
            vec![tricky, empty, absent],
        ),
        Batch::new(
            "0193a5c4-0000-7000-8000-0000000000b2".into(),
            "2026-11-22T10:00:01Z".into(),
            vec![response("0193a5c4-0000-7000-8000-00000000000d", 5)],
        ),
    ]
}

#[wasm_bindgen_test]
fn js_objects_serialise_byte_for_byte_as_serde_json() {
    for batch in fixture_batches() {
        let ours = nps_widget::browser::js::batch_to_js(&batch);
        let text = js_sys::JSON::stringify(&ours).unwrap().as_string().unwrap();
        assert_eq!(text, serde_json::to_string(&batch).unwrap());
        // And back: what the browser holds reads as the same batch.
        let back = js_sys::Array::from(&field(&js(&text), "responses"))
            .iter()
            .map(|r| nps_widget::browser::js::response_from_js(&r).unwrap())
            .collect::<Vec<_>>();
        assert_eq!(back, batch.responses);
        // `__proto__` is an own property, not a changed prototype.
        let first = js_sys::Reflect::get(&field(&ours, "responses"), &JsValue::from(0)).unwrap();
        let props = field(&first, "properties");
        assert!(
            js_sys::Object::get_prototype_of(&props)
                == js_sys::Object::get_prototype_of(&js_sys::Object::new())
        );
    }
    // Whole numbers beyond 2^53 are the same value, written differently (`1e+300` / `1e300`).
    let mut huge = response("0193a5c4-0000-7000-8000-00000000000e", 9);
    huge.properties
        .insert("huge".into(), PropertyValue::Number(1e300));
    let text = js_sys::JSON::stringify(&nps_widget::browser::js::response_to_js(&huge))
        .unwrap()
        .as_string()
        .unwrap();
    assert_eq!(serde_json::from_str::<Response>(&text).unwrap(), huge);
}

/// Runs `f` and returns what it logged with `console.error`.
fn console_errors(f: impl FnOnce()) -> Vec<String> {
    let console = js_sys::Reflect::get(&js_sys::global(), &"console".into()).unwrap();
    let original = js_sys::Reflect::get(&console, &"error".into()).unwrap();
    let seen = Rc::new(std::cell::RefCell::new(Vec::new()));
    let sink = seen.clone();
    let capture = Closure::<dyn FnMut(JsValue)>::new(move |m: JsValue| {
        sink.borrow_mut().push(m.as_string().unwrap_or_default());
    });
    js_sys::Reflect::set(&console, &"error".into(), capture.as_ref()).unwrap();
    f();
    js_sys::Reflect::set(&console, &"error".into(), &original).unwrap();
    let out = seen.borrow().clone();
    out
}

#[wasm_bindgen_test]
async fn init_show_and_record_accept_and_refuse_the_same_properties() {
    // Regression: `0.1 + 0.2` was refused by init() and accepted by record().
    let sum = r#"{"total":0.30000000000000004}"#;
    let errors = console_errors(|| {
        embed::init(js(&format!(
            r#"{{"trigger":"manual","touchpoint":"props-test","properties":{sum}}}"#
        )));
        embed::init(js(&format!(
            r#"{{"trigger":"manual","touchpoint":"props-test","data-properties":{}}}"#,
            serde_json::to_string(sum).unwrap()
        )));
        embed::show(js(sum), JsValue::UNDEFINED);
        embed::hide();
    });
    assert_eq!(errors, Vec::<String>::new());
    let r = record(&format!(r#"{{"score":9,"properties":{sum}}}"#)).unwrap();
    let total = field(&field(&r, "properties"), "total");
    assert_eq!(total.as_f64(), Some(0.1 + 0.2));

    let tail = |m: &str, subject: &str| -> String {
        m.strip_prefix(subject)
            .unwrap_or_else(|| panic!("{m:?} does not start with {subject:?}"))
            .to_owned()
    };
    for bad in [r#"{"a":{"b":1}}"#, r#"{"a":null}"#, r#"[1]"#, r#""text""#] {
        let init_errors = console_errors(|| {
            embed::init(js(&format!(r#"{{"trigger":"manual","properties":{bad}}}"#)));
        });
        let show_errors = console_errors(|| embed::show(js(bad), JsValue::UNDEFINED));
        embed::hide();
        let err = record(&format!(r#"{{"score":9,"properties":{bad}}}"#)).expect_err(bad);
        assert!(err.is_instance_of::<js_sys::TypeError>(), "{bad}");
        let record_message: String = js_sys::Error::from(err).message().into();
        assert_eq!(init_errors.len(), 1, "{bad}: {init_errors:?}");
        assert_eq!(show_errors.len(), 1, "{bad}: {show_errors:?}");
        // The value as given: JSON, or the text itself for a string.
        let shown = js(bad).as_string().unwrap_or_else(|| {
            js_sys::JSON::stringify(&js(bad))
                .unwrap()
                .as_string()
                .unwrap()
        });
        let want = format!(
            " must be a JSON object whose values are strings, numbers or booleans, got \"{shown}\""
        );
        assert_eq!(tail(&init_errors[0], "nps-widget: data-properties"), want);
        assert_eq!(tail(&show_errors[0], "nps-widget: show(properties)"), want);
        assert_eq!(
            tail(&record_message, "nps-widget: record({properties})"),
            want
        );
    }
    embed::init(js(r#"{"trigger":"manual"}"#));
}

/// Connects a shell whose `emit` is `on_emit` (the other calls do nothing).
fn connect_shell(on_emit: impl Fn(String, JsValue) + 'static) {
    let host = js_sys::Object::new();
    // `Fn`, not `FnMut`: a handler's own calls may emit again, re-entering it.
    let emit = Closure::<dyn Fn(String, JsValue)>::new(on_emit);
    js_sys::Reflect::set(&host, &"emit".into(), emit.as_ref()).unwrap();
    emit.forget();
    for name in ["schedule", "arm", "disarm", "keys"] {
        let nothing = Closure::<dyn Fn()>::new(|| {});
        js_sys::Reflect::set(&host, &name.into(), nothing.as_ref()).unwrap();
        nothing.forget();
    }
    embed::connect(host.unchecked_into());
}

#[wasm_bindgen_test]
async fn on_handlers_may_call_back_into_the_widget() {
    let seen = Rc::new(std::cell::RefCell::new(Vec::<String>::new()));
    let log = seen.clone();
    connect_shell(move |event, detail| {
        let touchpoint = field(&detail, "touchpoint").as_string().unwrap_or_default();
        log.borrow_mut().push(format!("{event} {touchpoint}"));
        match (event.as_str(), touchpoint.as_str()) {
            ("response", "reentry") => {
                embed::record(js(r#"{"score":5,"touchpoint":"reentry-inner"}"#));
                embed::hide();
            }
            ("shown", _) => embed::hide(),
            _ => {}
        }
    });
    embed::init(js(
        r#"{"trigger":"manual","touchpoint":"reentry","mode":"modal"}"#,
    ));

    // A response handler records another answer and hides: both are kept, the widget lives.
    record(r#"{"score":9}"#).unwrap();
    assert_eq!(
        *seen.borrow(),
        ["response reentry", "response reentry-inner"]
    );
    let n = |t: &str| field(&embed::stats(JsValue::from_str(t), JsValue::UNDEFINED), "n").as_f64();
    assert_eq!((n("reentry"), n("reentry-inner")), (Some(1.0), Some(1.0)));

    // A shown handler hides the prompt it was told about (forced: this browser has answered).
    embed::show(JsValue::UNDEFINED, js(r#"{"force":true}"#));
    assert_eq!(
        seen.borrow().last().map(String::as_str),
        Some("shown reentry")
    );
    let doc = web_sys::window().unwrap().document().unwrap();
    assert!(doc
        .query_selector("[data-nps-widget=\"modal\"]")
        .unwrap()
        .is_none());
    // Still alive: a fresh prompt shows (force) and a record is counted.
    embed::show(JsValue::UNDEFINED, js(r#"{"force":true}"#));
    assert_eq!(seen.borrow().len(), 4, "{:?}", seen.borrow());
    record(r#"{"score":10}"#).unwrap();
    assert_eq!(n("reentry"), Some(2.0));

    connect_shell(|_, _| {});
    embed::hide();
}

/// `data-format`, `data-content-type` and `data-headers` decide what `takeBatch()` hands the shell
/// to POST: the body of each format (the same response objects, byte for byte), its
/// `Content-Type` and the extra headers.
#[wasm_bindgen_test]
async fn each_format_gives_its_body_content_type_and_headers() {
    let cases = [
        ("nps", None, "application/json"),
        ("ndjson", None, "application/x-ndjson"),
        ("json-array", None, "application/json"),
        ("ndjson", Some("text/plain"), "text/plain"),
    ];
    for (format, content_type, expected_type) in cases {
        LocalQueueStore::default()
            .save(&QueueState::default())
            .unwrap();
        let mut options = format!(
            r#"{{"endpoint":"http://127.0.0.1:9/ingest","trigger":"manual","touchpoint":"formats","flushMs":"600000","format":"{format}","headers":"{{\"apikey\":\"anon-key\"}}""#
        );
        if let Some(t) = content_type {
            options.push_str(&format!(r#","contentType":"{t}""#));
        }
        options.push('}');
        embed::init(js(&options));
        let a = record(r#"{"score":9,"comment":"line one\nline two"}"#).unwrap();
        let b = record(r#"{"score":3}"#).unwrap();
        let post: js_sys::Array = embed::take_batch(true, false, false, true).unchecked_into();
        assert_eq!(post.length(), 4, "{format}");
        assert_eq!(
            post.get(0).as_string().as_deref(),
            Some("http://127.0.0.1:9/ingest")
        );
        let body = post.get(1).as_string().unwrap();
        assert_eq!(
            post.get(2).as_string().as_deref(),
            Some(expected_type),
            "{format}"
        );
        assert_eq!(
            field(&post.get(3), "apikey").as_string().as_deref(),
            Some("anon-key")
        );
        let sent: Vec<Response> = match format {
            "nps" => serde_json::from_str::<Batch>(&body).unwrap().responses,
            "json-array" => serde_json::from_str(&body).unwrap(),
            _ => {
                // One compact object per line, each line ending with \n (the comment's own
                // line break is escaped inside its line).
                assert!(body.ends_with('\n'), "{body:?}");
                body.lines()
                    .map(|l| serde_json::from_str(l).unwrap())
                    .collect()
            }
        };
        let want = |r: &JsValue| js_sys::JSON::stringify(r).unwrap().as_string().unwrap();
        let got: Vec<String> = sent
            .iter()
            .map(|r| serde_json::to_string(r).unwrap())
            .collect();
        assert_eq!(got, [want(&a), want(&b)], "{format}");
        if format == "ndjson" {
            assert_eq!(body, format!("{}\n{}\n", want(&a), want(&b)));
        }
        assert_eq!(embed::batch_done(Some(200), None, ""), 2);
        assert_eq!(embed::pending(), 0);
    }
    // A bad format: one error, and the nps body.
    embed::init(js(
        r#"{"endpoint":"http://127.0.0.1:9/ingest","trigger":"manual","flushMs":"600000","format":"csv"}"#,
    ));
    record(r#"{"score":7}"#).unwrap();
    let post: js_sys::Array = embed::take_batch(true, false, false, true).unchecked_into();
    assert!(serde_json::from_str::<Batch>(&post.get(1).as_string().unwrap()).is_ok());
    assert_eq!(post.get(2).as_string().as_deref(), Some("application/json"));
    assert_eq!(embed::batch_done(Some(200), None, ""), 1);
}

/// An answer past a full queue (nps_core::queue::MAX_PENDING waiting) moves the oldest
/// SHED_AT_ONCE + 1 to the dead letters with reason `queue-full`, says so with one `error` event,
/// and keeps the new one.
#[wasm_bindgen_test]
async fn a_full_queue_moves_its_oldest_to_the_dead_letters_with_an_error_event() {
    use nps_core::queue::{MAX_PENDING, SHED_AT_ONCE};
    let base = Response {
        id: String::new(),
        score: 8,
        comment: None,
        touchpoint: "full".into(),
        locale: "en".into(),
        answered_at: "2026-11-22T09:59:41Z".into(),
        page: String::new(),
        properties: Properties::new(),
    };
    let full = QueueState {
        pending: (0..MAX_PENDING)
            .map(|i| Response {
                id: format!("old-{i:05}"),
                ..base.clone()
            })
            .collect(),
        ..QueueState::default()
    };
    // Whatever other tests left queued goes first (a save removes only what its load saw).
    let mut store = LocalQueueStore::default();
    store.load().unwrap();
    store.save(&QueueState::default()).unwrap();
    LocalQueueStore::default().save(&full).unwrap();
    let seen = Rc::new(std::cell::RefCell::new(Vec::<JsValue>::new()));
    let log = seen.clone();
    connect_shell(move |event, detail| {
        if event == "error" {
            log.borrow_mut().push(detail);
        }
    });
    embed::init(js(
        r#"{"endpoint":"http://127.0.0.1:9/ingest","trigger":"manual","flushMs":"600000"}"#,
    ));
    let r = record(r#"{"score":10,"touchpoint":"full"}"#).unwrap();

    let q = LocalQueueStore::default().load().unwrap();
    assert_eq!(q.pending(), MAX_PENDING - SHED_AT_ONCE);
    assert_eq!(q.pending[0].id, format!("old-{:05}", SHED_AT_ONCE + 1));
    assert_eq!(
        q.pending.last().map(|p| p.id.clone()),
        field(&r, "id").as_string()
    );
    assert_eq!(q.dead_letters.len(), SHED_AT_ONCE + 1);
    assert_eq!(q.dead_letters[0].response.id, "old-00000");
    assert_eq!(
        q.dead_letters[SHED_AT_ONCE].response.id,
        format!("old-{SHED_AT_ONCE:05}")
    );
    assert_eq!(q.dead_letters[0].reason, "queue-full");
    assert_eq!(q.dead_letters[0].status, 0);
    // (What other tests kept aside as unreadable is listed too: count the refusals only.)
    let full: Vec<JsValue> = js_sys::Array::from(&embed::dead_letters())
        .iter()
        .filter(|d| field(d, "reason").as_string().as_deref() == Some("queue-full"))
        .collect();
    assert_eq!(full.len(), SHED_AT_ONCE + 1);
    let events = seen.borrow();
    assert_eq!(events.len(), 1);
    assert_eq!(
        field(&events[0], "kind").as_string().as_deref(),
        Some("queue-full")
    );
    assert_eq!(
        field(&events[0], "count").as_f64(),
        Some((SHED_AT_ONCE + 1) as f64)
    );
    drop(events);
    connect_shell(|_, _| {});
    let mut store = LocalQueueStore::default();
    store.load().unwrap();
    store.save(&QueueState::default()).unwrap();
}

/// `record()` appends its answer without reading the queue (what keeps it O(1) at any queue
/// length): an entry it cannot read, left there after `init()`, is neither read nor moved aside
/// by an answer, and the next read of the queue finds both in order.
#[wasm_bindgen_test]
async fn record_appends_without_reading_the_queue() {
    let mut store = LocalQueueStore::default();
    store.load().unwrap();
    store.save(&QueueState::default()).unwrap();
    embed::init(js(
        r#"{"endpoint":"http://127.0.0.1:9/ingest","trigger":"manual","flushMs":"600000","touchpoint":"append"}"#,
    ));
    let unread = "nps-widget:queue:q:append-unreadable";
    storage::set(unread, "not json");
    let first = record(r#"{"score":4}"#).unwrap();
    let second = record(r#"{"score":9}"#).unwrap();
    assert_eq!(storage::get(unread).as_deref(), Some("not json"));
    assert_eq!(embed::pending(), 2);
    let q = LocalQueueStore::default().load().unwrap();
    let ids: Vec<Option<String>> = q.pending.iter().map(|r| Some(r.id.clone())).collect();
    assert_eq!(
        ids,
        [
            field(&first, "id").as_string(),
            field(&second, "id").as_string()
        ]
    );
    assert_eq!(storage::get(unread), None);
    assert_eq!(
        storage::get(&format!("{unread}:corrupt")).as_deref(),
        Some("not json")
    );
    storage::remove(&format!("{unread}:corrupt"));
    let mut store = LocalQueueStore::default();
    store.load().unwrap();
    store.save(&QueueState::default()).unwrap();
}

/// What the widget cannot read in its storage is kept aside byte for byte and shown to the site
/// by `deadLetters()` with reason `unreadable`.
#[wasm_bindgen_test]
async fn unreadable_storage_is_listed_by_dead_letters_exactly_as_stored() {
    let key = "nps-widget:queue:q:unreadable-test";
    storage::set(key, "42");
    embed::init(js(r#"{"trigger":"manual","touchpoint":"unreadable"}"#));
    let list = js_sys::Array::from(&embed::dead_letters());
    let found: Vec<JsValue> = list
        .iter()
        .filter(|d| field(d, "reason").as_string().as_deref() == Some("unreadable"))
        .collect();
    assert_eq!(
        found.len(),
        1,
        "{:?}",
        js_sys::JSON::stringify(&list.into())
    );
    assert_eq!(field(&found[0], "key").as_string().as_deref(), Some(key));
    assert_eq!(
        field(&found[0], "stored").as_string().as_deref(),
        Some("42")
    );
    assert!(field(&found[0], "response").is_undefined());
    assert_eq!(storage::get(key), None);
    storage::remove(&format!("{key}:corrupt"));
}
