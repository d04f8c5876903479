//! Period attribution: takes the scheme in `lexicons/periods.toml` (periods, markers, people with
//! their offices, dated events, named actors) and a parsed `Document`, and gives back each
//! sentence's `PeriodCall` (the period it speaks of, where that came from, the evidence that
//! decided it, every period it names) and, where its clauses speak of different times, each
//! clause's (`SentencePeriods`).
//!
//! # Evidence and what it does
//! A text's evidence is every marker of the scheme it contains (longest term first, on the
//! sentence's token boundaries; `[ignore]` phrases hide what is inside them), every date written
//! in it (`2023年8月`, `2021~2024年`, `1990年代`, `20 世纪 50 年代`, ISO dates …) and every relative
//! time word resolved against the document's date (`去年 (2018)`, `当前 (2025-10-04)`). A date or
//! span maps to the periods it overlaps (by `min_share`); dates after the document's date are
//! plans and are skipped. Each piece of evidence has a role in its clause (`cascade::Role`): a
//! frame sets the clause's time; a qualifier (`2015年签署的协议`, `冷战的产物`) never does; a span to
//! the present (`以来`, `至今`, `冷战结束后`) speaks of the document's date; a person's name dates
//! only through the office held (role words next to it choose the office, `前总统`/`候选人` make it
//! date nothing) and decides only when nothing stronger does. Generic markers (`第二任期`) count
//! only beside the president they belong to.
//!
//! # Clauses and the two kinds of text
//! Sentences split into clauses at `；` and at a comma before a contrast or sequence word; a
//! clause with evidence of its own keeps it, so a contrast sentence gives each half its period.
//! A contemporaneous text (`Fallback::Document` with a date) is at its date wherever a clause
//! frames no other time; evidence never travels between its sentences. An analytic text takes a
//! sentence's own evidence, then the paragraph's (`ParagraphRule`: the nearest sentence whose
//! time opens its clause, examples excluded; or the topic sentence only), the nearest heading's,
//! the event dates of the notes it cites, and the document's date for a sentence about named
//! actors (`[present]`); else `unattributed`. `PeriodSteps` switches each step off to measure it.
//! When the evidence names several periods, the primary one is the latest
//! (`primary = "latest"`) or the first named. Manual overrides (`Overrides`) are applied last.

mod cascade;
mod dates;
mod overrides;
mod scheme;

use crate::model::PartialDate;

pub use overrides::{OverrideRow, Overrides, SentenceRef};
pub use scheme::{ParagraphRule, PrimaryRule};

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
    /// How far the paragraph step reaches in an analytic text.
    pub paragraph: ParagraphRule,
    /// Role words that make a name date nothing (`前总统`, `候选人`), normalised.
    out_of_office: Vec<String>,
    /// Named actors (states, alliances) whose mention makes an undated sentence of an analytic
    /// text speak of the time of writing (`[present]` in `periods.toml`).
    present_actors: Vec<String>,
    /// Generic nouns (`国家`, `联盟`, `盟友`, `理论`): a sentence with one makes a general
    /// statement, which the named actors do not date (`[present] generic` in `periods.toml`).
    generic_nouns: Vec<String>,
    /// Generic subjects (`国家`, `盟友`): a sentence opening with one is a general statement.
    generic_subjects: Vec<String>,
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
            out_of_office: scheme::OUT_OF_OFFICE
                .iter()
                .map(|w| w.to_string())
                .collect(),
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
