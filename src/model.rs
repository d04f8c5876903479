//! The shared vocabulary of the pipeline: documents and their parts (from `corpus`), tokens (from
//! `segment`), lexicon hits (from `lexicon`), period calls (from `period`) and the
//! `AnnotatedDocument` that carries all of them to the index and the exports.
//!
//! Every stage takes these types in and gives these types back, so a stage can be tested and
//! benchmarked without the CLI and without the stages after it.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Where a piece of text sits in a paper. Frequencies count `Body` unless the user asks for more.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Zone {
    Title,
    Front,
    Heading,
    Body,
    Note,
    Reference,
    Back,
}

impl Zone {
    pub const ALL: [Zone; 7] = [
        Zone::Title,
        Zone::Front,
        Zone::Heading,
        Zone::Body,
        Zone::Note,
        Zone::Reference,
        Zone::Back,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Zone::Title => "title",
            Zone::Front => "front",
            Zone::Heading => "heading",
            Zone::Body => "body",
            Zone::Note => "note",
            Zone::Reference => "reference",
            Zone::Back => "back",
        }
    }
}

impl fmt::Display for Zone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Zone {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Zone::ALL
            .into_iter()
            .find(|z| z.as_str() == s)
            .ok_or_else(|| {
                format!(
                    "unknown zone `{s}` (expected one of: title, front, heading, body, note, reference, back)"
                )
            })
    }
}

/// A date known to the year, the month or the day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct PartialDate {
    pub year: i32,
    pub month: Option<u8>,
    pub day: Option<u8>,
}

impl PartialDate {
    pub fn year(year: i32) -> Self {
        PartialDate {
            year,
            month: None,
            day: None,
        }
    }

    pub fn ymd(year: i32, month: u8, day: u8) -> Self {
        PartialDate {
            year,
            month: Some(month),
            day: Some(day),
        }
    }

    /// The first day the date can mean, as (year, month, day).
    pub fn first_day(&self) -> (i32, u8, u8) {
        (self.year, self.month.unwrap_or(1), self.day.unwrap_or(1))
    }

    /// The last day the date can mean, as (year, month, day).
    pub fn last_day(&self) -> (i32, u8, u8) {
        match (self.month, self.day) {
            (Some(m), Some(d)) => (self.year, m, d),
            (Some(m), None) => (self.year, m, days_in_month(self.year, m)),
            _ => (self.year, 12, 31),
        }
    }
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.year)?;
        if let Some(m) = self.month {
            write!(f, "-{m:02}")?;
            if let Some(d) = self.day {
                write!(f, "-{d:02}")?;
            }
        }
        Ok(())
    }
}

impl FromStr for PartialDate {
    type Err = String;
    /// Parses `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || format!("`{s}` is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD");
        let mut parts = s.trim().split('-');
        let year_text = parts.next().ok_or_else(bad)?;
        if year_text.len() != 4 {
            return Err(bad());
        }
        let year: i32 = year_text.parse().map_err(|_| bad())?;
        let month = match parts.next() {
            Some(m) if m.len() == 2 => Some(m.parse::<u8>().map_err(|_| bad())?),
            Some(_) => return Err(bad()),
            None => None,
        };
        let day = match parts.next() {
            Some(d) if d.len() == 2 => Some(d.parse::<u8>().map_err(|_| bad())?),
            Some(_) => return Err(bad()),
            None => None,
        };
        if parts.next().is_some() {
            return Err(bad());
        }
        if let Some(m) = month
            && !(1..=12).contains(&m)
        {
            return Err(format!("`{s}`: month {m} is not 01..12"));
        }
        if let (Some(m), Some(d)) = (month, day)
            && (d == 0 || d > days_in_month(year, m))
        {
            return Err(format!("`{s}`: day {d} does not exist in that month"));
        }
        Ok(PartialDate { year, month, day })
    }
}

/// What an undated sentence of a document falls back to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Fallback {
    /// Analytic papers: an undated sentence stays `unattributed`.
    None,
    /// Contemporaneous texts (news, statements): an undated sentence takes the document's date.
    Document,
}

impl Fallback {
    pub fn as_str(self) -> &'static str {
        match self {
            Fallback::None => "none",
            Fallback::Document => "document",
        }
    }
}

/// One document's metadata, from `corpus/metadata.csv` or guessed from the text.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DocMeta {
    /// Short stable id, used in every output.
    pub id: String,
    /// Path relative to the corpus root, with `/` separators.
    pub file: String,
    pub title: String,
    pub authors: Vec<String>,
    pub journal: Option<String>,
    pub date: Option<PartialDate>,
    /// `None` when the metadata does not say; the CLI's `--period-fallback` decides then.
    pub period_fallback: Option<Fallback>,
    /// Extra metadata columns (docvars), in the order of the metadata file's header.
    pub extra: Vec<(String, String)>,
}

/// A heading and the part of the document it opens.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Section {
    pub id: u32,
    pub parent: Option<u32>,
    /// 1 for the top level.
    pub level: u8,
    /// The numbering as printed (`一`, `（二）`, `3.1`), empty when the heading has none.
    pub number: String,
    /// The heading text without its numbering and markup.
    pub title: String,
    /// Line of the heading in the decoded file (1-based).
    pub line: usize,
}

/// A paragraph after repair: page breaks rejoined, notes moved out, markup stripped.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Paragraph {
    pub id: u32,
    pub zone: Zone,
    pub section: Option<u32>,
    /// Clean text of the paragraph; sentence offsets point into it.
    pub text: String,
    /// First line of the paragraph in the decoded file (1-based).
    pub line: usize,
}

/// The unit of counting, attribution and search.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Sentence {
    /// Sequential within the document, from 0, in reading order.
    pub id: u32,
    pub zone: Zone,
    pub section: Option<u32>,
    pub paragraph: u32,
    /// Clean text: no markup, no note anchors.
    pub text: String,
    /// Character (not byte) offsets of the sentence in its paragraph's text.
    pub char_start: usize,
    pub char_end: usize,
    /// Ids of the notes this sentence's anchors point to (`Note::id`).
    pub note_refs: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NoteKind {
    /// A footnote or endnote (`①`, `^[12]`, `注`).
    Footnote,
    /// An entry of a reference list.
    Reference,
}

/// A footnote or reference entry, with the dates printed in it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Note {
    /// The anchor's label as printed (`1`, `12`, `①`, `*`), unique within the document.
    pub id: String,
    pub kind: NoteKind,
    pub text: String,
    pub dates: Vec<PartialDate>,
    pub line: usize,
}

/// Something the structure stage changed in the text, kept so that a researcher can audit it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Repair {
    pub line: usize,
    /// Short name of the rule, e.g. `rejoin_page_break`, `move_footnote`, `strip_markup`.
    pub rule: String,
    pub detail: String,
}

/// Text the structure stage left out of every zone, with the reason.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Dropped {
    pub line: usize,
    pub reason: String,
    pub text: String,
}

/// One parsed document.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Document {
    pub meta: DocMeta,
    /// Name of the encoding the file was decoded from (`UTF-8`, `GB18030`, `UTF-16LE` ...).
    pub encoding: String,
    /// blake3 hash of the raw bytes, hex.
    pub content_hash: String,
    pub sections: Vec<Section>,
    pub paragraphs: Vec<Paragraph>,
    pub sentences: Vec<Sentence>,
    pub notes: Vec<Note>,
    pub repairs: Vec<Repair>,
    pub dropped: Vec<Dropped>,
}

impl Document {
    /// The heading path of a section, outermost first, joined with ` > ` (e.g.
    /// `3 拜登政府时期 > （一）强化安全承诺`). Empty for `None`.
    pub fn section_path(&self, section: Option<u32>) -> String {
        let mut parts = Vec::new();
        let mut current = section;
        while let Some(id) = current {
            let Some(s) = self.sections.iter().find(|s| s.id == id) else {
                break;
            };
            parts.push(if s.number.is_empty() {
                s.title.clone()
            } else {
                format!("{} {}", s.number, s.title)
            });
            current = s.parent;
        }
        parts.reverse();
        parts.join(" > ")
    }
}

/// A token of a sentence, as offsets into `Sentence::text`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Token {
    pub byte_start: u32,
    pub byte_end: u32,
    pub char_start: u32,
    pub char_end: u32,
}

impl Token {
    pub fn text<'a>(&self, sentence: &'a str) -> &'a str {
        &sentence[self.byte_start as usize..self.byte_end as usize]
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ModifierKind {
    Negated,
    Diminished,
}

impl ModifierKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ModifierKind::Negated => "negated",
            ModifierKind::Diminished => "diminished",
        }
    }
}

/// The negator or diminisher that governs a hit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Modifier {
    pub kind: ModifierKind,
    /// The modifier as it stands in the sentence (`并没有`, `动摇`).
    pub word: String,
}

/// One lexicon match in a sentence. Indices point into the `lexicon::LexiconSet` that made it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hit {
    pub category: usize,
    pub subcategory: usize,
    pub entry: usize,
    /// Offsets of the matched text in `Sentence::text`.
    pub byte_start: u32,
    pub byte_end: u32,
    pub char_start: u32,
    pub char_end: u32,
    pub modifier: Option<Modifier>,
}

/// Where a sentence's period came from, in the order of the attribution cascade.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PeriodSource {
    Sentence,
    Paragraph,
    Heading,
    Citation,
    Document,
    Manual,
    None,
}

impl PeriodSource {
    pub fn as_str(self) -> &'static str {
        match self {
            PeriodSource::Sentence => "sentence",
            PeriodSource::Paragraph => "paragraph",
            PeriodSource::Heading => "heading",
            PeriodSource::Citation => "citation",
            PeriodSource::Document => "document",
            PeriodSource::Manual => "manual",
            PeriodSource::None => "none",
        }
    }
}

/// The id of the period of sentences with no evidence.
pub const UNATTRIBUTED: &str = "unattributed";

/// The period a sentence speaks of, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeriodCall {
    /// A period id of the scheme, or `UNATTRIBUTED`.
    pub period: String,
    pub source: PeriodSource,
    /// The marker text that decided it (`拜登政府`, `2023年8月`, heading text ...); empty for `None`.
    pub evidence: String,
    /// Every period the sentence itself names, in scheme order.
    pub mentioned: Vec<String>,
}

impl PeriodCall {
    pub fn unattributed() -> Self {
        PeriodCall {
            period: UNATTRIBUTED.to_string(),
            source: PeriodSource::None,
            evidence: String::new(),
            mentioned: Vec::new(),
        }
    }
}

/// The period of one clause of a sentence, where the sentence's clauses speak of different times
/// (`特朗普政府未能…；然而…拜登政府给予了…`): a hit takes the period of the clause it stands in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClauseCall {
    /// Character offsets of the clause in `Sentence::text`.
    pub char_start: u32,
    pub char_end: u32,
    pub period: PeriodCall,
}

/// A sentence's period and, when its clauses differ, each clause's.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SentencePeriods {
    /// The sentence's own period (`passages.csv`): the primary one of its clauses.
    pub sentence: PeriodCall,
    /// Every clause with its period, in order, when they are not all the sentence's; empty
    /// otherwise.
    pub clauses: Vec<ClauseCall>,
}

/// Per-sentence annotations, parallel to `Document::sentences`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SentenceAnnotation {
    pub tokens: Vec<Token>,
    pub hits: Vec<Hit>,
    pub period: PeriodCall,
    /// The clauses' periods when they differ from the sentence's (see `SentencePeriods`).
    #[serde(default)]
    pub clauses: Vec<ClauseCall>,
}

impl SentenceAnnotation {
    /// The period of the clause holding the character at `char_start` (a hit's, a token's).
    pub fn period_at(&self, char_start: u32) -> &PeriodCall {
        self.clauses
            .iter()
            .find(|c| c.char_start <= char_start && char_start < c.char_end)
            .map_or(&self.period, |c| &c.period)
    }
}

/// A document with every sentence segmented, tagged and attributed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AnnotatedDocument {
    pub doc: Document,
    /// `annotations[i]` belongs to `doc.sentences[i]`.
    pub annotations: Vec<SentenceAnnotation>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partial_dates_parse_and_print_round_trip() {
        for s in ["2023", "2023-08", "2023-08-18"] {
            assert_eq!(s.parse::<PartialDate>().unwrap().to_string(), s);
        }
        assert!("2023-13".parse::<PartialDate>().is_err());
        assert!("2023-02-30".parse::<PartialDate>().is_err());
        assert!("23-02".parse::<PartialDate>().is_err());
        assert_eq!(
            "2024-02".parse::<PartialDate>().unwrap().last_day(),
            (2024, 2, 29)
        );
    }

    #[test]
    fn zones_parse_from_their_names() {
        for z in Zone::ALL {
            assert_eq!(z.as_str().parse::<Zone>().unwrap(), z);
        }
        assert!("bodyy".parse::<Zone>().is_err());
    }
}
