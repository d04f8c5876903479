//! `mine index CORPUS`: the main job. Loads and checks every configuration file before any work,
//! takes the output folder's lock, finds the corpus files, re-processes only what changed since the
//! last run (or everything when the configuration changed, or with `--force`), parses, segments,
//! tags and attributes documents in parallel, feeds one index writer, caches each document's
//! annotations, then writes the CSVs, the codebook and the manifest, and prints a summary.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::{self, IsTerminal, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::SystemTime;

use anyhow::{Context, bail};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use mine::annotate::Pipeline;
use mine::cache::{self, Cache};
use mine::corpus::discover::{CorpusFile, Skipped, discover_excluding};
use mine::corpus::{self, metadata};
use mine::export::manifest::{
    self, AnnotationSettings, ConfigFile, IndexMode, InputFile, LexiconsRecord, Manifest,
    SkippedFile, UnmatchedMetadataRow,
};
use mine::export::{DocExport, DocExporter, ExportOptions, ExportSummary, Exporter};
use mine::index::{self, IndexError, RowBuilder, SentenceIndex, SentenceRows, SentenceWriter};
use mine::lexicon::LexiconFiles;
use mine::model::{AnnotatedDocument, DocMeta, Fallback, Zone};
use mine::output;
use mine::period::PeriodSteps;

use super::Exit;

/// Parse, tag, attribute, index and count a corpus.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  mine index corpus/                      the shipped corpus, results in output/
  mine index ~/news --out ~/news-out --period-fallback document
                                          a folder of dated news stories
  mine index corpus/ --zones body,front   count abstracts too
  mine index corpus/ --force              rebuild everything from scratch

A rerun re-processes only new, changed or deleted files; a change to any lexicon, periods.toml,
userdict.txt, metadata.csv or overrides.csv rebuilds everything.")]
pub struct Args {
    /// Folder of .txt/.md files, with an optional metadata.csv and overrides.csv.
    pub corpus: PathBuf,

    /// Output folder: index/, cache/, the CSVs, manifest.json and codebook.md.
    #[arg(long, default_value = "output")]
    pub out: PathBuf,

    /// Folder with the category files (*.toml), modifiers.toml, periods.toml and userdict.txt
    /// [default: $MINE_LEXICONS, else ./lexicons if it exists, else the built-in lexicons].
    #[arg(long)]
    pub lexicons: Option<PathBuf>,

    /// Where undated sentences go for documents whose metadata has no period_fallback:
    /// `none` leaves them unattributed, `document` gives them the document's date.
    #[arg(long, value_enum, default_value = "none")]
    pub period_fallback: Fallback,

    /// Steps of the period cascade to use, comma-separated, in any order (sentence, paragraph,
    /// heading, citation, document), or `none`: leave steps out to measure what each contributes
    /// (`mine validate score`). Default: all.
    #[arg(long, default_value = "sentence,paragraph,heading,citation,document")]
    pub period_steps: PeriodSteps,

    /// Count every hit as plain: no negators or diminishers (to measure the modifier rule).
    #[arg(long)]
    pub no_modifiers: bool,

    /// Zones whose sentences the frequency CSVs count (comma-separated: title, front, heading,
    /// body, note, reference, back).
    #[arg(long, value_delimiter = ',', default_value = "body")]
    pub zones: Vec<Zone>,

    /// Write CSVs for Excel: a byte-order mark, and cells starting with = + - @ guarded.
    #[arg(long)]
    pub excel: bool,

    /// Rebuild the index and every annotation from scratch.
    #[arg(long)]
    pub force: bool,

    /// Exit with status 2 when any file was skipped; stop before any work when a row of
    /// metadata.csv names no corpus file.
    #[arg(long)]
    pub strict: bool,

    /// Worker threads (default: one per core).
    #[arg(long, short = 'j')]
    pub jobs: Option<usize>,
}

/// The configuration the last successful run indexed with, kept in `<out>/state.json`: when it
/// changes, everything is re-processed. Which documents the index holds, and the hash of each,
/// come from the committed index itself (`SentenceIndex::indexed_docs`).
#[derive(Debug, Default, Serialize, Deserialize)]
struct RunState {
    mine_version: String,
    config_hash: String,
}

const STATE_FILE: &str = "state.json";

/// Names `mine` writes in its output folder; anything else there means the folder is not ours.
const OUTPUT_NAMES: &[&str] = &[
    "README.md",
    "index",
    "cache",
    "manifest.json",
    "codebook.md",
    "report.md",
    "rates.svg",
    mine::validate::VALIDATION_CSV,
    mine::validate::VALIDATION_MD,
    STATE_FILE,
    output::LOCK_FILE,
];

/// The configuration of a run, loaded and checked before any work.
struct RunConfig {
    pipeline: Pipeline,
    metadata: Option<metadata::MetadataTable>,
    /// Every configuration file read, as the manifest names it, with its blake3 hash, in a
    /// stable order.
    config_files: Vec<(String, String)>,
    config_hash: String,
}

impl RunConfig {
    fn load(args: &Args) -> anyhow::Result<RunConfig> {
        let folder = corpus::folder_of(&args.corpus);
        let lexicon_files = LexiconFiles::resolve(args.lexicons.as_deref())?;
        let mut pipeline =
            Pipeline::from_lexicons(lexicon_files, Some(&folder), args.period_fallback)?;
        pipeline.period_steps = args.period_steps;
        pipeline.modifiers = !args.no_modifiers;
        let metadata = metadata::load(&folder)?;
        let mut all = blake3::Hasher::new();
        all.update(env!("CARGO_PKG_VERSION").as_bytes());
        all.update(args.period_fallback.as_str().as_bytes());
        all.update(format!("steps {}", args.period_steps).as_bytes());
        all.update(if args.no_modifiers {
            b"modifiers off".as_slice()
        } else {
            b"modifiers on"
        });
        // Each file by its name inside the lexicon folder or the corpus (a category's name is
        // its file's), not the path as typed: `--lexicons lexicons`, an absolute path to the same
        // folder and the built-in copy of the same files are the same configuration.
        let mut config_files = Vec::new();
        for file in pipeline.lexicon_files.files() {
            let hash = file.blake3();
            all.update(format!("lexicons/{}", file.name).as_bytes());
            all.update(hash.as_bytes());
            config_files.push((file.path.display().to_string(), hash));
        }
        let metadata_path = folder.join(metadata::METADATA_FILE);
        let corpus_files = pipeline
            .overrides_path
            .iter()
            .chain(Some(&metadata_path).filter(|p| p.is_file()));
        for path in corpus_files {
            let (_, hash) = manifest::size_and_blake3(path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            let rel = path.strip_prefix(&folder).unwrap_or(path);
            all.update(format!("corpus/{}", rel.display()).as_bytes());
            all.update(hash.as_bytes());
            config_files.push((path.display().to_string(), hash));
        }
        Ok(RunConfig {
            pipeline,
            metadata,
            config_files,
            config_hash: all.finalize().to_hex().to_string(),
        })
    }
}

/// One corpus file with the metadata it will be indexed under.
struct Planned {
    file: CorpusFile,
    meta: DocMeta,
    /// Size and blake3 of the file's bytes: read up front only when the run must compare them
    /// with the index; a run that re-processes everything reads each file once, in the worker.
    source: Option<(u64, String)>,
}

pub fn run(args: Args) -> anyhow::Result<Exit> {
    // The corpus first: a mistyped corpus folder must not leave an empty output folder behind.
    let discovery = discover_excluding(&args.corpus, Some(&args.out))
        .context("the corpus cannot be read; nothing was written")?;
    let config = RunConfig::load(&args)?;
    // A row naming no file leaves its document without date and title: said in the summary and
    // the manifest, fatal with --strict. A single file is not checked against the whole table.
    let unmatched = match &config.metadata {
        Some(table) if args.corpus.is_dir() => {
            table.unmatched(discovery.files.iter().map(|f| f.rel.as_str()))
        }
        _ => Vec::new(),
    };
    if args.strict && !unmatched.is_empty() {
        let rows: Vec<String> = unmatched.iter().map(|r| format!("  {r}")).collect();
        bail!(
            "{} row(s) of {} name no corpus file (--strict); nothing was written:\n{}",
            unmatched.len(),
            corpus::folder_of(&args.corpus)
                .join(metadata::METADATA_FILE)
                .display(),
            rows.join("\n")
        );
    }

    check_output_folder(&args.out)?;
    fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create the output folder {}", args.out.display()))?;
    let _lock = output::lock(&args.out, "mine index")?;
    output::remove_stale_temp_files(&args.out)?;
    let mut cache = Cache::open_for_writing(&args.out)?;

    let previous = read_state(&args.out);
    let rebuild_all = args.force
        || previous
            .as_ref()
            .is_none_or(|s| s.config_hash != config.config_hash);
    let threads = args.jobs.unwrap_or(0);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .context("cannot start worker threads")?;

    let excluded = discovery.excluded;
    let mut skipped = discovery.skipped;
    let planned = pool.install(|| plan(&config, discovery.files, !rebuild_all, &mut skipped));
    // A single file is indexed with its folder's overrides, most of which are other files'.
    if let Some(overrides) = config
        .pipeline
        .overrides
        .as_ref()
        .filter(|_| args.corpus.is_dir())
    {
        let ids: Vec<&str> = planned.iter().map(|p| p.meta.id.as_str()).collect();
        if let Some(err) = overrides.unused(&ids).into_iter().next() {
            return Err(err.into());
        }
    }
    let mode = if args.force {
        IndexMode::Force
    } else if rebuild_all {
        IndexMode::Full
    } else {
        IndexMode::Incremental
    };

    let index_dir = args.out.join("index");
    let segmenter = config.pipeline.segmenter.clone();
    let index = match SentenceIndex::create_or_open(&index_dir, segmenter.clone()) {
        // An index of an older schema cannot be updated in place: build it anew.
        Err(IndexError::SchemaVersion { .. }) => {
            index::remove(&index_dir)?;
            SentenceIndex::create_or_open(&index_dir, segmenter)?
        }
        other => other?,
    };
    // doc id → blake3 of the bytes it was indexed from, as of the last commit.
    let previous_docs = if rebuild_all {
        BTreeMap::new()
    } else {
        index.indexed_docs()?
    };
    let mut writer = index.writer()?;
    writer.record_periods(
        config
            .pipeline
            .periods
            .ids()
            .into_iter()
            .map(str::to_string)
            .collect(),
    );
    writer.record_lexicons(&config.pipeline.lexicons);
    let current: BTreeSet<&str> = planned.iter().map(|p| p.meta.id.as_str()).collect();
    if rebuild_all {
        writer.delete_all()?;
        cache.clear();
    } else {
        for id in previous_docs
            .keys()
            .filter(|id| !current.contains(id.as_str()))
        {
            writer.delete_doc(id);
            cache.remove(id);
        }
    }
    // Every document in id order, the order of the exports. Fresh documents are dispatched to the
    // workers in that order too, so they come back nearly in order and the writer thread can
    // export each one as it arrives instead of re-reading it from the cache; only the few that
    // overtake a slower one wait, which bounds the memory by the work in flight.
    let mut order: Vec<&Planned> = planned.iter().collect();
    order.sort_unstable_by(|a, b| a.meta.id.cmp(&b.meta.id));
    let todo: Vec<&Planned> = order
        .iter()
        .copied()
        .filter(|p| {
            rebuild_all
                || previous_docs
                    .get(&p.meta.id)
                    .is_none_or(|hash| p.source.as_ref().is_none_or(|(_, h)| h != hash))
                || !cache.contains(&p.meta.id)
        })
        .collect();

    let extra_columns: Vec<String> = config
        .metadata
        .as_ref()
        .map(|m| m.extra_columns().to_vec())
        .unwrap_or_default();
    let options = ExportOptions {
        zones: args.zones.clone(),
        excel: args.excel,
        ..ExportOptions::default()
    };
    let exporter = Exporter::new(
        &args.out,
        &config.pipeline.lexicons,
        &config.pipeline.periods,
        &extra_columns,
        options,
    )?;

    let progress = progress_bar(todo.len() as u64);
    let cancelled = AtomicBool::new(false);
    // One finished batch waiting at most: a document in flight holds its annotations and its
    // index rows (tens of MB for a 2 MB file), so the peak memory is a few batches' worth.
    let (sender, receiver) = mpsc::sync_channel::<Vec<(usize, Processed)>>(1);
    let batches = batches(todo.iter().map(|p| p.file.size));
    let rows = writer.row_builder();
    let doc_exporter = exporter.doc_exporter();
    let mut run = WriterRun {
        cache,
        indexed: &previous_docs,
        writer,
        exported: Exported {
            exporter,
            inputs: Vec::new(),
        },
        processed_ids: Vec::new(),
        failed_docs: BTreeSet::new(),
        skipped: &mut skipped,
        progress: &progress,
    };
    let mut fatal = None;
    std::thread::scope(|scope| -> anyhow::Result<()> {
        let pipeline = &config.pipeline;
        let cancelled = &cancelled;
        let todo = &todo;
        let batches = &batches;
        let pool = &pool;
        let rows = &rows;
        let doc_exporter = &*doc_exporter;
        scope.spawn(move || {
            pool.install(|| {
                // `par_bridge` hands the batches out one by one in order (a split of the slice
                // would give each worker its own half of the corpus).
                batches
                    .iter()
                    .par_bridge()
                    .for_each_with(sender, |sender, batch| {
                        let mut done = Vec::with_capacity(batch.len());
                        corpus::prefetch(batch.clone().map(|i| &todo[i].file));
                        for i in batch.clone() {
                            if cancelled.load(Ordering::Relaxed) {
                                break;
                            }
                            done.push((i, process(pipeline, rows, doc_exporter, todo[i])));
                        }
                        // The receiver only goes away when the run is failing already.
                        let _ = sender.send(done);
                    });
            })
        });
        let result = run.feed(
            pipeline,
            rows,
            doc_exporter,
            &order,
            todo,
            &receiver,
            &mut fatal,
        );
        // Stop the workers and let any of them blocked on a full channel finish.
        cancelled.store(true, Ordering::Relaxed);
        for _ in receiver {}
        result
    })?;
    progress.finish_and_clear();
    if let Some(err) = fatal {
        return Err(err.context("the index and outputs were left as they were"));
    }
    let WriterRun {
        cache,
        writer,
        exported: Exported { exporter, inputs },
        processed_ids,
        failed_docs,
        ..
    } = run;
    writer.commit()?;
    cache.commit()?;

    let state = RunState {
        mine_version: env!("CARGO_PKG_VERSION").to_string(),
        config_hash: config.config_hash.clone(),
    };
    write_state(&args.out, &state)?;

    skipped.sort_by(|a, b| a.file.cmp(&b.file));
    if planned.len() == failed_docs.len() {
        write_skipped(&mut io::stdout().lock(), &skipped)?;
        bail!(
            "no document could be read from {} ({} skipped)",
            args.corpus.display(),
            skipped.len()
        );
    }

    let mut manifest = Manifest::start(std::env::args().collect());
    // The options of a report made earlier, for the next `mine export` to render it with.
    manifest.report = manifest::read(&args.out)
        .ok()
        .flatten()
        .and_then(|m| m.report);
    manifest.corpus_root = args.corpus.display().to_string();
    manifest.index_mode = mode;
    manifest.reprocessed = processed_ids;
    manifest.reprocessed.sort();
    manifest.segmenter = serde_json::to_value(config.pipeline.segmenter.settings())?;
    manifest.annotation = Some(AnnotationSettings {
        period_fallback: args.period_fallback.as_str().to_string(),
        period_steps: args
            .period_steps
            .names()
            .into_iter()
            .map(str::to_string)
            .collect(),
        modifiers: !args.no_modifiers,
    });
    manifest.config_files = config
        .config_files
        .iter()
        .map(|(path, hash)| ConfigFile {
            path: path.clone(),
            blake3: hash.clone(),
        })
        .collect();
    manifest.lexicons = Some(LexiconsRecord::of(&config.pipeline.lexicon_files));
    manifest.metadata_unmatched = unmatched
        .iter()
        .map(|r| UnmatchedMetadataRow {
            line: r.line,
            file: r.file.clone(),
            case_of: r.case_of.clone(),
        })
        .collect();
    manifest.excluded = excluded.clone();
    manifest.skipped = skipped
        .iter()
        .map(|s| SkippedFile {
            file: s.file.clone(),
            reason: s.reason.clone(),
        })
        .collect();
    manifest.inputs = inputs;
    manifest.inputs.sort_by(|a, b| a.file.cmp(&b.file));
    let summary = pool.install(|| exporter.finish())?;
    manifest.record_export(&summary);
    manifest.finished = manifest::rfc3339(SystemTime::now());
    manifest::write(&args.out, &manifest)?;

    print_summary(&args, &config, &manifest, &summary, &skipped)?;
    let mut err = io::stderr().lock();
    for row in &unmatched {
        writeln!(err, "warning: {row}")?;
    }
    for folder in &excluded {
        writeln!(
            err,
            "note: {folder} is the output folder; it lies inside the corpus and was left out of it"
        )?;
    }
    if args.strict && !skipped.is_empty() {
        return Ok(Exit::Failure);
    }
    Ok(Exit::Success)
}

enum Processed {
    Done {
        /// Size and blake3 of the bytes the document was made from.
        source: (u64, String),
        encoding: String,
        rows: IndexRows,
        export: Box<DocExport<'static>>,
        /// The document's cache record (`cache::encode`).
        record: Vec<u8>,
    },
    Skipped {
        id: String,
        skip: Skipped,
    },
    Fatal(anyhow::Error),
}

/// A document's index rows, or the document to make them from after its cache record is stored.
enum IndexRows {
    Built(SentenceRows),
    Later(Box<AnnotatedDocument>),
}

/// Sentences above which a document's index rows are made on the writer thread, after its cache
/// record is written and dropped, so that the annotations, the export rows, the record and the
/// index rows (each about as big as the text, or bigger) are never all held at once: for a 20 MB
/// document on one line that is over 100 MB less at the peak. Smaller documents make their rows
/// on the workers, where the work is spread over the cores.
const ROWS_LATER_SENTENCES: usize = 10_000;

/// One document through the pipeline on a worker thread: parsed, annotated, turned into index
/// rows, export rows and its cache record.
fn process(
    pipeline: &Pipeline,
    rows: &RowBuilder,
    doc_exporter: &DocExporter,
    planned: &Planned,
) -> Processed {
    match corpus::load_document(&planned.file, planned.meta.clone()) {
        Ok((doc, size)) => {
            let annotated = match pipeline.annotate(doc) {
                Ok(annotated) => annotated,
                Err(err) => return Processed::Fatal(err.into()),
            };
            let later = annotated.doc.sentences.len() > ROWS_LATER_SENTENCES;
            let built = if later {
                None
            } else {
                match rows.rows(&annotated, &pipeline.lexicons) {
                    Ok(rows) => Some(rows),
                    Err(err) => return Processed::Fatal(err.into()),
                }
            };
            let export = match doc_exporter.prepare(&annotated) {
                Ok(export) => export,
                Err(err) => return Processed::Fatal(err.into()),
            };
            let record = match cache::encode(&annotated, Some((doc_exporter.key(), &export))) {
                Ok(record) => record,
                Err(err) => return Processed::Fatal(err),
            };
            let source = (size, annotated.doc.content_hash.clone());
            let encoding = annotated.doc.encoding.clone();
            Processed::Done {
                source,
                encoding,
                rows: match built {
                    Some(rows) => IndexRows::Built(rows),
                    None => IndexRows::Later(Box::new(annotated)),
                },
                export: Box::new(export),
                record,
            }
        }
        Err(reason) => Processed::Skipped {
            id: planned.meta.id.clone(),
            skip: Skipped {
                file: planned.file.rel.clone(),
                reason,
            },
        },
    }
}

/// The writer thread's side of a run: the one index writer and the exporter, fed in id order.
struct WriterRun<'a> {
    /// The cache: unchanged documents are read from it, fresh ones appended.
    cache: Cache,
    /// The documents the index held before this run (none when it is rebuilt): only their rows
    /// need deleting (a delete costs tantivy a term lookup in every segment at commit).
    indexed: &'a BTreeMap<String, String>,
    writer: SentenceWriter,
    exported: Exported,
    processed_ids: Vec<String>,
    failed_docs: BTreeSet<String>,
    skipped: &'a mut Vec<Skipped>,
    progress: &'a ProgressBar,
}

impl WriterRun<'_> {
    /// Goes through every document in id order: a fresh one is taken from the workers (in the
    /// order they were dispatched, holding back any that arrive early), an unchanged one from
    /// the cache: its export rows and counts as they are when they were made for this run's
    /// export settings, else made again from its cached annotations (and cached for the next
    /// run), else (no usable cache file) the document is processed here. A fatal outcome stops
    /// the run and is left in `fatal`.
    #[allow(clippy::too_many_arguments)]
    fn feed(
        &mut self,
        pipeline: &Pipeline,
        rows: &RowBuilder,
        doc_exporter: &DocExporter,
        order: &[&Planned],
        todo: &[&Planned],
        receiver: &mpsc::Receiver<Vec<(usize, Processed)>>,
        fatal: &mut Option<anyhow::Error>,
    ) -> anyhow::Result<()> {
        let mut early: BTreeMap<usize, Processed> = BTreeMap::new();
        let mut next = 0;
        for &planned in order {
            let outcome = if todo.get(next).is_some_and(|t| std::ptr::eq(*t, planned)) {
                let outcome = loop {
                    if let Some(outcome) = early.remove(&next) {
                        break Some(outcome);
                    }
                    match receiver.recv() {
                        Ok(batch) => early.extend(batch),
                        Err(mpsc::RecvError) => break None,
                    }
                };
                next += 1;
                self.progress.inc(1);
                // The workers only stop early after a fatal outcome.
                let Some(outcome) = outcome else { break };
                outcome
            } else {
                let id = &planned.meta.id;
                let key = doc_exporter.key();
                // Only a run that compares hashes leaves documents out of `todo`.
                let source = planned.source.clone().unwrap_or_default();
                if let Some(cached) = self.cache.load_export(id, Some(&source.1), key) {
                    self.exported
                        .add(planned, &cached.export, source, cached.encoding)?;
                    continue;
                }
                match self.cache.load(id) {
                    Ok(doc) if doc.doc.content_hash == source.1 => {
                        let export = doc_exporter.prepare(&doc)?;
                        self.cache
                            .append(id, &cache::encode(&doc, Some((key, &export)))?)?;
                        self.exported
                            .add(planned, &export, source, doc.doc.encoding)?;
                        continue;
                    }
                    _ => process(pipeline, rows, doc_exporter, planned),
                }
            };
            match outcome {
                Processed::Done {
                    source,
                    encoding,
                    rows: index_rows,
                    export,
                    record,
                } => {
                    self.progress.set_message(planned.file.rel.clone());
                    self.cache.append(&planned.meta.id, &record)?;
                    drop(record);
                    if self.indexed.contains_key(&planned.meta.id) {
                        self.writer.delete_doc(&planned.meta.id);
                    }
                    let index_rows = match index_rows {
                        IndexRows::Built(built) => built,
                        IndexRows::Later(doc) => rows.rows(&doc, &pipeline.lexicons)?,
                    };
                    self.writer.add_rows(index_rows)?;
                    self.processed_ids.push(planned.meta.id.clone());
                    self.exported.add(planned, &export, source, encoding)?;
                }
                Processed::Skipped { id, skip } => {
                    if self.indexed.contains_key(&id) {
                        self.writer.delete_doc(&id);
                    }
                    self.cache.remove(&id);
                    self.failed_docs.insert(id);
                    self.skipped.push(skip);
                }
                Processed::Fatal(err) => {
                    fatal.get_or_insert(err);
                    break;
                }
            }
        }
        Ok(())
    }
}

/// The exporter, and the manifest's record of every input file exported, in id order.
struct Exported {
    exporter: Exporter,
    inputs: Vec<InputFile>,
}

impl Exported {
    fn add(
        &mut self,
        planned: &Planned,
        export: &DocExport<'_>,
        (bytes, blake3): (u64, String),
        encoding: String,
    ) -> anyhow::Result<()> {
        self.exporter.absorb(export)?;
        self.inputs.push(InputFile {
            file: planned.file.rel.clone(),
            id: planned.meta.id.clone(),
            bytes,
            blake3,
            encoding,
        });
        Ok(())
    }
}

/// Source bytes of the consecutive small files a worker processes as one batch and hands to the
/// writer thread at once. Handing over 1.5 KB files one by one cost a thread switch each: 70,000
/// of them per 100 MB of news stories. A file this big or bigger is a batch of its own.
const BATCH_BYTES: u64 = 64 * 1024;

/// Splits files of these sizes (in order) into runs adding up to about `BATCH_BYTES`.
fn batches(sizes: impl Iterator<Item = u64>) -> Vec<Range<usize>> {
    let mut batches = Vec::new();
    let mut start = 0;
    let mut bytes = 0;
    let mut end = 0;
    for (i, size) in sizes.enumerate() {
        if size >= BATCH_BYTES && start < i {
            batches.push(start..i);
            start = i;
            bytes = 0;
        }
        end = i + 1;
        bytes += size;
        if bytes >= BATCH_BYTES {
            batches.push(start..end);
            start = end;
            bytes = 0;
        }
    }
    if start < end {
        batches.push(start..end);
    }
    batches
}

/// Gives every file its metadata row (or a default) and makes ids unique; with `hash`, reads
/// every file (in parallel) for its size and blake3 hash.
fn plan(
    config: &RunConfig,
    files: Vec<CorpusFile>,
    hash: bool,
    skipped: &mut Vec<Skipped>,
) -> Vec<Planned> {
    let sources: Vec<Option<io::Result<(u64, String)>>> = if hash {
        // In the batches the workers use, each read ahead as a whole.
        batches(files.iter().map(|f| f.size))
            .into_par_iter()
            .flat_map_iter(|batch| {
                corpus::prefetch(files[batch.clone()].iter());
                files[batch]
                    .iter()
                    .map(|file| Some(manifest::size_and_blake3(&file.path)))
            })
            .collect()
    } else {
        files.iter().map(|_| None).collect()
    };
    let mut seen_ids = BTreeSet::new();
    let mut planned = Vec::with_capacity(files.len());
    for (file, source) in files.into_iter().zip(sources) {
        let source = match source.transpose() {
            Ok(source) => source,
            Err(e) => {
                skipped.push(Skipped {
                    file: file.rel.clone(),
                    reason: format!("cannot read: {e}"),
                });
                continue;
            }
        };
        let mut meta = config
            .metadata
            .as_ref()
            .and_then(|m| m.meta_for(&file.rel))
            .unwrap_or_else(|| metadata::default_meta(&file.rel));
        let base = meta.id.clone();
        let mut n = 2;
        while !seen_ids.insert(meta.id.clone()) {
            meta.id = format!("{base}_{n}");
            n += 1;
        }
        planned.push(Planned { file, meta, source });
    }
    planned
}

/// Refuses an output folder holding things `mine` did not write, so that a mistyped `--out`
/// never mixes our files into someone's folder.
fn check_output_folder(out: &Path) -> anyhow::Result<()> {
    let Ok(entries) = fs::read_dir(out) else {
        return Ok(());
    };
    for entry in entries {
        let name = entry?.file_name();
        let name = name.to_string_lossy();
        let ours = OUTPUT_NAMES.contains(&name.as_ref())
            || name.ends_with(".csv")
            || name.starts_with(output::TEMP_PREFIX);
        if !ours {
            bail!(
                "{} holds `{name}`, which mine did not write: choose an empty or new folder with --out",
                out.display()
            );
        }
    }
    Ok(())
}

fn read_state(out: &Path) -> Option<RunState> {
    let text = fs::read_to_string(out.join(STATE_FILE)).ok()?;
    serde_json::from_str(&text).ok()
}

fn write_state(out: &Path, state: &RunState) -> anyhow::Result<()> {
    let mut tmp = output::temp_file(out, STATE_FILE)?;
    serde_json::to_writer_pretty(&mut tmp, state)?;
    tmp.persist(out.join(STATE_FILE))?;
    Ok(())
}

fn progress_bar(len: u64) -> ProgressBar {
    if !io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} documents, {eta} left  {wide_msg}")
            .expect("the template is valid"),
    );
    bar
}

fn write_skipped(out: &mut impl Write, skipped: &[Skipped]) -> io::Result<()> {
    if !skipped.is_empty() {
        writeln!(out, "skipped {} file(s):", skipped.len())?;
        for s in skipped {
            writeln!(out, "  {}: {}", s.file, s.reason)?;
        }
    }
    Ok(())
}

fn print_summary(
    args: &Args,
    config: &RunConfig,
    manifest: &Manifest,
    summary: &ExportSummary,
    skipped: &[Skipped],
) -> io::Result<()> {
    let mut out = io::stdout().lock();
    writeln!(
        out,
        "indexed {} document(s) from {} ({} re-processed, {} run), {} sentences, {} tokens",
        manifest.documents,
        args.corpus.display(),
        manifest.reprocessed.len(),
        serde_json::to_value(manifest.index_mode)?
            .as_str()
            .unwrap_or_default(),
        manifest.sentences,
        manifest.tokens
    )?;
    let zones: Vec<String> = summary
        .zones
        .iter()
        .map(|(zone, counts)| format!("{zone} {}", counts.sentences))
        .collect();
    writeln!(out, "sentences per zone: {}", zones.join(", "))?;
    writeln!(out, "lexicons: {}", config.pipeline.lexicon_files)?;
    write_skipped(&mut out, skipped)?;
    if !manifest.metadata_unmatched.is_empty() {
        writeln!(
            out,
            "{} row(s) of metadata.csv name no corpus file (see the warnings; --strict stops on them)",
            manifest.metadata_unmatched.len()
        )?;
    }
    writeln!(
        out,
        "wrote {}: index/, passages.csv, hits.csv, period_frequencies.csv, period_categories.csv, \
         doc_period_frequencies.csv, keyness.csv, codebook.md, manifest.json",
        args.out.display()
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_files_travel_in_batches_and_a_big_one_alone() {
        let kb = 1024;
        // 100 files of 1.5 KB, one of 2 MB, then 3 small ones.
        let sizes: Vec<u64> = std::iter::repeat_n(1536, 100)
            .chain([2048 * kb])
            .chain([1536; 3])
            .collect();
        let got = batches(sizes.iter().copied());
        // 43 files of 1.5 KB reach 64 KB; the 2 MB file goes alone.
        assert_eq!(got, vec![0..43, 43..86, 86..100, 100..101, 101..104]);
        assert_eq!(batches(std::iter::empty()), Vec::<Range<usize>>::new());
        assert_eq!(batches([0u64; 5].into_iter()), vec![0..5]);
    }
}
