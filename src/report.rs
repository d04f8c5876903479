//! The framing report: reads `period_categories.csv` back and gives `report.md` with `rates.svg`
//! (per-period rates of every category with their 95% intervals, drawn with plotters) and the
//! framing table of the time-frame paper: for each period, assurance and threat urgency high or
//! low against the corpus-wide rate, and the quadrant Table 1 of 李宏洲、谭政《时间框架与美日韩安全合作的
//! 升级》(2025; `corpus/li_tan_2025_time_frame.txt`, 表1 国家选择升级安全关系的四种态势) assigns to it.
//! The report says plainly where intervals overlap, i.e. where the evidence does not separate
//! two periods.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use plotters::prelude::*;
use serde::Deserialize;

use crate::export::codebook::PERIOD_CATEGORIES;
use crate::model::UNATTRIBUTED;
use crate::stats;
use crate::validate::{VALIDATION_CSV, VALIDATION_MD};

pub const REPORT: &str = "report.md";
pub const RATES_SVG: &str = "rates.svg";

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("cannot read {}; run `mine index` or `mine export` first", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot read {}", path.display())]
    Csv { path: PathBuf, source: csv::Error },
    #[error(
        "{}: no category `{category}` (categories in the file: {available}); choose it with --{flag}",
        path.display()
    )]
    MissingCategory {
        path: PathBuf,
        category: String,
        available: String,
        flag: &'static str,
    },
    #[error("cannot write {}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot draw {}: {message}", path.display())]
    Plot { path: PathBuf, message: String },
}

/// The two categories the framing needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportOptions {
    /// The category that measures assurance (default `assurance_commitment`).
    pub assurance_category: String,
    /// The category that measures threat urgency (default `threat_narrative`).
    pub threat_category: String,
}

impl Default for ReportOptions {
    fn default() -> Self {
        ReportOptions {
            assurance_category: "assurance_commitment".into(),
            threat_category: "threat_narrative".into(),
        }
    }
}

/// One row of `period_categories.csv`, the columns the report uses.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct PeriodRate {
    pub period: String,
    pub period_start: String,
    pub period_end: String,
    pub category: String,
    pub hits_plain: u64,
    pub tokens: u64,
    pub docs: u64,
    pub rate_per_10k: f64,
    pub rate_ci_low: f64,
    pub rate_ci_high: f64,
    pub ci_method: String,
}

impl PeriodRate {
    fn has_data(&self) -> bool {
        self.tokens > 0
    }

    fn interval_is_real(&self) -> bool {
        self.ci_method == "cluster_bootstrap"
    }

    fn overlaps(&self, other: &PeriodRate) -> bool {
        self.rate_ci_low <= other.rate_ci_high && other.rate_ci_low <= self.rate_ci_high
    }
}

/// Reads `period_categories.csv` (with or without the `--excel` byte-order mark).
pub fn read_period_categories(path: &Path) -> Result<Vec<PeriodRate>, ReportError> {
    let text = fs::read_to_string(path).map_err(|source| ReportError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    csv::Reader::from_reader(text.as_bytes())
        .deserialize()
        .collect::<Result<Vec<PeriodRate>, _>>()
        .map_err(|source| ReportError::Csv {
            path: path.to_path_buf(),
            source,
        })
}

/// A rate against the corpus-wide rate of its category.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    High,
    Low,
}

impl Level {
    fn of(rate: f64, corpus_rate: f64) -> Level {
        if rate > corpus_rate {
            Level::High
        } else {
            Level::Low
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Level::High => "high",
            Level::Low => "low",
        }
    }
}

/// Table 1 of the time-frame paper (表1 国家选择升级安全关系的四种态势): assurance × threat urgency →
/// the choice about upgrading security cooperation, in Chinese and English.
pub fn quadrant(assurance: Level, threat: Level) -> (&'static str, &'static str) {
    match (assurance, threat) {
        (Level::High, Level::High) => ("提前兑现", "act early"),
        (Level::High, Level::Low) => ("保持观望", "wait and see"),
        (Level::Low, Level::High) => ("保持观望", "wait and see"),
        (Level::Low, Level::Low) => ("延迟兑现", "delay"),
    }
}

/// One period of the framing table; `None` levels for a period without counted text.
#[derive(Clone, Debug, PartialEq)]
pub struct FramingRow {
    pub period: String,
    pub assurance: Option<Level>,
    pub threat: Option<Level>,
    /// Whether the period's interval excludes the corpus-wide rate (the level is then clear).
    pub assurance_separated: bool,
    pub threat_separated: bool,
}

impl FramingRow {
    pub fn quadrant(&self) -> Option<(&'static str, &'static str)> {
        Some(quadrant(self.assurance?, self.threat?))
    }
}

/// Plain hits per 10,000 tokens over every row of a category (every period, `unattributed`
/// included): the whole counted corpus.
pub fn corpus_rate(rates: &[PeriodRate], category: &str) -> f64 {
    let rows = rates.iter().filter(|r| r.category == category);
    let (hits, tokens) = rows.fold((0, 0), |(h, t), r| (h + r.hits_plain, t + r.tokens));
    stats::rate_per_10k(hits, tokens)
}

fn row<'a>(rates: &'a [PeriodRate], period: &str, category: &str) -> Option<&'a PeriodRate> {
    rates
        .iter()
        .find(|r| r.period == period && r.category == category)
}

/// Scheme periods in file order, without `unattributed`.
fn periods(rates: &[PeriodRate]) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    for r in rates {
        if r.period != UNATTRIBUTED && !out.contains(&r.period.as_str()) {
            out.push(&r.period);
        }
    }
    out
}

fn categories(rates: &[PeriodRate]) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    for r in rates {
        if !out.contains(&r.category.as_str()) {
            out.push(&r.category);
        }
    }
    out
}

/// The framing table: one row per scheme period.
pub fn framing(
    rates: &[PeriodRate],
    options: &ReportOptions,
    path: &Path,
) -> Result<Vec<FramingRow>, ReportError> {
    let available = categories(rates).join(", ");
    for (category, flag) in [
        (&options.assurance_category, "assurance-category"),
        (&options.threat_category, "threat-category"),
    ] {
        if !rates.iter().any(|r| &r.category == category) {
            return Err(ReportError::MissingCategory {
                path: path.to_path_buf(),
                category: category.clone(),
                available,
                flag,
            });
        }
    }
    let corpus_a = corpus_rate(rates, &options.assurance_category);
    let corpus_t = corpus_rate(rates, &options.threat_category);
    let judge = |r: Option<&PeriodRate>, corpus: f64| match r {
        Some(r) if r.has_data() => (
            Some(Level::of(r.rate_per_10k, corpus)),
            r.interval_is_real() && (r.rate_ci_low > corpus || r.rate_ci_high < corpus),
        ),
        _ => (None, false),
    };
    Ok(periods(rates)
        .into_iter()
        .map(|p| {
            let (assurance, assurance_separated) =
                judge(row(rates, p, &options.assurance_category), corpus_a);
            let (threat, threat_separated) =
                judge(row(rates, p, &options.threat_category), corpus_t);
            FramingRow {
                period: p.to_string(),
                assurance,
                threat,
                assurance_separated,
                threat_separated,
            }
        })
        .collect())
}

fn interval(r: &PeriodRate) -> String {
    format!(
        "{} [{}, {}]",
        stats::fixed(r.rate_per_10k, 2),
        stats::fixed(r.rate_ci_low, 2),
        stats::fixed(r.rate_ci_high, 2)
    )
}

/// The text of `report.md`.
pub fn render_markdown(
    rates: &[PeriodRate],
    rows: &[FramingRow],
    options: &ReportOptions,
) -> String {
    let mut md = String::new();
    // Writing into a String cannot fail.
    let _ = writeln!(
        md,
        "# Threat narratives and security assurances by period\n"
    );
    let _ = writeln!(
        md,
        "Rates are plain hits (no negator or diminisher in scope) per 10,000 tokens of the \
         counted zones, with 95% cluster-bootstrap intervals over documents, from \
         `{PERIOD_CATEGORIES}` (see `codebook.md` for the method).\n"
    );
    let _ = writeln!(md, "![Rates per period with 95% intervals]({RATES_SVG})\n");

    let _ = writeln!(md, "## Rates per period\n");
    for category in categories(rates) {
        let _ = writeln!(md, "### `{category}`\n");
        let _ = writeln!(
            md,
            "| period | dates | documents | tokens | plain hits | rate per 10k [95% interval] | interval |"
        );
        let _ = writeln!(md, "|---|---|---:|---:|---:|---|---|");
        for r in rates.iter().filter(|r| r.category == category) {
            let dates = if r.period_start.is_empty() && r.period_end.is_empty() {
                String::new()
            } else {
                format!("{}..{}", r.period_start, r.period_end)
            };
            let _ = writeln!(
                md,
                "| {} | {dates} | {} | {} | {} | {} | {} |",
                r.period,
                r.docs,
                r.tokens,
                r.hits_plain,
                interval(r),
                r.ci_method
            );
        }
        let _ = writeln!(
            md,
            "\nCorpus-wide rate (all periods, `unattributed` included): {}.\n",
            stats::fixed(corpus_rate(rates, category), 2)
        );
    }

    let _ = writeln!(md, "## Framing (Table 1 of the time-frame paper)\n");
    let _ = writeln!(
        md,
        "Assurance is measured by `{}`, threat urgency by `{}`. A period is *high* when its rate \
         is above the corpus-wide rate of the category, *low* otherwise. The quadrant follows \
         Table 1 (表1 国家选择升级安全关系的四种态势) of 李宏洲、谭政《时间框架与美日韩安全合作的升级》\
         (2025; `corpus/li_tan_2025_time_frame.txt`): high assurance and high threat → 提前兑现 \
         (act early); high assurance and low threat → 保持观望 (wait and see); low assurance and \
         high threat → 保持观望; low assurance and low threat → 延迟兑现 (delay). A level marked \
         *(not separated)* has an interval that includes the corpus-wide rate, or no real \
         interval: the data do not establish it.\n",
        options.assurance_category, options.threat_category
    );
    let _ = writeln!(md, "| period | assurance | threat urgency | quadrant |");
    let _ = writeln!(md, "|---|---|---|---|");
    let level = |l: Option<Level>, separated: bool| match l {
        None => "no data".to_string(),
        Some(l) if separated => l.as_str().to_string(),
        Some(l) => format!("{} (not separated)", l.as_str()),
    };
    for r in rows {
        let quadrant = r
            .quadrant()
            .map_or("no data".to_string(), |(zh, en)| format!("{zh} ({en})"));
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} |",
            r.period,
            level(r.assurance, r.assurance_separated),
            level(r.threat, r.threat_separated),
            quadrant
        );
    }

    let _ = writeln!(md, "\n## Where the evidence separates periods\n");
    for category in [&options.assurance_category, &options.threat_category] {
        let _ = writeln!(md, "### `{category}`\n");
        let with_data: Vec<&PeriodRate> = periods(rates)
            .into_iter()
            .filter_map(|p| row(rates, p, category))
            .filter(|r| r.has_data())
            .collect();
        let mut any = false;
        for (i, a) in with_data.iter().enumerate() {
            for b in &with_data[i + 1..] {
                any = true;
                let verdict = if !a.interval_is_real() || !b.interval_is_real() {
                    "at least one period has fewer than two documents, so there is no interval \
                     to judge by: the evidence does not separate them"
                } else if a.overlaps(b) {
                    "the intervals overlap: the evidence does not separate these periods"
                } else {
                    "the intervals do not overlap: the periods differ"
                };
                let _ = writeln!(
                    md,
                    "- {} {} vs {} {}: {verdict}.",
                    a.period,
                    interval(a),
                    b.period,
                    interval(b)
                );
            }
        }
        if !any {
            let _ = writeln!(md, "- Fewer than two periods have counted text.");
        }
        let _ = writeln!(md);
    }
    md
}

/// Draws `rates.svg`: one series per category, periods side by side on the x axis, each rate a
/// point with its 95% interval as a vertical bar.
pub fn draw_rates_svg(rates: &[PeriodRate], path: &Path) -> Result<(), ReportError> {
    let plot_err = |e: &dyn std::fmt::Display| ReportError::Plot {
        path: path.to_path_buf(),
        message: e.to_string(),
    };
    let periods = periods(rates);
    let categories = categories(rates);
    let n = periods.len().max(1);
    let y_max = rates
        .iter()
        .filter(|r| r.period != UNATTRIBUTED)
        .map(|r| r.rate_ci_high.max(r.rate_per_10k))
        .fold(0.0f64, f64::max);
    let y_max = if y_max > 0.0 { y_max * 1.15 } else { 1.0 };

    let root = SVGBackend::new(path, (900, 540)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| plot_err(&e))?;
    let mut chart = ChartBuilder::on(&root)
        .caption(
            "Plain hits per 10,000 tokens, 95% intervals",
            ("sans-serif", 22),
        )
        .margin(15)
        .x_label_area_size(40)
        .y_label_area_size(70)
        .build_cartesian_2d(-0.5f64..(n as f64 - 0.5), 0f64..y_max)
        .map_err(|e| plot_err(&e))?;
    let label_periods = periods.clone();
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(n + 1)
        .x_label_formatter(&|x| {
            let i = x.round();
            if (x - i).abs() < 1e-6 && i >= 0.0 {
                label_periods
                    .get(i as usize)
                    .map_or(String::new(), |p| p.to_string())
            } else {
                String::new()
            }
        })
        .y_desc("rate per 10,000 tokens")
        .label_style(("sans-serif", 15))
        .axis_desc_style(("sans-serif", 15))
        .draw()
        .map_err(|e| plot_err(&e))?;

    let width = 0.6 / categories.len().max(1) as f64;
    for (c, category) in categories.iter().enumerate() {
        let color = Palette99::pick(c).to_rgba();
        let offset = (c as f64 - (categories.len() as f64 - 1.0) / 2.0) * width;
        let points: Vec<(f64, &PeriodRate)> = periods
            .iter()
            .enumerate()
            .filter_map(|(i, p)| row(rates, p, category).map(|r| (i as f64 + offset, r)))
            .filter(|(_, r)| r.has_data())
            .collect();
        chart
            .draw_series(
                points
                    .iter()
                    .map(|(x, r)| Circle::new((*x, r.rate_per_10k), 5, color.filled())),
            )
            .map_err(|e| plot_err(&e))?
            .label(category.to_string())
            .legend(move |(x, y)| Circle::new((x + 10, y), 5, color.filled()));
        let cap = width / 4.0;
        for (x, r) in &points {
            let (lo, hi) = (r.rate_ci_low, r.rate_ci_high);
            let bars = [
                vec![(*x, lo), (*x, hi)],
                vec![(x - cap, lo), (x + cap, lo)],
                vec![(x - cap, hi), (x + cap, hi)],
            ];
            chart
                .draw_series(
                    bars.into_iter()
                        .map(|line| PathElement::new(line, color.stroke_width(2))),
                )
                .map_err(|e| plot_err(&e))?;
        }
    }
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK)
        .position(SeriesLabelPosition::UpperLeft)
        .label_font(("sans-serif", 15))
        .draw()
        .map_err(|e| plot_err(&e))?;
    root.present().map_err(|e| plot_err(&e))?;
    Ok(())
}

/// One row of `validation.csv`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
struct ValidationFigure {
    by: String,
    variable: String,
    metric: String,
    value: String,
    ci_low: String,
    ci_high: String,
    n: u64,
}

/// What the report says of the validation of these counts: the section of `report.md`, and one
/// line for the console.
fn validation_section(out: &Path) -> Result<(String, String), ReportError> {
    let path = out.join(VALIDATION_CSV);
    let mut md = String::from("## Validation against human coding\n\n");
    if !path.is_file() {
        let _ = writeln!(
            md,
            "None. No sample of this corpus has been checked against human coding, so these \
             rates are of unknown validity: the lexicons may count the wrong thing. Draw a blind \
             sheet with `mine validate sample`, have two coders fill it in with the coding guide, \
             and score it with `mine validate score` (see the README)."
        );
        return Ok((
            md,
            "validation: none; the rates have not been checked against human coding".into(),
        ));
    }
    let text = fs::read_to_string(&path).map_err(|source| ReportError::Read {
        path: path.clone(),
        source,
    })?;
    let figures: Vec<ValidationFigure> = csv::Reader::from_reader(text.as_bytes())
        .deserialize()
        .collect::<Result<_, _>>()
        .map_err(|source| ReportError::Csv {
            path: path.clone(),
            source,
        })?;
    let record = crate::export::manifest::read(out)
        .ok()
        .flatten()
        .and_then(|m| m.validation);
    match &record {
        Some(r) => {
            let _ = writeln!(
                md,
                "Scored {} on {} hand-coded sentences ({}{}); `{VALIDATION_MD}` lists every \
                 error. All sentences, weighted by their sampling weights, 95% intervals:\n",
                r.scored,
                r.units,
                r.sheets.join(", "),
                r.gold
                    .as_ref()
                    .map_or(String::new(), |g| format!("; gold {g}"))
            );
        }
        None => {
            let _ = writeln!(
                md,
                "**Out of date:** `{VALIDATION_CSV}` was scored before the latest `mine index` \
                 run, so its figures may not describe these counts. Score the sheets again with \
                 `mine validate score`. The figures as they were:\n"
            );
        }
    }
    let get = |variable: &str, metric: &str| {
        figures
            .iter()
            .find(|f| f.by == "all" && f.variable == variable && f.metric == metric)
    };
    let show = |f: Option<&ValidationFigure>| match f {
        Some(f) if !f.value.is_empty() && !f.ci_low.is_empty() => {
            format!("{} [{}, {}] (n {})", f.value, f.ci_low, f.ci_high, f.n)
        }
        Some(f) if !f.value.is_empty() => format!("{} (n {})", f.value, f.n),
        _ => "–".to_string(),
    };
    let _ = writeln!(md, "| variable | precision | recall | F1 |");
    let _ = writeln!(md, "|---|---|---|---|");
    let mut variables: Vec<&str> = Vec::new();
    for f in &figures {
        if f.by == "all" && f.metric == "precision" && !variables.contains(&f.variable.as_str()) {
            variables.push(&f.variable);
        }
    }
    for v in &variables {
        let _ = writeln!(
            md,
            "| {v} | {} | {} | {} |",
            show(get(v, "precision")),
            show(get(v, "recall")),
            show(get(v, "f1"))
        );
    }
    let _ = writeln!(
        md,
        "\nPeriod accuracy: {}; taking each sentence's period from its document's date alone: {}.\n",
        show(get("period", "accuracy")),
        show(get("period_document_date", "accuracy"))
    );
    let console = match record {
        Some(r) => format!(
            "validation: {} sentences scored {} (see {VALIDATION_MD})",
            r.units, r.scored
        ),
        None => format!(
            "validation: {VALIDATION_CSV} is out of date; rescore with `mine validate score`"
        ),
    };
    Ok((md, console))
}

/// What `write` produced.
#[derive(Clone, Debug, PartialEq)]
pub struct ReportSummary {
    pub report: PathBuf,
    pub chart: PathBuf,
    pub framing: Vec<FramingRow>,
    /// One line on the validation of these counts (or its absence).
    pub validation: String,
}

/// Reads `<out>/period_categories.csv`, writes `<out>/report.md` and `<out>/rates.svg` (each to a
/// temporary name first, then renamed into place).
pub fn write(out: &Path, options: &ReportOptions) -> Result<ReportSummary, ReportError> {
    let source = out.join(PERIOD_CATEGORIES);
    let rates = read_period_categories(&source)?;
    let rows = framing(&rates, options, &source)?;
    let mut md = render_markdown(&rates, &rows, options);
    let (section, validation) = validation_section(out)?;
    md.push_str(&section);

    let chart = out.join(RATES_SVG);
    let chart_tmp = out.join(format!(".{RATES_SVG}.tmp"));
    draw_rates_svg(&rates, &chart_tmp)?;
    let report = out.join(REPORT);
    let report_tmp = out.join(format!(".{REPORT}.tmp"));
    let write_err = |path: &Path| {
        let path = path.to_path_buf();
        move |source| ReportError::Write { path, source }
    };
    fs::write(&report_tmp, md).map_err(write_err(&report))?;
    fs::rename(&chart_tmp, &chart).map_err(write_err(&chart))?;
    fs::rename(&report_tmp, &report).map_err(write_err(&report))?;
    Ok(ReportSummary {
        report,
        chart,
        framing: rows,
        validation,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rate(period: &str, category: &str, hits: u64, tokens: u64, ci: (f64, f64)) -> PeriodRate {
        PeriodRate {
            period: period.into(),
            period_start: String::new(),
            period_end: String::new(),
            category: category.into(),
            hits_plain: hits,
            tokens,
            docs: 3,
            rate_per_10k: stats::rate_per_10k(hits, tokens),
            rate_ci_low: ci.0,
            rate_ci_high: ci.1,
            ci_method: "cluster_bootstrap".into(),
        }
    }

    #[test]
    fn table_1_quadrants() {
        // 表1: 高高 → 提前兑现, 高低 → 保持观望, 低高 → 保持观望, 低低 → 延迟兑现.
        assert_eq!(quadrant(Level::High, Level::High).0, "提前兑现");
        assert_eq!(quadrant(Level::High, Level::Low).0, "保持观望");
        assert_eq!(quadrant(Level::Low, Level::High).0, "保持观望");
        assert_eq!(quadrant(Level::Low, Level::Low).0, "延迟兑现");
    }

    #[test]
    fn levels_are_judged_against_the_corpus_rate() {
        let a = "assurance_commitment";
        let t = "threat_narrative";
        let rates = vec![
            // biden: assurance 30 / 10000 = 30, threat 10 / 10000 = 10.
            rate("biden", a, 30, 10_000, (25.0, 35.0)),
            rate("biden", t, 10, 10_000, (5.0, 25.0)),
            // trump2: assurance 10 / 10000 = 10, threat 30 / 10000 = 30.
            rate("trump2", a, 10, 10_000, (8.0, 12.0)),
            rate("trump2", t, 30, 10_000, (12.0, 40.0)),
            // unattributed counts in the corpus rate only: corpus = 40 / 20000 = 20 for both.
            rate(UNATTRIBUTED, a, 0, 0, (0.0, 0.0)),
            rate(UNATTRIBUTED, t, 0, 0, (0.0, 0.0)),
        ];
        assert_eq!(corpus_rate(&rates, a), 20.0);
        let rows = framing(&rates, &ReportOptions::default(), Path::new("x.csv")).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].quadrant().unwrap().0, "保持观望");
        assert!(rows[0].assurance_separated, "25..35 excludes 20");
        assert!(!rows[0].threat_separated, "5..25 includes 20");
        assert_eq!(rows[1].quadrant().unwrap().0, "保持观望");
        let md = render_markdown(&rates, &rows, &ReportOptions::default());
        assert!(
            md.contains("| biden | high | low (not separated) | 保持观望 (wait and see) |"),
            "{md}"
        );
        // Threat intervals 5..25 and 12..40 overlap; assurance 25..35 and 8..12 do not.
        assert!(md.contains(
            "biden 10.00 [5.00, 25.00] vs trump2 30.00 [12.00, 40.00]: the intervals overlap"
        ));
        assert!(md.contains(
            "biden 30.00 [25.00, 35.00] vs trump2 10.00 [8.00, 12.00]: the intervals do not overlap"
        ));
    }

    #[test]
    fn a_missing_category_names_the_flag() {
        let rates = vec![rate("biden", "threat_narrative", 1, 10, (0.0, 1.0))];
        let err = framing(&rates, &ReportOptions::default(), Path::new("p.csv")).unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.contains("assurance_commitment") && msg.contains("--assurance-category"),
            "{msg}"
        );
    }
}
