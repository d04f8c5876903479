//! Evidence exports: takes a stream of `AnnotatedDocument`s (in doc-id order) with the lexicons and
//! the period scheme, and gives back the tidy CSVs a researcher takes away (`passages.csv`,
//! `hits.csv`, `period_frequencies.csv`, `period_categories.csv`, `doc_period_frequencies.csv`,
//! `keyness.csv`) plus `codebook.md`; `manifest` writes `manifest.json`.
//!
//! `Exporter` streams: passages, hits and per-document rows are written as each document arrives,
//! and only counts are kept (per period × entry, per period × category, per document × period ×
//! category for the bootstrap), so memory grows with the number of documents and entries, never
//! with the number of sentences or hits. Every file is written to a temporary name in the output
//! folder and renamed into place only when all of them are complete.
//!
//! Decisions (also in `codebook.md`): frequency files count the sentences of `options.zones`
//! (body by default); `passages.csv` and `hits.csv` hold every zone, and `hits.csv` marks the
//! counted ones. Rates count plain hits. A hit's subcategory is its entry's subcategory.

pub mod codebook;
pub mod manifest;
mod table;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use unicode_segmentation::UnicodeSegmentation;

use crate::lexicon::LexiconSet;
use crate::model::{AnnotatedDocument, Hit, ModifierKind, UNATTRIBUTED, Zone};
use crate::period::PeriodScheme;
use crate::stats;

pub use manifest::{ExportSettings, Manifest, OutputFile, ZoneCounts};
pub use table::guard_formula;

use codebook::CsvTable;
use table::{EncodedRows, Finished, RowEncoder, TableWriter};

/// Bootstrap replicates per period when the user does not say.
pub const DEFAULT_BOOTSTRAP_REPS: usize = 2000;
/// The bootstrap seed when the user does not say: the first day of the Biden administration,
/// fixed so that two runs give byte-identical intervals.
pub const DEFAULT_SEED: u64 = 20_210_120;
/// Grapheme clusters of context on each side of a hit in `hits.csv`.
pub const KWIC_GRAPHEMES: usize = 20;

#[derive(Clone, Debug, PartialEq)]
pub struct ExportOptions {
    /// Zones whose sentences the frequency files count.
    pub zones: Vec<Zone>,
    /// Write a UTF-8 BOM and guard text cells against formula injection.
    pub excel: bool,
    pub bootstrap_reps: usize,
    pub seed: u64,
}

impl Default for ExportOptions {
    fn default() -> Self {
        ExportOptions {
            zones: vec![Zone::Body],
            excel: false,
            bootstrap_reps: DEFAULT_BOOTSTRAP_REPS,
            seed: DEFAULT_SEED,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("cannot write {}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write {}", path.display())]
    Csv { path: PathBuf, source: csv::Error },
    #[error("no counted zones: name at least one zone (e.g. `--zones body`)")]
    NoZones,
    #[error("a cached export does not fit the lexicons and periods of this run")]
    StaleExport,
    #[error("extra metadata column `{0}` clashes with another column of passages.csv")]
    DuplicateColumn(String),
    #[error(
        "{doc}: {sentences} sentences but {annotations} sentence annotations; rerun `mine index --force`"
    )]
    Misaligned {
        doc: String,
        sentences: usize,
        annotations: usize,
    },
    #[error(
        "{doc}, sentence {sentence}: period `{period}` is not in the period scheme; rerun `mine index` after changing periods.toml"
    )]
    UnknownPeriod {
        doc: String,
        sentence: u32,
        period: String,
    },
    #[error(
        "{doc}, sentence {sentence}: a hit names category {category} entry {entry}, which the lexicons do not have; rerun `mine index` after changing lexicons"
    )]
    UnknownEntry {
        doc: String,
        sentence: u32,
        category: usize,
        entry: usize,
    },
    #[error("{doc}, sentence {sentence}: hit offsets {start}..{end} are not inside the sentence")]
    BadOffsets {
        doc: String,
        sentence: u32,
        start: u32,
        end: u32,
    },
}

/// What an export wrote and counted; `Manifest::record_export` takes it in.
#[derive(Clone, Debug, PartialEq)]
pub struct ExportSummary {
    /// Every file written, with its data rows (0 for `codebook.md`), in writing order.
    pub outputs: Vec<OutputFile>,
    /// Sentences and tokens per zone, all zones.
    pub zones: BTreeMap<Zone, ZoneCounts>,
    pub documents: u64,
    pub sentences: u64,
    pub tokens: u64,
    /// Sentences and tokens of the counted zones.
    pub counted_sentences: u64,
    pub counted_tokens: u64,
    pub settings: ExportSettings,
}

impl ExportSummary {
    /// Data rows written to `file` (e.g. `hits.csv`).
    pub fn rows(&self, file: &str) -> Option<u64> {
        self.outputs.iter().find(|o| o.file == file).map(|o| o.rows)
    }
}

/// Hit counts of one cell (entry or category, in a period or a document-period).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
struct Tally {
    hits: u64,
    plain: u64,
    negated: u64,
    diminished: u64,
    sentences_with_hit: u64,
    docs_with_hit: u64,
}

impl Tally {
    fn add(&mut self, hit: &Hit) {
        self.hits += 1;
        match hit.modifier.as_ref().map(|m| m.kind) {
            None => self.plain += 1,
            Some(ModifierKind::Negated) => self.negated += 1,
            Some(ModifierKind::Diminished) => self.diminished += 1,
        }
    }

    fn merge(&mut self, other: &Tally) {
        self.hits += other.hits;
        self.plain += other.plain;
        self.negated += other.negated;
        self.diminished += other.diminished;
        self.sentences_with_hit += other.sentences_with_hit;
        self.docs_with_hit += other.docs_with_hit;
    }

    fn counts(&self) -> [String; 5] {
        [
            self.hits.to_string(),
            self.plain.to_string(),
            self.negated.to_string(),
            self.diminished.to_string(),
            self.sentences_with_hit.to_string(),
        ]
    }
}

#[derive(Clone, Copy, Debug, Default)]
struct Totals {
    tokens: u64,
    sentences: u64,
    docs: u64,
}

/// One document's counted text in one period: a cluster of the bootstrap.
struct Cluster {
    tokens: u64,
    plain: Vec<u64>,
}

/// A document's counts in one period while the document is being read.
struct DocPeriod {
    tokens: u64,
    sentences: u64,
    categories: Vec<Tally>,
}

/// Everything the export takes from one document, made by `DocExporter::prepare` (on any thread)
/// and added to the totals by `Exporter::absorb` in document order: the document's rows of
/// `passages.csv`, `hits.csv` and `doc_period_frequencies.csv` as CSV bytes, its sentences and
/// tokens per zone, and its counts per period (the cells of the frequency files and its bootstrap
/// clusters). `mine index` keeps it in the cache beside the annotations, so that a rerun splices
/// an unchanged document in without reading its annotations; it is only valid for the
/// `DocExporter::key` it was made with.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DocExport<'a> {
    #[serde(borrow)]
    passages: EncodedRows<'a>,
    #[serde(borrow)]
    hits: EncodedRows<'a>,
    #[serde(borrow)]
    doc_periods: EncodedRows<'a>,
    zones: Vec<(Zone, ZoneCounts)>,
    periods: Vec<PeriodPart>,
}

/// One document's counted text in one period.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
struct PeriodPart {
    /// Index into the exporter's period ids.
    period: u32,
    tokens: u64,
    sentences: u64,
    /// Per category (`docs_with_hit` left at 0).
    categories: Vec<Tally>,
    /// Per flat entry index hit in the period (`docs_with_hit` 1), ascending.
    entries: Vec<(u32, Tally)>,
}

/// The per-document half of an export: turns one `AnnotatedDocument` into its `DocExport`.
/// Holds no running totals, so worker threads share it (`Exporter::doc_exporter`).
pub struct DocExporter {
    lexicons: LexiconSet,
    extra_columns: Vec<String>,
    options: ExportOptions,
    /// Scheme period ids, then `unattributed`.
    period_ids: Vec<String>,
    period_index: HashMap<String, usize>,
    /// First flat entry index of each category.
    entry_base: Vec<usize>,
    n_entries: usize,
    passages_table: CsvTable,
    hits_table: CsvTable,
    doc_periods_table: CsvTable,
    key: String,
}

/// Sources of the code that turns a document into its `DocExport`: a cached `DocExport` made by
/// another version of this code is never reused (its rows could differ).
const EXPORT_SOURCES: [&[u8]; 3] = [
    include_bytes!("mod.rs"),
    include_bytes!("table.rs"),
    include_bytes!("codebook.rs"),
];

pub struct Exporter {
    out: PathBuf,
    doc: std::sync::Arc<DocExporter>,
    scheme: PeriodScheme,
    passages: TableWriter,
    hits: TableWriter,
    doc_periods: TableWriter,
    /// Indexed `period * n_entries + flat entry`.
    entry_tallies: Vec<Tally>,
    /// Indexed `period * categories + category`.
    category_tallies: Vec<Tally>,
    totals: Vec<Totals>,
    clusters: Vec<Vec<Cluster>>,
    zones: BTreeMap<Zone, ZoneCounts>,
    documents: u64,
}

impl std::ops::Deref for Exporter {
    type Target = DocExporter;
    fn deref(&self) -> &DocExporter {
        &self.doc
    }
}

impl Exporter {
    pub fn new(
        out: &Path,
        lexicons: &LexiconSet,
        scheme: &PeriodScheme,
        extra_columns: &[String],
        options: ExportOptions,
    ) -> Result<Exporter, ExportError> {
        if options.zones.is_empty() {
            return Err(ExportError::NoZones);
        }
        let passages_table = codebook::passages(lexicons, extra_columns);
        let mut seen = BTreeSet::new();
        for name in passages_table.header() {
            if !seen.insert(name) {
                return Err(ExportError::DuplicateColumn(name.to_string()));
            }
        }
        fs::create_dir_all(out).map_err(|source| ExportError::Io {
            path: out.to_path_buf(),
            source,
        })?;
        let mut period_ids: Vec<String> = scheme.ids().into_iter().map(String::from).collect();
        if !period_ids.iter().any(|p| p == UNATTRIBUTED) {
            period_ids.push(UNATTRIBUTED.to_string());
        }
        let period_index = period_ids
            .iter()
            .enumerate()
            .map(|(i, p)| (p.clone(), i))
            .collect();
        let mut entry_base = Vec::new();
        let mut n_entries = 0;
        for cat in &lexicons.categories {
            entry_base.push(n_entries);
            n_entries += cat.entries.len();
        }
        let n_periods = period_ids.len();
        let n_categories = lexicons.categories.len();
        let hits_table = codebook::hits();
        let doc_periods_table = codebook::doc_period_frequencies();
        let doc = DocExporter {
            key: export_key(lexicons, extra_columns, &options, &period_ids),
            lexicons: lexicons.clone(),
            extra_columns: extra_columns.to_vec(),
            options,
            period_ids,
            period_index,
            entry_base,
            n_entries,
            passages_table,
            hits_table,
            doc_periods_table,
        };
        Ok(Exporter {
            out: out.to_path_buf(),
            passages: TableWriter::create(out, &doc.passages_table, doc.options.excel)?,
            hits: TableWriter::create(out, &doc.hits_table, doc.options.excel)?,
            doc_periods: TableWriter::create(out, &doc.doc_periods_table, doc.options.excel)?,
            doc: std::sync::Arc::new(doc),
            scheme: scheme.clone(),
            entry_tallies: vec![Tally::default(); n_periods * n_entries],
            category_tallies: vec![Tally::default(); n_periods * n_categories],
            totals: vec![Totals::default(); n_periods],
            clusters: (0..n_periods).map(|_| Vec::new()).collect(),
            zones: BTreeMap::new(),
            documents: 0,
        })
    }

    /// The per-document half of this export, to share with worker threads.
    pub fn doc_exporter(&self) -> std::sync::Arc<DocExporter> {
        self.doc.clone()
    }

    /// Exports one document: its rows are written and its counts added. Documents must come in
    /// doc-id order.
    pub fn add(&mut self, ad: &AnnotatedDocument) -> Result<(), ExportError> {
        let export = self.doc.prepare(ad)?;
        self.absorb(&export)
    }

    /// Adds a document's export made by this exporter's `DocExporter` (or one with the same
    /// `key`), in doc-id order.
    pub fn absorb(&mut self, export: &DocExport<'_>) -> Result<(), ExportError> {
        let n_periods = self.period_ids.len();
        let n_categories = self.lexicons.categories.len();
        let fits = export.periods.iter().all(|part| {
            (part.period as usize) < n_periods
                && part.categories.len() == n_categories
                && part
                    .entries
                    .iter()
                    .all(|(e, _)| (*e as usize) < self.n_entries)
        });
        if !fits {
            return Err(ExportError::StaleExport);
        }
        self.passages.write_encoded(&export.passages)?;
        self.hits.write_encoded(&export.hits)?;
        self.doc_periods.write_encoded(&export.doc_periods)?;
        for (zone, counts) in &export.zones {
            let z = self.zones.entry(*zone).or_default();
            z.sentences += counts.sentences;
            z.tokens += counts.tokens;
        }
        for part in &export.periods {
            let p = part.period as usize;
            let totals = &mut self.totals[p];
            totals.tokens += part.tokens;
            totals.sentences += part.sentences;
            totals.docs += 1;
            for (c, t) in part.categories.iter().enumerate() {
                let cell = &mut self.category_tallies[p * n_categories + c];
                cell.merge(t);
                if t.hits > 0 {
                    cell.docs_with_hit += 1;
                }
            }
            let n_entries = self.n_entries;
            for (e, t) in &part.entries {
                self.entry_tallies[p * n_entries + *e as usize].merge(t);
            }
            self.clusters[p].push(Cluster {
                tokens: part.tokens,
                plain: part.categories.iter().map(|t| t.plain).collect(),
            });
        }
        self.documents += 1;
        Ok(())
    }
}

/// What a `DocExport` depends on besides the document: the code that makes it, the counted
/// zones, the Excel mode, the metadata columns, the periods and the lexicon entries.
fn export_key(
    lexicons: &LexiconSet,
    extra_columns: &[String],
    options: &ExportOptions,
    period_ids: &[String],
) -> String {
    let mut h = blake3::Hasher::new();
    let mut field = |bytes: &[u8]| {
        h.update(&(bytes.len() as u64).to_le_bytes());
        h.update(bytes);
    };
    for source in EXPORT_SOURCES {
        field(source);
    }
    for zone in &options.zones {
        field(zone.as_str().as_bytes());
    }
    field(&[u8::from(options.excel)]);
    field(b"columns");
    for name in extra_columns {
        field(name.as_bytes());
    }
    field(b"periods");
    for id in period_ids {
        field(id.as_bytes());
    }
    for cat in &lexicons.categories {
        field(b"category");
        field(cat.name.as_bytes());
        for sub in &cat.subcategories {
            field(sub.as_bytes());
        }
        for entry in &cat.entries {
            field(entry.term.as_bytes());
            field(&(entry.subcategory as u64).to_le_bytes());
        }
    }
    h.finalize().to_hex().to_string()
}

impl DocExporter {
    /// Identifies everything a `DocExport` made here depends on besides its document.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// Checks a document against the lexicons and the scheme before anything of it is written.
    fn validate(&self, ad: &AnnotatedDocument) -> Result<(), ExportError> {
        let doc = &ad.doc;
        if doc.sentences.len() != ad.annotations.len() {
            return Err(ExportError::Misaligned {
                doc: doc.meta.id.clone(),
                sentences: doc.sentences.len(),
                annotations: ad.annotations.len(),
            });
        }
        for (s, a) in doc.sentences.iter().zip(&ad.annotations) {
            if let Some(c) = a
                .clauses
                .iter()
                .find(|c| !self.period_index.contains_key(&c.period.period))
            {
                return Err(ExportError::UnknownPeriod {
                    doc: doc.meta.id.clone(),
                    sentence: s.id,
                    period: c.period.period.clone(),
                });
            }
            if !self.period_index.contains_key(&a.period.period) {
                return Err(ExportError::UnknownPeriod {
                    doc: doc.meta.id.clone(),
                    sentence: s.id,
                    period: a.period.period.clone(),
                });
            }
            for hit in &a.hits {
                let known = self
                    .lexicons
                    .categories
                    .get(hit.category)
                    .is_some_and(|c| hit.entry < c.entries.len());
                if !known {
                    return Err(ExportError::UnknownEntry {
                        doc: doc.meta.id.clone(),
                        sentence: s.id,
                        category: hit.category,
                        entry: hit.entry,
                    });
                }
                let (start, end) = (hit.byte_start as usize, hit.byte_end as usize);
                if start > end || !s.text.is_char_boundary(start) || !s.text.is_char_boundary(end) {
                    return Err(ExportError::BadOffsets {
                        doc: doc.meta.id.clone(),
                        sentence: s.id,
                        start: hit.byte_start,
                        end: hit.byte_end,
                    });
                }
            }
        }
        Ok(())
    }

    /// Checks one document and makes its rows and counts; nothing is written.
    pub fn prepare(&self, ad: &AnnotatedDocument) -> Result<DocExport<'static>, ExportError> {
        self.validate(ad)?;
        let doc = &ad.doc;
        let meta = &doc.meta;
        let n_categories = self.lexicons.categories.len();
        let metadata_cells = {
            let mut cells = vec![
                meta.title.clone(),
                meta.authors.join(";"),
                meta.journal.clone().unwrap_or_default(),
                meta.date.map(|d| d.to_string()).unwrap_or_default(),
            ];
            for name in &self.extra_columns {
                cells.push(
                    meta.extra
                        .iter()
                        .find(|(k, _)| k == name)
                        .map(|(_, v)| v.clone())
                        .unwrap_or_default(),
                );
            }
            cells
        };
        let mut passages = RowEncoder::new(&self.passages_table, self.options.excel);
        let mut hits_rows = RowEncoder::new(&self.hits_table, self.options.excel);
        let mut doc_period_rows = RowEncoder::new(&self.doc_periods_table, self.options.excel);
        let mut zones: BTreeMap<Zone, ZoneCounts> = BTreeMap::new();
        let mut doc_periods: BTreeMap<usize, DocPeriod> = BTreeMap::new();
        // (period, flat entry) → the document's tally of the entry in the period.
        let mut entry_tallies: BTreeMap<(usize, usize), Tally> = BTreeMap::new();

        for (s, a) in doc.sentences.iter().zip(&ad.annotations) {
            let p = self.period_index[&a.period.period];
            let counted = self.options.zones.contains(&s.zone);
            // Word tokens per period: a clause that speaks of another time counts its words there.
            let mut words_by_period: BTreeMap<usize, u64> = BTreeMap::new();
            for t in a
                .tokens
                .iter()
                .filter(|t| crate::segment::is_word(t.text(&s.text)))
            {
                let period = &a.period_at(t.char_start).period;
                *words_by_period
                    .entry(self.period_index[period])
                    .or_insert(0) += 1;
            }
            let n_tokens: u64 = words_by_period.values().sum();
            let zone = zones.entry(s.zone).or_default();
            zone.sentences += 1;
            zone.tokens += n_tokens;

            // passages.csv
            let mut per_category = vec![Tally::default(); n_categories];
            for hit in &a.hits {
                per_category[hit.category].add(hit);
            }
            let mut row = vec![
                meta.id.clone(),
                s.id.to_string(),
                s.zone.as_str().to_string(),
                doc.section_path(s.section),
                s.paragraph.to_string(),
                s.text.clone(),
                s.note_refs.join(";"),
                n_tokens.to_string(),
                a.tokens.len().to_string(),
            ];
            for t in &per_category {
                row.extend([
                    t.hits.to_string(),
                    t.plain.to_string(),
                    t.negated.to_string(),
                    t.diminished.to_string(),
                ]);
            }
            row.extend([
                a.period.period.clone(),
                a.period.source.as_str().to_string(),
                a.period.evidence.clone(),
                a.period.mentioned.join(";"),
            ]);
            row.extend(metadata_cells.iter().cloned());
            passages.write_row(&row)?;

            // hits.csv, in offset order whatever order the tagger gave them in.
            let mut hits: Vec<&Hit> = a.hits.iter().collect();
            hits.sort_by_key(|h| (h.byte_start, h.byte_end, h.category, h.entry));
            for hit in hits {
                let category = &self.lexicons.categories[hit.category];
                let entry = &category.entries[hit.entry];
                let (start, end) = (hit.byte_start as usize, hit.byte_end as usize);
                let left = s.text[..start].graphemes(true).rev().take(KWIC_GRAPHEMES);
                let left: Vec<&str> = left.collect();
                let left: String = left.into_iter().rev().collect();
                let right: String = s.text[end..].graphemes(true).take(KWIC_GRAPHEMES).collect();
                let call = a.period_at(hit.char_start);
                hits_rows.write_row(&[
                    meta.id.clone(),
                    s.id.to_string(),
                    s.zone.as_str().to_string(),
                    call.period.clone(),
                    call.source.as_str().to_string(),
                    call.evidence.clone(),
                    category.name.clone(),
                    subcategory_name(category, entry.subcategory),
                    entry.term.clone(),
                    s.text[start..end].to_string(),
                    hit.modifier
                        .as_ref()
                        .map(|m| m.kind.as_str().to_string())
                        .unwrap_or_default(),
                    hit.modifier
                        .as_ref()
                        .map(|m| m.word.clone())
                        .unwrap_or_default(),
                    hit.char_start.to_string(),
                    hit.char_end.to_string(),
                    left,
                    right,
                    counted.to_string(),
                ])?;
            }

            if !counted {
                continue;
            }
            let empty = || DocPeriod {
                tokens: 0,
                sentences: 0,
                categories: vec![Tally::default(); n_categories],
            };
            // The sentence counts in its own period; its words and hits in their clauses'.
            doc_periods.entry(p).or_insert_with(empty).sentences += 1;
            for (&q, &words) in &words_by_period {
                doc_periods.entry(q).or_insert_with(empty).tokens += words;
            }
            let mut sentence_entries = BTreeSet::new();
            let mut sentence_categories = BTreeSet::new();
            for hit in &a.hits {
                let q = self.period_index[&a.period_at(hit.char_start).period];
                let e = self.entry_base[hit.category] + hit.entry;
                entry_tallies.entry((q, e)).or_default().add(hit);
                doc_periods.entry(q).or_insert_with(empty).categories[hit.category].add(hit);
                sentence_entries.insert((q, e));
                sentence_categories.insert((q, hit.category));
            }
            for key in sentence_entries {
                if let Some(t) = entry_tallies.get_mut(&key) {
                    t.sentences_with_hit += 1;
                }
            }
            for (q, c) in sentence_categories {
                if let Some(dp) = doc_periods.get_mut(&q) {
                    dp.categories[c].sentences_with_hit += 1;
                }
            }
        }

        for t in entry_tallies.values_mut() {
            t.docs_with_hit = 1;
        }
        for (&p, dp) in &doc_periods {
            for (c, t) in dp.categories.iter().enumerate() {
                let mut row = vec![
                    meta.id.clone(),
                    self.period_ids[p].clone(),
                    self.lexicons.categories[c].name.clone(),
                ];
                row.extend(t.counts());
                row.extend([
                    dp.tokens.to_string(),
                    dp.sentences.to_string(),
                    stats::fixed(stats::rate_per_10k(t.plain, dp.tokens), 4),
                ]);
                doc_period_rows.write_row(&row)?;
            }
        }
        let periods = doc_periods
            .into_iter()
            .map(|(p, dp)| PeriodPart {
                period: p as u32,
                tokens: dp.tokens,
                sentences: dp.sentences,
                categories: dp.categories,
                entries: entry_tallies
                    .range((p, 0)..(p + 1, 0))
                    .map(|(&(_, e), t)| (e as u32, *t))
                    .collect(),
            })
            .collect();
        Ok(DocExport {
            passages: passages.finish()?,
            hits: hits_rows.finish()?,
            doc_periods: doc_period_rows.finish()?,
            zones: zones.into_iter().collect(),
            periods,
        })
    }
}

impl Exporter {
    /// `(start, end)` cells of a period.
    fn period_dates(&self, p: usize) -> [String; 2] {
        let def = self
            .scheme
            .periods
            .iter()
            .find(|d| d.id == self.period_ids[p]);
        let show =
            |d: Option<crate::model::PartialDate>| d.map(|d| d.to_string()).unwrap_or_default();
        match def {
            Some(d) => [show(d.start), show(d.end)],
            None => [String::new(), String::new()],
        }
    }

    fn write_period_frequencies(&self) -> Result<Finished, ExportError> {
        let mut w = TableWriter::create(
            &self.out,
            &codebook::period_frequencies(),
            self.options.excel,
        )?;
        for p in 0..self.period_ids.len() {
            let totals = self.totals[p];
            for (c, cat) in self.lexicons.categories.iter().enumerate() {
                for (e, entry) in entries_by_subcategory(cat) {
                    let t = self.entry_tallies[p * self.n_entries + self.entry_base[c] + e];
                    let mut row = vec![self.period_ids[p].clone()];
                    row.extend(self.period_dates(p));
                    row.extend([
                        cat.name.clone(),
                        subcategory_name(cat, entry.subcategory),
                        entry.term.clone(),
                    ]);
                    row.extend(t.counts());
                    row.extend([
                        t.docs_with_hit.to_string(),
                        totals.tokens.to_string(),
                        totals.sentences.to_string(),
                        totals.docs.to_string(),
                        stats::fixed(stats::rate_per_10k(t.plain, totals.tokens), 4),
                    ]);
                    w.write_row(&row)?;
                }
            }
        }
        w.finish()
    }

    fn write_period_categories(&self) -> Result<Finished, ExportError> {
        let mut w = TableWriter::create(
            &self.out,
            &codebook::period_categories(),
            self.options.excel,
        )?;
        let n_categories = self.lexicons.categories.len();
        let reps = self.options.bootstrap_reps;
        // Each period draws from its own stream of the seeded generator, so the periods are
        // resampled in parallel with the same numbers as one after the other.
        let intervals: Vec<Vec<(f64, f64)>> = self
            .clusters
            .par_iter()
            .enumerate()
            .map(|(p, clusters)| {
                let tokens: Vec<u64> = clusters.iter().map(|c| c.tokens).collect();
                let hits: Vec<Vec<u64>> = (0..n_categories)
                    .map(|c| clusters.iter().map(|d| d.plain[c]).collect())
                    .collect();
                let mut rng = ChaCha8Rng::seed_from_u64(self.options.seed);
                rng.set_stream(p as u64);
                stats::cluster_bootstrap_rates(&tokens, &hits, reps, &mut rng)
            })
            .collect();
        for (p, intervals) in intervals.iter().enumerate() {
            let clusters = &self.clusters[p];
            let method = match clusters.len() {
                0 => "no_documents",
                1 => "single_document",
                _ if reps == 0 => "not_computed",
                _ => "cluster_bootstrap",
            };
            let totals = self.totals[p];
            for (c, cat) in self.lexicons.categories.iter().enumerate() {
                let t = self.category_tallies[p * n_categories + c];
                let (low, high) = intervals[c];
                let share = if totals.sentences == 0 {
                    0.0
                } else {
                    t.sentences_with_hit as f64 / totals.sentences as f64
                };
                let mut row = vec![self.period_ids[p].clone()];
                row.extend(self.period_dates(p));
                row.push(cat.name.clone());
                row.extend(t.counts());
                row.extend([
                    t.docs_with_hit.to_string(),
                    totals.tokens.to_string(),
                    totals.sentences.to_string(),
                    totals.docs.to_string(),
                    stats::fixed(stats::rate_per_10k(t.plain, totals.tokens), 4),
                    stats::fixed(low, 4),
                    stats::fixed(high, 4),
                    method.to_string(),
                    reps.to_string(),
                    stats::fixed(share, 4),
                ]);
                w.write_row(&row)?;
            }
        }
        w.finish()
    }

    fn write_keyness(&self) -> Result<Finished, ExportError> {
        let mut w = TableWriter::create(&self.out, &codebook::keyness(), self.options.excel)?;
        let scheme_periods: Vec<usize> = (0..self.period_ids.len())
            .filter(|&p| self.period_ids[p] != UNATTRIBUTED)
            .collect();
        for (i, &p1) in scheme_periods.iter().enumerate() {
            for &p2 in &scheme_periods[i + 1..] {
                let (n1, n2) = (self.totals[p1].tokens, self.totals[p2].tokens);
                for (c, cat) in self.lexicons.categories.iter().enumerate() {
                    for (e, entry) in entries_by_subcategory(cat) {
                        let flat = self.entry_base[c] + e;
                        let a = self.entry_tallies[p1 * self.n_entries + flat].plain;
                        let b = self.entry_tallies[p2 * self.n_entries + flat].plain;
                        let (r1, r2) = (stats::rate_per_10k(a, n1), stats::rate_per_10k(b, n2));
                        let g2 = stats::log_likelihood_g2(a, b, n1, n2);
                        // Compare a/n1 with b/n2 exactly, without division.
                        let overused = match (u128::from(a) * u128::from(n2))
                            .cmp(&(u128::from(b) * u128::from(n1)))
                        {
                            _ if n1 == 0 || n2 == 0 => "none",
                            std::cmp::Ordering::Greater => self.period_ids[p1].as_str(),
                            std::cmp::Ordering::Less => self.period_ids[p2].as_str(),
                            std::cmp::Ordering::Equal => "none",
                        };
                        w.write_row(&[
                            self.period_ids[p1].clone(),
                            self.period_ids[p2].clone(),
                            cat.name.clone(),
                            subcategory_name(cat, entry.subcategory),
                            entry.term.clone(),
                            a.to_string(),
                            n1.to_string(),
                            b.to_string(),
                            n2.to_string(),
                            stats::fixed(r1, 4),
                            stats::fixed(r2, 4),
                            stats::fixed(g2, 4),
                            stats::scientific(stats::chi2_1df_p(g2)),
                            stats::fixed(stats::log_ratio(a, b, n1, n2), 4),
                            overused.to_string(),
                        ])?;
                    }
                }
            }
        }
        w.finish()
    }

    fn write_codebook(&self, tables: &[CsvTable]) -> Result<Finished, ExportError> {
        let path = self.out.join(codebook::CODEBOOK);
        let zones: Vec<String> = self
            .options
            .zones
            .iter()
            .map(|z| z.as_str().to_string())
            .collect();
        let mut documented = tables.to_vec();
        documented.push(codebook::validation());
        let text = codebook::render_markdown(
            &documented,
            &self.lexicons,
            &zones,
            self.options.bootstrap_reps,
            self.options.seed,
            self.options.excel,
        );
        let mut file = table::temp_in(&self.out, codebook::CODEBOOK)?;
        file.write_all(text.as_bytes())
            .and_then(|()| file.flush())
            .map_err(|source| ExportError::Io {
                path: path.clone(),
                source,
            })?;
        Ok(Finished {
            path,
            file,
            rows: 0,
        })
    }

    /// Writes the aggregated files and the codebook, then renames every file into place.
    pub fn finish(self) -> Result<ExportSummary, ExportError> {
        let tables = codebook::tables(&self.lexicons, &self.extra_columns);
        let finished = vec![
            self.write_period_frequencies()?,
            self.write_period_categories()?,
            self.write_keyness()?,
            self.write_codebook(&tables)?,
        ];
        let Exporter {
            passages,
            hits,
            doc_periods,
            zones,
            documents,
            doc,
            ..
        } = self;
        let options = &doc.options;
        let counted: Vec<&ZoneCounts> = zones
            .iter()
            .filter(|(z, _)| options.zones.contains(z))
            .map(|(_, c)| c)
            .collect();
        let mut all = vec![passages.finish()?, hits.finish()?, doc_periods.finish()?];
        all.extend(finished);
        let outputs = all
            .iter()
            .map(|f| OutputFile {
                file: f
                    .path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                rows: f.rows,
            })
            .collect();
        for f in all {
            f.persist()?;
        }
        Ok(ExportSummary {
            outputs,
            documents,
            sentences: zones.values().map(|z| z.sentences).sum(),
            tokens: zones.values().map(|z| z.tokens).sum(),
            counted_sentences: counted.iter().map(|z| z.sentences).sum(),
            counted_tokens: counted.iter().map(|z| z.tokens).sum(),
            zones,
            settings: ExportSettings {
                counted_zones: options
                    .zones
                    .iter()
                    .map(|z| z.as_str().to_string())
                    .collect(),
                excel: options.excel,
                bootstrap_reps: options.bootstrap_reps,
                seed: options.seed,
            },
        })
    }
}

fn subcategory_name(category: &crate::lexicon::Category, sub: usize) -> String {
    category.subcategories.get(sub).cloned().unwrap_or_default()
}

/// A category's entries ordered by subcategory, then file order: the row order of the frequency
/// files.
fn entries_by_subcategory(
    category: &crate::lexicon::Category,
) -> Vec<(usize, &crate::lexicon::Entry)> {
    let mut entries: Vec<(usize, &crate::lexicon::Entry)> =
        category.entries.iter().enumerate().collect();
    entries.sort_by_key(|(i, e)| (e.subcategory, *i));
    entries
}
