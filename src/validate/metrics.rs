//! Validity arithmetic: weighted precision, recall, F1 and accuracy of the tool's calls against
//! human codes, Wilson intervals for the proportions and a bootstrap over sentences for F1.
//!
//! Each scored sentence carries its sampling weight (the inverse of its inclusion probability), so
//! that a stratified or enriched sample estimates what a simple random sample of the corpus would:
//! precision is `Σ w·[tool ∧ human] / Σ w·[tool]`, recall `Σ w·[tool ∧ human] / Σ w·[human]`.
//! The Wilson interval of a weighted proportion uses Kish's effective sample size
//! `(Σ w)² / Σ w²` of its denominator, which equals the count when the weights are equal.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use crate::stats::quantile_sorted;

/// The normal quantile of a two-sided 95% interval.
const Z95: f64 = 1.959_963_984_540_054;

/// One scored sentence of a binary variable.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Judged {
    /// The tool's call.
    pub tool: bool,
    /// The human code.
    pub human: bool,
    pub weight: f64,
}

/// A weighted proportion with its interval and the number of sentences it rests on.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Estimate {
    /// `None` when the denominator is empty.
    pub value: Option<f64>,
    pub ci: Option<(f64, f64)>,
    /// Sentences in the denominator.
    pub n: usize,
}

impl Estimate {
    pub const EMPTY: Estimate = Estimate {
        value: None,
        ci: None,
        n: 0,
    };
}

/// Wilson's score interval for a proportion `p` observed on `n` (possibly effective, fractional)
/// trials, at 95%.
pub fn wilson(p: f64, n: f64) -> (f64, f64) {
    if n <= 0.0 {
        return (0.0, 1.0);
    }
    let z2 = Z95 * Z95;
    let centre = (p + z2 / (2.0 * n)) / (1.0 + z2 / n);
    let half = Z95 / (1.0 + z2 / n) * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    ((centre - half).max(0.0), (centre + half).min(1.0))
}

/// The weighted share of `hits` among `items` (each `(is_hit, weight)`), with its Wilson interval.
pub fn proportion(items: impl IntoIterator<Item = (bool, f64)>) -> Estimate {
    let (mut sum_w, mut sum_w2, mut sum_hit, mut n) = (0.0, 0.0, 0.0, 0);
    for (hit, w) in items {
        sum_w += w;
        sum_w2 += w * w;
        if hit {
            sum_hit += w;
        }
        n += 1;
    }
    if n == 0 || sum_w <= 0.0 {
        return Estimate::EMPTY;
    }
    let p = sum_hit / sum_w;
    let n_eff = sum_w * sum_w / sum_w2;
    Estimate {
        value: Some(p),
        ci: Some(wilson(p, n_eff)),
        n,
    }
}

/// Precision: among sentences the tool calls positive, the weighted share the coders call positive.
pub fn precision(judged: &[Judged]) -> Estimate {
    proportion(
        judged
            .iter()
            .filter(|j| j.tool)
            .map(|j| (j.human, j.weight)),
    )
}

/// Recall: among sentences the coders call positive, the weighted share the tool calls positive.
pub fn recall(judged: &[Judged]) -> Estimate {
    proportion(
        judged
            .iter()
            .filter(|j| j.human)
            .map(|j| (j.tool, j.weight)),
    )
}

/// Accuracy: the weighted share of sentences where tool and coders agree.
pub fn accuracy(judged: &[Judged]) -> Estimate {
    proportion(judged.iter().map(|j| (j.tool == j.human, j.weight)))
}

/// Weighted F1, `2 TP / (2 TP + FP + FN)`; `None` when there is no positive on either side.
pub fn f1_point(judged: &[Judged]) -> Option<f64> {
    let (mut tp, mut fp, mut fn_) = (0.0, 0.0, 0.0);
    for j in judged {
        match (j.tool, j.human) {
            (true, true) => tp += j.weight,
            (true, false) => fp += j.weight,
            (false, true) => fn_ += j.weight,
            (false, false) => {}
        }
    }
    let denominator = 2.0 * tp + fp + fn_;
    (denominator > 0.0).then(|| 2.0 * tp / denominator)
}

/// F1 with a 95% percentile interval from `reps` bootstrap replicates: each draws as many
/// sentences as were scored, with replacement, and computes the weighted F1 (replicates without
/// any positive are left out). `n` counts the sentences scored.
pub fn f1(judged: &[Judged], reps: usize, rng: &mut ChaCha8Rng) -> Estimate {
    let Some(point) = f1_point(judged) else {
        return Estimate {
            n: judged.len(),
            ..Estimate::EMPTY
        };
    };
    let mut replicates = Vec::with_capacity(reps);
    let mut draw = Vec::with_capacity(judged.len());
    for _ in 0..reps {
        draw.clear();
        draw.extend((0..judged.len()).map(|_| judged[rng.random_range(0..judged.len())]));
        if let Some(f) = f1_point(&draw) {
            replicates.push(f);
        }
    }
    replicates.sort_by(f64::total_cmp);
    let ci = (!replicates.is_empty()).then(|| {
        (
            quantile_sorted(&replicates, 0.025),
            quantile_sorted(&replicates, 0.975),
        )
    });
    Estimate {
        value: Some(point),
        ci,
        n: judged.len(),
    }
}

/// A 95% percentile interval of any statistic of units, by `reps` bootstrap replicates over the
/// units (replicates where the statistic is undefined are left out).
pub fn bootstrap_interval<T: Clone>(
    units: &[T],
    statistic: impl Fn(&[T]) -> Option<f64>,
    reps: usize,
    rng: &mut ChaCha8Rng,
) -> Option<(f64, f64)> {
    if units.is_empty() {
        return None;
    }
    let mut replicates = Vec::with_capacity(reps);
    let mut draw = Vec::with_capacity(units.len());
    for _ in 0..reps {
        draw.clear();
        draw.extend((0..units.len()).map(|_| units[rng.random_range(0..units.len())].clone()));
        if let Some(x) = statistic(&draw) {
            replicates.push(x);
        }
    }
    replicates.sort_by(f64::total_cmp);
    (!replicates.is_empty()).then(|| {
        (
            quantile_sorted(&replicates, 0.025),
            quantile_sorted(&replicates, 0.975),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() < tol
    }

    fn j(tool: bool, human: bool, weight: f64) -> Judged {
        Judged {
            tool,
            human,
            weight,
        }
    }

    #[test]
    fn wilson_matches_published_values() {
        // Newcombe (1998), Statistics in Medicine 17, table I: 81 of 263 gives 0.2553 to 0.3662;
        // 15 of 148 gives 0.0624 to 0.1605.
        let (lo, hi) = wilson(81.0 / 263.0, 263.0);
        assert!(
            close(lo, 0.2553, 5e-5) && close(hi, 0.3662, 5e-5),
            "{lo} {hi}"
        );
        let (lo, hi) = wilson(15.0 / 148.0, 148.0);
        assert!(
            close(lo, 0.0624, 5e-5) && close(hi, 0.1605, 5e-5),
            "{lo} {hi}"
        );
        // 0 of 10: from 0 to 0.2775.
        let (lo, hi) = wilson(0.0, 10.0);
        assert!(lo == 0.0 && close(hi, 0.2775, 5e-5), "{hi}");
    }

    #[test]
    fn weighted_precision_and_recall_by_hand() {
        // A stratified sample: sentences with a tool hit were drawn with probability 1/2
        // (weight 2), the others with probability 1/10 (weight 10).
        // Tool positive: 3 true (w 2), 1 false (w 2) → precision 6 / 8 = 0.75.
        // Human positive: the 3 found (w 2) and 2 missed among the others (w 10):
        // recall 6 / (6 + 20) = 0.230769.
        // F1 = 2·6 / (2·6 + 2 + 20) = 12 / 34 = 0.352941.
        let judged = [
            j(true, true, 2.0),
            j(true, true, 2.0),
            j(true, true, 2.0),
            j(true, false, 2.0),
            j(false, true, 10.0),
            j(false, true, 10.0),
            j(false, false, 10.0),
            j(false, false, 10.0),
        ];
        let p = precision(&judged);
        assert!(close(p.value.unwrap(), 0.75, 1e-12));
        assert_eq!(p.n, 4);
        // Equal weights within precision's denominator: the effective n is the count, 4.
        let (lo, hi) = p.ci.unwrap();
        let (wlo, whi) = wilson(0.75, 4.0);
        assert!(close(lo, wlo, 1e-12) && close(hi, whi, 1e-12));
        let r = recall(&judged);
        assert!(close(r.value.unwrap(), 6.0 / 26.0, 1e-12));
        // Weights 2, 2, 2, 10, 10: effective n = 26² / (3·4 + 2·100) = 676 / 212 = 3.1887.
        let (lo, _) = r.ci.unwrap();
        let (wlo, _) = wilson(6.0 / 26.0, 676.0 / 212.0);
        assert!(close(lo, wlo, 1e-12));
        assert!(close(f1_point(&judged).unwrap(), 12.0 / 34.0, 1e-12));
        // Accuracy: agreeing weight 3·2 + 2·10 = 26 of 48.
        assert!(close(accuracy(&judged).value.unwrap(), 26.0 / 48.0, 1e-12));
    }

    #[test]
    fn f1_interval_brackets_the_point_and_is_reproducible() {
        let judged: Vec<Judged> = (0..60)
            .map(|i| j(i % 3 != 0, i % 4 != 0, 1.0 + (i % 2) as f64))
            .collect();
        let run = |seed| f1(&judged, 500, &mut ChaCha8Rng::seed_from_u64(seed));
        let a = run(3);
        assert_eq!(a, run(3));
        let (lo, hi) = a.ci.unwrap();
        let point = a.value.unwrap();
        assert!(lo <= point && point <= hi, "{lo} {point} {hi}");
        assert!(hi - lo > 0.01);
        // No positives anywhere: F1 undefined.
        let none = [j(false, false, 1.0)];
        assert_eq!(f1(&none, 10, &mut ChaCha8Rng::seed_from_u64(1)).value, None);
    }

    #[test]
    fn empty_denominators_give_no_estimate() {
        assert_eq!(precision(&[j(false, true, 1.0)]), Estimate::EMPTY);
        assert_eq!(recall(&[j(true, false, 1.0)]), Estimate::EMPTY);
    }
}
