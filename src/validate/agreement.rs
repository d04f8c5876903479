//! Inter-coder reliability: Krippendorff's α for nominal data with any number of coders and
//! missing values, and percent agreement. Takes, for each unit (sentence), the value each coder
//! gave or `None`; gives back the coefficient, or `None` where it is undefined.
//!
//! α follows Krippendorff (2011), *Computing Krippendorff's Alpha-Reliability*, via the
//! coincidence matrix: a unit coded by `m ≥ 2` coders adds `1 / (m − 1)` to `o[c][k]` for every
//! ordered pair of its values `(c, k)` from different coders; units with fewer than two values are
//! not pairable and drop out. With `n_c = Σ_k o[c][k]` and `n = Σ_c n_c`,
//! `α = 1 − (n − 1) Σ_{c≠k} o[c][k] / Σ_{c≠k} n_c n_k`. When every pairable value is the same
//! there is no variation to be reliable about and α is undefined.

use std::collections::BTreeMap;

/// Krippendorff's α (nominal) over units whose values are given per coder (`None`: not coded).
/// `None` when fewer than two pairable values exist or all of them are equal.
pub fn alpha_nominal<V: Ord + Clone>(units: &[Vec<Option<V>>]) -> Option<f64> {
    let mut coincidences: BTreeMap<(V, V), f64> = BTreeMap::new();
    for unit in units {
        let values: Vec<&V> = unit.iter().flatten().collect();
        let m = values.len();
        if m < 2 {
            continue;
        }
        let share = 1.0 / (m - 1) as f64;
        for (i, a) in values.iter().enumerate() {
            for (j, b) in values.iter().enumerate() {
                if i != j {
                    *coincidences
                        .entry(((*a).clone(), (*b).clone()))
                        .or_insert(0.0) += share;
                }
            }
        }
    }
    let mut marginals: BTreeMap<&V, f64> = BTreeMap::new();
    let mut observed_disagreement = 0.0;
    for ((c, k), o) in &coincidences {
        *marginals.entry(c).or_insert(0.0) += o;
        if c != k {
            observed_disagreement += o;
        }
    }
    let n: f64 = marginals.values().sum();
    if n < 2.0 {
        return None;
    }
    let total: f64 = marginals.values().sum::<f64>();
    let same: f64 = marginals.values().map(|nc| nc * nc).sum();
    // Σ_{c≠k} n_c n_k = (Σ n_c)² − Σ n_c².
    let expected_disagreement = total * total - same;
    if expected_disagreement <= 0.0 {
        return None;
    }
    Some(1.0 - (n - 1.0) * observed_disagreement / expected_disagreement)
}

/// Pairs of coders who agree, over all pairs of coders who coded the same unit: (agreeing pairs,
/// pairs). With two coders this is the share of units both coded on which they agree.
pub fn agreement<V: PartialEq>(units: &[Vec<Option<V>>]) -> (u64, u64) {
    let (mut agree, mut pairs) = (0, 0);
    for unit in units {
        let values: Vec<&V> = unit.iter().flatten().collect();
        for i in 0..values.len() {
            for j in i + 1..values.len() {
                pairs += 1;
                if values[i] == values[j] {
                    agree += 1;
                }
            }
        }
    }
    (agree, pairs)
}

/// The number of units with at least two values (the units α and agreement rest on).
pub fn pairable<V>(units: &[Vec<Option<V>>]) -> usize {
    units
        .iter()
        .filter(|u| u.iter().flatten().count() >= 2)
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 5e-4
    }

    /// Transposes coder rows into units, `0` meaning missing.
    fn units(coders: &[&[u32]]) -> Vec<Vec<Option<u32>>> {
        (0..coders[0].len())
            .map(|u| {
                coders
                    .iter()
                    .map(|row| (row[u] != 0).then_some(row[u]))
                    .collect()
            })
            .collect()
    }

    #[test]
    fn krippendorff_binary_example_two_coders() {
        // Krippendorff (2011), section A: 10 units, 2 coders, binary, no missing data.
        // o01 = o10 = 4 pairs, n0 = 14, n1 = 6, n = 20: α = 1 − 19 · 4 / (14 · 6) = 0.095.
        let a = [0, 1, 0, 0, 0, 0, 0, 0, 1, 0];
        let b = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0];
        let data: Vec<Vec<Option<u32>>> = a
            .iter()
            .zip(b)
            .map(|(x, y)| vec![Some(*x), Some(y)])
            .collect();
        let alpha = alpha_nominal(&data).unwrap();
        assert!(close(alpha, 0.095), "{alpha}");
        assert_eq!(agreement(&data), (6, 10));
    }

    #[test]
    fn krippendorff_nominal_example_two_coders() {
        // Krippendorff (2011), section B: 12 units, 2 coders, nominal values a..e (1..5 here);
        // α = 0.692.
        let a = [1, 1, 2, 2, 4, 3, 3, 3, 5, 4, 4, 1];
        let b = [2, 1, 2, 2, 2, 3, 3, 3, 5, 4, 4, 4];
        let alpha = alpha_nominal(&units(&[&a, &b])).unwrap();
        assert!(close(alpha, 0.692), "{alpha}");
    }

    #[test]
    fn krippendorff_example_four_coders_with_missing_values() {
        // Krippendorff (2011), section C: 4 coders, 12 units, values 1..5, missing values
        // (0 here); unit 12 has one value only and is not pairable. Nominal α = 0.743.
        let a = [1, 2, 3, 3, 2, 1, 4, 1, 2, 0, 0, 0];
        let b = [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, 0, 3];
        let c = [0, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, 0];
        let d = [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, 0];
        let data = units(&[&a, &b, &c, &d]);
        let alpha = alpha_nominal(&data).unwrap();
        assert!(close(alpha, 0.743), "{alpha}");
        assert_eq!(pairable(&data), 11);
    }

    #[test]
    fn alpha_is_undefined_without_variation_and_one_with_perfect_agreement() {
        let same = vec![vec![Some(1), Some(1)], vec![Some(1), Some(1)]];
        assert_eq!(alpha_nominal(&same), None);
        let perfect = vec![vec![Some(1), Some(1)], vec![Some(0), Some(0)]];
        assert_eq!(alpha_nominal(&perfect), Some(1.0));
        let lonely: Vec<Vec<Option<u32>>> = vec![vec![Some(1), None]];
        assert_eq!(alpha_nominal(&lonely), None);
        assert_eq!(agreement(&lonely), (0, 0));
    }
}
