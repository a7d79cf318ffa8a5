//! One pass over a file for the scorer page: nps-core's reader hands each row both to a
//! [`ReportBuilder`] (the report `nps score --json` prints, byte for byte) and to the page's
//! [`analysis::Builder`] — or, for a caller that wants the report alone (`NpsScorer.scoreFile`,
//! `scoreText`), to the report only, the reader then passing on the score column alone (and the
//! grouping's), as `nps score` does.

use nps_core::reader::{split, Format, ReadError, Reader};
use nps_core::report::{Counted, GroupBy, ReportBuilder, Row, Sink, NONE_KEY};
use serde::{Deserialize, Serialize};

use crate::analysis::{self, Analysis};

/// The two sinks of one pass (the analysis unless the report alone is wanted).
struct Both {
    report: ReportBuilder,
    analysis: Option<analysis::Builder>,
}

impl Both {
    fn new(by: Option<GroupBy>, analysis: bool) -> Both {
        Both {
            report: ReportBuilder::new(by),
            analysis: analysis.then(analysis::Builder::default),
        }
    }
}

/// What a scan of a later part counted ([`Scan::finish_part`]).
#[derive(Serialize, Deserialize)]
struct Part {
    report: Counted,
    analysis: Analysis,
}

impl Sink for Both {
    fn by(&self) -> Option<GroupBy> {
        self.report.by()
    }

    fn wants_every_column(&self) -> bool {
        self.analysis.is_some()
    }

    #[inline]
    fn row(&mut self, score: Option<u8>, row: Row<'_>, line: impl FnOnce() -> u64) {
        self.report
            .row(score, row.touchpoint, row.answered_at, line);
        let (Some(score), Some(analysis)) = (score.filter(|s| *s <= 10), &mut self.analysis) else {
            return;
        };
        analysis.add(
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
    /// A scan grouping the report `by` that, building the page's analysis too when `analysis`
    /// (else [`Scan::finish`] gives an empty one); `file_name` names the input in messages and,
    /// by its extension, may tell the format.
    pub fn new(by: Option<GroupBy>, file_name: Option<&str>, analysis: bool) -> Scan {
        let format = file_name.and_then(Format::from_file_name);
        Scan {
            reader: Reader::with_sink(Both::new(by, analysis), format),
            name: file_name.unwrap_or("the input").to_owned(),
        }
    }

    /// A scan of a later part of a file, which starts at a line start: `head` is the file's
    /// first bytes (64 KiB are plenty), where the header is read from. Its lines are counted
    /// from 1 at the part's start. `None` when `head` does not settle the format and header
    /// (JSON, a header longer than `head`): then the file is read by one scan. `analysis` as
    /// for [`Scan::new`], the same as the scan it is merged into.
    pub fn part(
        by: Option<GroupBy>,
        file_name: Option<&str>,
        head: &[u8],
        analysis: bool,
    ) -> Option<Scan> {
        let format = file_name.and_then(Format::from_file_name);
        let reader = split::header_reader(head, by, format)?.fork(Both::new(by, analysis))?;
        Some(Scan {
            reader,
            name: file_name.unwrap_or("the input").to_owned(),
        })
    }

    /// The line where the next record starts, when this scan stands between two records after
    /// the header: a [`Scan::part`] starting here reads the rest as this scan would.
    pub fn boundary(&self) -> Option<u64> {
        self.reader.boundary()
    }

    /// What a [`Scan::part`] counted, as JSON text for [`Scan::finish_with`].
    ///
    /// # Errors
    /// What is wrong with the input, naming it.
    pub fn finish_part(self) -> Result<String, String> {
        let name = self.name;
        let both = self
            .reader
            .into_sink()
            .map_err(|e| e.describe(&name).to_string())?;
        let part = Part {
            report: both.report.counted(),
            analysis: both
                .analysis
                .map(analysis::Builder::finish)
                .unwrap_or_default(),
        };
        serde_json::to_string(&part).map_err(|e| e.to_string())
    }

    /// [`Scan::finish`] of this scan, which stands at the [`Scan::boundary`] where the part
    /// whose [`Scan::finish_part`] is `part` started, and of that part: the same as one scan
    /// reading on would give.
    ///
    /// # Errors
    /// What is wrong with the input, naming it; a part that is not `finish_part`'s JSON, or a
    /// scan not at a boundary.
    pub fn finish_with(self, part: &str) -> Result<(String, Analysis), String> {
        let Some(line) = self.boundary() else {
            return Err("the first part of the file did not end between two records".into());
        };
        let part: Part = serde_json::from_str(part).map_err(|e| format!("a part's counts: {e}"))?;
        self.end(|both| {
            let by = both.report.by();
            both.report
                .merge(ReportBuilder::from_counted(by, part.report), line - 1);
            if let Some(analysis) = &mut both.analysis {
                analysis.merge(part.analysis);
            }
        })
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
        self.end(|_| {})
    }

    /// The input's end: `more` adds to what was counted, then the report and analysis.
    fn end(self, more: impl FnOnce(&mut Both)) -> Result<(String, Analysis), String> {
        let name = self.name;
        let mut both = self
            .reader
            .into_sink()
            .map_err(|e| e.describe(&name).to_string())?;
        more(&mut both);
        let report = both.report.finish();
        let analysis = match both.analysis {
            Some(mut analysis) => {
                analysis.invalid(report.total.invalid, &report.total.invalid_lines);
                analysis.finish()
            }
            None => Analysis::default(),
        };
        Ok((report.to_json(), analysis))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(input: &[u8], by: Option<&str>, chunk: usize) -> Result<(String, Analysis), String> {
        scan_for(input, by, chunk, true)
    }

    /// [`scan`], with the analysis or the report alone.
    fn scan_for(
        input: &[u8],
        by: Option<&str>,
        chunk: usize,
        analysis: bool,
    ) -> Result<(String, Analysis), String> {
        let name = if input.starts_with(b"[") {
            "export.json"
        } else {
            "export.csv"
        };
        let mut s = Scan::new(group_by(by).unwrap(), Some(name), analysis);
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

    /// Reads `data` as the scorer page does with two Web Workers: the part before `at` in one
    /// scan, the rest in a [`Scan::part`] (header from the first `head` bytes) when the first
    /// ends on a record boundary there, merged; else the first scan reads on. With the
    /// analysis, or the report alone.
    fn two_scans(
        data: &[u8],
        by: Option<&str>,
        at: usize,
        head: usize,
        analysis: bool,
    ) -> (Result<(String, Analysis), String>, bool) {
        let by = group_by(by).unwrap();
        let mut first = Scan::new(by, Some("export.csv"), analysis);
        for c in data[..at].chunks(5) {
            if let Err(e) = first.push(c) {
                return (Err(e), false);
            }
        }
        let head = &data[..head.min(data.len())];
        let part = first
            .boundary()
            .and(Scan::part(by, Some("export.csv"), head, analysis));
        let Some(mut part) = part else {
            let rest = first.push(&data[at..]);
            return (rest.and_then(|()| first.finish()), false);
        };
        for c in data[at..].chunks(3) {
            if let Err(e) = part.push(c) {
                return (Err(e), true);
            }
        }
        let done = part.finish_part().and_then(|p| first.finish_with(&p));
        (done, true)
    }

    #[test]
    fn two_scans_merged_are_one() {
        let csv = "\u{feff}Score,touchpoint,answered_at,comment\r\n10,checkout,2026-10-01T10:00:00Z,great\r\n\
                   3,delivery,2026-11-02T10:00:00Z,\"late,\nagain\"\r\nx,checkout,,\r\n\r\n\
                   9,,2026-11-03T10:00:00Z,\"\"\"ok\"\"\"\r\n7,delivery,2026-10-01T11:00:00Z,fine\r\n\
                   a\"b,checkout,,\"odd\r\n0,new,2026-12-01T00:00:00Z,bad\r\n12,new,,\r\n1,checkout,,x";
        // Past the 1 KiB a reader takes before it tells the format.
        let csv = format!(
            "{csv}\r\n{}{}",
            "8,checkout,2026-10-05T10:00:00Z,\"a\"\"b\"\r\n".repeat(40),
            "n/a,late,2026-12-05T10:00:00Z,\r\n9,late,2026-12-05T10:00:00Z,\"x\ny\"\r\n11,,,"
                .repeat(3)
        );
        let data = csv.as_bytes();
        let mut merged = 0;
        for by in [None, Some("touchpoint"), Some("week")] {
            let whole = scan(data, by, data.len()).unwrap();
            // The report alone: the same report, an empty analysis.
            let report = (whole.0.clone(), Analysis::default());
            assert_eq!(scan_for(data, by, 7, false).unwrap(), report);
            for at in 1..data.len() {
                for head in [1100, data.len()] {
                    let (two, split) = two_scans(data, by, at, head, true);
                    assert_eq!(two.unwrap(), whole, "split at {at}, head {head}, by {by:?}");
                    merged += usize::from(split);
                    let (two, split) = two_scans(data, by, at, head, false);
                    assert_eq!(
                        two.unwrap(),
                        report,
                        "report alone, split at {at}, by {by:?}"
                    );
                    merged += usize::from(split);
                }
            }
        }
        // The split was taken (not only the first scan reading on) at the line starts after
        // the first kilobyte: 2 heads × 3 groupings × 40 lines, with the analysis and without.
        assert!(merged >= 2 * 2 * 3 * 40, "merged {merged} times");
    }

    #[test]
    fn comments_past_the_cap_merge_in_file_order() {
        let mut csv = String::from("score,comment\n");
        // Detractors past the cap, promoters under it.
        for i in 0..(analysis::MAX_COMMENTS * 3 / 2) {
            csv += &format!("{},c{i}\n", [0, 3, 6, 10][i % 4]);
        }
        let data = csv.as_bytes();
        let whole = scan(data, None, data.len()).unwrap();
        let at = data.len() / 2;
        let at = at + data[at..].iter().position(|&b| b == b'\n').unwrap() + 1;
        let (two, split) = two_scans(data, None, at, 1 << 16, true);
        assert!(split);
        assert_eq!(two.unwrap(), whole);
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
