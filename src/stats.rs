//! Statistics for the exports and the report: rates per 10,000 tokens, a cluster bootstrap
//! interval for a rate (documents as clusters), Dunning's log-likelihood G² with its chi-square
//! p-value, Hardie's log ratio, and fixed-decimal formatting so that the same counts always give
//! the same bytes. Inputs are plain counts; outputs are `f64` values.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

/// Hits per 10,000 tokens; 0 when there are no tokens (the CSVs are NA-free, and a period with no
/// text has no evidence of anything).
pub fn rate_per_10k(hits: u64, tokens: u64) -> f64 {
    if tokens == 0 {
        0.0
    } else {
        hits as f64 * 10_000.0 / tokens as f64
    }
}

/// Dunning's log-likelihood G² for a word seen `a` times in a corpus of `n1` tokens and `b` times
/// in one of `n2` tokens, in Rayson's two-cell form: expected values from the token totals,
/// `E1 = n1 (a + b) / (n1 + n2)`, `E2 = n2 (a + b) / (n1 + n2)`,
/// `G² = 2 (a ln(a / E1) + b ln(b / E2))`, with `0 ln 0 = 0`. 0 when either corpus is empty.
pub fn log_likelihood_g2(a: u64, b: u64, n1: u64, n2: u64) -> f64 {
    if n1 == 0 || n2 == 0 || a + b == 0 {
        return 0.0;
    }
    let (a, b, n1, n2) = (a as f64, b as f64, n1 as f64, n2 as f64);
    let e1 = n1 * (a + b) / (n1 + n2);
    let e2 = n2 * (a + b) / (n1 + n2);
    let term = |o: f64, e: f64| if o == 0.0 { 0.0 } else { o * (o / e).ln() };
    // Rounding can push a G² of exactly equal rates a hair below zero.
    (2.0 * (term(a, e1) + term(b, e2))).max(0.0)
}

/// Dunning's log-likelihood G² of a 2×2 contingency table `[[a, b], [c, d]]`:
/// `G² = 2 Σ O ln(O / E)` over the four cells, `E` from the row and column totals, `0 ln 0 = 0`.
/// 0 when a row or column is empty.
pub fn log_likelihood_2x2(a: u64, b: u64, c: u64, d: u64) -> f64 {
    let n = (a + b + c + d) as f64;
    let (r1, r2, c1, c2) = (
        (a + b) as f64,
        (c + d) as f64,
        (a + c) as f64,
        (b + d) as f64,
    );
    if r1 == 0.0 || r2 == 0.0 || c1 == 0.0 || c2 == 0.0 {
        return 0.0;
    }
    let term = |o: u64, e: f64| {
        if o == 0 {
            0.0
        } else {
            o as f64 * (o as f64 / e).ln()
        }
    };
    let g2 =
        term(a, r1 * c1 / n) + term(b, r1 * c2 / n) + term(c, r2 * c1 / n) + term(d, r2 * c2 / n);
    (2.0 * g2).max(0.0)
}

/// Upper-tail p-value of a chi-square statistic with one degree of freedom:
/// `P(X > g2) = erfc(sqrt(g2 / 2))`.
pub fn chi2_1df_p(g2: f64) -> f64 {
    libm::erfc((g2.max(0.0) / 2.0).sqrt())
}

/// Hardie's log ratio: `log2((a / n1) / (b / n2))`, each zero count replaced by 0.5 so that a word
/// absent from one corpus still gets a finite effect size. 0 when both counts are zero or either
/// corpus is empty (there is nothing to compare).
pub fn log_ratio(a: u64, b: u64, n1: u64, n2: u64) -> f64 {
    if n1 == 0 || n2 == 0 || (a == 0 && b == 0) {
        return 0.0;
    }
    let adjust = |x: u64| if x == 0 { 0.5 } else { x as f64 };
    ((adjust(a) / n1 as f64) / (adjust(b) / n2 as f64)).log2()
}

/// The `p` quantile of sorted values by linear interpolation between order statistics (R's
/// default, `type = 7`): `h = (n - 1) p`, `x[floor h] + (h - floor h) (x[floor h + 1] - x[floor h])`.
pub fn quantile_sorted(sorted: &[f64], p: f64) -> f64 {
    match sorted.len() {
        0 => 0.0,
        1 => sorted[0],
        n => {
            let h = (n - 1) as f64 * p.clamp(0.0, 1.0);
            let lo = h.floor() as usize;
            let hi = (lo + 1).min(n - 1);
            sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
        }
    }
}

/// A 95% interval for each of several rates that share their documents, by a cluster bootstrap:
/// each of `reps` replicates draws `tokens.len()` documents with replacement, sums their hits and
/// tokens, and takes the ratio (per 10,000 tokens); the interval is the 2.5% and 97.5% quantiles
/// (type 7) of the replicates. Resampling whole documents keeps the clustering of hits within a
/// document honest. One draw of documents serves every rate, so the categories of a period are
/// resampled together.
///
/// `tokens[d]` is document d's token count, `hits[c][d]` its hits of rate c. Returns `(low, high)`
/// per rate; with no documents or no replicates, each interval is the point rate.
pub fn cluster_bootstrap_rates(
    tokens: &[u64],
    hits: &[Vec<u64>],
    reps: usize,
    rng: &mut ChaCha8Rng,
) -> Vec<(f64, f64)> {
    let n = tokens.len();
    let total_tokens: u64 = tokens.iter().sum();
    let point = |h: &Vec<u64>| rate_per_10k(h.iter().sum(), total_tokens);
    if n == 0 || reps == 0 {
        return hits
            .iter()
            .map(|h| {
                let r = point(h);
                (r, r)
            })
            .collect();
    }
    // Document-major: a draw reads one document's counts from one place, not one cell from each
    // rate's vector (with tens of thousands of documents those are cache misses each).
    let width = hits.len() + 1;
    let mut rows = vec![0u64; n * width];
    for (d, row) in rows.chunks_exact_mut(width).enumerate() {
        row[0] = tokens[d];
        for (cell, h) in row[1..].iter_mut().zip(hits) {
            *cell = h[d];
        }
    }
    let mut replicates: Vec<Vec<f64>> = vec![Vec::with_capacity(reps); hits.len()];
    let mut sums = vec![0u64; width];
    for _ in 0..reps {
        draw(&rows, n, &mut sums, rng);
        for (values, &sum) in replicates.iter_mut().zip(&sums[1..]) {
            values.push(rate_per_10k(sum, sums[0]));
        }
    }
    replicates
        .into_iter()
        .map(|mut values| {
            values.sort_by(f64::total_cmp);
            (
                quantile_sorted(&values, 0.025),
                quantile_sorted(&values, 0.975),
            )
        })
        .collect()
}

/// One replicate of `cluster_bootstrap_rates`: `n` documents drawn with replacement, their rows of
/// `sums.len()` cells added up into `sums`. The width is known at compile time for the usual
/// category counts: a row is then added with a few vector instructions instead of a loop (half
/// the time for 3 categories).
fn draw(rows: &[u64], n: usize, sums: &mut [u64], rng: &mut ChaCha8Rng) {
    match sums.len() {
        2 => draw_fixed::<2>(rows, n, sums, rng),
        3 => draw_fixed::<3>(rows, n, sums, rng),
        4 => draw_fixed::<4>(rows, n, sums, rng),
        5 => draw_fixed::<5>(rows, n, sums, rng),
        6 => draw_fixed::<6>(rows, n, sums, rng),
        _ => draw_any(rows, n, sums, rng),
    }
}

/// `draw` for rows of `W` cells.
fn draw_fixed<const W: usize>(rows: &[u64], n: usize, sums: &mut [u64], rng: &mut ChaCha8Rng) {
    let (rows, _) = rows.as_chunks::<W>();
    let mut total = [0u64; W];
    for _ in 0..n {
        let row = &rows[rng.random_range(0..n)];
        for (t, &cell) in total.iter_mut().zip(row) {
            *t += cell;
        }
    }
    sums.copy_from_slice(&total);
}

/// `draw` for any width.
fn draw_any(rows: &[u64], n: usize, sums: &mut [u64], rng: &mut ChaCha8Rng) {
    let width = sums.len();
    sums.iter_mut().for_each(|s| *s = 0);
    for _ in 0..n {
        let d = rng.random_range(0..n);
        for (sum, &cell) in sums.iter_mut().zip(&rows[d * width..(d + 1) * width]) {
            *sum += cell;
        }
    }
}

/// A number with a fixed count of decimals, so that output is byte-identical across runs; a
/// negative zero prints as zero.
pub fn fixed(x: f64, places: usize) -> String {
    let s = format!("{x:.places$}");
    if s.starts_with('-') && s[1..].chars().all(|c| c == '0' || c == '.') {
        s[1..].to_string()
    } else {
        s
    }
}

/// A p-value in scientific notation with 6 significant digits (`1.23457e-5`): fixed decimals
/// would print every small p as 0.
pub fn scientific(x: f64) -> String {
    format!("{:.5e}", x)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() < tol
    }

    #[test]
    fn g2_of_a_two_by_two_table_matches_scipy() {
        // scipy.stats.chi2_contingency(t, correction=False, lambda_="log-likelihood")[0]
        assert!(close(
            log_likelihood_2x2(10, 20, 30, 40),
            0.8043486460964835,
            1e-12
        ));
        assert!(close(
            log_likelihood_2x2(3, 0, 7, 90),
            14.7311475948555,
            1e-9
        ));
        // An empty row: nothing to compare.
        assert_eq!(log_likelihood_2x2(0, 0, 5, 9), 0.0);
    }

    #[test]
    fn rate_is_hits_per_ten_thousand_tokens() {
        // 3 hits in 1,500 tokens: 3 * 10000 / 1500 = 20.
        assert_eq!(rate_per_10k(3, 1500), 20.0);
        // No tokens: no evidence, rate 0 rather than NaN.
        assert_eq!(rate_per_10k(5, 0), 0.0);
    }

    #[test]
    fn g2_matches_hand_arithmetic() {
        // a = 10 in n1 = 1000, b = 2 in n2 = 1000: E1 = E2 = 1000 * 12 / 2000 = 6.
        // G² = 2 (10 ln(10/6) + 2 ln(2/6)) = 2 (10 * 0.5108256 + 2 * -1.0986123)
        //    = 2 (5.108256 - 2.197225) = 5.822063.
        let g2 = log_likelihood_g2(10, 2, 1000, 1000);
        assert!(close(g2, 5.822063, 1e-5), "{g2}");
        // Equal rates give 0.
        assert!(close(log_likelihood_g2(5, 10, 1000, 2000), 0.0, 1e-12));
        // A zero count: a = 0, b = 4, n1 = n2 = 100: E2 = 2, G² = 2 (4 ln 2) = 5.545177.
        assert!(close(log_likelihood_g2(0, 4, 100, 100), 5.545177, 1e-5));
        assert_eq!(log_likelihood_g2(3, 0, 0, 100), 0.0);
    }

    #[test]
    fn p_value_is_the_chi_square_upper_tail() {
        // The 95% critical value of chi-square with 1 df is 3.841459.
        assert!(close(chi2_1df_p(3.841459), 0.05, 1e-6));
        // 6.634897 is the 99% critical value.
        assert!(close(chi2_1df_p(6.634897), 0.01, 1e-6));
        assert_eq!(chi2_1df_p(0.0), 1.0);
    }

    #[test]
    fn log_ratio_adds_half_to_zero_counts() {
        // 8 / 1000 against 2 / 1000: log2(4) = 2.
        assert!(close(log_ratio(8, 2, 1000, 1000), 2.0, 1e-12));
        // 0 becomes 0.5: (0.5 / 100) / (4 / 200) = 0.25, log2 = -2.
        assert!(close(log_ratio(0, 4, 100, 200), -2.0, 1e-12));
        assert_eq!(log_ratio(0, 0, 100, 200), 0.0);
    }

    #[test]
    fn quantile_interpolates_like_r_type_7() {
        // x = 1..=5, p = 0.1: h = 4 * 0.1 = 0.4, 1 + 0.4 * (2 - 1) = 1.4.
        let x = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert!(close(quantile_sorted(&x, 0.1), 1.4, 1e-12));
        assert_eq!(quantile_sorted(&x, 0.5), 3.0);
        assert_eq!(quantile_sorted(&x, 1.0), 5.0);
    }

    #[test]
    fn bootstrap_is_reproducible_with_its_seed_and_differs_with_another() {
        let tokens = [1000, 2000, 500, 800, 1200];
        let hits = vec![vec![3, 10, 0, 4, 2], vec![1, 0, 5, 0, 2]];
        let run = |seed| {
            cluster_bootstrap_rates(&tokens, &hits, 500, &mut ChaCha8Rng::seed_from_u64(seed))
        };
        assert_eq!(run(7), run(7));
        assert_ne!(run(7), run(8));
        // The interval brackets the point rate: 19 * 10000 / 5500 = 34.545.
        let (low, high) = run(7)[0];
        assert!(low < 34.545 && 34.545 < high, "{low}..{high}");
    }

    #[test]
    fn draws_of_a_fixed_width_equal_draws_of_any_width() {
        let n = 257;
        for width in 2..=6 {
            let rows: Vec<u64> = (0..n * width as u64).map(|i| i * 7919 % 1013).collect();
            let mut fixed = vec![0; width];
            let mut any = vec![0; width];
            let mut a = ChaCha8Rng::seed_from_u64(9);
            let mut b = ChaCha8Rng::seed_from_u64(9);
            for _ in 0..3 {
                draw(&rows, n as usize, &mut fixed, &mut a);
                draw_any(&rows, n as usize, &mut any, &mut b);
                assert_eq!(fixed, any, "width {width}");
                assert!(any.iter().all(|&s| s > 0), "width {width}: {any:?}");
            }
        }
    }

    #[test]
    fn bootstrap_of_one_document_is_its_point_rate() {
        // One document: every replicate is that document, so the interval collapses.
        let ci =
            cluster_bootstrap_rates(&[400], &[vec![2]], 100, &mut ChaCha8Rng::seed_from_u64(1));
        assert_eq!(ci, vec![(50.0, 50.0)]);
        let none = cluster_bootstrap_rates(&[], &[vec![]], 100, &mut ChaCha8Rng::seed_from_u64(1));
        assert_eq!(none, vec![(0.0, 0.0)]);
    }

    #[test]
    fn numbers_print_with_fixed_decimals_and_no_negative_zero() {
        assert_eq!(fixed(1.0 / 3.0, 4), "0.3333");
        assert_eq!(fixed(-0.00001, 4), "0.0000");
        assert_eq!(fixed(-1.5, 2), "-1.50");
        assert_eq!(scientific(0.0000123456789), "1.23457e-5");
    }
}
