//! The prompt's DOM calls, as a few lines of JavaScript. Through web-sys each is a fallible
//! import (`createElement`, `setAttribute`, `attachShadow`, `closest`, `focus`…) whose error
//! path the wasm carries at every call site, though none of these calls can fail here (fixed
//! tag, attribute and selector names, a fresh host element). Measured on the embed: wasm
//! 99 097 → 95 002 B raw, the module +50 B brotli, the embed 44 916 → 43 680 B brotli
//! (README, "Weight"). `inline_js` is bundled into pkg/nps_widget.js like the rest of the glue:
//! no `eval`, nothing for a strict CSP to refuse.

use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::JsValue;
use web_sys::{Element, Node, ShadowRoot};

#[wasm_bindgen(inline_js = "
export function add(p, tag, attrs, text) {
  const e = p.ownerDocument.createElement(tag);
  for (const a of attrs.split(' ')) if (a) e.setAttribute(...a.split('='));
  e.textContent = text;
  return p.appendChild(e);
}
export function set(e, name, value) { e.setAttribute(name, value); }
export function toggle(e, name, on) { e.toggleAttribute(name, on); }
let sheet;
export function shadow(host, css) {
  const r = host.attachShadow({ mode: 'open' });
  if (sheet === undefined) {
    try { sheet = new CSSStyleSheet(); sheet.replaceSync(css); } catch (e) { sheet = null; }
  }
  if (sheet) r.adoptedStyleSheets = [sheet];
  return r;
}
export function styled() { return !!sheet; }
export function listen(el, f, on) {
  for (const t of ['click', 'keydown', 'input']) on ? el.addEventListener(t, f) : el.removeEventListener(t, f);
}
export function closest(e, selector) { return e.closest(selector); }
export function radioScore(e) { return e.getAttribute('role') === 'radio' ? +e.textContent : -1; }
export function body() { return document.body; }
export function find(selector) { try { return document.querySelector(selector); } catch (e) { return null; } }
export function focusIn(e, selector) {
  const t = (e.closest('.box') || e).querySelector(selector);
  if (t) t.focus();
}")]
extern "C" {
    /// Appends `<tag name=value…>text</tag>` to `parent` and returns it. `attrs` is
    /// `name=value` pairs separated by spaces: no name or value holds a space or `=`
    /// (set any other with [`set`]).
    pub fn add(parent: &Node, tag: &str, attrs: &str, text: &str) -> Element;

    /// `el.setAttribute(name, value)`.
    pub fn set(el: &Element, name: &str, value: &str);

    /// `el.toggleAttribute(name, on)`.
    pub fn toggle(el: &Element, name: &str, on: bool);

    /// Attaches an open shadow root to `host`, styled by a constructable stylesheet of `css`
    /// (made once per page, shared by every prompt) where the browser has them.
    pub fn shadow(host: &Element, css: &str) -> ShadowRoot;

    /// Whether the prompts are styled: false where constructable stylesheets are missing.
    pub fn styled() -> bool;

    /// Adds (`on`) or removes the prompt's one listener `f` for `click`, `keydown` and `input`.
    pub fn listen(el: &Element, f: &JsValue, on: bool);

    /// `el.closest(selector)`.
    pub fn closest(el: &Element, selector: &str) -> Option<Element>;

    /// The number a radio of the scale shows, -1 for any other element.
    #[wasm_bindgen(js_name = radioScore)]
    pub fn radio_score(el: &Element) -> i32;

    /// `document.body`.
    pub fn body() -> Option<Element>;

    /// `document.querySelector(selector)`; None too for a selector that is not valid CSS.
    pub fn find(selector: &str) -> Option<Element>;

    /// Focuses the first match of `selector` in the prompt (`.box`) that holds `el`, or in
    /// `el` itself.
    #[wasm_bindgen(js_name = focusIn)]
    pub fn focus_in(el: &Element, selector: &str);
}
