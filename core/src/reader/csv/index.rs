//! The CSV reader's fast path: whole records found 64 bytes at a time from bit masks of the
//! quotes, delimiters and line breaks, as simdjson and simdcsv index structure. A prefix XOR of
//! the quote mask says which bytes are inside quotes; the delimiters and line feeds outside are
//! the field and record ends. The masks come from SSE2 on x86-64, from simd128 on wasm32 where
//! it is enabled (the scorer page's build), from a plain loop elsewhere.
//!
//! It reads only records it can prove `csv-core` reads the same way: a record that ends with an
//! unquoted `\n` inside the chunk, whose quotes open fields and close them (with `""` inside a
//! quoted field), and whose only unquoted `\r` comes right before its `\n`. At anything else (a
//! quote in the middle of an unquoted field, text after a closing quote, a lone `\r`, a record
//! cut by the end of the chunk) it stops at that record's start, and csv-core reads on from
//! there. A differential property test holds the two to the same rows and lines.
//!
//! On the 1M-row bench file (55.8 MB, a quoted comment on every row), `nps score` went from
//! 0.070 s to 0.030 s on two threads, and from 0.12 s to 0.044 s on one (README, "Scoring a
//! 1 000 000-row export").

use super::{CsvReader, Fields};
use crate::report::Sink;

/// The bytes of one 64-byte block that matter, one bit per byte (bit `i` is byte `i`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Block {
    quote: u64,
    delim: u64,
    lf: u64,
    cr: u64,
}

/// The bytes a block is classified by, as SIMD vectors where the target has them.
struct Classifier {
    #[cfg(target_arch = "x86_64")]
    splat: [core::arch::x86_64::__m128i; 4],
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    splat: [core::arch::wasm32::v128; 4],
    #[cfg(not(any(
        target_arch = "x86_64",
        all(target_arch = "wasm32", target_feature = "simd128")
    )))]
    delim: u8,
}

impl Classifier {
    #[cfg(target_arch = "x86_64")]
    #[allow(unsafe_code)]
    fn new(delim: u8) -> Classifier {
        use core::arch::x86_64::_mm_set1_epi8;
        // SAFETY: SSE2 is part of x86-64.
        let splat = [b'"', delim, b'\n', b'\r'].map(|c| unsafe { _mm_set1_epi8(c.cast_signed()) });
        Classifier { splat }
    }

    /// The masks of one block, from those of its four 16-byte lanes ([`Classifier::lane`]).
    #[cfg(any(
        target_arch = "x86_64",
        all(target_arch = "wasm32", target_feature = "simd128")
    ))]
    #[inline(always)]
    fn classify(&self, bytes: &[u8; 64]) -> Block {
        let mut block = Block::default();
        for i in 0..4 {
            let [quote, delim, lf, cr] = self.lane(bytes, i).map(|m| u64::from(m) << (16 * i));
            block.quote |= quote;
            block.delim |= delim;
            block.lf |= lf;
            block.cr |= cr;
        }
        block
    }

    /// The quote, delimiter, `\n` and `\r` masks of `bytes[16 * i..16 * i + 16]`.
    #[cfg(target_arch = "x86_64")]
    #[inline(always)]
    #[allow(unsafe_code)]
    fn lane(&self, bytes: &[u8; 64], i: usize) -> [u16; 4] {
        use core::arch::x86_64::{__m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8};
        // SAFETY: SSE2 is part of x86-64; the load reads bytes[16 * i..16 * i + 16], in
        // bounds (i < 4), at any alignment.
        unsafe {
            let v = _mm_loadu_si128(bytes.as_ptr().add(16 * i).cast::<__m128i>());
            self.splat
                .map(|c| _mm_movemask_epi8(_mm_cmpeq_epi8(v, c)).cast_unsigned() as u16)
        }
    }

    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    fn new(delim: u8) -> Classifier {
        let splat = [b'"', delim, b'\n', b'\r'].map(|c| core::arch::wasm32::u8x16_splat(c));
        Classifier { splat }
    }

    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    #[inline(always)]
    #[allow(unsafe_code)]
    fn lane(&self, bytes: &[u8; 64], i: usize) -> [u16; 4] {
        use core::arch::wasm32::{u8x16_bitmask, u8x16_eq, v128, v128_load};
        // SAFETY: the load reads bytes[16 * i..16 * i + 16], in bounds (i < 4), at any
        // alignment.
        let v = unsafe { v128_load(bytes.as_ptr().add(16 * i).cast::<v128>()) };
        self.splat.map(|c| u8x16_bitmask(u8x16_eq(v, c)))
    }

    #[cfg(not(any(
        target_arch = "x86_64",
        all(target_arch = "wasm32", target_feature = "simd128")
    )))]
    fn new(delim: u8) -> Classifier {
        Classifier { delim }
    }

    #[cfg(not(any(
        target_arch = "x86_64",
        all(target_arch = "wasm32", target_feature = "simd128")
    )))]
    #[inline(always)]
    fn classify(&self, bytes: &[u8; 64]) -> Block {
        Block::classify_bytes(bytes, self.delim)
    }
}

impl Block {
    /// The same masks a byte at a time: where there is no SIMD, and what the SIMD versions
    /// are tested against.
    #[cfg_attr(
        any(
            target_arch = "x86_64",
            all(target_arch = "wasm32", target_feature = "simd128")
        ),
        allow(dead_code)
    )]
    fn classify_bytes(bytes: &[u8; 64], delim: u8) -> Block {
        let mut block = Block::default();
        for (i, &b) in bytes.iter().enumerate() {
            block.quote |= u64::from(b == b'"') << i;
            block.delim |= u64::from(b == delim) << i;
            block.lf |= u64::from(b == b'\n') << i;
            block.cr |= u64::from(b == b'\r') << i;
        }
        block
    }
}

/// Bit `i` of the result: the parity of the bits `0..=i` of `x` (whether byte `i` is inside
/// quotes, for the quote mask).
#[inline(always)]
fn prefix_xor(mut x: u64) -> u64 {
    x ^= x << 1;
    x ^= x << 2;
    x ^= x << 4;
    x ^= x << 8;
    x ^= x << 16;
    x ^= x << 32;
    x
}

/// What one block hands the next: the state at its last byte, as bit 0 of the next block's
/// masks.
struct Carry {
    /// All ones when the last byte was inside quotes.
    inside: u64,
    /// The last byte ended a field or closed a quote: a quote may follow.
    quote_may_open: u64,
    /// The last byte closed a quote: a quote, a field end or `\r` must follow.
    after_closer: u64,
    /// The last byte was an unquoted `\r`: `\n` must follow.
    after_cr: u64,
}

impl CsvReader {
    /// Reads the complete, plain records at the start of `chunk`, the reader standing between
    /// two records after the header; returns the bytes read (the start of the first record it
    /// left to csv-core, or of the record the chunk cuts).
    pub(super) fn fast<S: Sink>(&mut self, chunk: &[u8], builder: &mut S) -> usize {
        let Some(cols) = self.columns else {
            return 0;
        };
        let fields = Fields::wanted(&cols, builder);
        // The separators a row needs kept: up to the end of the last wanted column.
        let want = fields.last_column() + 1;
        if self.ends.len() < want {
            self.ends.resize(want, 0);
        }
        let columns = fields.columns();
        let classifier = Classifier::new(self.delimiter);
        let first_line = self.rdr.line() + self.skipped;
        // The record being read starts at `start`; `nsep` of its delimiters are passed.
        let (mut start, mut nsep) = (0, 0);
        // Line feeds before this block, and up to the end of the last record read.
        let (mut lf_before, mut lf_read) = (0u64, 0u64);
        let mut carry = Carry {
            inside: 0,
            quote_may_open: 1,
            after_closer: 0,
            after_cr: 0,
        };
        let mut base = 0;
        let mut tail = [0u8; 64];
        while base < chunk.len() {
            let bytes: &[u8; 64] = match chunk[base..].first_chunk() {
                Some(bytes) => bytes,
                None => {
                    // The last, short block: zero bytes after the end are nothing to the masks.
                    let rest = &chunk[base..];
                    tail[..rest.len()].copy_from_slice(rest);
                    &tail
                }
            };
            let m = classifier.classify(bytes);
            let inside = prefix_xor(m.quote) ^ carry.inside;
            let opener = m.quote & inside;
            let closer = m.quote & !inside;
            let sep = (m.delim | m.lf) & !inside;
            let cr = m.cr & !inside;
            let quote_may_open = ((sep | closer) << 1) | carry.quote_may_open;
            let after_closer = (closer << 1) | carry.after_closer;
            let after_cr = (cr << 1) | carry.after_cr;
            let odd = (opener & !quote_may_open)
                | (after_closer & !(m.quote | sep | cr))
                | (after_cr & !m.lf);
            carry = Carry {
                inside: (inside.cast_signed() >> 63).cast_unsigned(),
                quote_may_open: (sep | closer) >> 63,
                after_closer: closer >> 63,
                after_cr: cr >> 63,
            };
            let mut events = sep | odd;
            while events != 0 {
                let bit = events.trailing_zeros();
                events &= events - 1;
                let at = base + bit as usize;
                if (odd >> bit) & 1 != 0 || at >= chunk.len() {
                    self.skipped += lf_read;
                    return start;
                }
                if (m.lf >> bit) & 1 == 0 {
                    if nsep < want {
                        self.ends[nsep] = at;
                    }
                    nsep += 1;
                    continue;
                }
                // The record ends here; a `\r` before the `\n` is part of the terminator.
                let end = if at > start && chunk[at - 1] == b'\r' {
                    at - 1
                } else {
                    at
                };
                if nsep > 0 || end > start {
                    let seps = &self.ends[..nsep.min(want)];
                    let raw = |i: usize| -> Option<(usize, usize)> {
                        let from = if i == 0 { start } else { *seps.get(i - 1)? + 1 };
                        let to = if i < nsep { *seps.get(i)? } else { end };
                        (i <= nsep).then_some((from, to))
                    };
                    let mut cells = [None; 4];
                    let mut escaped = false;
                    for (cell, col) in cells.iter_mut().zip(&columns) {
                        if let Some((from, to)) = col.and_then(raw) {
                            let (value, quotes) = unquote(&chunk[from..to]);
                            *cell = Some(value);
                            escaped |= quotes;
                        }
                    }
                    if escaped {
                        // A cell with `""` in it (rare): its value unescaped into the scratch
                        // buffer. A score cell with a quote is not a score either way.
                        self.scratch.clear();
                        let mut spans = [(0, 0); 4];
                        for (span, cell) in spans.iter_mut().zip(&cells).skip(1) {
                            if let Some(cell) = cell.filter(|c| c.contains(&b'"')) {
                                let at = self.scratch.len();
                                unescape(cell, &mut self.scratch);
                                *span = (at, self.scratch.len());
                            }
                        }
                        for (cell, &(from, to)) in cells.iter_mut().zip(&spans).skip(1) {
                            if to > from {
                                *cell = Some(&self.scratch[from..to]);
                            }
                        }
                    }
                    Fields::pass(cells, first_line + lf_read, builder);
                }
                lf_read =
                    lf_before + u64::from((m.lf & (2u64 << bit).wrapping_sub(1)).count_ones());
                start = at + 1;
                nsep = 0;
            }
            lf_before += u64::from(m.lf.count_ones());
            base += 64;
        }
        self.skipped += lf_read;
        start
    }
}

/// The cell as written, without its quotes if it is quoted (the fast path checked it well
/// formed); and whether it has `""` inside, to unescape.
#[inline(always)]
fn unquote(cell: &[u8]) -> (&[u8], bool) {
    match cell {
        [b'"', inner @ .., b'"'] => (inner, inner.contains(&b'"')),
        _ => (cell, false),
    }
}

/// Appends `inner` (the inside of a well-formed quoted cell) with each `""` made `"`.
fn unescape(inner: &[u8], out: &mut Vec<u8>) {
    let mut quote = false;
    for &b in inner {
        // Quotes come in pairs here: keep the first of each.
        if b != b'"' || !quote {
            out.push(b);
        }
        quote = b == b'"' && !quote;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Native only: proptest does not build for wasm32.
    #[cfg(not(target_arch = "wasm32"))]
    mod masks {
        use super::super::*;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn classify_agrees_with_the_plain_loop(
                head in prop::array::uniform32(prop::sample::select(b"\"\n\r,;\ta0 \x80\xff".to_vec())),
                tail in prop::array::uniform32(any::<u8>()),
                delim in prop::sample::select(b",;\t".to_vec()),
            ) {
                let mut block = [0u8; 64];
                block[..32].copy_from_slice(&head);
                block[32..].copy_from_slice(&tail);
                prop_assert_eq!(Classifier::new(delim).classify(&block), Block::classify_bytes(&block, delim));
            }
        }
    }

    #[test]
    fn prefix_xor_is_the_running_parity() {
        let x = 0b1001_0110u64 | (1 << 63);
        let mut parity = 0;
        for i in 0..64 {
            parity ^= (x >> i) & 1;
            assert_eq!((prefix_xor(x) >> i) & 1, parity, "bit {i}");
        }
    }
}
