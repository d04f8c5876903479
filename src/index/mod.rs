//! The sentence index: a tantivy index in `<out>/index/` with one tantivy document per sentence of
//! the corpus. `mine index` fills it from `AnnotatedDocument`s through `SentenceWriter` (the text
//! field gets the annotation's own jieba tokens, so that what is counted is what is found);
//! `mine search` reads it through `SentenceIndex::search`.
//!
//! Takes annotated documents (and the `LexiconSet` that names their hits) in; gives back ranked
//! sentences with exact highlight byte ranges, counts per period, and the doc id → content hash map
//! that incremental reruns compare against.
//!
//! Safety of the data on disk rests on tantivy: a commit is atomic (an interrupted run leaves the
//! last commit searchable, and old segments are only garbage-collected after a new commit), and
//! tantivy's writer lock keeps two writers apart. A marker file `mine-index.json` records the
//! schema version and tells our index apart from any other folder. Each commit carries a
//! `CommitRecord` (tantivy's commit payload, written with the commit): the segmenter the rows were
//! cut with and the scheme's periods, so that `mine search` cuts a query exactly as the sentences
//! were cut without reading the lexicon folder, which may have changed since.

mod collector;
pub mod kwic;
pub mod schema;
pub mod search;
pub mod tokenizer;
pub mod writer;

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use tantivy::{Index, IndexReader, ReloadPolicy, TantivyError};

pub use kwic::Kwic;
pub use schema::{Fields, SCHEMA_VERSION};
pub use search::{SearchError, SearchHit, SearchRequest, SearchResults};
pub use writer::{RowBuilder, SentenceRows, SentenceWriter};

use crate::segment::{Segmenter, SegmenterRecord};
use tokenizer::MineTokenizer;

/// The marker file of a mine index, next to tantivy's `meta.json`.
pub const MARKER_FILE: &str = "mine-index.json";

/// Why the index cannot be created, opened or written.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    #[error(
        "{} is not empty and holds no mine index: choose another --out folder or empty this one",
        dir.display()
    )]
    NotAnIndex { dir: PathBuf },
    #[error("no index in {}: run `mine index CORPUS` first", dir.display())]
    NoIndex { dir: PathBuf },
    #[error(
        "the index in {} has schema version {found}, this mine uses version {expected}: rebuild it with `mine index --force`",
        dir.display()
    )]
    SchemaVersion {
        dir: PathBuf,
        found: String,
        expected: u32,
    },
    #[error("another `mine index` is running on {}: wait for it to finish", dir.display())]
    Locked { dir: PathBuf },
    #[error("index in {}: {source}", dir.display())]
    Tantivy {
        dir: PathBuf,
        #[source]
        source: TantivyError,
    },
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("document `{doc}`: {message}")]
    Annotation { doc: String, message: String },
    #[error(
        "the index in {} records its segmenter in a form this mine cannot read ({message}): \
         rebuild it with `mine index --force`",
        dir.display()
    )]
    Record { dir: PathBuf, message: String },
}

/// What each commit of the index records beside its rows (see the module comment).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommitRecord {
    /// Always `RECORD_FORMAT`.
    format: String,
    /// The segmenter every row of the index was cut with.
    pub segmenter: SegmenterRecord,
    /// The period ids of the scheme the rows were attributed with, in the scheme's order; empty
    /// when the writer was not told them (`SentenceWriter::record_periods`).
    pub periods: Vec<String>,
    /// The lexicon categories the hits were tagged with, in order (`SentenceWriter::record_lexicons`);
    /// empty in a record written before they were recorded.
    #[serde(default)]
    pub categories: Vec<String>,
    /// Every lexicon entry with its forms, so that a query for one form also finds the others.
    #[serde(default)]
    pub entries: Vec<RecordedEntry>,
}

/// A lexicon entry as the index records it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordedEntry {
    /// `category/term`, the value of the `entry` field.
    pub key: String,
    /// The term, then its variants.
    pub forms: Vec<String>,
}

const RECORD_FORMAT: &str = "mine commit record 1";

#[derive(Debug, Serialize, Deserialize)]
struct Marker {
    /// Always `mine sentence index`: tells the file apart from an unrelated JSON file.
    format: String,
    schema_version: u32,
}

const MARKER_FORMAT: &str = "mine sentence index";

/// An open sentence index, for searching and (through `writer`) for writing.
pub struct SentenceIndex {
    dir: PathBuf,
    index: Index,
    reader: IndexReader,
    fields: Fields,
    /// Cuts titles and headings, and finds the `sub` field's sub-words, when writing rows.
    segmenter: Segmenter,
    /// What the last commit recorded, when the index was opened with `open_recorded`.
    record: Option<CommitRecord>,
}

impl SentenceIndex {
    /// Opens the index in `dir`, creating it when `dir` is missing or empty. Refuses a non-empty
    /// folder that is not a mine index, and an index of another schema version.
    pub fn create_or_open(dir: &Path, segmenter: Segmenter) -> Result<SentenceIndex, IndexError> {
        let io_err = |source| IndexError::Io {
            path: dir.to_path_buf(),
            source,
        };
        match read_marker(dir)? {
            Some(_) if dir.join("meta.json").exists() => {
                return SentenceIndex::open(dir, segmenter);
            }
            // A marker without `meta.json`: a creation interrupted after the marker was written.
            Some(version) => check_version(dir, version)?,
            None => {
                if dir.exists() && fs::read_dir(dir).map_err(io_err)?.next().is_some() {
                    return Err(IndexError::NotAnIndex {
                        dir: dir.to_path_buf(),
                    });
                }
                fs::create_dir_all(dir).map_err(io_err)?;
                // The marker goes first: a crash before tantivy's meta.json leaves a folder that
                // the next run recognises as ours and finishes creating.
                write_marker(dir)?;
            }
        }
        let (schema, _) = schema::build();
        let index = Index::create_in_dir(dir, schema).map_err(|source| IndexError::Tantivy {
            dir: dir.to_path_buf(),
            source,
        })?;
        SentenceIndex::from_index(dir, index, segmenter)
    }

    /// Opens an existing index for searching (and writing). A missing index is an error that
    /// tells the user to run `mine index` first.
    pub fn open(dir: &Path, segmenter: Segmenter) -> Result<SentenceIndex, IndexError> {
        let index = open_existing(dir)?;
        SentenceIndex::from_index(dir, index, segmenter)
    }

    /// Opens an existing index for searching with the segmenter its last commit recorded, and
    /// gives back that record; `None` for an index committed without one (by an older `mine`).
    pub fn open_recorded(dir: &Path) -> Result<Option<(SentenceIndex, CommitRecord)>, IndexError> {
        let index = open_existing(dir)?;
        let metas = index.load_metas().map_err(|source| IndexError::Tantivy {
            dir: dir.to_path_buf(),
            source,
        })?;
        let Some(payload) = metas.payload else {
            return Ok(None);
        };
        let record = serde_json::from_str::<CommitRecord>(&payload)
            .map_err(|e| e.to_string())
            .and_then(|r| {
                if r.format == RECORD_FORMAT {
                    Ok(r)
                } else {
                    Err(format!("format `{}`", r.format))
                }
            })
            .map_err(|message| IndexError::Record {
                dir: dir.to_path_buf(),
                message,
            })?;
        let segmenter = Segmenter::from_record(&record.segmenter);
        let mut opened = SentenceIndex::from_index(dir, index, segmenter)?;
        opened.record = Some(record.clone());
        Ok(Some((opened, record)))
    }

    fn from_index(
        dir: &Path,
        index: Index,
        segmenter: Segmenter,
    ) -> Result<SentenceIndex, IndexError> {
        let tantivy_err = |source| IndexError::Tantivy {
            dir: dir.to_path_buf(),
            source,
        };
        // Tokenizers are not persisted: register ours on every open, before any query or write.
        index
            .tokenizers()
            .register(schema::TOKENIZER, MineTokenizer::words(segmenter.clone()));
        index.tokenizers().register(
            schema::SUB_TOKENIZER,
            MineTokenizer::sub_words(segmenter.clone()),
        );
        let fields =
            schema::fields_of(&index.schema()).ok_or_else(|| IndexError::SchemaVersion {
                dir: dir.to_path_buf(),
                found: "unknown".to_string(),
                expected: SCHEMA_VERSION,
            })?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(tantivy_err)?;
        Ok(SentenceIndex {
            dir: dir.to_path_buf(),
            index,
            reader,
            fields,
            segmenter,
            record: None,
        })
    }

    /// The folder of the index.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The segmenter queries (and, when writing, titles and headings) are cut with.
    pub fn segmenter(&self) -> &Segmenter {
        &self.segmenter
    }

    /// Loads the last commit, so that a long-lived handle sees what another writer committed.
    fn reload(&self) -> Result<(), IndexError> {
        self.reader
            .reload()
            .map_err(|source| self.tantivy_err(source))
    }

    fn tantivy_err(&self, source: TantivyError) -> IndexError {
        IndexError::Tantivy {
            dir: self.dir.clone(),
            source,
        }
    }
}

/// The tantivy index of the existing mine index in `dir`, after checking the marker, the schema
/// version and the fields.
fn open_existing(dir: &Path) -> Result<Index, IndexError> {
    let no_index = || IndexError::NoIndex {
        dir: dir.to_path_buf(),
    };
    let Some(version) = read_marker(dir)? else {
        let has_entries = fs::read_dir(dir).is_ok_and(|mut d| d.next().is_some());
        return Err(if has_entries {
            IndexError::NotAnIndex {
                dir: dir.to_path_buf(),
            }
        } else {
            no_index()
        });
    };
    check_version(dir, version)?;
    if !dir.join("meta.json").exists() {
        return Err(no_index());
    }
    let index = Index::open_in_dir(dir).map_err(|source| IndexError::Tantivy {
        dir: dir.to_path_buf(),
        source,
    })?;
    if index.schema() != schema::build().0 {
        return Err(IndexError::SchemaVersion {
            dir: dir.to_path_buf(),
            found: format!("{version} (with other fields)"),
            expected: SCHEMA_VERSION,
        });
    }
    Ok(index)
}

/// The record a commit carries: `segmenter`'s dictionary, the scheme's `periods` and the
/// lexicon's categories and entries.
fn commit_record(
    segmenter: &Segmenter,
    periods: &[String],
    categories: &[String],
    entries: &[RecordedEntry],
) -> String {
    let record = CommitRecord {
        format: RECORD_FORMAT.to_string(),
        segmenter: segmenter.record(),
        periods: periods.to_vec(),
        categories: categories.to_vec(),
        entries: entries.to_vec(),
    };
    serde_json::to_string(&record).expect("a commit record always serialises")
}

/// Deletes the index in `dir`, only if it is a mine index (for `--force` across schema versions).
/// A missing folder is not an error.
pub fn remove(dir: &Path) -> Result<(), IndexError> {
    if !dir.exists() {
        return Ok(());
    }
    if !dir.join(MARKER_FILE).exists() {
        return Err(IndexError::NotAnIndex {
            dir: dir.to_path_buf(),
        });
    }
    fs::remove_dir_all(dir).map_err(|source| IndexError::Io {
        path: dir.to_path_buf(),
        source,
    })
}

/// The schema version the marker records, `None` when there is no marker.
fn read_marker(dir: &Path) -> Result<Option<u32>, IndexError> {
    let path = dir.join(MARKER_FILE);
    let text = match fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(source) => return Err(IndexError::Io { path, source }),
    };
    match serde_json::from_str::<Marker>(&text) {
        Ok(marker) if marker.format == MARKER_FORMAT => Ok(Some(marker.schema_version)),
        _ => Err(IndexError::SchemaVersion {
            dir: dir.to_path_buf(),
            found: format!("unreadable ({MARKER_FILE} is damaged)"),
            expected: SCHEMA_VERSION,
        }),
    }
}

fn check_version(dir: &Path, version: u32) -> Result<(), IndexError> {
    if version == SCHEMA_VERSION {
        Ok(())
    } else {
        Err(IndexError::SchemaVersion {
            dir: dir.to_path_buf(),
            found: version.to_string(),
            expected: SCHEMA_VERSION,
        })
    }
}

fn write_marker(dir: &Path) -> Result<(), IndexError> {
    let path = dir.join(MARKER_FILE);
    let marker = Marker {
        format: MARKER_FORMAT.to_string(),
        schema_version: SCHEMA_VERSION,
    };
    let json = serde_json::to_string_pretty(&marker).expect("a marker always serialises");
    fs::write(&path, json + "\n").map_err(|source| IndexError::Io { path, source })
}

#[cfg(test)]
mod tests;
