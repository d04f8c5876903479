//! Loading `periods.toml`: takes the file's text and gives back a checked `PeriodScheme` with its
//! markers compiled into one longest-first matcher, or a `ConfigError` naming file, line, column
//! and what was expected.

use std::collections::HashMap;
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use super::dates::DaySpan;
use super::{PeriodDef, PeriodScheme};
use crate::error::{ConfigError, line_col};
use crate::model::{PartialDate, UNATTRIBUTED};

/// Which period is primary when evidence names several.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PrimaryRule {
    /// The chronologically latest period named.
    #[default]
    Latest,
    /// The period named first in the text.
    First,
}

/// What a marker says about time.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Meaning {
    /// The marker names these periods (scheme indices, ascending), `primary` among them.
    Definite {
        primary: usize,
        mentioned: Vec<usize>,
    },
    /// One of these periods (scheme indices, in the order the file gives them); context decides.
    Ambiguous(Vec<usize>),
}

#[derive(Clone, Debug)]
pub(super) struct Marker {
    pub(super) meaning: Meaning,
    /// An office holder's name: evidence for the primary period only when nothing else is.
    pub(super) weak: bool,
    /// A dated event or era (`冷战`, `戴维营峰会`): when it qualifies a noun (`冷战的产物`) it
    /// says what the thing is, not when the clause speaks. Administrations are always a frame
    /// (`拜登政府的印太战略` speaks of the Biden years).
    pub(super) event: bool,
    /// An era: an event lasting over a year (`冷战`, `二战`, `朝鲜战争`). Inside a clause an era
    /// names a kind of thing (`二战史观`, `冷战留下的资产`) unless it takes a time word.
    pub(super) era: bool,
    /// A generic marker (`第二任期`, `第二次执政`) counts only in a sentence that also names one
    /// of these (normalised) terms, and never right after another office holder's name.
    pub(super) requires: Vec<String>,
    /// An office holder's offices: the periods each spans, and the role words (`副总统`, `外相`)
    /// that, next to the name, say which office is meant.
    pub(super) offices: Vec<Office>,
}

#[derive(Clone, Debug)]
pub(super) struct Office {
    /// Scheme indices of the periods the term in office covers (by `min_share`), ascending.
    pub(super) periods: Vec<usize>,
    pub(super) roles: Vec<String>,
}

/// How far the paragraph step reaches in an analytic text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ParagraphRule {
    /// Only the paragraph's first sentence (its topic sentence) covers the paragraph.
    Topic,
    /// The nearest preceding sentence with evidence covers a sentence without, else the nearest
    /// following one (the default: measured on the development set and the seeds).
    #[default]
    Nearest,
}

/// Role words that, next to a name, say the person is not (or not yet) in the office the name
/// stands for: `前总统特朗普`, `总统候选人拜登`, `当选总统特朗普`. The name then dates nothing.
pub(super) const OUT_OF_OFFICE: [&str; 11] = [
    "前总统",
    "前副总统",
    "前首相",
    "前国务卿",
    "前任总统",
    "候选人",
    "当选总统",
    "参选人",
    "在野党",
    "党首",
    "党代表",
];

/// An open term in office counts as this many days after it began (or after the last period
/// began, if later): long enough to sit in the last period, short enough not to swamp a span.
const OPEN_TERM_DAYS: i64 = 4 * 365;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SchemeFile {
    #[serde(default)]
    settings: SettingsEntry,
    #[serde(default, rename = "period")]
    periods: Vec<PeriodEntry>,
    #[serde(default, rename = "marker")]
    markers: Vec<MarkerEntry>,
    #[serde(default, rename = "holder")]
    holders: Vec<MarkerEntry>,
    #[serde(default, rename = "event")]
    events: Vec<MarkerEntry>,
    #[serde(default)]
    ignore: IgnoreEntry,
    #[serde(default)]
    present: PresentEntry,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct PresentEntry {
    #[serde(default)]
    terms: Vec<Spanned<String>>,
    #[serde(default)]
    generic: Vec<Spanned<String>>,
    #[serde(default)]
    generic_subjects: Vec<Spanned<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct SettingsEntry {
    primary: Option<Spanned<String>>,
    min_share: Option<Spanned<f64>>,
    paragraph: Option<Spanned<String>>,
    out_of_office: Option<Vec<Spanned<String>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PeriodEntry {
    id: Spanned<String>,
    #[serde(default)]
    label: String,
    start: Option<Spanned<String>>,
    end: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MarkerEntry {
    terms: Spanned<Vec<Spanned<String>>>,
    period: Option<Spanned<String>>,
    periods: Option<Spanned<Vec<Spanned<String>>>>,
    date: Option<Spanned<String>>,
    from: Option<Spanned<String>>,
    to: Option<Spanned<String>>,
    /// For the reader only.
    #[serde(default)]
    #[allow(dead_code)]
    office: String,
    #[serde(default)]
    #[allow(dead_code)]
    note: String,
    /// A holder's offices, each with its dates and role words (instead of `from`/`to`).
    offices: Option<Vec<OfficeEntry>>,
    /// A generic marker's names (see `Marker::requires`).
    requires: Option<Vec<Spanned<String>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OfficeEntry {
    /// For the reader only.
    #[serde(default)]
    #[allow(dead_code)]
    office: String,
    #[serde(default)]
    roles: Vec<Spanned<String>>,
    from: Spanned<String>,
    to: Option<Spanned<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct IgnoreEntry {
    #[serde(default)]
    terms: Vec<Spanned<String>>,
}

/// Builds errors at a byte span of the file.
struct Located<'a> {
    path: &'a Path,
    source: &'a str,
}

impl Located<'_> {
    fn at<T>(&self, spanned: &Spanned<T>, message: impl Into<String>) -> ConfigError {
        let (line, column) = line_col(self.source, spanned.span().start);
        ConfigError::at(self.path, line, column, message)
    }

    fn date(&self, text: &Spanned<String>) -> Result<PartialDate, ConfigError> {
        text.get_ref()
            .parse::<PartialDate>()
            .map_err(|e| self.at(text, format!("expected a date: {e}")))
    }
}

impl PeriodScheme {
    /// Reads and checks a scheme file (format: the header of `lexicons/periods.toml`).
    pub fn load(path: &Path) -> Result<PeriodScheme, ConfigError> {
        let source = std::fs::read_to_string(path).map_err(|e| {
            ConfigError::new(path, 0, format!("cannot read the period scheme: {e}"))
        })?;
        PeriodScheme::parse(path, &source)
    }

    /// Parses a scheme from its text; `path` is only used in messages.
    pub fn parse(path: &Path, source: &str) -> Result<PeriodScheme, ConfigError> {
        let file: SchemeFile =
            toml::from_str(source).map_err(|e| ConfigError::from_toml(path, source, &e))?;
        let loc = Located { path, source };
        let mut scheme = PeriodScheme {
            min_share: 0.1,
            ..PeriodScheme::default()
        };
        if let Some(primary) = &file.settings.primary {
            scheme.primary = match primary.get_ref().as_str() {
                "latest" => PrimaryRule::Latest,
                "first" => PrimaryRule::First,
                other => {
                    return Err(loc.at(
                        primary,
                        format!("expected `latest` or `first` for `primary`, found `{other}`"),
                    ));
                }
            };
        }
        if let Some(rule) = &file.settings.paragraph {
            scheme.paragraph = match rule.get_ref().as_str() {
                "topic" => ParagraphRule::Topic,
                "nearest" => ParagraphRule::Nearest,
                other => {
                    return Err(loc.at(
                        rule,
                        format!("expected `topic` or `nearest` for `paragraph`, found `{other}`"),
                    ));
                }
            };
        }
        scheme.out_of_office = match &file.settings.out_of_office {
            Some(words) => words.iter().map(|w| normalize(w.get_ref())).collect(),
            None => OUT_OF_OFFICE.iter().map(|w| w.to_string()).collect(),
        };
        if let Some(share) = &file.settings.min_share {
            if !(0.0..=1.0).contains(share.get_ref()) {
                return Err(loc.at(share, "expected `min_share` between 0 and 1"));
            }
            scheme.min_share = *share.get_ref();
        }
        load_periods(&loc, &file.periods, &mut scheme)?;

        let mut terms: Vec<(String, Option<usize>)> = Vec::new();
        let mut seen: HashMap<String, ()> = HashMap::new();
        let mut add_term = |term: &Spanned<String>,
                            owner: Option<usize>,
                            terms: &mut Vec<(String, Option<usize>)>|
         -> Result<(), ConfigError> {
            let key = normalize(term.get_ref());
            if key.is_empty() {
                return Err(loc.at(term, "expected a non-empty term"));
            }
            if seen.insert(key.clone(), ()).is_some() {
                return Err(loc.at(term, format!("term `{key}` is listed twice")));
            }
            terms.push((key, owner));
            Ok(())
        };
        let holders = file.holders.iter().map(|e| (e, true, false));
        let markers = file.markers.iter().map(|e| (e, false, false));
        let events = file.events.iter().map(|e| (e, false, true));
        for (entry, weak, event) in markers.chain(events).chain(holders) {
            let (meaning, offices) = match &entry.offices {
                Some(offices) if weak => holder_offices(&loc, entry, offices, &scheme)?,
                Some(_) => {
                    return Err(loc.at(
                        &entry.terms,
                        "`offices` belongs to a [[holder]], not to a marker or an event",
                    ));
                }
                None => (marker_meaning(&loc, entry, &scheme)?, Vec::new()),
            };
            let requires = entry
                .requires
                .iter()
                .flatten()
                .map(|t| normalize(t.get_ref()))
                .collect();
            let era = event && entry_days(&loc, entry)? > 366;
            let owner = scheme.markers.len();
            scheme.markers.push(Marker {
                meaning,
                weak,
                event,
                era,
                requires,
                offices,
            });
            if entry.terms.get_ref().is_empty() {
                return Err(loc.at(&entry.terms, "expected at least one term"));
            }
            for term in entry.terms.get_ref() {
                add_term(term, Some(owner), &mut terms)?;
            }
        }
        scheme.present_actors = file
            .present
            .terms
            .iter()
            .map(|t| normalize(t.get_ref()))
            .filter(|t| !t.is_empty())
            .collect();
        scheme.generic_nouns = file
            .present
            .generic
            .iter()
            .map(|t| normalize(t.get_ref()))
            .filter(|t| !t.is_empty())
            .collect();
        scheme.generic_subjects = file
            .present
            .generic_subjects
            .iter()
            .map(|t| normalize(t.get_ref()))
            .filter(|t| !t.is_empty())
            .collect();
        for term in &file.ignore.terms {
            add_term(term, None, &mut terms)?;
        }
        if !terms.is_empty() {
            // Longest first: the regex takes the first alternative that matches at the leftmost
            // position, so `特朗普第二任期` wins over `特朗普`.
            terms.sort_by(|a, b| {
                b.0.chars()
                    .count()
                    .cmp(&a.0.chars().count())
                    .then(a.0.cmp(&b.0))
            });
            let pattern = terms
                .iter()
                .map(|(t, _)| {
                    t.chars()
                        .map(|c| regex::escape(&c.to_string()))
                        .collect::<Vec<_>>()
                        .join(r"\s*")
                })
                .collect::<Vec<_>>()
                .join("|");
            scheme.matcher = Some(regex::Regex::new(&pattern).map_err(|e| {
                ConfigError::new(
                    path,
                    0,
                    format!("the terms do not make a valid matcher: {e}"),
                )
            })?);
        }
        scheme.term_owner = terms.into_iter().collect();
        Ok(scheme)
    }
}

/// A term or matched text with its whitespace removed: the key of `term_owner`.
pub(super) fn normalize(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

fn load_periods(
    loc: &Located<'_>,
    entries: &[PeriodEntry],
    scheme: &mut PeriodScheme,
) -> Result<(), ConfigError> {
    if entries.is_empty() {
        return Err(ConfigError::new(
            loc.path,
            0,
            "expected at least one [[period]] table",
        ));
    }
    let mut previous_end: Option<(PartialDate, &Spanned<String>)> = None;
    for (i, entry) in entries.iter().enumerate() {
        let id = entry.id.get_ref();
        let id_ok = !id.is_empty()
            && id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        if !id_ok {
            return Err(loc.at(
                &entry.id,
                format!("expected a period id of letters, digits, `_` or `-`, found `{id}`"),
            ));
        }
        if id == UNATTRIBUTED || scheme.periods.iter().any(|p| &p.id == id) {
            return Err(loc.at(
                &entry.id,
                format!("period id `{id}` is reserved or repeated"),
            ));
        }
        let start = entry.start.as_ref().map(|s| loc.date(s)).transpose()?;
        let end = entry.end.as_ref().map(|s| loc.date(s)).transpose()?;
        let last = i + 1 == entries.len();
        if start.is_none() && i > 0 {
            return Err(loc.at(
                &entry.id,
                format!(
                    "period `{id}` needs a `start`: only the first period may be open at the start"
                ),
            ));
        }
        if end.is_none() && !last {
            return Err(loc.at(
                &entry.id,
                format!(
                    "period `{id}` needs an `end`: only the last period may be open at the end"
                ),
            ));
        }
        if let (Some(s), Some(e), Some(end_text)) = (start, end, &entry.end)
            && DaySpan::of(e).last < DaySpan::of(s).first
        {
            return Err(loc.at(end_text, format!("period `{id}` ends before it starts")));
        }
        if let (Some((prev, _)), Some(s), Some(start_text)) = (previous_end, start, &entry.start)
            && DaySpan::of(s).first <= DaySpan::of(prev).last
        {
            return Err(loc.at(
                start_text,
                format!(
                    "period `{id}` starts on or before the end of the previous period ({prev}): periods must be in order and not overlap"
                ),
            ));
        }
        previous_end = end.zip(entry.end.as_ref());
        scheme.periods.push(PeriodDef {
            id: id.clone(),
            label: entry.label.clone(),
            start,
            end,
        });
    }
    Ok(())
}

/// A holder's meaning (every period any of its offices covers) and its offices.
fn holder_offices(
    loc: &Located<'_>,
    entry: &MarkerEntry,
    entries: &[OfficeEntry],
    scheme: &PeriodScheme,
) -> Result<(Meaning, Vec<Office>), ConfigError> {
    if entry.from.is_some() || entry.to.is_some() || entry.date.is_some() || entry.period.is_some()
    {
        return Err(loc.at(
            &entry.terms,
            "a [[holder]] with `offices` gives its dates in each office, not `from`/`to` of its own",
        ));
    }
    if entries.is_empty() {
        return Err(loc.at(&entry.terms, "expected at least one office in `offices`"));
    }
    let mut offices = Vec::new();
    let mut all: Vec<usize> = Vec::new();
    for office in entries {
        let first = DaySpan::of(loc.date(&office.from)?).first;
        let last = match &office.to {
            Some(to) => DaySpan::of(loc.date(to)?).last,
            None => open_term_end(scheme, first),
        };
        if last < first {
            return Err(loc.at(&office.from, "expected `to` on or after `from`"));
        }
        let Some((_, periods)) = scheme.span_periods(DaySpan { first, last }) else {
            return Err(loc.at(&office.from, "this term falls in no period of the scheme"));
        };
        all.extend(&periods);
        offices.push(Office {
            periods,
            roles: office
                .roles
                .iter()
                .map(|r| normalize(r.get_ref()))
                .collect(),
        });
    }
    all.sort_unstable();
    all.dedup();
    let meaning = match all.as_slice() {
        [one] => Meaning::Definite {
            primary: *one,
            mentioned: vec![*one],
        },
        _ => Meaning::Ambiguous(all),
    };
    Ok((meaning, offices))
}

/// Days an event's `date` or `from`..`to` spans (an open end counts as one day).
fn entry_days(loc: &Located<'_>, entry: &MarkerEntry) -> Result<i64, ConfigError> {
    if let Some(date) = &entry.date {
        let span = DaySpan::of(loc.date(date)?);
        return Ok(span.last - span.first + 1);
    }
    match (&entry.from, &entry.to) {
        (Some(from), Some(to)) => {
            Ok(DaySpan::of(loc.date(to)?).last - DaySpan::of(loc.date(from)?).first + 1)
        }
        _ => Ok(1),
    }
}

/// The last day an open term in office counts for (see `OPEN_TERM_DAYS`).
fn open_term_end(scheme: &PeriodScheme, first: i64) -> i64 {
    let last_start = scheme
        .periods
        .last()
        .and_then(|p| p.start)
        .map_or(first, |d| DaySpan::of(d).first);
    first.max(last_start) + OPEN_TERM_DAYS
}

fn marker_meaning(
    loc: &Located<'_>,
    entry: &MarkerEntry,
    scheme: &PeriodScheme,
) -> Result<Meaning, ConfigError> {
    let given = [
        entry.period.is_some(),
        entry.periods.is_some(),
        entry.date.is_some(),
        entry.from.is_some() || entry.to.is_some(),
    ];
    if given.iter().filter(|g| **g).count() != 1 {
        return Err(loc.at(
            &entry.terms,
            "expected exactly one of `period`, `periods`, `date`, or `from`/`to` for these terms",
        ));
    }
    let known = |id: &Spanned<String>| {
        scheme.index_of(id.get_ref()).ok_or_else(|| {
            loc.at(
                id,
                format!(
                    "unknown period `{}` (expected one of: {})",
                    id.get_ref(),
                    scheme.ids().join(", ")
                ),
            )
        })
    };
    if let Some(id) = &entry.period {
        let i = known(id)?;
        return Ok(Meaning::Definite {
            primary: i,
            mentioned: vec![i],
        });
    }
    if let Some(ids) = &entry.periods {
        let mut candidates = Vec::new();
        for id in ids.get_ref() {
            let i = known(id)?;
            if !candidates.contains(&i) {
                candidates.push(i);
            }
        }
        return match candidates.as_slice() {
            [] => Err(loc.at(ids, "expected at least one period")),
            [i] => Ok(Meaning::Definite {
                primary: *i,
                mentioned: vec![*i],
            }),
            _ => Ok(Meaning::Ambiguous(candidates)),
        };
    }
    let (first, last, anchor) = if let Some(date) = &entry.date {
        let d = loc.date(date)?;
        (DaySpan::of(d).first, DaySpan::of(d).last, date)
    } else {
        let Some(from) = &entry.from else {
            return Err(loc.at(
                &entry.terms,
                "expected `from` (a term or span needs its first day)",
            ));
        };
        let first = DaySpan::of(loc.date(from)?).first;
        let last = match &entry.to {
            Some(to) => DaySpan::of(loc.date(to)?).last,
            None => open_term_end(scheme, first),
        };
        if last < first {
            return Err(loc.at(from, "expected `to` on or after `from`"));
        }
        (first, last, from)
    };
    let Some((primary, mentioned)) = scheme.span_periods(DaySpan { first, last }) else {
        return Err(loc.at(anchor, "this date falls in no period of the scheme"));
    };
    Ok(if mentioned.len() > 1 {
        Meaning::Ambiguous(mentioned)
    } else {
        Meaning::Definite { primary, mentioned }
    })
}
