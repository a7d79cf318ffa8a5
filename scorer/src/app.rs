//! The scorer page's Leptos app: open or drop a file, watch the progress (the Web Worker reads
//! it), then the score, the distribution, the touchpoints, the trend, two periods compared and
//! the comments. Views only wire signals to [`crate::analysis`] and [`crate::model`].

use std::sync::Arc;

use leptos::prelude::*;
use leptos::task::spawn_local;
use nps_core::scoring::{Category, Tally};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::analysis::{Analysis, Filter, Period};
use crate::model::{self, SortBy};

#[wasm_bindgen]
extern "C" {
    /// What `page.js` gives the app: the Web Worker behind a Promise.
    #[derive(Clone)]
    pub type Bridge;
    /// Reads and scores `file` in the worker; `on_progress(fraction)`; resolves to the
    /// [`Analysis`] as JSON, rejects with an `Error` whose message says what went wrong.
    #[wasm_bindgen(method)]
    fn analyze(
        this: &Bridge,
        file: &web_sys::File,
        on_progress: &js_sys::Function,
    ) -> js_sys::Promise;
    /// Stops the reading in progress (its Promise rejects with an `AbortError`).
    #[wasm_bindgen(method)]
    fn cancel(this: &Bridge);
}

/// Where the page is.
#[derive(Clone)]
enum Stage {
    Empty,
    Reading {
        name: String,
    },
    Failed {
        name: String,
        message: String,
    },
    Scored {
        name: String,
        analysis: Arc<Analysis>,
    },
}

/// Mounts the app in `parent`.
pub fn mount(parent: web_sys::HtmlElement, bridge: Bridge) {
    let handle = leptos::mount::mount_to(parent, move || view! { <App bridge=bridge.clone() /> });
    // The page is the app: it stays mounted for the page's lifetime.
    std::mem::forget(handle);
}

const COLOURS: [&str; 3] = ["#c0392b", "#b7950b", "#1e8449"];

fn colour(c: Category) -> &'static str {
    match c {
        Category::Detractor => COLOURS[0],
        Category::Passive => COLOURS[1],
        Category::Promoter => COLOURS[2],
    }
}

fn nps_text(t: &Tally) -> String {
    t.nps()
        .map(model::one_decimal)
        .unwrap_or_else(|| "—".into())
}

fn ci_text(t: &Tally) -> String {
    match t.ci95() {
        Some([lo, hi]) => format!("{} to {}", model::one_decimal(lo), model::one_decimal(hi)),
        None => "—".into(),
    }
}

#[component]
fn App(bridge: Bridge) -> impl IntoView {
    let stage = RwSignal::new(Stage::Empty);
    let progress = RwSignal::new(0.0_f64);

    let start = {
        let bridge = bridge.clone();
        move |file: web_sys::File| {
            let name = file.name();
            progress.set(0.0);
            stage.set(Stage::Reading { name: name.clone() });
            let on_progress = Closure::<dyn Fn(f64)>::new(move |f: f64| progress.set(f));
            let promise = bridge.analyze(&file, on_progress.as_ref().unchecked_ref());
            spawn_local(async move {
                let result = wasm_bindgen_futures::JsFuture::from(promise).await;
                drop(on_progress);
                let next = match result {
                    Ok(json) => {
                        match serde_json::from_str::<Analysis>(
                            &json.as_string().unwrap_or_default(),
                        ) {
                            Ok(a) => Stage::Scored {
                                name,
                                analysis: Arc::new(a),
                            },
                            Err(e) => Stage::Failed {
                                name,
                                message: format!("internal error reading the worker's result: {e}"),
                            },
                        }
                    }
                    Err(e) => {
                        let message = e
                            .dyn_ref::<js_sys::Error>()
                            .map(|e| String::from(e.message()))
                            .unwrap_or_else(|| "the file could not be read".into());
                        if e.dyn_ref::<js_sys::Error>()
                            .map(|e| String::from(e.name()))
                            .as_deref()
                            == Some("AbortError")
                        {
                            Stage::Empty
                        } else {
                            Stage::Failed { name, message }
                        }
                    }
                };
                stage.set(next);
            });
        }
    };
    let start_input = start.clone();
    let on_change = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        if let Some(file) = input.files().and_then(|f| f.get(0)) {
            start_input(file);
        }
        input.set_value("");
    };
    let dragging = RwSignal::new(false);
    let on_drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        dragging.set(false);
        if let Some(file) = ev
            .data_transfer()
            .and_then(|d| d.files())
            .and_then(|f| f.get(0))
        {
            start(file);
        }
    };
    let cancel = move |_| bridge.cancel();

    view! {
        <section
            class="drop"
            class:dragging=move || dragging.get()
            on:dragover=move |ev: leptos::ev::DragEvent| {
                ev.prevent_default();
                dragging.set(true);
            }
            on:dragleave=move |_| dragging.set(false)
            on:drop=on_drop
        >
            <label for="file">"Open an export file (CSV, JSON or NDJSON) — or drop it here"</label>
            <input id="file" type="file" accept=".csv,.json,.ndjson,.jsonl,.txt,text/csv,application/json" on:change=on_change />
            <p class="hint">"The file is read in this page and never leaves it."</p>
        </section>
        {move || match stage.get() {
            Stage::Empty => ().into_any(),
            Stage::Reading { name } => view! {
                <section class="reading" aria-live="polite">
                    <p>"Reading " {name} "…"</p>
                    <progress max="1" value=move || progress.get() aria-label="Reading progress"></progress>
                    <button type="button" on:click=cancel.clone()>"Cancel"</button>
                </section>
            }.into_any(),
            Stage::Failed { name, message } => view! {
                <section class="failed" role="alert">
                    <h2>"Could not score " {name}</h2>
                    <p>{message}</p>
                </section>
            }.into_any(),
            Stage::Scored { name, analysis } => view! { <Report name=name analysis=analysis /> }.into_any(),
        }}
    }
}

#[component]
fn Report(name: String, analysis: Arc<Analysis>) -> impl IntoView {
    let all = analysis.overall(&Filter::default());
    let a = analysis.clone();
    view! {
        <h2 class="file">{name}</h2>
        <Score tally=all analysis=a.clone() />
        <Distribution tally=all />
        <Touchpoints analysis=a.clone() />
        <Trend analysis=a.clone() />
        <Comments analysis=a.clone() />
        <Exports analysis=a />
    }
}

#[component]
fn Score(tally: Tally, analysis: Arc<Analysis>) -> impl IntoView {
    let band = tally
        .summary()
        .band()
        .map(|b| b.as_str())
        .unwrap_or("no answers");
    let invalid = (analysis.invalid > 0).then(|| {
        let lines: Vec<String> = analysis
            .invalid_lines
            .iter()
            .map(|l| l.to_string())
            .collect();
        let rows = if analysis.invalid == 1 {
            "row was"
        } else {
            "rows were"
        };
        format!(
            "{} {rows} not counted (score not an integer 0–10); first lines: {}.",
            analysis.invalid,
            lines.join(", ")
        )
    });
    let undated = analysis.undated(&Filter::default());
    view! {
        <section class="score" aria-labelledby="score-h">
            <h2 id="score-h">"Net Promoter Score"</h2>
            <p class="nps"><span class="big" data-nps>{nps_text(&tally)}</span>
               <span class="band" data-band=band>{band}</span></p>
            <p>"95 % confidence interval: " <span data-ci>{ci_text(&tally)}</span></p>
            <p>{format!("{} answers: {} promoters, {} passives, {} detractors", tally.n(), tally.promoters(), tally.passives(), tally.detractors())}</p>
            {invalid.map(|m| view! { <p class="invalid" role="note">{m}</p> })}
            {(undated > 0).then(|| view! { <p class="note">{format!("{undated} answers have no date: counted everywhere but in the trend.")}</p> })}
        </section>
    }
}

#[component]
fn Distribution(tally: Tally) -> impl IntoView {
    let counts = tally.counts();
    let max = counts.iter().copied().max().unwrap_or(0).max(1) as f64;
    let label = (0..=10)
        .map(|s| format!("{s}: {}", counts[s]))
        .collect::<Vec<_>>()
        .join(", ");
    let bars = (0..=10usize)
        .map(|s| {
            let h = counts[s] as f64 / max * 120.0;
            let x = 10.0 + s as f64 * 40.0;
            view! {
                <g>
                    <rect x=x y=130.0 - h width="30" height=h fill=colour(model::category_of(s))>
                        <title>{format!("score {s}: {} answers", counts[s])}</title>
                    </rect>
                    <text x=x + 15.0 y="148" text-anchor="middle" font-size="12">{s.to_string()}</text>
                </g>
            }
        })
        .collect_view();
    view! {
        <section aria-labelledby="dist-h">
            <h2 id="dist-h">"Scores 0–10"</h2>
            <svg id="chart-distribution" class="chart" viewBox="0 0 450 155" role="img" aria-label=format!("Answers per score: {label}") dir="ltr">
                {bars}
            </svg>
            <SvgDownload id="chart-distribution" file="nps-distribution.svg" />
        </section>
    }
}

#[component]
fn Touchpoints(analysis: Arc<Analysis>) -> impl IntoView {
    let sort = RwSignal::new(SortBy::Answers);
    let groups = analysis.by_touchpoint();
    let g2 = groups.clone();
    let header = move |by: SortBy, text: &'static str| {
        view! {
            <th aria-sort=move || if sort.get() == by { if by == SortBy::Name { "ascending" } else { "descending" } } else { "none" }>
                <button type="button" on:click=move |_| sort.set(by)>{text}</button>
            </th>
        }
    };
    let rows = move || {
        model::sorted(groups.clone(), sort.get())
            .into_iter()
            .map(|g| {
                view! {
                    <tr><th scope="row">{g.key.clone()}</th><td>{g.tally.n().to_string()}</td>
                        <td>{nps_text(&g.tally)}</td><td>{ci_text(&g.tally)}</td></tr>
                }
            })
            .collect_view()
    };
    let height = 24.0 * g2.len() as f64 + 20.0;
    let bars = move || {
        model::sorted(g2.clone(), sort.get())
            .into_iter()
            .enumerate()
            .map(|(i, g)| {
                let y = 10.0 + 24.0 * i as f64;
                let zero = 120.0 + model::scale(0.0, 300.0);
                let at = 120.0 + model::scale(g.tally.nps().unwrap_or(0.0), 300.0);
                let (x, w) = if at < zero { (at, zero - at) } else { (zero, at - zero) };
                let whisker = g.tally.ci95().map(|[lo, hi]| {
                    let (lo, hi) = (120.0 + model::scale(lo, 300.0), 120.0 + model::scale(hi, 300.0));
                    view! { <line x1=lo x2=hi y1=y + 8.0 y2=y + 8.0 stroke="#222" stroke-width="1.5" /> }
                });
                view! {
                    <g>
                        <text x="115" y=y + 12.0 text-anchor="end" font-size="12">{g.key.clone()}</text>
                        <rect x=x y=y width=w height="16" fill="#2e86c1"><title>{format!("{}: NPS {}, 95 % CI {}", g.key, nps_text(&g.tally), ci_text(&g.tally))}</title></rect>
                        {whisker}
                    </g>
                }
            })
            .collect_view()
    };
    view! {
        <section aria-labelledby="tp-h">
            <h2 id="tp-h">"By touchpoint"</h2>
            <table class="touchpoints">
                <thead><tr>{header(SortBy::Name, "Touchpoint")}{header(SortBy::Answers, "Answers")}{header(SortBy::Nps, "NPS")}<th>"95 % CI"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
            <svg id="chart-touchpoints" class="chart" viewBox=format!("0 0 440 {height}") role="img" aria-label="NPS by touchpoint with 95 % intervals" dir="ltr">
                <line x1="270" x2="270" y1="0" y2=height stroke="#888" />
                {bars}
            </svg>
            <SvgDownload id="chart-touchpoints" file="nps-touchpoints.svg" />
        </section>
    }
}

#[component]
fn Trend(analysis: Arc<Analysis>) -> impl IntoView {
    let period = RwSignal::new(Period::Month);
    let a = analysis.clone();
    let points = Memo::new(move |_| a.trend(period.get(), &Filter::default()));
    let chart = move || {
        let pts = points.get();
        let n = pts.len().max(2) as f64;
        let x = |i: usize| 20.0 + i as f64 * 400.0 / (n - 1.0);
        let y = |v: f64| 190.0 - model::scale(v, 180.0);
        let mut line = String::new();
        let mut upper = Vec::new();
        let mut lower = Vec::new();
        for (i, p) in pts.iter().enumerate() {
            if let (Some(v), Some([lo, hi])) = (p.tally.nps(), p.tally.ci95()) {
                line.push_str(&format!("{:.1},{:.1} ", x(i), y(v)));
                upper.push(format!("{:.1},{:.1}", x(i), y(hi)));
                lower.push(format!("{:.1},{:.1}", x(i), y(lo)));
            }
        }
        lower.reverse();
        let band = [upper, lower].concat().join(" ");
        let dots = pts
            .iter()
            .enumerate()
            .filter_map(|(i, p)| p.tally.nps().map(|v| (i, p.key.clone(), v)))
            .map(|(i, key, v)| view! { <circle cx=x(i) cy=y(v) r="3" fill="#1f618d"><title>{format!("{key}: NPS {}", model::one_decimal(v))}</title></circle> })
            .collect_view();
        view! {
            <line x1="20" x2="420" y1=y(0.0) y2=y(0.0) stroke="#bbb" />
            <polygon points=band fill="#aed6f1" fill-opacity="0.6" />
            <polyline points=line fill="none" stroke="#1f618d" stroke-width="2" />
            {dots}
        }
    };
    let changes = move || {
        let pts = points.get();
        pts.iter()
            .enumerate()
            .map(|(i, p)| {
                let text = match (&p.change, i.checked_sub(1).map(|j| &pts[j])) {
                    (Some(c), Some(prev)) => model::change_sentence(c, &period.get().label(&prev.key)),
                    _ => None,
                }
                .unwrap_or_else(|| "first period".to_owned());
                view! { <li><b>{period.get().label(&p.key)}</b>{format!(": NPS {} (n = {}); {text}", nps_text(&p.tally), p.tally.n())}</li> }
            })
            .collect_view()
    };
    let choose = move |ev: leptos::ev::Event| {
        if let Some(p) = Period::from_name(&event_target_value(&ev)) {
            period.set(p);
        }
    };
    view! {
        <section aria-labelledby="trend-h">
            <h2 id="trend-h">"Trend"</h2>
            <label>"Group by " <select on:change=choose>
                <option value="day">"day"</option>
                <option value="week">"week"</option>
                <option value="month" selected>"month"</option>
            </select></label>
            <svg id="chart-trend" class="chart" viewBox="0 0 440 200" role="img" aria-label="NPS over time with its 95 % interval" dir="ltr">{chart}</svg>
            <SvgDownload id="chart-trend" file="nps-trend.svg" />
            <ol class="changes">{changes}</ol>
            <Compare analysis=analysis period=period />
        </section>
    }
}

#[component]
fn Compare(analysis: Arc<Analysis>, period: RwSignal<Period>) -> impl IntoView {
    let a = analysis.clone();
    let keys = Memo::new(move |_| {
        a.trend(period.get(), &Filter::default())
            .into_iter()
            .map(|p| p.key)
            .collect::<Vec<_>>()
    });
    let first = RwSignal::new(String::new());
    let second = RwSignal::new(String::new());
    Effect::new(move |_| {
        let k = keys.get();
        second.set(k.last().cloned().unwrap_or_default());
        first.set(
            k.len()
                .checked_sub(2)
                .map(|i| k[i].clone())
                .unwrap_or_default(),
        );
    });
    let options = move |selected: RwSignal<String>| {
        move || {
            keys.get()
                .into_iter()
                .map(|k| {
                    let label = period.get().label(&k);
                    let is = selected.get() == k;
                    view! { <option value=k selected=is>{label}</option> }
                })
                .collect_view()
        }
    };
    let sentence = move || {
        let (x, y) = (second.get(), first.get());
        if x.is_empty() || y.is_empty() || x == y {
            return "Choose two different periods.".to_owned();
        }
        let p = period.get();
        let tx = analysis.period(p, &x, &Filter::default());
        let ty = analysis.period(p, &y, &Filter::default());
        model::compare_sentence(p, (&x, &tx), (&y, &ty))
            .unwrap_or_else(|| "One of the periods has no answers.".to_owned())
    };
    view! {
        <div class="compare">
            <h3>"Compare two periods"</h3>
            <label>"Earlier " <select on:change=move |ev| first.set(event_target_value(&ev))>{options(first)}</select></label>
            <label>" Later " <select on:change=move |ev| second.set(event_target_value(&ev))>{options(second)}</select></label>
            <p role="status" data-compare>{sentence}</p>
        </div>
    }
}

#[component]
fn Comments(analysis: Arc<Analysis>) -> impl IntoView {
    let category = RwSignal::new(Some(Category::Detractor));
    let touchpoint = RwSignal::new(None::<String>);
    let a = analysis.clone();
    let list = move || {
        let tp = touchpoint.get();
        a.comments(category.get(), tp.as_deref())
            .take(500)
            .map(|c| view! { <li><span class="tag" data-category=c.category().as_str()>{c.score.to_string()}</span>" " <span class="tp">{c.touchpoint.clone()}</span>" " <q>{c.text.clone()}</q></li> })
            .collect_view()
    };
    let seen = analysis.comments_seen;
    let kept_note = (seen.iter().any(|s| *s > crate::analysis::MAX_COMMENTS as u64)).then(|| {
        format!(
            "Showing the first {} comments of each category ({} detractors', {} passives', {} promoters' in the file).",
            crate::analysis::MAX_COMMENTS, seen[0], seen[1], seen[2]
        )
    });
    let names = analysis.touchpoint_names().to_vec();
    view! {
        <section aria-labelledby="comments-h">
            <h2 id="comments-h">"Comments"</h2>
            <label>"Category " <select on:change=move |ev| category.set(match event_target_value(&ev).as_str() {
                "detractor" => Some(Category::Detractor),
                "passive" => Some(Category::Passive),
                "promoter" => Some(Category::Promoter),
                _ => None,
            })>
                <option value="detractor" selected>"detractors"</option>
                <option value="passive">"passives"</option>
                <option value="promoter">"promoters"</option>
                <option value="all">"all"</option>
            </select></label>
            <label>" Touchpoint " <select on:change=move |ev| {
                let v = event_target_value(&ev);
                touchpoint.set((!v.is_empty()).then_some(v));
            }>
                <option value="">"all"</option>
                {names.into_iter().map(|n| view! { <option value=n.clone()>{n.clone()}</option> }).collect_view()}
            </select></label>
            {kept_note.map(|m| view! { <p class="note">{m}</p> })}
            <ul class="comments">{list}</ul>
        </section>
    }
}

#[component]
fn Exports(analysis: Arc<Analysis>) -> impl IntoView {
    let a = analysis.clone();
    let csv = move |_| {
        download(
            "nps-summary.csv",
            "text/csv",
            &model::summary_csv(&a, Period::Month),
        )
    };
    let json = move |_| {
        download(
            "nps-summary.json",
            "application/json",
            &crate::summary_json(&analysis),
        )
    };
    view! {
        <section aria-labelledby="export-h">
            <h2 id="export-h">"Export"</h2>
            <button type="button" on:click=csv>"Summary as CSV"</button>
            " "
            <button type="button" on:click=json>"Summary as JSON"</button>
        </section>
    }
}

#[component]
fn SvgDownload(id: &'static str, file: &'static str) -> impl IntoView {
    let save = move |_| {
        let svg = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id(id));
        if let (Some(svg), Ok(ser)) = (svg, web_sys::XmlSerializer::new()) {
            if let Ok(text) = ser.serialize_to_string(&svg) {
                download(file, "image/svg+xml", &text);
            }
        }
    };
    view! { <button type="button" class="svg" on:click=save>"Download chart (SVG)"</button> }
}

/// Offers `text` as a file: a Blob URL clicked through a link (nothing leaves the page).
fn download(name: &str, mime: &str, text: &str) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let bag = web_sys::BlobPropertyBag::new();
    bag.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &bag) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    if let Ok(a) = doc.create_element("a") {
        let a: web_sys::HtmlAnchorElement = a.unchecked_into();
        a.set_href(&url);
        a.set_download(name);
        a.click();
    }
    // Revoked once the download has surely started.
    set_timeout(
        move || {
            let _ = web_sys::Url::revoke_object_url(&url);
        },
        std::time::Duration::from_secs(30),
    );
}
