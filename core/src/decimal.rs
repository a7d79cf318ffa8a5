//! Exact decimal → `f64` conversion for the numbers options hold, without
//! `str::parse::<f64>` (its general algorithm and power-of-five tables add
//! ~14 KB to the widget's wasm).
//!
//! Clinger's fast path: a decimal with at most 15 significant digits is an
//! integer `m < 2^53` times `10^e`; when `|e| <= 22`, both `m` and `10^|e|` are
//! exact `f64`s, so one multiplication or division is correctly rounded and
//! the result equals `str::parse::<f64>`. Numbers outside that domain are
//! refused ([`DecimalError::Inexact`]) rather than converted approximately.

/// Why [`parse_decimal`] refused its input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DecimalError {
    /// Not a decimal number (`abc`, `1.2.3`, `""`, `inf`).
    Syntax,
    /// A valid number outside the exactly convertible domain: more than 15
    /// significant digits, or a power of ten beyond ±22.
    Inexact,
}

/// Exact powers of ten representable in `f64` (10^0..=10^22).
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// Most significant digits converted exactly.
pub const MAX_DIGITS: u32 = 15;

/// Parses `[-]digits[.digits]` (also accepting `.5` and `5.`); an exponent
/// (`1e3`) is a syntax error, as option values are written out. The result
/// equals `str::parse::<f64>` of the same text.
///
/// # Errors
///
/// [`DecimalError::Syntax`] for text that is not such a number,
/// [`DecimalError::Inexact`] when the number has more than 15 significant
/// digits or its power of ten is beyond ±22 (zero is always exact; trailing
/// zeros beyond 10^22 are accepted while the digits times the excess stay
/// below 2^53).
///
/// # Example
///
/// ```
/// use nps_core::decimal::{parse_decimal, DecimalError};
/// assert_eq!(parse_decimal("12.5"), Ok(12.5));
/// assert_eq!(parse_decimal("-0.25"), Ok(-0.25));
/// assert_eq!(parse_decimal("1e3"), Err(DecimalError::Syntax));
/// assert_eq!(parse_decimal("0.1234567890123456"), Err(DecimalError::Inexact));
/// ```
pub fn parse_decimal(text: &str) -> Result<f64, DecimalError> {
    let b = text.as_bytes();
    let mut i = 0;
    let negative = b.first() == Some(&b'-');
    if negative {
        i += 1;
    }
    let mut mantissa: u64 = 0;
    let mut digits: u32 = 0; // significant digits in `mantissa` (and `zeros`)
    let mut zeros: u32 = 0; // zeros after the last nonzero digit, not yet in `mantissa`
    let mut frac: i64 = 0; // digits after the dot
    let mut seen = false;
    let mut dot = false;
    while i < b.len() {
        match b[i] {
            b'0' => {
                seen = true;
                frac += i64::from(dot);
                // Defer zeros: trailing ones only move the exponent.
                if digits > 0 {
                    zeros += 1;
                }
            }
            c @ b'1'..=b'9' => {
                seen = true;
                frac += i64::from(dot);
                digits += zeros + 1;
                if digits > MAX_DIGITS {
                    return Err(syntax_or(b, i, DecimalError::Inexact));
                }
                for _ in 0..zeros {
                    mantissa *= 10;
                }
                zeros = 0;
                mantissa = mantissa * 10 + u64::from(c - b'0');
            }
            b'.' if !dot => dot = true,
            _ => break,
        }
        i += 1;
    }
    if !seen {
        return Err(DecimalError::Syntax);
    }
    if i < b.len() {
        return Err(DecimalError::Syntax);
    }
    // value = mantissa * 10^zeros / 10^frac
    let exp: i64 = i64::from(zeros) - frac;
    let value = if mantissa == 0 {
        0.0
    } else if (0..=22).contains(&exp) {
        mantissa as f64 * POW10[exp as usize]
    } else if (-22..0).contains(&exp) {
        mantissa as f64 / POW10[(-exp) as usize]
    } else if (23..=22 + MAX_DIGITS as i64).contains(&exp) {
        // `150000000000000000000000` (1.5 · 10^23) as 15 · 10^22: move the
        // excess power into the integer while it stays exact (below 2^53),
        // then one correctly rounded multiply.
        match mantissa
            .checked_mul(10u64.pow((exp - 22) as u32))
            .filter(|m| *m <= 1 << 53)
        {
            Some(m) => m as f64 * POW10[22],
            None => return Err(DecimalError::Inexact),
        }
    } else {
        return Err(DecimalError::Inexact);
    };
    Ok(if negative { -value } else { value })
}

/// When the digits overflow, the text may still be malformed further on:
/// report a syntax error then, so "1234567890123456x" is not "inexact".
fn syntax_or(b: &[u8], mut i: usize, otherwise: DecimalError) -> DecimalError {
    let mut dot = b[..i].contains(&b'.');
    while i < b.len() {
        match b[i] {
            b'0'..=b'9' => {}
            b'.' if !dot => dot = true,
            _ => return DecimalError::Syntax,
        }
        i += 1;
    }
    otherwise
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_decimals() {
        assert_eq!(parse_decimal("0"), Ok(0.0));
        assert_eq!(parse_decimal("1"), Ok(1.0));
        assert_eq!(parse_decimal("0.25"), Ok(0.25));
        assert_eq!(parse_decimal(".5"), Ok(0.5));
        assert_eq!(parse_decimal("5."), Ok(5.0));
        assert_eq!(parse_decimal("100"), Ok(100.0));
        assert_eq!(parse_decimal("1.000"), Ok(1.0));
        assert_eq!(parse_decimal("0.1"), Ok(0.1));
        assert_eq!(parse_decimal("-12.5"), Ok(-12.5));
        assert_eq!(parse_decimal("000.0300"), Ok(0.03));
        assert_eq!(parse_decimal("10.01"), Ok(10.01));
    }

    #[test]
    fn exponents_are_refused() {
        for s in ["1e3", "2.5E-3", "1e+22", "0e999", "1234567890123456e1"] {
            assert_eq!(parse_decimal(s), Err(DecimalError::Syntax), "{s}");
        }
    }

    #[test]
    fn syntax_errors() {
        for bad in [
            "",
            "-",
            ".",
            "abc",
            "1.2.3",
            "1e",
            "1e+",
            "e5",
            "inf",
            "NaN",
            "+1",
            " 1",
            "1 ",
            "0x10",
            "1_000",
            "12345678901234567x",
        ] {
            assert_eq!(parse_decimal(bad), Err(DecimalError::Syntax), "{bad}");
        }
    }

    #[test]
    fn outside_the_exact_domain() {
        assert_eq!(
            parse_decimal("1234567890123456"),
            Err(DecimalError::Inexact)
        );
        assert_eq!(
            parse_decimal("0.1234567890123456"),
            Err(DecimalError::Inexact)
        );
        let zeros = |n: usize| "0".repeat(n);
        assert_eq!(parse_decimal(&format!("1{}", zeros(23))), Ok(1e23));
        assert_eq!(parse_decimal(&format!("15{}", zeros(22))), Ok(1.5e23));
        assert_eq!(
            parse_decimal(&format!("1{}", zeros(38))),
            Err(DecimalError::Inexact)
        );
        assert_eq!(
            parse_decimal(&format!("0.{}1", zeros(22))),
            Err(DecimalError::Inexact)
        );
        // 15 digits and trailing zeros are fine.
        assert_eq!(parse_decimal("123456789012345"), Ok(123_456_789_012_345.0));
        assert_eq!(parse_decimal("1000000000000000000000"), Ok(1e21));
    }

    #[test]
    fn agrees_with_std_on_samples() {
        for s in [
            "0.3",
            "0.7",
            "0.15",
            "3.14159",
            "2.718281828459",
            "-0.000001",
            "999999999999999",
            "0.000000000000001",
            "0.0000123456",
            "9999999999999000000000",
            "0.0000000000000000000005",
            "17",
            "1.5",
        ] {
            assert_eq!(parse_decimal(s), Ok(s.parse::<f64>().unwrap()), "{s}");
        }
    }
}
