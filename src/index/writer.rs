//! Writing the sentence index: `RowBuilder` turns each sentence of an `AnnotatedDocument` into
//! one tantivy document (its text pre-cut into the annotation's tokens), on any thread;
//! `SentenceWriter` adds those rows, deletes a document's rows by id, and commits. Nothing is
//! visible to searchers, and no old segment is removed, before `commit`: dropping a writer (a
//! crash, Ctrl-C) leaves the previous commit as it was.
//!
//! Also gives back `indexed_docs` (doc id → content hash of the committed index) for incremental
//! reruns.

use std::collections::{BTreeMap, BTreeSet};

use tantivy::indexer::LogMergePolicy;
use tantivy::schema::OwnedValue;
use tantivy::{IndexWriter, TantivyDocument, TantivyError, Term};

use super::schema::Fields;
use super::tokenizer::{encode_cut, encode_sub};
use super::{IndexError, RecordedEntry, SentenceIndex, commit_record};
use crate::lexicon::LexiconSet;
use crate::model::{AnnotatedDocument, DocMeta};
use crate::segment::Segmenter;

/// Memory for tantivy's indexing thread before it writes a segment.
const WRITER_MEMORY: usize = 64_000_000;

/// Segments above this many rows are never merged. `WRITER_MEMORY` fills at about 128,000 rows
/// (20 MB of text), so the segments a full run writes stay as they are (about one per 20 MB of
/// corpus) and only small ones (the tail of a run, the segments of incremental reruns) are merged,
/// eight or more at a time, into at most about 200,000 rows. A merge reads every input segment
/// through memory maps, which count in the process's resident memory: with tantivy's default
/// (10 million rows) a 200 MB corpus merged eight segments into one of a million rows before the
/// commit returned, and the peak RSS grew with the corpus (296 MiB at 100 MB, 825 MiB at 200 MB,
/// about 500 MiB of it the mapped index).
const MAX_MERGE_ROWS: usize = 25_000;

impl SentenceIndex {
    /// The committed documents: doc id → `doc_hash` (the content hash of its source file).
    /// A document without sentences has no rows and is not listed.
    pub fn indexed_docs(&self) -> Result<BTreeMap<String, String>, IndexError> {
        self.reload()?;
        let searcher = self.reader.searcher();
        let mut docs = BTreeMap::new();
        for segment in searcher.segment_readers() {
            let columns = segment.fast_fields();
            let column = |name| {
                columns
                    .str(name)
                    .map_err(|source| self.tantivy_err(source))?
                    .ok_or_else(|| {
                        self.tantivy_err(TantivyError::SchemaError(format!(
                            "fast field `{name}` is missing"
                        )))
                    })
            };
            let (ids, hashes) = (column("doc")?, column("doc_hash")?);
            // Each column's dictionary is read once, in order (term ordinals count from 0):
            // turning ordinals into strings row by row decompresses a dictionary block per row.
            let io = |source| IndexError::Io {
                path: self.dir.clone(),
                source,
            };
            let terms = |column: &tantivy::columnar::StrColumn| -> Result<Vec<String>, IndexError> {
                let mut stream = column.dictionary().stream().map_err(io)?;
                let mut terms = Vec::with_capacity(column.num_terms());
                while stream.advance() {
                    terms.push(String::from_utf8_lossy(stream.key()).into_owned());
                }
                Ok(terms)
            };
            let (id_terms, hash_terms) = (terms(&ids)?, terms(&hashes)?);
            for row in segment.doc_ids_alive() {
                let (Some(id), Some(hash)) = (
                    ids.term_ords(row)
                        .next()
                        .and_then(|o| id_terms.get(o as usize)),
                    hashes
                        .term_ords(row)
                        .next()
                        .and_then(|o| hash_terms.get(o as usize)),
                ) else {
                    continue;
                };
                if !docs.contains_key(id) {
                    docs.insert(id.clone(), hash.clone());
                }
            }
        }
        Ok(docs)
    }

    /// The one writer of the index. Another process (or handle) holding it is an error that says
    /// another `mine index` is running.
    pub fn writer(&self) -> Result<SentenceWriter, IndexError> {
        // One indexing thread: the machine's cores are busy annotating documents.
        let writer = self
            .index
            .writer_with_num_threads(1, WRITER_MEMORY)
            .map_err(|source| match source {
                TantivyError::LockFailure(..) => IndexError::Locked {
                    dir: self.dir.clone(),
                },
                source => self.tantivy_err(source),
            })?;
        let mut merges = LogMergePolicy::default();
        merges.set_max_docs_before_merge(MAX_MERGE_ROWS);
        writer.set_merge_policy(Box::new(merges));
        Ok(SentenceWriter {
            writer,
            fields: self.fields,
            dir: self.dir.clone(),
            segmenter: self.segmenter.clone(),
            periods: Vec::new(),
            categories: Vec::new(),
            entries: Vec::new(),
        })
    }
}

/// Adds and deletes sentences; nothing is visible until `commit`.
pub struct SentenceWriter {
    writer: IndexWriter,
    fields: Fields,
    dir: std::path::PathBuf,
    segmenter: Segmenter,
    /// The scheme's period ids, for the commit record.
    periods: Vec<String>,
    /// The lexicon's categories and entries, for the commit record.
    categories: Vec<String>,
    entries: Vec<RecordedEntry>,
}

impl SentenceWriter {
    /// The period ids of the scheme the rows are attributed with, in order: the commit records
    /// them, so that `mine search --count` lists periods in that order without the lexicons.
    pub fn record_periods(&mut self, periods: Vec<String>) {
        self.periods = periods;
    }

    /// The lexicons the hits were tagged with: the commit records their categories (so that
    /// `mine search --category` knows the valid names) and every entry's forms (so that a query
    /// for one form finds the others).
    pub fn record_lexicons(&mut self, lexicons: &LexiconSet) {
        self.categories = lexicons.categories.iter().map(|c| c.name.clone()).collect();
        self.entries = lexicons
            .categories
            .iter()
            .flat_map(|c| {
                c.entries.iter().map(move |e| RecordedEntry {
                    key: format!("{}/{}", c.name, e.term),
                    forms: e.forms().map(str::to_string).collect(),
                })
            })
            .collect();
    }

    /// Deletes every row of document `id` (applied at commit, before the rows added after it).
    pub fn delete_doc(&mut self, id: &str) {
        self.writer
            .delete_term(Term::from_field_text(self.fields.doc, id));
    }

    /// Deletes every row (for a rebuild); the old rows stay searchable until `commit`.
    pub fn delete_all(&mut self) -> Result<(), IndexError> {
        self.writer
            .delete_all_documents()
            .map(|_| ())
            .map_err(|source| self.tantivy_err(source))
    }

    /// Adds one row per sentence of `doc`; returns the number of rows. `lexicons` is the set the
    /// hits were tagged with (their indices point into it).
    pub fn add(
        &mut self,
        doc: &AnnotatedDocument,
        lexicons: &LexiconSet,
    ) -> Result<usize, IndexError> {
        let rows = self.row_builder().rows(doc, lexicons)?;
        self.add_rows(rows)
    }

    /// What turns documents into rows, for worker threads: building the rows (cutting titles and
    /// headings, encoding the tokens) needs no access to the writer.
    pub fn row_builder(&self) -> RowBuilder {
        RowBuilder {
            fields: self.fields,
            segmenter: self.segmenter.clone(),
        }
    }

    /// Adds rows made by `RowBuilder::rows`; returns their number.
    pub fn add_rows(&mut self, rows: SentenceRows) -> Result<usize, IndexError> {
        let n = rows.0.len();
        for row in rows.0 {
            self.writer
                .add_document(row)
                .map_err(|source| self.tantivy_err(source))?;
        }
        Ok(n)
    }

    /// Makes every change since the writer was opened visible at once, with the commit record
    /// (the segmenter's dictionary and the periods), then waits for merges.
    pub fn commit(mut self) -> Result<(), IndexError> {
        let record = commit_record(
            &self.segmenter,
            &self.periods,
            &self.categories,
            &self.entries,
        );
        let dir = &self.dir;
        let tantivy_err = |source| IndexError::Tantivy {
            dir: dir.clone(),
            source,
        };
        let mut prepared = self.writer.prepare_commit().map_err(tantivy_err)?;
        prepared.set_payload(&record);
        prepared.commit().map_err(tantivy_err)?;
        self.writer.wait_merging_threads().map_err(tantivy_err)
    }

    fn tantivy_err(&self, source: TantivyError) -> IndexError {
        IndexError::Tantivy {
            dir: self.dir.clone(),
            source,
        }
    }
}

/// The index rows of one document, ready for `SentenceWriter::add_rows`.
pub struct SentenceRows(Vec<TantivyDocument>);

impl SentenceRows {
    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Builds index rows from annotated documents; cheap to clone, shared by worker threads.
#[derive(Clone)]
pub struct RowBuilder {
    fields: Fields,
    segmenter: Segmenter,
}

impl RowBuilder {
    /// One row per sentence of `doc`, checked against its text and `lexicons` (the set the hits
    /// were tagged with).
    pub fn rows(
        &self,
        doc: &AnnotatedDocument,
        lexicons: &LexiconSet,
    ) -> Result<SentenceRows, IndexError> {
        let id = &doc.doc.meta.id;
        let bad = |message: String| IndexError::Annotation {
            doc: id.clone(),
            message,
        };
        if doc.annotations.len() != doc.doc.sentences.len() {
            return Err(bad(format!(
                "{} annotations for {} sentences",
                doc.annotations.len(),
                doc.doc.sentences.len()
            )));
        }
        let f = self.fields;
        let meta = meta_object(&doc.doc.meta);
        let mut rows = Vec::with_capacity(doc.doc.sentences.len());
        let date = doc.doc.meta.date.map(|d| d.to_string()).unwrap_or_default();
        // The title and each heading path are cut once per document, not once per row.
        let cut = |text: &str| encode_cut(text, &self.segmenter.tokens(text));
        let title = cut(&doc.doc.meta.title);
        let mut sections: BTreeMap<_, String> = BTreeMap::new();
        let mut scratch = Vec::new();
        for (sentence, annotation) in doc.doc.sentences.iter().zip(&doc.annotations) {
            let text = &sentence.text;
            if let Some(t) = annotation.tokens.iter().find(|t| {
                text.get(t.byte_start as usize..t.byte_end as usize)
                    .is_none()
            }) {
                return Err(bad(format!(
                    "sentence {}: token {}..{} is not on character boundaries of its text",
                    sentence.id, t.byte_start, t.byte_end
                )));
            }
            let mut categories = BTreeSet::new();
            let mut entries = BTreeSet::new();
            for hit in &annotation.hits {
                let category = lexicons.categories.get(hit.category);
                let entry = category.and_then(|c| c.entries.get(hit.entry));
                let (Some(category), Some(entry)) = (category, entry) else {
                    return Err(bad(format!(
                        "sentence {}: hit of category {} entry {} is not in the lexicons",
                        sentence.id, hit.category, hit.entry
                    )));
                };
                categories.insert(category.name.as_str());
                entries.insert(format!("{}/{}", category.name, entry.term));
            }
            let section = sections
                .entry(sentence.section)
                .or_insert_with(|| cut(&doc.doc.section_path(sentence.section)));

            let mut row = TantivyDocument::new();
            row.add_text(f.doc, id);
            row.add_text(f.title, &title);
            row.add_text(f.date, &date);
            row.add_text(f.zone, sentence.zone.as_str());
            row.add_text(f.section, section.as_str());
            row.add_u64(f.paragraph, u64::from(sentence.paragraph));
            row.add_u64(f.sentence_id, u64::from(sentence.id));
            row.add_text(f.period, &annotation.period.period);
            // `period:P` also finds a sentence with a clause about P (`…；然而…`).
            let mut other: Vec<&str> = annotation
                .clauses
                .iter()
                .map(|c| c.period.period.as_str())
                .filter(|p| *p != annotation.period.period)
                .collect();
            other.sort_unstable();
            other.dedup();
            for p in other {
                row.add_text(f.period, p);
            }
            row.add_text(f.period_source, annotation.period.source.as_str());
            row.add_text(f.period_evidence, &annotation.period.evidence);
            for category in categories {
                row.add_text(f.category, category);
            }
            for entry in entries {
                row.add_text(f.entry, entry);
            }
            row.add_object(f.meta, meta.clone());
            // Read back once per document (`indexed_docs`): on its first row only.
            if rows.is_empty() {
                row.add_text(f.doc_hash, &doc.doc.content_hash);
            }
            // The annotation's own tokens, replayed by the index's tokenizer: what is counted is
            // what is found, and no sentence is segmented again.
            row.add_text(
                f.sub,
                encode_sub(text, &annotation.tokens, &self.segmenter, &mut scratch),
            );
            row.add_text(f.text, encode_cut(text, &annotation.tokens));
            rows.push(row);
        }
        Ok(SentenceRows(rows))
    }
}

/// The document's metadata as a JSON object: `file`, `authors`, `journal`, then the extra columns
/// of `metadata.csv` (which win over the fixed names when they share one).
fn meta_object(meta: &DocMeta) -> BTreeMap<String, OwnedValue> {
    let mut object = BTreeMap::new();
    object.insert("file".to_string(), OwnedValue::Str(meta.file.clone()));
    object.insert(
        "authors".to_string(),
        OwnedValue::Array(
            meta.authors
                .iter()
                .map(|a| OwnedValue::Str(a.clone()))
                .collect(),
        ),
    );
    if let Some(journal) = &meta.journal {
        object.insert("journal".to_string(), OwnedValue::Str(journal.clone()));
    }
    for (key, value) in &meta.extra {
        object.insert(key.clone(), OwnedValue::Str(value.clone()));
    }
    object
}
