//! Net Promoter Score arithmetic (docs/contract.md §6): tallies, the score, its standard error, the
//! adjusted-Wald 95 % interval, a two-period z-test and the health band.
//!
//! A [`Tally`] holds one counter per score 0..=10, so adding, removing and merging are exact
//! and order-independent; every statistic is derived from the counters on demand. With no
//! answers every statistic is `None` (JSON `null`), never `0` or `NaN`.

use core::fmt;
use serde::{Deserialize, Serialize};

/// The NPS group of a 0..=10 answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    /// Scores 0 to 6.
    Detractor,
    /// Scores 7 and 8.
    Passive,
    /// Scores 9 and 10.
    Promoter,
}

impl Category {
    /// The category of a score.
    ///
    /// # Errors
    ///
    /// [`ScoreError`] when `score` is greater than 10.
    ///
    /// # Example
    ///
    /// ```
    /// use nps_core::Category;
    /// assert_eq!(Category::of(6).unwrap(), Category::Detractor);
    /// assert_eq!(Category::of(8).unwrap(), Category::Passive);
    /// assert_eq!(Category::of(9).unwrap(), Category::Promoter);
    /// assert_eq!(
    ///     Category::of(11).unwrap_err().to_string(),
    ///     r#"score must be an integer from 0 to 10, got "11""#
    /// );
    /// ```
    pub fn of(score: u8) -> Result<Category, ScoreError> {
        match score {
            0..=6 => Ok(Category::Detractor),
            7 | 8 => Ok(Category::Passive),
            9 | 10 => Ok(Category::Promoter),
            _ => Err(ScoreError::from_number(score)),
        }
    }

    /// `"detractor"`, `"passive"` or `"promoter"`.
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(nps_core::Category::Passive.as_str(), "passive");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Detractor => "detractor",
            Category::Passive => "passive",
            Category::Promoter => "promoter",
        }
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A score that is not an integer from 0 to 10. Holds the offending input as text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScoreError {
    /// The rejected input, as given (`"11"`, `"9.0"`, `"abc"`).
    pub input: String,
}

impl ScoreError {
    fn from_number(score: u8) -> ScoreError {
        let mut input = String::with_capacity(3);
        crate::push_u64(&mut input, u64::from(score));
        ScoreError { input }
    }

    /// The rejected input, as given.
    pub fn input(&self) -> &str {
        &self.input
    }
}

impl fmt::Display for ScoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("score must be an integer from 0 to 10, got \"")?;
        f.write_str(&self.input)?;
        f.write_str("\"")
    }
}

impl std::error::Error for ScoreError {}

/// Parses a score written as text (a CSV cell, a form value).
///
/// Leading and trailing ASCII spaces and tabs are ignored; what remains must be ASCII digits
/// whose value is 0..=10 (`"09"` is 9). Signs, decimals and exponents are rejected, so
/// `"9.0"`, `"+9"` and `"1e1"` do not count.
///
/// # Errors
///
/// [`ScoreError`] (naming the input as given) for anything else.
///
/// # Example
///
/// ```
/// use nps_core::parse_score;
/// assert_eq!(parse_score(" 9\t"), Ok(9));
/// assert_eq!(
///     parse_score("9.0").unwrap_err().to_string(),
///     r#"score must be an integer from 0 to 10, got "9.0""#
/// );
/// ```
pub fn parse_score(s: &str) -> Result<u8, ScoreError> {
    let t = s.trim_matches(|c| c == ' ' || c == '\t');
    let err = || ScoreError {
        input: s.to_owned(),
    };
    if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) {
        return Err(err());
    }
    let mut v: u32 = 0;
    for b in t.bytes() {
        v = v * 10 + u32::from(b - b'0');
        if v > 10 {
            return Err(err());
        }
    }
    Ok(v as u8)
}

/// Counts of answers per score 0..=10.
///
/// # Example
///
/// ```
/// use nps_core::Tally;
/// let t: Tally = [10, 9, 9, 8, 3].into_iter().collect();
/// assert_eq!((t.promoters(), t.passives(), t.detractors()), (3, 1, 1));
/// assert_eq!(t.nps(), Some(40.0));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    counts: [u64; 11],
}

impl Tally {
    /// An empty tally.
    ///
    /// # Example
    ///
    /// ```
    /// let t = nps_core::Tally::new();
    /// assert_eq!((t.n(), t.nps()), (0, None));
    /// ```
    pub const fn new() -> Tally {
        Tally { counts: [0; 11] }
    }

    /// A tally from counts indexed by score (index 0 = score 0 … index 10 = score 10).
    ///
    /// # Example
    ///
    /// ```
    /// let t = nps_core::Tally::from_counts([0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 3]);
    /// assert_eq!(t.nps(), Some(50.0));
    /// ```
    pub const fn from_counts(counts: [u64; 11]) -> Tally {
        Tally { counts }
    }

    /// The counts indexed by score.
    pub const fn counts(&self) -> [u64; 11] {
        self.counts
    }

    /// Counts one answer.
    ///
    /// # Errors
    ///
    /// [`ScoreError`] when `score > 10`; the tally is unchanged.
    ///
    /// # Example
    ///
    /// ```
    /// let mut t = nps_core::Tally::new();
    /// t.add(10).unwrap();
    /// assert!(t.add(11).is_err());
    /// assert_eq!(t.n(), 1);
    /// ```
    pub fn add(&mut self, score: u8) -> Result<(), ScoreError> {
        match self.counts.get_mut(usize::from(score)) {
            Some(c) => {
                *c = c.saturating_add(1);
                Ok(())
            }
            None => Err(ScoreError::from_number(score)),
        }
    }

    /// Un-counts one answer. Returns `false` (and changes nothing) when `score > 10` or no
    /// answer with that score is counted.
    ///
    /// # Example
    ///
    /// ```
    /// let mut t = nps_core::Tally::new();
    /// t.add(7).unwrap();
    /// assert!(t.remove(7));
    /// assert!(!t.remove(7));
    /// assert_eq!(t, nps_core::Tally::new());
    /// ```
    pub fn remove(&mut self, score: u8) -> bool {
        match self.counts.get_mut(usize::from(score)) {
            Some(c) if *c > 0 => {
                *c -= 1;
                true
            }
            _ => false,
        }
    }

    /// Adds every count of `other` to this tally.
    ///
    /// # Example
    ///
    /// ```
    /// use nps_core::Tally;
    /// let mut a: Tally = [9, 3].into_iter().collect();
    /// a.merge(&[10].into_iter().collect());
    /// assert_eq!(a, [9, 3, 10].into_iter().collect());
    /// ```
    pub fn merge(&mut self, other: &Tally) {
        for (c, o) in self.counts.iter_mut().zip(other.counts.iter()) {
            *c = c.saturating_add(*o);
        }
    }

    /// Answers with this score; 0 for a score above 10.
    ///
    /// # Example
    ///
    /// ```
    /// let t: nps_core::Tally = [9, 9, 3].into_iter().collect();
    /// assert_eq!((t.count(9), t.count(3), t.count(42)), (2, 1, 0));
    /// ```
    pub fn count(&self, score: u8) -> u64 {
        self.counts.get(usize::from(score)).copied().unwrap_or(0)
    }

    /// Number of answers.
    ///
    /// # Example
    ///
    /// ```
    /// let t: nps_core::Tally = [10, 9, 8, 7, 6, 0].into_iter().collect();
    /// assert_eq!(t.n(), 6);
    /// assert_eq!((t.promoters(), t.passives(), t.detractors()), (2, 2, 2));
    /// ```
    pub fn n(&self) -> u64 {
        self.counts.iter().fold(0u64, |a, c| a.saturating_add(*c))
    }

    /// Answers 9 and 10.
    pub fn promoters(&self) -> u64 {
        self.counts[9].saturating_add(self.counts[10])
    }

    /// Answers 7 and 8.
    pub fn passives(&self) -> u64 {
        self.counts[7].saturating_add(self.counts[8])
    }

    /// Answers 0 to 6.
    pub fn detractors(&self) -> u64 {
        self.counts[..7]
            .iter()
            .fold(0u64, |a, c| a.saturating_add(*c))
    }

    /// `100 (p − d)`, in [−100, 100]; `None` without answers.
    ///
    /// # Example
    ///
    /// ```
    /// use nps_core::Tally;
    /// assert_eq!(Tally::new().nps(), None);
    /// assert_eq!([0].into_iter().collect::<Tally>().nps(), Some(-100.0));
    /// ```
    pub fn nps(&self) -> Option<f64> {
        let n = self.n();
        if n == 0 {
            return None;
        }
        let diff = self.promoters() as f64 - self.detractors() as f64;
        Some((100.0 * diff / n as f64).clamp(-100.0, 100.0))
    }

    /// Standard error of the NPS: `100 · sqrt((p + d − (p − d)²) / n)`; `None` without answers.
    ///
    /// # Example
    ///
    /// ```
    /// use nps_core::Tally;
    /// let t: Tally = [10, 0].into_iter().collect();
    /// assert_eq!(t.se(), Some(100.0 * (0.5f64).sqrt()));
    /// ```
    pub fn se(&self) -> Option<f64> {
        let n = self.n();
        if n == 0 {
            return None;
        }
        let nf = n as f64;
        Some(
            100.0
                * spread(
                    self.promoters() as f64 / nf,
                    self.detractors() as f64 / nf,
                    nf,
                ),
        )
    }

    /// Adjusted-Wald 95 % interval (Rocks 2016) clipped to [−100, 100]; `None` without answers.
    ///
    /// `n′ = n + 3`, `p′ = (P + 0.75) / n′`, `d′ = (D + 0.75) / n′`, centre `100 (p′ − d′)`,
    /// half-width `1.96 · 100 · sqrt((p′ + d′ − (p′ − d′)²) / n′)`.
    ///
    /// # Example
    ///
    /// ```
    /// use nps_core::Tally;
    /// let one_detractor: Tally = [0].into_iter().collect();
    /// let [lo, hi] = one_detractor.ci95().unwrap();
    /// assert!((lo - -98.5).abs() < 1e-9 && (hi - 48.5).abs() < 1e-9);
    /// ```
    pub fn ci95(&self) -> Option<[f64; 2]> {
        let n = self.n();
        if n == 0 {
            return None;
        }
        let centre = self.adjusted_wald_centre()?;
        let n_adj = n as f64 + 3.0;
        let p = (self.promoters() as f64 + 0.75) / n_adj;
        let d = (self.detractors() as f64 + 0.75) / n_adj;
        let half = 1.96 * 100.0 * spread(p, d, n_adj);
        Some([
            (centre - half).clamp(-100.0, 100.0),
            (centre + half).clamp(-100.0, 100.0),
        ])
    }

    /// Centre of the adjusted-Wald interval, `100 (p′ − d′)`; `None` without answers.
    ///
    /// # Example
    ///
    /// ```
    /// use nps_core::Tally;
    /// assert_eq!([0].into_iter().collect::<Tally>().adjusted_wald_centre(), Some(-25.0));
    /// ```
    pub fn adjusted_wald_centre(&self) -> Option<f64> {
        let n = self.n();
        if n == 0 {
            return None;
        }
        let n_adj = n as f64 + 3.0;
        let p = (self.promoters() as f64 + 0.75) / n_adj;
        let d = (self.detractors() as f64 + 0.75) / n_adj;
        Some(100.0 * (p - d))
    }

    /// All statistics at once, in the JSON shape of `stats()` and `nps score --json`.
    ///
    /// # Example
    ///
    /// ```
    /// let s = nps_core::Tally::new().summary();
    /// assert_eq!((s.n, s.nps, s.se, s.ci95), (0, None, None, None));
    /// ```
    pub fn summary(&self) -> Summary {
        Summary {
            n: self.n(),
            promoters: self.promoters(),
            passives: self.passives(),
            detractors: self.detractors(),
            nps: self.nps(),
            se: self.se(),
            ci95: self.ci95(),
        }
    }
}

/// `sqrt((p + d − (p − d)²) / n)`, never NaN for proportions in [0, 1].
fn spread(p: f64, d: f64, n: f64) -> f64 {
    let diff = p - d;
    ((p + d - diff * diff).max(0.0) / n).sqrt()
}

impl FromIterator<u8> for Tally {
    /// Counts every valid score; scores above 10 are ignored.
    fn from_iter<I: IntoIterator<Item = u8>>(iter: I) -> Tally {
        let mut t = Tally::new();
        for s in iter {
            let _ = t.add(s);
        }
        t
    }
}

impl Extend<u8> for Tally {
    /// Counts every valid score; scores above 10 are ignored.
    fn extend<I: IntoIterator<Item = u8>>(&mut self, iter: I) {
        for s in iter {
            let _ = self.add(s);
        }
    }
}

/// The statistics of a [`Tally`]. `None` fields serialise as JSON `null`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Number of answers.
    pub n: u64,
    /// Answers 9–10.
    pub promoters: u64,
    /// Answers 7–8.
    pub passives: u64,
    /// Answers 0–6.
    pub detractors: u64,
    /// Net Promoter Score in [−100, 100].
    pub nps: Option<f64>,
    /// Standard error of `nps`.
    pub se: Option<f64>,
    /// Adjusted-Wald 95 % interval `[lo, hi]`.
    pub ci95: Option<[f64; 2]>,
}

impl Summary {
    /// The health band of `nps`, `None` without answers.
    ///
    /// # Example
    ///
    /// ```
    /// use nps_core::{Band, Tally};
    /// let t: Tally = [10, 10, 9, 8].into_iter().collect();
    /// assert_eq!(t.summary().band(), Some(Band::Good));
    /// ```
    pub fn band(&self) -> Option<Band> {
        self.nps.map(Band::of)
    }
}

/// Result of [`compare`]: the z statistic and its two-sided p-value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Comparison {
    /// `(npsA − npsB) / sqrt(seA² + seB²)`.
    pub z: f64,
    /// Two-sided p-value from the standard normal distribution.
    pub p_value: f64,
}

/// Two-period z-test: is the NPS of `a` different from that of `b`?
///
/// Returns `None` when either tally is empty or both standard errors are 0 (for example
/// every answer a 10 in both periods), where the test is undefined.
///
/// # Example
///
/// ```
/// use nps_core::{compare, Tally};
/// let a = Tally::from_counts([0, 0, 0, 0, 0, 0, 20, 30, 0, 0, 50]);
/// let b = Tally::from_counts([0, 0, 0, 0, 0, 0, 40, 30, 0, 0, 30]);
/// let c = compare(&a, &b).unwrap();
/// assert!(c.z > 2.0 && c.p_value < 0.05);
/// assert_eq!(compare(&a, &Tally::new()), None);
/// ```
pub fn compare(a: &Tally, b: &Tally) -> Option<Comparison> {
    let (na, sa) = (a.nps()?, a.se()?);
    let (nb, sb) = (b.nps()?, b.se()?);
    let var = sa * sa + sb * sb;
    if var <= 0.0 {
        return None;
    }
    let z = (na - nb) / var.sqrt();
    Some(Comparison {
        z,
        p_value: two_sided_p(z),
    })
}

/// Two-sided p-value of a standard-normal statistic: `erfc(|z| / √2)`.
///
/// # Example
///
/// ```
/// let p = nps_core::scoring::two_sided_p(1.959_963_985);
/// assert!((p - 0.05).abs() < 1e-6);
/// ```
pub fn two_sided_p(z: f64) -> f64 {
    erfc(z.abs() / core::f64::consts::SQRT_2).clamp(0.0, 1.0)
}

/// Complementary error function.
///
/// Chebyshev-fitted approximation (Numerical Recipes `erfcc`), fractional error below
/// 1.2 × 10⁻⁷ everywhere — far finer than any NPS sample supports.
///
/// # Example
///
/// ```
/// use nps_core::scoring::erfc;
/// assert!((erfc(0.0) - 1.0).abs() < 1e-7);
/// assert!((erfc(1.0) - 0.157_299_207).abs() < 1e-7);
/// ```
pub fn erfc(x: f64) -> f64 {
    if x.is_nan() {
        return f64::NAN;
    }
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let poly = -1.265_512_23
        + t * (1.000_023_68
            + t * (0.374_091_96
                + t * (0.096_784_18
                    + t * (-0.186_288_06
                        + t * (0.278_868_07
                            + t * (-1.135_203_98
                                + t * (1.488_515_87 + t * (-0.822_152_23 + t * 0.170_872_77))))))));
    let r = t * (-z * z + poly).exp();
    if x >= 0.0 {
        r
    } else {
        2.0 - r
    }
}

/// Health band of an NPS (docs/contract.md §6).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Band {
    /// nps < 5.
    Critical,
    /// 5 ≤ nps ≤ 30.
    NeedsWork,
    /// 30 < nps < 50.
    Fair,
    /// 50 ≤ nps < 80.
    Good,
    /// nps ≥ 80.
    Excellent,
}

impl Band {
    /// The band an NPS falls in. `NaN` (never produced by this crate) counts as critical.
    ///
    /// # Example
    ///
    /// ```
    /// use nps_core::Band;
    /// assert_eq!(Band::of(4.9), Band::Critical);
    /// assert_eq!(Band::of(30.0), Band::NeedsWork);
    /// assert_eq!(Band::of(30.1), Band::Fair);
    /// assert_eq!(Band::of(50.0), Band::Good);
    /// assert_eq!(Band::of(80.0), Band::Excellent);
    /// ```
    pub fn of(nps: f64) -> Band {
        if nps >= 80.0 {
            Band::Excellent
        } else if nps >= 50.0 {
            Band::Good
        } else if nps > 30.0 {
            Band::Fair
        } else if nps >= 5.0 {
            Band::NeedsWork
        } else {
            Band::Critical
        }
    }

    /// `"critical"`, `"needs-work"`, `"fair"`, `"good"` or `"excellent"`.
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(nps_core::Band::NeedsWork.as_str(), "needs-work");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Band::Critical => "critical",
            Band::NeedsWork => "needs-work",
            Band::Fair => "fair",
            Band::Good => "good",
            Band::Excellent => "excellent",
        }
    }
}

impl fmt::Display for Band {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round1(x: f64) -> f64 {
        (x * 10.0).round() / 10.0
    }

    fn tally(p: u64, passive: u64, d: u64) -> Tally {
        Tally::from_counts([d, 0, 0, 0, 0, 0, 0, passive, 0, 0, p])
    }

    #[test]
    fn score_error_messages() {
        assert_eq!(
            Category::of(11).unwrap_err().to_string(),
            "score must be an integer from 0 to 10, got \"11\""
        );
        assert_eq!(
            parse_score("abc").unwrap_err().to_string(),
            "score must be an integer from 0 to 10, got \"abc\""
        );
        assert_eq!(
            Tally::new().add(255).unwrap_err().to_string(),
            "score must be an integer from 0 to 10, got \"255\""
        );
    }

    #[test]
    fn parse_score_accepts_and_rejects() {
        for (s, v) in [
            ("0", 0),
            ("9", 9),
            ("10", 10),
            (" 7 ", 7),
            ("\t10\t", 10),
            ("09", 9),
        ] {
            assert_eq!(parse_score(s), Ok(v), "{s:?}");
        }
        for s in [
            "",
            " ",
            "9.0",
            "+9",
            "-0",
            "11",
            "abc",
            "1e1",
            "١",
            "99999999999999999999",
            "9 9",
            "\n9",
        ] {
            let e = parse_score(s).unwrap_err();
            assert_eq!(e.input(), s);
        }
    }

    #[test]
    fn categories() {
        for s in 0..=6 {
            assert_eq!(Category::of(s), Ok(Category::Detractor));
        }
        assert_eq!(Category::of(7), Ok(Category::Passive));
        assert_eq!(Category::of(8), Ok(Category::Passive));
        assert_eq!(Category::of(9), Ok(Category::Promoter));
        assert_eq!(Category::of(10), Ok(Category::Promoter));
        assert_eq!(Category::Detractor.as_str(), "detractor");
        assert_eq!(Category::Promoter.to_string(), "promoter");
    }

    #[test]
    fn empty_is_none_everywhere() {
        let t = Tally::new();
        assert_eq!(t.n(), 0);
        assert_eq!(t.nps(), None);
        assert_eq!(t.se(), None);
        assert_eq!(t.ci95(), None);
        assert_eq!(t.adjusted_wald_centre(), None);
        let s = t.summary();
        assert_eq!(s.band(), None);
        assert_eq!(
            serde_json::to_string(&s).unwrap_or_default(),
            r#"{"n":0,"promoters":0,"passives":0,"detractors":0,"nps":null,"se":null,"ci95":null}"#
        );
        assert_eq!(compare(&t, &tally(1, 0, 1)), None);
        assert_eq!(compare(&tally(1, 0, 1), &t), None);
    }

    #[test]
    fn one_detractor() {
        let t: Tally = [3].into_iter().collect();
        assert_eq!(t.nps(), Some(-100.0));
        assert_eq!(t.se(), Some(0.0));
        // n' = 4, p' = 0.1875, d' = 0.4375: centre −25, half-width 1.96·100·sqrt(0.5625/4) = 73.5.
        let [lo, hi] = t.ci95().unwrap_or([0.0; 2]);
        assert_eq!((round1(lo), round1(hi)), (-98.5, 48.5));
    }

    #[test]
    fn known_values() {
        // 50 promoters, 30 passives, 20 detractors.
        let t = tally(50, 30, 20);
        assert_eq!(t.nps(), Some(30.0));
        // p + d − (p − d)² = 0.7 − 0.09 = 0.61; se = 100·sqrt(0.61/100) = 7.8102…
        let se = t.se().unwrap_or(0.0);
        assert!((se - 7.810_249_675_906_654).abs() < 1e-9, "{se}");
        // n' = 103, p' = 50.75/103, d' = 20.75/103.
        let (p, d) = (50.75 / 103.0, 20.75 / 103.0);
        let centre = 100.0 * (p - d);
        let half = 196.0 * ((p + d - (p - d) * (p - d)) / 103.0_f64).sqrt();
        let [lo, hi] = t.ci95().unwrap_or([0.0; 2]);
        assert!((lo - (centre - half)).abs() < 1e-12 && (hi - (centre + half)).abs() < 1e-12);
        // 29.126… ± 15.075… = [14.05…, 44.20…]
        assert_eq!((round1(lo), round1(hi)), (14.1, 44.2));
        assert_eq!(t.summary().band(), Some(Band::NeedsWork));
    }

    #[test]
    fn all_promoters_clipped() {
        let t = tally(1000, 0, 0);
        assert_eq!(t.nps(), Some(100.0));
        let [lo, hi] = t.ci95().unwrap_or([0.0; 2]);
        assert!(lo < 100.0 && lo > 98.0);
        assert_eq!(hi, 100.0);
        // Identical, zero-variance periods: the z-test is undefined.
        assert_eq!(compare(&t, &t), None);
    }

    #[test]
    fn compare_known() {
        let a = tally(50, 30, 20);
        let b = tally(30, 30, 40);
        let c = compare(&a, &b).unwrap_or(Comparison {
            z: 0.0,
            p_value: 1.0,
        });
        let sa = a.se().unwrap_or(0.0);
        let sb = b.se().unwrap_or(0.0);
        let z = 40.0 / (sa * sa + sb * sb).sqrt();
        assert!((c.z - z).abs() < 1e-12);
        assert!(c.p_value > 0.0 && c.p_value < 0.001);
        let rev = compare(&b, &a).unwrap_or(c);
        assert_eq!(rev.z, -c.z);
        assert_eq!(rev.p_value, c.p_value);
    }

    #[test]
    fn erfc_reference_values() {
        // Reference values of erfc (Abramowitz & Stegun tables).
        for (x, want) in [
            (0.0, 1.0),
            (0.5, 0.479_500_122_186_953_5),
            (1.0, 0.157_299_207_050_285_1),
            (2.0, 0.004_677_734_981_047_266),
            (3.0, 2.209_049_699_858_544e-5),
            (-1.0, 1.842_700_792_949_715),
        ] {
            let got = erfc(x);
            assert!(((got - want) / want).abs() < 2e-7, "erfc({x}) = {got}");
        }
        assert!((two_sided_p(1.959_963_984_540_054) - 0.05).abs() < 1e-7);
        assert!((two_sided_p(-2.575_829_303_548_901) - 0.01).abs() < 1e-8);
        assert!((two_sided_p(0.0) - 1.0).abs() < 1e-7);
        assert_eq!(two_sided_p(40.0), 0.0);
    }

    #[test]
    fn band_thresholds() {
        for (nps, band) in [
            (-100.0, Band::Critical),
            (4.99, Band::Critical),
            (5.0, Band::NeedsWork),
            (30.0, Band::NeedsWork),
            (30.01, Band::Fair),
            (49.99, Band::Fair),
            (50.0, Band::Good),
            (79.99, Band::Good),
            (80.0, Band::Excellent),
            (100.0, Band::Excellent),
            (f64::NAN, Band::Critical),
        ] {
            assert_eq!(Band::of(nps), band, "{nps}");
        }
        assert_eq!(Band::Critical.as_str(), "critical");
        assert_eq!(Band::NeedsWork.to_string(), "needs-work");
        assert_eq!(Band::Fair.as_str(), "fair");
        assert_eq!(Band::Good.as_str(), "good");
        assert_eq!(Band::Excellent.as_str(), "excellent");
        assert_eq!(
            serde_json::to_string(&Band::NeedsWork).unwrap_or_default(),
            "\"needs-work\""
        );
    }

    #[test]
    fn add_remove_count() {
        let mut t = Tally::new();
        assert!(!t.remove(5));
        assert!(!t.remove(11));
        assert!(t.add(11).is_err());
        assert_eq!(t, Tally::new());
        t.add(5).unwrap_or(());
        t.add(5).unwrap_or(());
        assert_eq!(t.count(5), 2);
        assert_eq!(t.count(11), 0);
        assert!(t.remove(5));
        assert_eq!(t.count(5), 1);
        let ignored: Tally = [1, 200, 10].into_iter().collect();
        assert_eq!(ignored.n(), 2);
    }
}
