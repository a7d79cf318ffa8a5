//! `fetch` POST of a JSON body with a timeout, reporting what
//! `nps_core::queue::classify` needs: status, Retry-After and body.

use std::time::Duration;

use leptos::leptos_dom::helpers::set_timeout_with_handle;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, Headers, RequestInit};

/// What came back: `status` is None for a network error or timeout.
#[derive(Debug, Default)]
pub struct Reply {
    pub status: Option<u16>,
    pub retry_after: Option<String>,
    pub body: String,
}

/// Default time allowed for one POST.
pub const TIMEOUT_MS: u64 = 10_000;

/// POSTs `body` (application/json) to `url`. `keepalive` lets the request
/// outlive the page (page hide); the browser limits such bodies to 64 KiB.
pub async fn post_json(url: &str, body: &str, keepalive: bool, timeout_ms: u64) -> Reply {
    let Some(window) = web_sys::window() else {
        return Reply::default();
    };
    let init = RequestInit::new();
    init.set_method("POST");
    init.set_body(&JsValue::from_str(body));
    if let Ok(headers) = Headers::new() {
        let _ = headers.set("Content-Type", "application/json");
        init.set_headers(&headers);
    }
    if keepalive {
        let _ = js_sys::Reflect::set(&init, &JsValue::from_str("keepalive"), &JsValue::TRUE);
    }
    let controller = AbortController::new().ok();
    let timer = controller.as_ref().and_then(|c| {
        init.set_signal(Some(&c.signal()));
        let c = c.clone();
        set_timeout_with_handle(move || c.abort(), Duration::from_millis(timeout_ms)).ok()
    });
    let reply = send(&window, url, &init).await;
    if let Some(t) = timer {
        t.clear();
    }
    reply
}

async fn send(window: &web_sys::Window, url: &str, init: &RequestInit) -> Reply {
    let Ok(resp) = JsFuture::from(window.fetch_with_str_and_init(url, init)).await else {
        return Reply::default();
    };
    let Ok(resp) = resp.dyn_into::<web_sys::Response>() else {
        return Reply::default();
    };
    let retry_after = resp.headers().get("Retry-After").ok().flatten();
    let body = match resp.text() {
        Ok(p) => JsFuture::from(p)
            .await
            .ok()
            .and_then(|v| v.as_string())
            .unwrap_or_default(),
        Err(_) => String::new(),
    };
    Reply {
        status: Some(resp.status()),
        retry_after,
        body,
    }
}
