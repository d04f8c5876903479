//! The tool's side of a validation: reads back what `mine index` wrote into an output folder
//! (`passages.csv`, `hits.csv`, `period_categories.csv`, `manifest.json`), streaming, so that a
//! corpus of any size is read in one pass with memory for the rows asked for only.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};

use csv::StringRecord;

use crate::export::codebook::{HITS, PASSAGES, PERIOD_CATEGORIES};
use crate::model::PartialDate;
use crate::period::{PeriodDef, PeriodScheme};

/// Why an output folder cannot be read for validation.
#[derive(Debug, thiserror::Error)]
pub enum ResultsError {
    #[error("cannot read {}; run `mine index CORPUS --out {}` first", path.display(), folder.display())]
    Missing {
        path: PathBuf,
        folder: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: {source}", path.display())]
    Csv { path: PathBuf, source: csv::Error },
    #[error("{}: no column `{column}`; is this a file `mine index` wrote?", path.display())]
    Column { path: PathBuf, column: String },
    #[error("{}:{line}: `{value}` in column `{column}` is not a number", path.display())]
    Number {
        path: PathBuf,
        line: u64,
        column: String,
        value: String,
    },
}

/// A reader of `passages.csv` that knows where its columns are.
pub struct Passages {
    path: PathBuf,
    reader: csv::Reader<BufReader<File>>,
    columns: Columns,
    /// Lexicon categories, in the file's order (from the `n_C` / `n_C_plain` column pairs).
    pub categories: Vec<String>,
}

struct Columns {
    doc: usize,
    sentence_id: usize,
    zone: usize,
    paragraph: usize,
    text: usize,
    period: usize,
    period_source: usize,
    period_evidence: usize,
    date: usize,
    /// `n_C` and `n_C_plain` per category.
    counts: Vec<(usize, usize)>,
    /// Every column by name, for metadata columns asked for by name.
    by_name: HashMap<String, usize>,
}

/// One row of `passages.csv`, the fields validation uses.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Passage {
    pub doc: String,
    pub sentence_id: u32,
    pub zone: String,
    pub paragraph: u32,
    pub text: String,
    pub period: String,
    pub period_source: String,
    pub period_evidence: String,
    /// The document's date as `metadata.csv` gave it (empty when unknown).
    pub date: String,
    /// `n_C` per category, parallel to `Passages::categories`.
    pub hits: Vec<u32>,
    /// `n_C_plain` per category.
    pub plain: Vec<u32>,
    /// Line of the row in the file (1-based, the header is line 1).
    pub line: u64,
}

impl Passages {
    /// Opens `<out>/passages.csv` and checks its header.
    pub fn open(out: &Path) -> Result<Passages, ResultsError> {
        let path = out.join(PASSAGES);
        let reader = open_csv(out, &path)?;
        let mut passages = Passages {
            path: path.clone(),
            reader,
            columns: Columns {
                doc: 0,
                sentence_id: 0,
                zone: 0,
                paragraph: 0,
                text: 0,
                period: 0,
                period_source: 0,
                period_evidence: 0,
                date: 0,
                counts: Vec::new(),
                by_name: HashMap::new(),
            },
            categories: Vec::new(),
        };
        let header = passages
            .reader
            .headers()
            .map_err(|source| ResultsError::Csv {
                path: path.clone(),
                source,
            })?
            .clone();
        let by_name: HashMap<String, usize> = header
            .iter()
            .enumerate()
            .map(|(i, name)| (name.to_string(), i))
            .collect();
        let find = |name: &str| {
            by_name
                .get(name)
                .copied()
                .ok_or_else(|| ResultsError::Column {
                    path: path.clone(),
                    column: name.to_string(),
                })
        };
        let mut categories = Vec::new();
        let mut counts = Vec::new();
        for name in header.iter() {
            let Some(category) = name.strip_prefix("n_") else {
                continue;
            };
            if let Some(&plain) = by_name.get(&format!("{name}_plain")) {
                categories.push(category.to_string());
                counts.push((by_name[name], plain));
            }
        }
        passages.columns = Columns {
            doc: find("doc")?,
            sentence_id: find("sentence_id")?,
            zone: find("zone")?,
            paragraph: find("paragraph")?,
            text: find("text")?,
            period: find("period")?,
            period_source: find("period_source")?,
            period_evidence: find("period_evidence")?,
            date: find("date")?,
            counts,
            by_name,
        };
        passages.categories = categories;
        Ok(passages)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The position of a column (a metadata column such as `kind`), if the file has it.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.columns.by_name.get(name).copied()
    }

    /// Calls `each` with every row in file order, and with the raw record for metadata columns
    /// (`Passages::column`). Stops at the first error of `each`.
    pub fn for_each<E: From<ResultsError>>(
        &mut self,
        mut each: impl FnMut(Passage, &StringRecord) -> Result<(), E>,
    ) -> Result<(), E> {
        let mut record = StringRecord::new();
        loop {
            let more =
                self.reader
                    .read_record(&mut record)
                    .map_err(|source| ResultsError::Csv {
                        path: self.path.clone(),
                        source,
                    })?;
            if !more {
                return Ok(());
            }
            let passage = self.passage(&record)?;
            each(passage, &record)?;
        }
    }

    fn passage(&self, record: &StringRecord) -> Result<Passage, ResultsError> {
        let c = &self.columns;
        let line = record.position().map_or(0, |p| p.line());
        let field = |i: usize| record.get(i).unwrap_or("");
        let number = |i: usize, name: &str| -> Result<u32, ResultsError> {
            field(i).parse::<u32>().map_err(|_| ResultsError::Number {
                path: self.path.clone(),
                line,
                column: name.to_string(),
                value: field(i).to_string(),
            })
        };
        let mut hits = Vec::with_capacity(c.counts.len());
        let mut plain = Vec::with_capacity(c.counts.len());
        for (k, &(n, p)) in c.counts.iter().enumerate() {
            let name = format!("n_{}", self.categories[k]);
            hits.push(number(n, &name)?);
            plain.push(number(p, &format!("{name}_plain"))?);
        }
        Ok(Passage {
            doc: field(c.doc).to_string(),
            sentence_id: number(c.sentence_id, "sentence_id")?,
            zone: field(c.zone).to_string(),
            paragraph: number(c.paragraph, "paragraph")?,
            text: field(c.text).to_string(),
            period: field(c.period).to_string(),
            period_source: field(c.period_source).to_string(),
            period_evidence: field(c.period_evidence).to_string(),
            date: field(c.date).to_string(),
            hits,
            plain,
            line,
        })
    }
}

fn open_csv(out: &Path, path: &Path) -> Result<csv::Reader<BufReader<File>>, ResultsError> {
    let file = File::open(path).map_err(|source| ResultsError::Missing {
        path: path.to_path_buf(),
        folder: out.to_path_buf(),
        source,
    })?;
    Ok(csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(BufReader::new(file)))
}

/// One row of `hits.csv`: a lexicon hit with its keyword in context.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HitRow {
    pub category: String,
    pub subcategory: String,
    pub entry: String,
    pub matched: String,
    /// `negated`, `diminished` or empty.
    pub modifier: String,
    pub modifier_word: String,
    pub left: String,
    pub right: String,
}

/// The hits of the given sentences, keyed by (doc, sentence id), in file order.
pub fn hits_of(
    out: &Path,
    wanted: &BTreeSet<(String, u32)>,
) -> Result<BTreeMap<(String, u32), Vec<HitRow>>, ResultsError> {
    let path = out.join(HITS);
    let mut reader = open_csv(out, &path)?;
    let csv_err = |source| ResultsError::Csv {
        path: path.clone(),
        source,
    };
    let header = reader.headers().map_err(csv_err)?.clone();
    let find = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| ResultsError::Column {
                path: path.clone(),
                column: name.to_string(),
            })
    };
    let cols = [
        find("doc")?,
        find("sentence_id")?,
        find("category")?,
        find("subcategory")?,
        find("entry")?,
        find("matched")?,
        find("modifier")?,
        find("modifier_word")?,
        find("left")?,
        find("right")?,
    ];
    let mut out_map: BTreeMap<(String, u32), Vec<HitRow>> = BTreeMap::new();
    let mut record = StringRecord::new();
    while reader.read_record(&mut record).map_err(csv_err)? {
        let get = |k: usize| record.get(cols[k]).unwrap_or("").to_string();
        let Ok(sentence) = record.get(cols[1]).unwrap_or("").parse::<u32>() else {
            continue;
        };
        let key = (get(0), sentence);
        if !wanted.contains(&key) {
            continue;
        }
        out_map.entry(key).or_default().push(HitRow {
            category: get(2),
            subcategory: get(3),
            entry: get(4),
            matched: get(5),
            modifier: get(6),
            modifier_word: get(7),
            left: get(8),
            right: get(9),
        });
    }
    Ok(out_map)
}

/// A period of the scheme with its dates, as `period_categories.csv` lists them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PeriodSpan {
    pub id: String,
    /// ISO dates; empty for an open start or end.
    pub start: String,
    pub end: String,
}

/// The periods of the run in scheme order (then `unattributed`, with empty dates), from
/// `period_categories.csv`.
pub fn periods(out: &Path) -> Result<Vec<PeriodSpan>, ResultsError> {
    let path = out.join(PERIOD_CATEGORIES);
    let mut reader = open_csv(out, &path)?;
    let csv_err = |source| ResultsError::Csv {
        path: path.clone(),
        source,
    };
    let header = reader.headers().map_err(csv_err)?.clone();
    let find = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| ResultsError::Column {
                path: path.clone(),
                column: name.to_string(),
            })
    };
    let (id, start, end) = (find("period")?, find("period_start")?, find("period_end")?);
    let mut spans: Vec<PeriodSpan> = Vec::new();
    let mut record = StringRecord::new();
    while reader.read_record(&mut record).map_err(csv_err)? {
        let period = record.get(id).unwrap_or("");
        if spans.iter().any(|s| s.id == period) {
            continue;
        }
        spans.push(PeriodSpan {
            id: period.to_string(),
            start: record.get(start).unwrap_or("").to_string(),
            end: record.get(end).unwrap_or("").to_string(),
        });
    }
    Ok(spans)
}

/// The periods of `spans` (without `unattributed`) as a scheme without markers, for mapping a
/// document's date to its period exactly as `mine index` does (`PeriodScheme::period_of_date`:
/// a date known to the year or month goes to the period covering most of its days).
pub fn date_scheme(spans: &[PeriodSpan]) -> PeriodScheme {
    let date = |s: &str| s.parse::<PartialDate>().ok();
    PeriodScheme::with_periods(
        spans
            .iter()
            .filter(|s| !s.start.is_empty() || !s.end.is_empty())
            .map(|s| PeriodDef {
                id: s.id.clone(),
                label: s.id.clone(),
                start: date(&s.start),
                end: date(&s.end),
            })
            .collect(),
    )
}

/// The period of a document date (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`) under `scheme`, or `None`
/// (no date, or none of the periods holds it). This is the baseline a contemporaneous text's
/// period rules must beat: every sentence takes its document's date.
pub fn period_of_date<'a>(scheme: &'a PeriodScheme, date: &str) -> Option<&'a str> {
    let date = date.trim().parse::<PartialDate>().ok()?;
    scheme.period_of_date(date).map(|p| p.id.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(id: &str, start: &str, end: &str) -> PeriodSpan {
        PeriodSpan {
            id: id.into(),
            start: start.into(),
            end: end.into(),
        }
    }

    #[test]
    fn document_dates_map_to_the_period_holding_their_first_day() {
        let spans = [
            span("earlier", "", "2009-01-19"),
            span("obama", "2009-01-20", "2017-01-19"),
            span("trump1", "2017-01-20", "2021-01-19"),
            span("biden", "2021-01-20", "2025-01-19"),
            span("trump2", "2025-01-20", ""),
            span("unattributed", "", ""),
        ];
        let scheme = date_scheme(&spans);
        assert_eq!(period_of_date(&scheme, "2017-01-19"), Some("obama"));
        assert_eq!(period_of_date(&scheme, "2017-01-20"), Some("trump1"));
        assert_eq!(period_of_date(&scheme, "2025-06"), Some("trump2"));
        assert_eq!(period_of_date(&scheme, "2008"), Some("earlier"));
        // A bare year goes to the period covering most of it, as in `mine index`.
        assert_eq!(period_of_date(&scheme, "2021"), Some("biden"));
        assert_eq!(period_of_date(&scheme, "2021-01"), Some("trump1"));
        assert_eq!(period_of_date(&scheme, ""), None);
    }
}
