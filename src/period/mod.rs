//! Period attribution: takes the scheme in `lexicons/periods.toml` (periods, markers, office
//! holders, dated events) and a parsed `Document`, and gives back one `PeriodCall` per sentence:
//! the period the sentence speaks of, where that came from (`PeriodSource`), the marker text that
//! decided it, and every period the sentence itself names.
//!
//! # Evidence in a sentence
//! A sentence's own evidence is every marker of the scheme it contains (longest term wins at each
//! position; `[ignore]` phrases hide what is inside them) and every date written in it
//! (`2023年8月`, `2023 年 8 月 18 日`, `2022年`, `2021~2024年`, `1990年代至2020年`, `1990年代`,
//! `80年代末`, `20 世纪 50 年代`, `21世纪初`, ISO `2025-06-20`). A date or span maps to the
//! periods it overlaps; a period overlapped by less than `min_share` of the span (19 days of
//! `2021年`) is not mentioned; the period covering most of it is the span's own period.
//! Dates that are not about the time a sentence speaks of are skipped: a year followed by
//! `第N期`/`第N卷`/`第N号` (a journal issue), and dates after the document's date (plans and
//! targets such as `2027年`). `X年以来` / `X年至今` is the span from X to the document's date.
//!
//! # Ambiguous markers and names
//! A marker with several candidate periods (bare `特朗普`/`特朗普政府`; an office holder whose term
//! falls into two periods, such as 安倍 or 文在寅) is resolved, in order, by: the unambiguous
//! evidence of the same sentence; another ambiguous marker of the sentence sharing exactly one
//! candidate (`特朗普` + `文在寅` → trump1); the nearest preceding sentence of the paragraph with evidence;
//! the later sentences of the paragraph; the nearest enclosing heading with evidence; the
//! document's date (the latest candidate that had begun by then: `特朗普政府` in a paper dated
//! 2023 is `trump1`, in one dated 2025 it is `trump2`); with no document date, the first
//! candidate listed in the scheme. The evidence then reads `特朗普政府 (by 第一任期)`.
//!
//! Office holders' names (`[[holder]]`) are weak evidence: they name a person, not a time. When a
//! text also has a date, an administration or an event marker, a name adds to `mentioned` but
//! does not decide the primary period (`坎贝尔和沙利文于2019年便…` is trump1, not biden).
//!
//! # The cascade
//! A sentence takes its period from, in order:
//! 1. `sentence`: its own evidence;
//! 2. `paragraph`: the nearest preceding sentence of the same paragraph with evidence, else the
//!    nearest following one (markers never leak from one paragraph into the next);
//! 3. `heading`: the nearest enclosing heading with evidence (a heading covers its subsections;
//!    the document title is not a heading);
//! 4. `citation`: the dates of the notes the sentence cites;
//! 5. `document`: the document's date, when the fallback is `document`;
//! 6. `none`: `unattributed`.
//!
//! When the evidence names several periods, all of them are in `mentioned` (in scheme order) and
//! the primary one is the chronologically latest (`primary = "latest"`, the default: the seeds
//! name the past to contrast it with the present, `与拜登时期显著不同的是，特朗普…`) or the first
//! named (`primary = "first"`). `evidence` is the first marker that names the primary period.
//! Manual overrides (`Overrides`, from `corpus/overrides.csv`) are applied last.

mod cascade;
mod dates;
mod overrides;
mod scheme;

use crate::model::PartialDate;

pub use overrides::{OverrideRow, Overrides, SentenceRef};
pub use scheme::PrimaryRule;

/// The steps of the cascade a run uses (`mine index --period-steps`), so that a researcher can
/// switch each off and measure what it contributes. A step that is off never decides a sentence's
/// period; the evidence it would have used is still found (the sentence's own markers still settle
/// an ambiguous marker of a neighbour). Manual overrides are not a step: they always apply.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PeriodSteps {
    pub sentence: bool,
    pub paragraph: bool,
    pub heading: bool,
    pub citation: bool,
    pub document: bool,
}

impl PeriodSteps {
    /// Every step's name, in cascade order.
    pub const NAMES: [&'static str; 5] =
        ["sentence", "paragraph", "heading", "citation", "document"];

    pub const ALL: PeriodSteps = PeriodSteps {
        sentence: true,
        paragraph: true,
        heading: true,
        citation: true,
        document: true,
    };

    fn flags(&self) -> [bool; 5] {
        [
            self.sentence,
            self.paragraph,
            self.heading,
            self.citation,
            self.document,
        ]
    }

    /// The names of the steps that are on, in cascade order.
    pub fn names(&self) -> Vec<&'static str> {
        Self::NAMES
            .into_iter()
            .zip(self.flags())
            .filter_map(|(name, on)| on.then_some(name))
            .collect()
    }
}

impl Default for PeriodSteps {
    fn default() -> Self {
        PeriodSteps::ALL
    }
}

impl std::fmt::Display for PeriodSteps {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names = self.names();
        if names.is_empty() {
            f.write_str("none")
        } else {
            f.write_str(&names.join(","))
        }
    }
}

impl std::str::FromStr for PeriodSteps {
    type Err = String;
    /// A comma-separated list of step names (`sentence,paragraph,document`), or `none`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut steps = PeriodSteps {
            sentence: false,
            paragraph: false,
            heading: false,
            citation: false,
            document: false,
        };
        if s.trim() == "none" {
            return Ok(steps);
        }
        for name in s.split(',').map(str::trim) {
            let flag = match name {
                "sentence" => &mut steps.sentence,
                "paragraph" => &mut steps.paragraph,
                "heading" => &mut steps.heading,
                "citation" => &mut steps.citation,
                "document" => &mut steps.document,
                other => {
                    return Err(format!(
                        "unknown period step `{other}` (expected a comma-separated list of: {}, or none)",
                        Self::NAMES.join(", ")
                    ));
                }
            };
            *flag = true;
        }
        Ok(steps)
    }
}

/// The periods of a run, in chronological order as the file lists them.
#[derive(Clone, Debug, Default)]
pub struct PeriodScheme {
    pub periods: Vec<PeriodDef>,
    /// Which period is primary when a sentence names several.
    pub primary: PrimaryRule,
    /// Share of a date span a period must cover to count as mentioned by it.
    pub min_share: f64,
    /// Compiled markers, in the order of the file.
    markers: Vec<scheme::Marker>,
    /// One regex over every term and ignored phrase, longest first, whitespace allowed inside.
    matcher: Option<regex::Regex>,
    /// Each term without whitespace, to the marker it belongs to (`None`: an ignored phrase).
    term_owner: std::collections::HashMap<String, Option<usize>>,
}

#[derive(Clone, Debug, Default)]
pub struct PeriodDef {
    /// `obama`, `trump1`, `biden`, `trump2`, `earlier` in the shipped scheme.
    pub id: String,
    pub label: String,
    /// First day; `None` for an open start.
    pub start: Option<PartialDate>,
    /// Last day; `None` for an open end.
    pub end: Option<PartialDate>,
}

use crate::model::UNATTRIBUTED;

impl PeriodScheme {
    /// Period ids in scheme order (without `unattributed`).
    /// A scheme of these periods without any marker (every sentence without a date stays
    /// unattributed): for building schemes in code and in tests.
    pub fn with_periods(periods: Vec<PeriodDef>) -> PeriodScheme {
        PeriodScheme {
            periods,
            min_share: 0.1,
            ..PeriodScheme::default()
        }
    }

    pub fn ids(&self) -> Vec<&str> {
        self.periods.iter().map(|p| p.id.as_str()).collect()
    }

    /// Period ids in scheme order followed by `unattributed`: the rows of the exports.
    pub fn ids_with_unattributed(&self) -> Vec<&str> {
        let mut ids = self.ids();
        ids.push(UNATTRIBUTED);
        ids
    }

    /// The period a date falls in. A date known only to the month or the year is a span; the
    /// period covering most of its days wins (ties go to the later period): `2021年` is `biden`,
    /// `2021年1月` is `trump1`.
    pub fn period_of_date(&self, date: PartialDate) -> Option<&PeriodDef> {
        let span = dates::DaySpan::of(date);
        self.span_periods(span)
            .map(|(primary, _)| &self.periods[primary])
    }

    /// Every period a span of dates mentions (by `min_share`), with the one covering most of it.
    /// `2021~2024年` mentions `biden` only (trump1 holds 19 of its 1461 days);
    /// `1990年代至2020年` mentions `earlier`, `obama` and `trump1`, primary `earlier`.
    pub fn periods_of_range(
        &self,
        from: PartialDate,
        to: PartialDate,
    ) -> Option<(&PeriodDef, Vec<&PeriodDef>)> {
        let span = dates::DaySpan {
            first: dates::DaySpan::of(from).first,
            last: dates::DaySpan::of(to).last,
        };
        self.span_periods(span).map(|(primary, all)| {
            (
                &self.periods[primary],
                all.into_iter().map(|i| &self.periods[i]).collect(),
            )
        })
    }

    /// (primary, mentioned) period indices of a day span; `None` when no period overlaps it.
    fn span_periods(&self, span: dates::DaySpan) -> Option<(usize, Vec<usize>)> {
        let overlaps: Vec<(usize, i64)> = self
            .periods
            .iter()
            .enumerate()
            .filter_map(|(i, p)| {
                let first = p.start.map_or(i64::MIN, |d| dates::DaySpan::of(d).first);
                let last = p.end.map_or(i64::MAX, |d| dates::DaySpan::of(d).last);
                let days = span.last.min(last) - span.first.max(first) + 1;
                (days > 0).then_some((i, days))
            })
            .collect();
        // Ties go to the later period: `max_by_key` keeps the last maximum.
        let (primary, _) = *overlaps.iter().max_by_key(|(_, days)| *days)?;
        let total = (span.last - span.first + 1) as f64;
        let mentioned = overlaps
            .iter()
            .filter(|(i, days)| *i == primary || *days as f64 >= self.min_share * total)
            .map(|(i, _)| *i)
            .collect();
        Some((primary, mentioned))
    }

    fn index_of(&self, id: &str) -> Option<usize> {
        self.periods.iter().position(|p| p.id == id)
    }
}

#[cfg(test)]
mod tests;
