//! `mine export`: reloads the annotations `mine index` cached in `<out>/cache/`, loads the
//! lexicons and the period scheme, and writes the CSVs and the codebook again with other options
//! (counted zones, Excel safety, bootstrap seed and replicates). The manifest then records the
//! export (its command line and times) with the `mine index` run it derives from, and a
//! `report.md` made from the old counts is rendered again (or removed when it cannot be).

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;

use super::Exit;
use mine::cache::{self, Cache};
use mine::export::manifest::Manifest;
use mine::export::{self, DEFAULT_BOOTSTRAP_REPS, DEFAULT_SEED, ExportOptions, Exporter};
use mine::lexicon::source::{self, ChosenBy};
use mine::lexicon::{LexiconFiles, LexiconSet, PERIODS_FILE};
use mine::model::Zone;
use mine::period::PeriodScheme;
use mine::report::{self, ReportOptions};

const EXAMPLES: &str = "\
Examples:
  mine export                          the CSVs again from output/cache, body sentences counted
  mine export --zones body,front       count the abstract and keywords too
  mine export --excel                  BOM and formula guards for spreadsheets
  mine export --seed 7 --reps 5000     another bootstrap draw, more replicates";

#[derive(Debug, clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    /// Output folder of `mine index` (holds `cache/`); the files are written there.
    #[arg(long, default_value = "output")]
    pub out: PathBuf,
    /// Zones whose sentences the frequency files count, comma-separated (title, front, heading,
    /// body, note, reference, back). passages.csv and hits.csv always hold every zone.
    #[arg(long, value_delimiter = ',', default_value = "body")]
    pub zones: Vec<Zone>,
    /// Spreadsheet-safe output: a UTF-8 byte-order mark, and text cells that begin with = + - @
    /// (or a tab or CR) prefixed with ' so they are not run as formulas. Numbers are unchanged.
    #[arg(long)]
    pub excel: bool,
    /// Folder of the lexicons and of periods.toml [default: $MINE_LEXICONS, else the lexicons
    /// the manifest records for `mine index` (a folder, or the built-in set)].
    #[arg(long)]
    pub lexicons: Option<PathBuf>,
    /// Seed of the bootstrap intervals (ChaCha8).
    #[arg(long, default_value_t = DEFAULT_SEED)]
    pub seed: u64,
    /// Bootstrap replicates per period.
    #[arg(long, default_value_t = DEFAULT_BOOTSTRAP_REPS)]
    pub reps: usize,
}

/// The lexicons an export uses: `--lexicons` or `MINE_LEXICONS` when given, else those the
/// manifest says `mine index` used, else the default choice.
fn export_lexicons(args: &Args, manifest: Option<&Manifest>) -> anyhow::Result<LexiconFiles> {
    lexicons_of_run(args.lexicons.as_deref(), manifest)
}

/// The lexicons a command over an output folder uses (`flag` is its `--lexicons`).
pub(super) fn lexicons_of_run(
    flag: Option<&Path>,
    manifest: Option<&Manifest>,
) -> anyhow::Result<LexiconFiles> {
    if flag.is_some() || std::env::var_os(source::ENV_VAR).is_some_and(|v| !v.is_empty()) {
        return Ok(LexiconFiles::resolve(flag)?);
    }
    match manifest.and_then(|m| m.lexicons.as_ref()) {
        Some(record) => match &record.folder {
            Some(dir) => Ok(LexiconFiles::folder(Path::new(dir), ChosenBy::Manifest)?),
            None => Ok(LexiconFiles::built_in()),
        },
        None => Ok(LexiconFiles::resolve(None)?),
    }
}

/// The cached annotations were made with the lexicons and periods of the last `mine index`; if
/// any of those files changed since, the hits and periods in the cache no longer match them and
/// the export would mix two configurations. The manifest holds the hashes of that run.
pub(super) fn check_annotations_are_current(
    out: &Path,
    manifest: Option<&Manifest>,
    lexicons: &LexiconFiles,
) -> anyhow::Result<()> {
    let Some(manifest) = manifest else {
        return Ok(());
    };
    let indexed: Vec<&str> = manifest
        .config_files
        .iter()
        .map(|f| f.blake3.as_str())
        .collect();
    for file in lexicons.files() {
        anyhow::ensure!(
            indexed.contains(&file.blake3().as_str()),
            "{} changed since `mine index` wrote {}: rerun `mine index CORPUS --out {}` so \
             that the annotations match the lexicons",
            file.path.display(),
            out.display(),
            out.display()
        );
    }
    Ok(())
}

pub fn run(args: Args) -> anyhow::Result<Exit> {
    let indexed = export::manifest::read(&args.out)?;
    let lexicon_files = export_lexicons(&args, indexed.as_ref())?;
    let lexicons = LexiconSet::from_files(&lexicon_files).context("cannot load the lexicons")?;
    let periods_path = lexicon_files.path_of(PERIODS_FILE);
    let scheme = match lexicon_files.get(PERIODS_FILE) {
        Some(file) => PeriodScheme::parse(&periods_path, &file.text),
        None => PeriodScheme::load(&periods_path),
    }
    .context("cannot load the period scheme")?;
    check_annotations_are_current(&args.out, indexed.as_ref(), &lexicon_files)?;
    let mut cache = Cache::open(&args.out);
    let ids = cache.doc_ids();
    anyhow::ensure!(
        !ids.is_empty(),
        "no annotated documents in {}; run `mine index CORPUS --out {}` first",
        cache::dir(&args.out).display(),
        args.out.display()
    );
    // Not while `mine index` (or another export) rewrites the same files.
    let _lock = mine::output::lock(&args.out, "mine export")?;
    // Every document carries the same metadata header, so the first one names the extra columns.
    let first = cache.load(&ids[0])?;
    let extra: Vec<String> = first
        .doc
        .meta
        .extra
        .iter()
        .map(|(k, _)| k.clone())
        .collect();
    let mut zones = args.zones.clone();
    zones.sort();
    zones.dedup();
    let options = ExportOptions {
        zones,
        excel: args.excel,
        bootstrap_reps: args.reps,
        seed: args.seed,
    };
    let mut exporter = Exporter::new(&args.out, &lexicons, &scheme, &extra, options)?;
    exporter.add(&first)?;
    drop(first);
    // A document's rows and counts cached for these very settings are used as they are; the
    // others are made again from the annotations.
    let doc_exporter = exporter.doc_exporter();
    for id in &ids[1..] {
        match cache.load_export(id, None, doc_exporter.key()) {
            Some(cached) => exporter.absorb(&cached.export)?,
            None => exporter.add(&cache.load(id)?)?,
        }
    }
    let summary = exporter.finish()?;
    // The report was rendered from the CSVs just replaced: render it again with its own options,
    // or remove it when it cannot be (its categories are gone), rather than leave it stale.
    let report = rerender_report(&args.out, indexed.as_ref())?;
    if let Some(indexed) = &indexed {
        let mut manifest = indexed.derive(std::env::args().collect());
        manifest.record_export(&summary);
        manifest.finished = export::manifest::rfc3339(std::time::SystemTime::now());
        export::manifest::write(&args.out, &manifest)?;
    }

    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    writeln!(
        out,
        "{} documents, {} sentences counted of {} ({} tokens counted)",
        summary.documents, summary.counted_sentences, summary.sentences, summary.counted_tokens
    )?;
    for file in &summary.outputs {
        let path = args.out.join(&file.file);
        if file.file.ends_with(".csv") {
            writeln!(out, "  {} ({} rows)", path.display(), file.rows)?;
        } else {
            writeln!(out, "  {}", path.display())?;
        }
    }
    match report {
        ReportAfterExport::None => {}
        ReportAfterExport::Rendered => writeln!(
            out,
            "  {} and {} rendered again from the new counts",
            args.out.join(report::REPORT).display(),
            args.out.join(report::RATES_SVG).display()
        )?,
        ReportAfterExport::Removed(why) => writeln!(
            out,
            "  removed {} and {}, which the new counts made stale and which cannot be rendered \
             again ({why}): run `mine report` with other categories",
            args.out.join(report::REPORT).display(),
            args.out.join(report::RATES_SVG).display()
        )?,
    }
    Ok(Exit::Success)
}

/// What became of `report.md` and `rates.svg` after an export.
enum ReportAfterExport {
    /// There was no report.
    None,
    Rendered,
    /// It could not be rendered from the new CSVs, for this reason.
    Removed(String),
}

fn rerender_report(out: &Path, manifest: Option<&Manifest>) -> anyhow::Result<ReportAfterExport> {
    let (md, svg) = (out.join(report::REPORT), out.join(report::RATES_SVG));
    if !md.exists() && !svg.exists() {
        return Ok(ReportAfterExport::None);
    }
    let options =
        manifest
            .and_then(|m| m.report.as_ref())
            .map_or_else(ReportOptions::default, |r| ReportOptions {
                assurance_category: r.assurance_category.clone(),
                threat_category: r.threat_category.clone(),
            });
    match report::write(out, &options) {
        Ok(_) => Ok(ReportAfterExport::Rendered),
        Err(err) => {
            for path in [&md, &svg] {
                if path.exists() {
                    std::fs::remove_file(path)
                        .with_context(|| format!("cannot remove the stale {}", path.display()))?;
                }
            }
            Ok(ReportAfterExport::Removed(err.to_string()))
        }
    }
}
