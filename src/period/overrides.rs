//! Manual corrections: takes `corpus/overrides.csv` (columns `doc`, `sentence`, `period`, `note`)
//! and a document's calls, and gives back the calls with the corrected sentences set to the
//! row's period, source `manual`. `sentence` is a sentence id (digits only) or a text snippet
//! that must match exactly one sentence of the document (whitespace is ignored on both sides).
//! Lines starting with `#` are comments. Row numbers in messages are lines of the file.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::PeriodScheme;
use super::scheme::normalize;
use crate::error::ConfigError;
use crate::model::{Document, PeriodCall, PeriodSource, UNATTRIBUTED};

/// Manual corrections from `corpus/overrides.csv`.
#[derive(Clone, Debug, Default)]
pub struct Overrides {
    pub path: PathBuf,
    pub rows: Vec<OverrideRow>,
}

/// One row of the overrides file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OverrideRow {
    /// Line of the row in the file (the header is line 1).
    pub line: usize,
    pub doc: String,
    pub sentence: SentenceRef,
    pub period: String,
    pub note: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SentenceRef {
    Id(u32),
    Snippet(String),
}

#[derive(Deserialize)]
struct RawRow {
    doc: String,
    sentence: String,
    period: String,
    #[serde(default)]
    note: String,
}

/// The line a record starts on. The reader's own line count skips blank lines, and its byte
/// offset points before the blank and comment lines that precede the record.
fn line_of_record(text: &str, byte: usize) -> usize {
    let mut pos = byte.min(text.len());
    while let Some(rest) = text.get(pos..) {
        let end = rest.find('\n');
        let line = rest[..end.unwrap_or(rest.len())].trim();
        match end {
            Some(e) if line.is_empty() || line.starts_with('#') => pos += e + 1,
            _ => break,
        }
    }
    text.as_bytes()[..pos]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

impl Overrides {
    /// Reads the file; every period must be a period of `scheme` or `unattributed`.
    pub fn load(path: &Path, scheme: &PeriodScheme) -> Result<Overrides, ConfigError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| ConfigError::new(path, 0, format!("cannot read the overrides: {e}")))?;
        Overrides::parse(path, &text, scheme)
    }

    /// Parses the file's text; `path` is only used in messages.
    pub fn parse(path: &Path, text: &str, scheme: &PeriodScheme) -> Result<Overrides, ConfigError> {
        let mut reader = csv::ReaderBuilder::new()
            .comment(Some(b'#'))
            .trim(csv::Trim::All)
            .from_reader(text.as_bytes());
        let headers = reader
            .headers()
            .map_err(|e| ConfigError::new(path, 1, format!("cannot read the header: {e}")))?
            .clone();
        for column in ["doc", "sentence", "period"] {
            if !headers.iter().any(|h| h == column) {
                return Err(ConfigError::new(
                    path,
                    1,
                    format!("missing column `{column}` (expected: doc, sentence, period, note)"),
                ));
            }
        }
        let mut rows = Vec::new();
        for record in reader.records() {
            let record = record.map_err(|e| {
                let line = e.position().map_or(0, |p| p.line() as usize);
                ConfigError::new(path, line, format!("cannot read the row: {e}"))
            })?;
            let line = record
                .position()
                .map_or(0, |p| line_of_record(text, p.byte() as usize));
            let raw: RawRow = record
                .deserialize(Some(&headers))
                .map_err(|e| ConfigError::new(path, line, format!("bad row: {e}")))?;
            if raw.doc.is_empty() || raw.sentence.is_empty() {
                return Err(ConfigError::new(
                    path,
                    line,
                    "expected a `doc` and a `sentence` (an id or a text snippet)",
                ));
            }
            if raw.period != UNATTRIBUTED && !scheme.ids().contains(&raw.period.as_str()) {
                return Err(ConfigError::new(
                    path,
                    line,
                    format!(
                        "unknown period `{}` (expected one of: {})",
                        raw.period,
                        scheme.ids_with_unattributed().join(", ")
                    ),
                ));
            }
            let sentence = if raw.sentence.chars().all(|c| c.is_ascii_digit()) {
                SentenceRef::Id(
                    raw.sentence
                        .parse()
                        .map_err(|_| ConfigError::new(path, line, "sentence id is too large"))?,
                )
            } else {
                SentenceRef::Snippet(raw.sentence)
            };
            rows.push(OverrideRow {
                line,
                doc: raw.doc,
                sentence,
                period: raw.period,
                note: raw.note,
            });
        }
        Ok(Overrides {
            path: path.to_path_buf(),
            rows,
        })
    }

    /// Applies the rows naming `doc` to its calls (parallel to `doc.sentences`). The sentence
    /// keeps what it itself mentions; the evidence is the row's note, else `override row N`.
    pub fn apply(&self, doc: &Document, calls: &mut [PeriodCall]) -> Result<(), ConfigError> {
        for row in self.rows.iter().filter(|r| r.doc == doc.meta.id) {
            let index = match &row.sentence {
                SentenceRef::Id(id) => {
                    doc.sentences
                        .iter()
                        .position(|s| s.id == *id)
                        .ok_or_else(|| {
                            ConfigError::new(
                                &self.path,
                                row.line,
                                format!("document `{}` has no sentence {id}", doc.meta.id),
                            )
                        })?
                }
                SentenceRef::Snippet(snippet) => {
                    let needle = normalize(snippet);
                    let matches: Vec<usize> = doc
                        .sentences
                        .iter()
                        .enumerate()
                        .filter(|(_, s)| normalize(&s.text).contains(&needle))
                        .map(|(i, _)| i)
                        .collect();
                    match matches.as_slice() {
                        [one] => *one,
                        [] => {
                            return Err(ConfigError::new(
                                &self.path,
                                row.line,
                                format!(
                                    "snippet `{snippet}` matches no sentence of `{}`",
                                    doc.meta.id
                                ),
                            ));
                        }
                        many => {
                            let ids: Vec<String> = many
                                .iter()
                                .map(|&i| doc.sentences[i].id.to_string())
                                .collect();
                            return Err(ConfigError::new(
                                &self.path,
                                row.line,
                                format!(
                                    "snippet `{snippet}` matches {} sentences of `{}` (ids {}): make it longer or use an id",
                                    many.len(),
                                    doc.meta.id,
                                    ids.join(", ")
                                ),
                            ));
                        }
                    }
                }
            };
            let call = calls.get_mut(index).ok_or_else(|| {
                ConfigError::new(
                    &self.path,
                    row.line,
                    "the calls are not parallel to the document's sentences",
                )
            })?;
            call.period = row.period.clone();
            call.source = PeriodSource::Manual;
            call.evidence = if row.note.is_empty() {
                format!("override row {}", row.line)
            } else {
                row.note.clone()
            };
        }
        Ok(())
    }

    /// Rows naming documents that are not in the corpus.
    pub fn unused(&self, seen_docs: &[&str]) -> Vec<ConfigError> {
        self.rows
            .iter()
            .filter(|r| !seen_docs.contains(&r.doc.as_str()))
            .map(|r| {
                ConfigError::new(
                    &self.path,
                    r.line,
                    format!("document `{}` is not in the corpus", r.doc),
                )
            })
            .collect()
    }
}
