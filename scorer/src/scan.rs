//! One pass over a file for the scorer page: nps-core's reader hands each row both to a
//! [`ReportBuilder`] (the report `nps score --json` prints, byte for byte) and to the page's
//! [`analysis::Builder`].

use nps_core::reader::{Format, ReadError, Reader};
use nps_core::report::{GroupBy, ReportBuilder, Row, Sink, NONE_KEY};

use crate::analysis::{self, Analysis};

/// The two sinks of one pass.
struct Both {
    report: ReportBuilder,
    analysis: analysis::Builder,
}

impl Sink for Both {
    fn by(&self) -> Option<GroupBy> {
        self.report.by()
    }

    fn wants_every_column(&self) -> bool {
        true
    }

    #[inline]
    fn row(&mut self, score: Option<u8>, row: Row<'_>, line: impl FnOnce() -> u64) {
        self.report
            .row(score, row.touchpoint, row.answered_at, line);
        let Some(score) = score.filter(|s| *s <= 10) else {
            return;
        };
        self.analysis.add(
            score,
            row.touchpoint,
            row.answered_at,
            row.comment,
            NONE_KEY,
        );
    }
}

/// A file being read: [`Scan::push`] its chunks, then [`Scan::finish`].
pub struct Scan {
    reader: Reader<Both>,
    name: String,
}

/// `by` as `NpsScorer` takes it (`touchpoint`, `day`, `week`, `month`, or none).
///
/// # Errors
/// A message naming the accepted values.
pub fn group_by(by: Option<&str>) -> Result<Option<GroupBy>, String> {
    by.map(|b| GroupBy::parse(b).map_err(|e| e.to_string()))
        .transpose()
}

impl Scan {
    /// A scan grouping the report `by` that; `file_name` names the input in messages and, by
    /// its extension, may tell the format.
    pub fn new(by: Option<GroupBy>, file_name: Option<&str>) -> Scan {
        let sink = Both {
            report: ReportBuilder::new(by),
            analysis: analysis::Builder::default(),
        };
        let format = file_name.and_then(Format::from_file_name);
        Scan {
            reader: Reader::with_sink(sink, format),
            name: file_name.unwrap_or("the input").to_owned(),
        }
    }

    fn message(&self, e: &ReadError) -> String {
        e.describe(&self.name).to_string()
    }

    /// Reads the next chunk.
    ///
    /// # Errors
    /// What is wrong with the input, naming it.
    pub fn push(&mut self, chunk: &[u8]) -> Result<(), String> {
        let r = self.reader.push(chunk);
        r.map_err(|e| self.message(&e))
    }

    /// The report's JSON (the bytes `nps score --json` prints) and the page's analysis.
    ///
    /// # Errors
    /// What is wrong with the input, naming it.
    pub fn finish(self) -> Result<(String, Analysis), String> {
        let name = self.name;
        let both = self
            .reader
            .into_sink()
            .map_err(|e| e.describe(&name).to_string())?;
        let report = both.report.finish();
        let mut analysis = both.analysis;
        analysis.invalid(report.total.invalid, &report.total.invalid_lines);
        Ok((report.to_json(), analysis.finish()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(input: &[u8], by: Option<&str>, chunk: usize) -> Result<(String, Analysis), String> {
        let name = if input.starts_with(b"[") {
            "export.json"
        } else {
            "export.csv"
        };
        let mut s = Scan::new(group_by(by).unwrap(), Some(name));
        for c in input.chunks(chunk.max(1)) {
            s.push(c)?;
        }
        s.finish()
    }

    #[test]
    fn the_report_is_the_one_nps_score_prints_and_the_analysis_agrees() {
        let csv = b"score,touchpoint,answered_at,comment\n10,checkout,2026-10-01T10:00:00Z,great\n3,delivery,2026-11-02T10:00:00Z,\"late, again\"\nx,checkout,,\n9,,2026-11-03T10:00:00Z,\n";
        let (json, a) = scan(csv, Some("touchpoint"), 7).unwrap();
        let whole = nps_core::reader::score(csv, Some(GroupBy::Touchpoint), Some(Format::Csv))
            .unwrap()
            .to_json();
        assert_eq!(json, whole);
        let all = a.overall(&analysis::Filter::default());
        assert_eq!((all.n(), all.promoters(), all.detractors()), (3, 2, 1));
        assert_eq!((a.invalid, a.invalid_lines.clone()), (1, vec![4]));
        assert_eq!(a.touchpoint_names(), ["checkout", "delivery", NONE_KEY]);
        let texts: Vec<_> = a.comments(None, None).map(|c| c.text.as_str()).collect();
        assert_eq!(texts, ["great", "late, again"]);
    }

    #[test]
    fn json_comments_are_kept_too() {
        let json = br#"[{"score": 2, "comment": "slow \u00e9", "touchpoint": "t"}, {"score": 9}]"#;
        let (_, a) = scan(json, None, 5).unwrap();
        let texts: Vec<_> = a.comments(None, None).map(|c| c.text.as_str()).collect();
        assert_eq!(texts, ["slow é"]);
    }

    #[test]
    fn errors_name_the_file() {
        let e = scan(b"id,comment\n1,a\n", None, 64).unwrap_err();
        assert!(e.starts_with("export.csv has no `score` column"), "{e}");
        assert!(group_by(Some("year")).unwrap_err().contains("touchpoint"));
    }
}
