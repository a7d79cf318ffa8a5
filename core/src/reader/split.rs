//! One CSV held in memory, read by several [`Reader`]s at once: the same [`Report`] as
//! [`super::score`], byte for byte, for every input (`nps score` on a large file).
//!
//! The first reader reads the header, then its part; each other part starts at a line break
//! ([`split_points`]: one that follows an even number of quotes, so not inside a quoted field)
//! with a reader of its own that knows the header and counts lines from there
//! (`Reader::fork`). The parts are then joined in order: when the reader before a part
//! ended exactly between two records at the part's first byte (`Reader::boundary`), the
//! part's rows are what that reader would have counted, and its [`ReportBuilder`] is merged
//! ([`ReportBuilder::merge`], line numbers moved on); when it did not (a quote in an unquoted
//! field, `a"b`, throws the count of quotes off), the part's result is dropped and that reader
//! reads the part itself. So a split in the wrong place costs time, never a different report.
//!
//! JSON, and CSV whose header is not found, are read by one reader.

use std::ops::Range;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::report::{GroupBy, Report, ReportBuilder};

use super::{Format, ReadError, Reader};

/// The first bytes are pushed in chunks of this size until the header is read.
const HEAD_STEP: usize = 1 << 16;

/// A part is pushed in chunks of this size (a reader told to stop stops between two).
const STEP: usize = 1 << 20;

/// The start of each part after the first when `data` is cut into `parts` parts: for the
/// `i`-th, the first line start at or after `i × len / parts` (a byte after a `\n`) that
/// follows an even number of `"` in `data`, and that is not at the end. Increasing; fewer when
/// there are not that many such lines.
///
/// In CSV as RFC 4180 writes it (a field is quoted whole, `""` inside), such a line start is
/// where a record starts. Other input may throw the count off: [`score_split`] then reads on
/// with the reader before, so the report is the same anyway.
///
/// # Example
///
/// ```
/// use nps_core::reader::split::split_points;
/// let data = b"score,comment\n9,\"a\nb\"\n7,c\n";
/// // The middle (byte 13 of 26) is the header's `\n`; the `\n` inside quotes is passed over.
/// assert_eq!(split_points(data, 2), [14]);
/// assert_eq!(split_points(data, 3), [14, 22]);
/// ```
pub fn split_points(data: &[u8], parts: usize) -> Vec<usize> {
    let targets = targets(data, parts);
    let mut quotes = 0;
    let mut counted = 0;
    let before: Vec<usize> = targets
        .iter()
        .map(|&t| {
            quotes += count_quotes(&data[counted..t]);
            counted = t;
            quotes
        })
        .collect();
    points(data, &targets, &before)
}

/// `i × len / parts` for `i` in `1..parts`.
fn targets(data: &[u8], parts: usize) -> Vec<usize> {
    (1..parts.max(1)).map(|i| data.len() / parts * i).collect()
}

fn count_quotes(bytes: &[u8]) -> usize {
    memchr::memchr_iter(b'"', bytes).count()
}

/// [`split_points`] when the quotes before each target are counted: `before[i]` in
/// `data[..targets[i]]`.
fn points(data: &[u8], targets: &[usize], before: &[usize]) -> Vec<usize> {
    let mut points: Vec<usize> = Vec::new();
    for (&target, &quotes) in targets.iter().zip(before) {
        // A line start at `target` is right after a `\n` at `target - 1`.
        let (mut search, mut quotes, mut counted) = (target.saturating_sub(1), quotes, target);
        let at = loop {
            let Some(nl) = memchr::memchr(b'\n', &data[search..]) else {
                return points;
            };
            let at = search + nl + 1;
            quotes += count_quotes(&data[counted..at]);
            counted = at;
            if quotes.is_multiple_of(2) {
                break at;
            }
            search = at;
        };
        if at >= data.len() {
            break;
        }
        if points.last().is_none_or(|&p| p < at) {
            points.push(at);
        }
    }
    points
}

/// Scores `data` as [`super::score`] does, each part starting at one of `splits` (increasing
/// offsets) read by a reader of its own, one part after the other: the result does not depend
/// on `splits`. What [`score_parallel`] does on threads; here for tests and for callers
/// without threads.
///
/// # Errors
///
/// See [`ReadError`].
///
/// # Example
///
/// ```
/// use nps_core::reader::{score, split::score_split};
/// let data = b"score,comment\n9,\"a\nb\"\nx,c\n";
/// let whole = score(data, None, None)?;
/// for at in 0..data.len() {
///     assert_eq!(score_split(data, None, None, &[at])?, whole);
/// }
/// assert_eq!(whole.total.invalid_lines, [4]);
/// # Ok::<(), nps_core::reader::ReadError>(())
/// ```
pub fn score_split(
    data: &[u8],
    by: Option<GroupBy>,
    format: Option<Format>,
    splits: &[usize],
) -> Result<Report, ReadError> {
    let header = match header(data, by, format)? {
        Ok(header) => header,
        Err(report) => return Ok(report),
    };
    let bounds = bounds(data, splits);
    let mut forks: Vec<Option<Reader>> = bounds[1..]
        .iter()
        .map(|_| header.fork(ReportBuilder::new(by)))
        .collect();
    let never = AtomicBool::new(false);
    join(
        Reader::new(by, format),
        data,
        &bounds,
        &|_| {},
        |part, wanted| {
            let mut reader = forks.get_mut(part - 1).and_then(Option::take)?;
            let range = bounds[part]..bounds[part + 1];
            let read = wanted && read_range(&mut reader, data, range, &|_| {}, &never).ok()?;
            read.then_some(reader)
        },
    )
}

/// Scores `data` as [`super::score`] does, on up to `threads` threads: the parts of
/// [`split_points`] read at the same time, each on a thread of its own (the first on this
/// one); a part is at least a mebibyte. The same report as [`super::score`], whatever the
/// input.
///
/// # Errors
///
/// See [`ReadError`].
#[cfg(not(target_family = "wasm"))]
#[inline]
pub fn score_parallel(
    data: &[u8],
    by: Option<GroupBy>,
    format: Option<Format>,
    threads: usize,
) -> Result<Report, ReadError> {
    score_parallel_with(data, by, format, threads, &|_| {})
}

/// [`score_parallel`], telling `done` of each range of `data` read (in chunks of a mebibyte or
/// less, from any of the threads; a range may be read twice): `nps score` gives the pages of a
/// mapped file back then, so that its memory stays small.
///
/// # Errors
///
/// See [`ReadError`].
#[cfg(not(target_family = "wasm"))]
// Inline: compiled in the caller's crate (`nps score`'s, at opt-level 3) with the reader's
// generic code, not in this one (opt-level "z" for the embed's wasm).
#[inline]
pub fn score_parallel_with(
    data: &[u8],
    by: Option<GroupBy>,
    format: Option<Format>,
    threads: usize,
    done: &Done,
) -> Result<Report, ReadError> {
    const MIN_PART: usize = 1 << 20;
    let parts = threads.min(data.len() / MIN_PART);
    if parts < 2 {
        return super::score(data, by, format);
    }
    let header = match header(data, by, format)? {
        Ok(header) => header,
        Err(report) => return Ok(report),
    };
    // The quotes before each split target, counted on `parts` threads: the bytes up to the
    // last target cut at each target, and the first piece in halves.
    let targets = targets(data, parts);
    let mut cuts = vec![0, targets[0] / 2];
    cuts.extend(&targets);
    let counts: Vec<usize> = std::thread::scope(|s| {
        // Told as read: the pages are read again soon, but not all held at once.
        let count = move |range: Range<usize>| {
            let mut quotes = 0;
            for at in range.clone().step_by(STEP) {
                let chunk = at..range.end.min(at + STEP);
                quotes += count_quotes(&data[chunk.clone()]);
                done(chunk);
            }
            quotes
        };
        let counts: Vec<_> = cuts[1..]
            .windows(2)
            .map(|w| s.spawn(move || count(w[0]..w[1])))
            .collect();
        let first = count(cuts[0]..cuts[1]);
        let rest = counts
            .into_iter()
            .map(|c| c.join().unwrap_or_else(|p| std::panic::resume_unwind(p)));
        std::iter::once(first).chain(rest).collect()
    });
    let before: Vec<usize> = targets
        .iter()
        .map(|t| {
            let windows = cuts[1..].iter().take_while(|&c| c <= t).count();
            counts[..windows].iter().sum()
        })
        .collect();
    let bounds = bounds(data, &points(data, &targets, &before));
    let stop: Vec<AtomicBool> = bounds[1..].iter().map(|_| AtomicBool::new(false)).collect();
    std::thread::scope(|s| {
        let mut handles: Vec<_> = (1..bounds.len() - 1)
            .map(|part| {
                let fork = header.fork(ReportBuilder::new(by));
                let (range, stop) = (bounds[part]..bounds[part + 1], &stop[part - 1]);
                Some(s.spawn(move || {
                    let mut reader = fork?;
                    let read = read_range(&mut reader, data, range, done, stop).ok()?;
                    read.then_some(reader)
                }))
            })
            .collect();
        join(
            Reader::new(by, format),
            data,
            &bounds,
            done,
            |part, wanted| {
                if !wanted {
                    // The scope waits for it; it stops within a chunk.
                    stop[part - 1].store(true, Ordering::Relaxed);
                    return None;
                }
                let handle = handles.get_mut(part - 1).and_then(Option::take)?;
                handle
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            },
        )
    })
}

/// A reader that has read the CSV header at the start of `data` (and maybe more), to
/// [`Reader::fork`]; or, when there is none to read (JSON, a CSV without a header), the report
/// of all of `data`.
#[inline]
fn header(
    data: &[u8],
    by: Option<GroupBy>,
    format: Option<Format>,
) -> Result<Result<Reader, Report>, ReadError> {
    let mut reader = Reader::new(by, format);
    let mut at = 0;
    while at < data.len() {
        let end = data.len().min(at + HEAD_STEP);
        reader.push(&data[at..end])?;
        at = end;
        if at == data.len() {
            // The first bytes are held until there are enough to tell the format by: these
            // are all there are.
            reader.end_head()?;
        }
        match reader.forkable() {
            Some(true) => return Ok(Ok(reader)),
            Some(false) => {
                reader.push(&data[at..])?;
                break;
            }
            None => {}
        }
    }
    reader.finish().map(Err)
}

/// A reader that has read the CSV header at the start of `head`, a file's first bytes, to
/// [`Reader::fork`] a reader of a later part of the file where memory is not shared (the scorer
/// page's second Web Worker). `None` when `head` does not settle it: JSON, an error, a header
/// that does not end in `head`.
pub fn header_reader(head: &[u8], by: Option<GroupBy>, format: Option<Format>) -> Option<Reader> {
    let mut reader = Reader::new(by, format);
    reader.push(head).ok()?;
    (reader.forkable() == Some(true)).then_some(reader)
}

/// 0, the splits, and the end.
fn bounds(data: &[u8], splits: &[usize]) -> Vec<usize> {
    let mut bounds = vec![0];
    for &at in splits {
        if at > bounds[bounds.len() - 1] && at < data.len() {
            bounds.push(at);
        }
    }
    bounds.push(data.len());
    bounds
}

/// What is told of each range of the input read.
pub type Done<'a> = dyn Fn(Range<usize>) + Sync + 'a;

/// Pushes `data[range]` to `reader` in chunks of [`STEP`] (a reader holds its first bytes until
/// it knows the format), telling `done` of each; `Ok(false)` when `stop` is set meanwhile.
#[inline]
fn read_range(
    reader: &mut Reader,
    data: &[u8],
    range: Range<usize>,
    done: &Done,
    stop: &AtomicBool,
) -> Result<bool, ReadError> {
    let mut at = range.start;
    while at < range.end {
        if stop.load(Ordering::Relaxed) {
            return Ok(false);
        }
        let end = range.end.min(at + STEP);
        reader.push(&data[at..end])?;
        done(at..end);
        at = end;
    }
    Ok(true)
}

/// Reads part 0 with `first`, then takes each part in turn: `part(i, true)` is the reader of
/// part `i` having read it (`None` if there is none), asked for when the reader before ended on a
/// record boundary at its start; `part(i, false)` says it is not wanted, and the reader before
/// reads on. `done` is told of each range read here.
fn join(
    mut first: Reader,
    data: &[u8],
    bounds: &[usize],
    done: &Done,
    mut part: impl FnMut(usize, bool) -> Option<Reader>,
) -> Result<Report, ReadError> {
    let never = AtomicBool::new(false);
    read_range(&mut first, data, 0..bounds[1], done, &never)?;
    let mut total: Option<ReportBuilder> = None;
    let (mut reader, mut lines) = (first, 0);
    for i in 1..bounds.len() - 1 {
        let next = match reader.boundary() {
            Some(line) => part(i, true).map(|next| (next, line)),
            None => {
                part(i, false);
                None
            }
        };
        match next {
            Some((next, line)) => {
                let sink = std::mem::replace(&mut reader, next).into_sink()?;
                match &mut total {
                    Some(t) => t.merge(sink, lines),
                    None => total = Some(sink),
                }
                lines += line - 1;
            }
            None => {
                read_range(&mut reader, data, bounds[i]..bounds[i + 1], done, &never)?;
            }
        }
    }
    let last = reader.into_sink()?;
    Ok(match total {
        Some(mut t) => {
            t.merge(last, lines);
            t.finish()
        }
        None => last.finish(),
    })
}
