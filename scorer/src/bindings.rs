//! The wasm exports: `Session` (the Web Worker's streaming reader), `scoreText` and `mount`
//! (the page's module, `runtime/scorer/page.js`). Errors are `Error`s whose message names the
//! input and what was expected.

use wasm_bindgen::prelude::*;

use crate::analysis::Analysis;
use crate::app::{self, Bridge};
use crate::scan::{self, Scan};

/// Reads one file in chunks: `new Session(by, fileName, reportOnly)`, `push(bytes)`…,
/// `finish()` → `[reportJson, analysisJson]`. With `reportOnly` true, the analysis is not built
/// (it is empty): the reader passes on the score column alone, as `nps score` does.
#[wasm_bindgen]
pub struct Session {
    scan: Scan,
}

#[wasm_bindgen]
impl Session {
    #[wasm_bindgen(constructor)]
    pub fn new(
        by: Option<String>,
        file_name: Option<String>,
        report_only: Option<bool>,
    ) -> Result<Session, JsError> {
        let by = scan::group_by(by.as_deref()).map_err(|m| JsError::new(&m))?;
        let analysis = report_only != Some(true);
        Ok(Session {
            scan: Scan::new(by, file_name.as_deref(), analysis),
        })
    }

    /// `Session.part(by, fileName, head, reportOnly)`: a session of a later part of the file,
    /// starting at a line start; `head` is the file's first bytes (64 KiB), where the header is
    /// read from; `reportOnly` as the session it is merged into. `undefined` when they do not
    /// settle it: then one session reads the whole file.
    pub fn part(
        by: Option<String>,
        file_name: Option<String>,
        head: &[u8],
        report_only: Option<bool>,
    ) -> Result<Option<Session>, JsError> {
        let by = scan::group_by(by.as_deref()).map_err(|m| JsError::new(&m))?;
        let analysis = report_only != Some(true);
        Ok(Scan::part(by, file_name.as_deref(), head, analysis).map(|scan| Session { scan }))
    }

    /// Whether this session stands between two records after the header, where a
    /// `Session.part` of the rest would read as this session would.
    #[wasm_bindgen(js_name = atBoundary)]
    pub fn at_boundary(&self) -> bool {
        self.scan.boundary().is_some()
    }

    /// Ends a `Session.part`: what it counted, as JSON text for `finishWith`.
    #[wasm_bindgen(js_name = finishPart)]
    pub fn finish_part(self) -> Result<String, JsError> {
        self.scan.finish_part().map_err(|m| JsError::new(&m))
    }

    /// Ends the input, at a boundary where the part `part` (its `finishPart`) started, with that
    /// part's counts: `[report, analysis]`, as if this session had read the part too.
    #[wasm_bindgen(js_name = finishWith)]
    pub fn finish_with(self, part: &str) -> Result<js_sys::Array, JsError> {
        let done = self.scan.finish_with(part).map_err(|m| JsError::new(&m))?;
        both(done)
    }

    /// Reads the next chunk.
    pub fn push(&mut self, bytes: &[u8]) -> Result<(), JsError> {
        self.scan.push(bytes).map_err(|m| JsError::new(&m))
    }

    /// Ends the input: `[report, analysis]`, both JSON text.
    pub fn finish(self) -> Result<js_sys::Array, JsError> {
        both(self.scan.finish().map_err(|m| JsError::new(&m))?)
    }
}

/// `[report, analysis]`, both JSON text.
fn both((report, analysis): (String, Analysis)) -> Result<js_sys::Array, JsError> {
    let analysis = serde_json::to_string(&analysis).map_err(|e| JsError::new(&e.to_string()))?;
    Ok(js_sys::Array::of2(&report.into(), &analysis.into()))
}

/// `scoreText(text, by)`: the JSON `nps score --json [--by …]` prints for `text`.
#[wasm_bindgen(js_name = scoreText)]
pub fn score_text(text: &str, by: Option<String>) -> Result<String, JsError> {
    let by = scan::group_by(by.as_deref()).map_err(|m| JsError::new(&m))?;
    let mut scan = Scan::new(by, None, false);
    scan.push(text.as_bytes()).map_err(|m| JsError::new(&m))?;
    scan.finish()
        .map(|(report, _)| report)
        .map_err(|m| JsError::new(&m))
}

/// Mounts the scorer app in `root`; `bridge` runs the Web Worker.
#[wasm_bindgen]
pub fn mount(root: web_sys::HtmlElement, bridge: Bridge) {
    app::mount(root, bridge);
}
