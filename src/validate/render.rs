//! What a scoring writes: `validation.csv` (long and tidy: one figure per row), `validation.md`
//! (the tables, the settings scored and every error with its keyword in context, grouped by
//! variable: the list a researcher reads to mend a lexicon) and the table printed on the console.

use std::fmt::Write as _;

use super::metrics::Estimate;
use super::score::{Case, Figure, GoldSource, Scores};
use crate::stats::fixed;

/// The name of the tidy file of figures (its columns: `export::codebook::validation`).
pub const VALIDATION_CSV: &str = crate::export::codebook::VALIDATION;
/// The name of the readable report.
pub const VALIDATION_MD: &str = "validation.md";

/// The rows of `validation.csv`, as strings, in the order of `Scores::figures` and of the columns
/// of `export::codebook::validation`.
pub fn csv_rows(scores: &Scores) -> Vec<[String; 8]> {
    scores
        .figures
        .iter()
        .map(|f| {
            let (lo, hi) = match f.estimate.ci {
                Some((lo, hi)) => (fixed(lo, 4), fixed(hi, 4)),
                None => (String::new(), String::new()),
            };
            [
                f.by.clone(),
                f.group.clone(),
                f.variable.clone(),
                f.metric.to_string(),
                f.estimate.value.map_or_else(String::new, |v| fixed(v, 4)),
                lo,
                hi,
                f.estimate.n.to_string(),
            ]
        })
        .collect()
}

/// `0.750 [0.301, 0.954]`, or `–` when undefined.
pub fn estimate(e: &Estimate) -> String {
    match (e.value, e.ci) {
        (Some(v), Some((lo, hi))) => {
            format!("{} [{}, {}]", fixed(v, 3), fixed(lo, 3), fixed(hi, 3))
        }
        (Some(v), None) => fixed(v, 3),
        _ => "–".to_string(),
    }
}

fn find<'a>(
    scores: &'a Scores,
    by: &str,
    group: &str,
    variable: &str,
    metric: &str,
) -> Option<&'a Figure> {
    scores
        .figures
        .iter()
        .find(|f| f.by == by && f.group == group && f.variable == variable && f.metric == metric)
}

fn cell(scores: &Scores, by: &str, group: &str, variable: &str, metric: &str) -> String {
    find(scores, by, group, variable, metric)
        .map_or_else(|| "–".to_string(), |f| estimate(&f.estimate))
}

fn count(scores: &Scores, by: &str, group: &str, variable: &str, metric: &str) -> String {
    find(scores, by, group, variable, metric)
        .map_or_else(|| "0".to_string(), |f| f.estimate.n.to_string())
}

/// The validity rows of one group: (variable, precision, recall, F1, counts).
fn validity_rows(scores: &Scores, by: &str, group: &str) -> Vec<[String; 5]> {
    let mut rows = Vec::new();
    for c in &scores.categories {
        for variable in [c.clone(), format!("{c}_weakened")] {
            rows.push([
                variable.clone(),
                cell(scores, by, group, &variable, "precision"),
                cell(scores, by, group, &variable, "recall"),
                cell(scores, by, group, &variable, "f1"),
                format!(
                    "{} / {} / {}",
                    count(scores, by, group, &variable, "precision"),
                    count(scores, by, group, &variable, "recall"),
                    count(scores, by, group, &variable, "f1"),
                ),
            ]);
        }
    }
    rows
}

/// The groups scored, `all` first: (by, group).
fn groups(scores: &Scores) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for f in &scores.figures {
        let g = (f.by.clone(), f.group.clone());
        if !out.contains(&g) {
            out.push(g);
        }
    }
    out
}

fn markdown_table(out: &mut String, header: &[&str], rows: &[Vec<String>]) {
    let _ = writeln!(out, "| {} |", header.join(" | "));
    let _ = writeln!(
        out,
        "|{}|",
        header.iter().map(|_| "---").collect::<Vec<_>>().join("|")
    );
    for row in rows {
        let cells: Vec<String> = row.iter().map(|c| c.replace('|', "\\|")).collect();
        let _ = writeln!(out, "| {} |", cells.join(" | "));
    }
    out.push('\n');
}

/// What `validation.md` says about the run it scored, given by the caller.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Provenance {
    /// The output folder.
    pub folder: String,
    /// `mine <version>`, the index command line and when it finished.
    pub run: String,
    /// The annotation settings scored (period steps, modifiers, fallback).
    pub settings: String,
    /// The configuration files and their hashes.
    pub config: Vec<String>,
}

/// The whole of `validation.md`.
pub fn markdown(scores: &Scores, provenance: &Provenance) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Validation\n");
    let _ = writeln!(out, "- Output folder scored: `{}`", provenance.folder);
    if !provenance.run.is_empty() {
        let _ = writeln!(out, "- Run: {}", provenance.run);
    }
    if !provenance.settings.is_empty() {
        let _ = writeln!(out, "- Settings scored: {}", provenance.settings);
    }
    for c in &provenance.config {
        let _ = writeln!(out, "  - {c}");
    }
    for (path, coder, rows) in &scores.sheets {
        let _ = writeln!(
            out,
            "- Sheet `{}`: coder `{coder}`, {rows} rows",
            path.display()
        );
    }
    match &scores.gold {
        GoldSource::Sheet(path) => {
            let _ = writeln!(
                out,
                "- Gold codes: the adjudicated sheet `{}`",
                path.display()
            );
        }
        GoldSource::Majority(ties) => {
            let tied: Vec<String> = ties
                .iter()
                .filter(|(_, n)| **n > 0)
                .map(|(v, n)| format!("{v} {n}"))
                .collect();
            let _ = writeln!(
                out,
                "- Gold codes: the coders' majority; ties left out: {}",
                if tied.is_empty() {
                    "none".to_string()
                } else {
                    tied.join(", ")
                }
            );
        }
    }
    let _ = writeln!(
        out,
        "- Sentences scored: {} ({} found again by their text after their id changed; {} not in the output folder; {} without a weight, counted with weight 1)",
        scores.units,
        scores.rematched,
        scores.unmatched.len(),
        scores.unweighted
    );
    for w in &scores.warnings {
        let _ = writeln!(out, "- Warning: {w}");
    }
    out.push('\n');
    let _ = writeln!(
        out,
        "Precision, recall and F1 are of \"the sentence has a hit of the category\" (any hit, weakened or not) against the gold code; `C_weakened` is of \"every hit is negated or diminished\", scored on sentences coded C = 1, and its accuracy on those the tool also found. Figures are weighted by the sampling weight; intervals are 95%: Wilson (Kish's effective n) for proportions, a bootstrap over sentences for F1 and α. Counts are tool positives / coded positives / sentences scored.\n"
    );

    let alpha_rows: Vec<Vec<String>> = scores
        .figures
        .iter()
        .filter(|f| f.by == "all" && f.metric == "alpha")
        .map(|f| {
            vec![
                f.variable.clone(),
                estimate(&f.estimate),
                cell(scores, "all", "all", &f.variable, "agreement"),
                f.estimate.n.to_string(),
            ]
        })
        .collect();
    if !alpha_rows.is_empty() {
        let _ = writeln!(out, "## Reliability between coders\n");
        markdown_table(
            &mut out,
            &["variable", "Krippendorff's α", "agreement", "units"],
            &alpha_rows,
        );
    }

    for (by, group) in groups(scores) {
        let title = if by == "all" {
            "## Validity: all sentences\n".to_string()
        } else {
            format!("## Validity: {by} = {group}\n")
        };
        let _ = writeln!(out, "{title}");
        let rows: Vec<Vec<String>> = validity_rows(scores, &by, &group)
            .into_iter()
            .map(|r| r.to_vec())
            .collect();
        markdown_table(
            &mut out,
            &["variable", "precision", "recall", "F1", "n"],
            &rows,
        );
        let mut accuracy_rows = vec![
            vec![
                "period".to_string(),
                cell(scores, &by, &group, "period", "accuracy"),
                count(scores, &by, &group, "period", "accuracy"),
            ],
            vec![
                "period by document date only (baseline)".to_string(),
                cell(scores, &by, &group, "period_document_date", "accuracy"),
                count(scores, &by, &group, "period_document_date", "accuracy"),
            ],
        ];
        for c in &scores.categories {
            let v = format!("{c}_weakened");
            accuracy_rows.push(vec![
                format!("{v} (sentences both call {c})"),
                cell(scores, &by, &group, &v, "accuracy"),
                count(scores, &by, &group, &v, "accuracy"),
            ]);
        }
        markdown_table(&mut out, &["accuracy", "value", "n"], &accuracy_rows);
    }

    let _ = writeln!(out, "## Periods: gold (rows) × tool (columns)\n");
    let used: Vec<&String> = scores
        .periods
        .iter()
        .filter(|p| {
            scores
                .period_confusion
                .keys()
                .any(|(g, t)| g == *p || t == *p)
        })
        .collect();
    let mut header = vec!["gold \\ tool"];
    header.extend(used.iter().map(|p| p.as_str()));
    let rows: Vec<Vec<String>> = used
        .iter()
        .map(|g| {
            let mut row = vec![g.to_string()];
            row.extend(used.iter().map(|t| {
                scores
                    .period_confusion
                    .get(&(g.to_string(), t.to_string()))
                    .map_or_else(|| "0".to_string(), |n| n.to_string())
            }));
            row
        })
        .collect();
    markdown_table(&mut out, &header, &rows);

    let _ = writeln!(out, "## Errors\n");
    if scores.cases.is_empty() {
        let _ = writeln!(out, "None.\n");
    }
    let mut current = String::new();
    for case in &scores.cases {
        let heading = format!("{}: {}", case.variable, case.kind);
        if heading != current {
            let n = scores
                .cases
                .iter()
                .filter(|c| c.variable == case.variable && c.kind == case.kind)
                .count();
            let _ = writeln!(out, "\n### {heading} ({n})\n");
            current = heading;
        }
        let _ = writeln!(out, "{}", case_line(case, &scores.by));
    }
    if !scores.unmatched.is_empty() {
        let _ = writeln!(out, "\n## Coded sentences not in the output folder\n");
        for (doc, id, text) in &scores.unmatched {
            let _ = writeln!(out, "- `{doc}` {id}: {text}");
        }
    }
    out
}

fn case_line(case: &Case, by: &[String]) -> String {
    let mut line = format!("- `{}` s{}", case.doc, case.sentence_id);
    let groups: Vec<String> = by
        .iter()
        .zip(&case.group)
        .map(|(b, g)| format!("{b}={g}"))
        .collect();
    if !groups.is_empty() {
        let _ = write!(line, " ({})", groups.join(", "));
    }
    if let Some((period, source, evidence)) = &case.tool_period {
        let _ = write!(
            line,
            ": tool `{period}` by {source}{}; gold `{}`. {}",
            if evidence.is_empty() {
                String::new()
            } else {
                format!(" ({evidence})")
            },
            case.gold_period.as_deref().unwrap_or(""),
            case.text
        );
    } else if case.hits.is_empty() {
        let _ = write!(line, ": {}", case.text);
    } else {
        for hit in &case.hits {
            let modifier = if hit.modifier.is_empty() {
                String::new()
            } else {
                format!(", {} by {}", hit.modifier, hit.modifier_word)
            };
            let _ = write!(
                line,
                "\n  - entry `{}` ({}{modifier}): {}【{}】{}",
                hit.entry, hit.subcategory, hit.left, hit.matched, hit.right
            );
        }
    }
    for note in &case.notes {
        let _ = write!(line, "\n  - coder's note: {note}");
    }
    line
}

/// The console table: for every group, each category's precision, recall and F1, and period
/// accuracy; then α.
pub fn console(scores: &Scores) -> String {
    let mut out = String::new();
    let mut rows: Vec<[String; 5]> = vec![[
        "group / variable".to_string(),
        "precision".to_string(),
        "recall".to_string(),
        "F1".to_string(),
        "n (tool+/coded+/all)".to_string(),
    ]];
    for (by, group) in groups(scores) {
        let label = if by == "all" {
            "all".to_string()
        } else {
            format!("{by}={group}")
        };
        for mut r in validity_rows(scores, &by, &group) {
            r[0] = format!("{label} {}", r[0]);
            rows.push(r);
        }
        rows.push([
            format!("{label} period (accuracy)"),
            cell(scores, &by, &group, "period", "accuracy"),
            String::new(),
            String::new(),
            count(scores, &by, &group, "period", "accuracy"),
        ]);
        rows.push([
            format!("{label} period by document date (accuracy)"),
            cell(scores, &by, &group, "period_document_date", "accuracy"),
            String::new(),
            String::new(),
            count(scores, &by, &group, "period_document_date", "accuracy"),
        ]);
    }
    let widths: Vec<usize> = (0..5)
        .map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0))
        .collect();
    for r in &rows {
        let cells: Vec<String> = r
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        let _ = writeln!(out, "{}", cells.join("  ").trim_end());
    }
    let alphas: Vec<&Figure> = scores
        .figures
        .iter()
        .filter(|f| f.by == "all" && f.metric == "alpha")
        .collect();
    if !alphas.is_empty() {
        let _ = writeln!(out, "\nKrippendorff's alpha (agreement):");
        for f in alphas {
            let _ = writeln!(
                out,
                "  {:<36} {}  ({})",
                f.variable,
                estimate(&f.estimate),
                cell(scores, "all", "all", &f.variable, "agreement")
            );
        }
    }
    out
}
