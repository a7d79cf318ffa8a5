//! Leptos components. They only wire signals to [`SurveyState`]; the logic
//! lives there.

use leptos::html;
use leptos::prelude::*;
use nps_core::scoring::Summary;
use web_sys::KeyboardEvent;

use super::i18n::Strings;
use super::state::{Answer, KeyAction, Phase, SurveyState};

const LABELS: [&str; 11] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10"];

/// The NPS prompt: question, 0–10 radio group, follow-up with comment box,
/// send and close buttons, thank-you live region.
#[component]
pub fn Prompt(
    /// Texts in the negotiated language.
    strings: &'static Strings,
    /// The question, already including the company name.
    question: String,
    /// Container class list: mode and theme ("box popup auto").
    class: String,
    /// `dialog` (popup, modal) or `group` (inline).
    role: &'static str,
    /// Adds `aria-modal="true"` (modal mode).
    modal: bool,
    /// Called once with the answer when the person presses Send.
    #[prop(into)]
    on_submit: Callback<Answer>,
    /// Called when the prompt closes (× or Escape); `true` when that counts as a dismiss.
    #[prop(into)]
    on_close: Callback<bool>,
    /// Live NPS of this browser, shown under the prompt when set (preview mode).
    preview: Option<ArcRwSignal<Summary>>,
) -> impl IntoView {
    let state = RwSignal::new(SurveyState::new());
    let radios: [NodeRef<html::Button>; 11] = std::array::from_fn(|_| NodeRef::new());
    let comment_box = NodeRef::<html::Textarea>::new();

    let choose = move |score: u8| {
        if state.write().choose(score) {
            // The comment box appears on the next render: focus it after
            // that. The prompt may be gone by then (closed): `try_` does not panic.
            set_timeout(
                move || {
                    if let Some(Some(ta)) = comment_box.try_get_untracked() {
                        let _ = ta.focus();
                    }
                },
                std::time::Duration::ZERO,
            );
        }
    };
    let close = move || {
        let counted = state.write().dismiss();
        on_close.run(counted);
    };
    let submit = move || {
        let answer = state.write().submit();
        if let Some(answer) = answer {
            on_submit.run(answer);
        }
    };
    let on_radio_key =
        move |from: u8, ev: KeyboardEvent| match state.with_untracked(|s| s.key(&ev.key(), from)) {
            Some(KeyAction::Focus(to)) => {
                ev.prevent_default();
                state.write().set_focus(to);
                if let Some(b) = radios[to as usize].get_untracked() {
                    let _ = b.focus();
                }
            }
            Some(KeyAction::Choose) => {
                ev.prevent_default();
                choose(from);
            }
            _ => {}
        };

    // A memo: typing changes `state` on every key, but must not re-render the form.
    let phase = Memo::new(move |_| state.with(|s| s.phase()));
    let phase = move || phase.get();
    let buttons = (0..=10u8)
        .map(|i| {
            view! {
                <button
                    type="button"
                    role="radio"
                    node_ref=radios[i as usize]
                    aria-checked=move || if state.with(|s| s.is_checked(i)) { "true" } else { "false" }
                    tabindex=move || if state.with(|s| s.tab_stop() == i) { "0" } else { "-1" }
                    on:click=move |_| choose(i)
                    on:keydown=move |ev| on_radio_key(i, ev)
                >
                    {LABELS[i as usize]}
                </button>
            }
        })
        .collect_view();

    let follow_up =
        move || state.with(|s| s.category().map(|c| strings.follow_up(c)).unwrap_or(""));
    let preview_panel = preview.map(|summary| {
        // A handle owned by this view; the shared value outlives the prompt.
        let summary = RwSignal::from(summary);
        view! {
            <div class="pv" aria-label=strings.preview role="note">
                <b>{strings.preview}</b>
                " NPS "
                {move || summary.with(|s| crate::widget::fmt_nps(s.nps))}
                " · n "
                {move || summary.with(|s| s.n)}
            </div>
        }
    });

    view! {
        <div
            class=class
            role=role
            aria-modal=modal.then_some("true")
            aria-labelledby="nps-q"
            on:keydown=move |ev: KeyboardEvent| {
                let k = ev.key();
                if k == "Escape" || k == "Esc" {
                    ev.prevent_default();
                    close();
                }
            }
        >
            <button type="button" class="x" aria-label=strings.close on:click=move |_| close()>
                "×"
            </button>
            <p id="nps-q" class="q">{question}</p>
            <div class="body" hidden=move || phase() == Phase::Thanks>
                <div role="radiogroup" class="sc" aria-labelledby="nps-q" aria-describedby="nps-lo nps-hi">
                    {buttons}
                </div>
                <div class="ends">
                    <span id="nps-lo">{strings.not_likely}</span>
                    <span id="nps-hi">{strings.very_likely}</span>
                </div>
                {move || (phase() == Phase::FollowUp).then(|| view! {
                    <label for="nps-c" class="fu">{follow_up}</label>
                    <textarea
                        id="nps-c"
                        maxlength="2000"
                        rows="3"
                        node_ref=comment_box
                        on:input=move |ev| {
                            let v = event_target_value(&ev);
                            let mut s = state.write();
                            s.set_comment(&v);
                            if s.comment().len() != v.len() {
                                if let Some(Some(ta)) = comment_box.try_get_untracked() {
                                    ta.set_value(s.comment());
                                }
                            }
                        }
                    ></textarea>
                    <div class="row">
                        <span class="cnt">{move || state.with(|s| s.counter())}</span>
                        <button type="button" class="send" on:click=move |_| submit()>
                            {strings.send}
                        </button>
                    </div>
                })}
            </div>
            <div role="status" class="ty">
                {move || if phase() == Phase::Thanks { strings.thanks } else { "" }}
            </div>
            {preview_panel}
        </div>
    }
}
