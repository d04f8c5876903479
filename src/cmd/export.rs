//! `mine export`: reloads the annotations `mine index` cached in `<out>/cache/`, loads the
//! lexicons and the period scheme, and writes the CSVs and the codebook again with other options
//! (counted zones, Excel safety, bootstrap seed and replicates); updates `manifest.json` if there
//! is one.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;

use super::Exit;
use mine::cache::{self, Cache};
use mine::export::{self, DEFAULT_BOOTSTRAP_REPS, DEFAULT_SEED, ExportOptions, Exporter};
use mine::lexicon::LexiconSet;
use mine::model::Zone;
use mine::period::PeriodScheme;

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
    /// Folder of the lexicons and of periods.toml.
    #[arg(long, default_value = "lexicons")]
    pub lexicons: PathBuf,
    /// Seed of the bootstrap intervals (ChaCha8).
    #[arg(long, default_value_t = DEFAULT_SEED)]
    pub seed: u64,
    /// Bootstrap replicates per period.
    #[arg(long, default_value_t = DEFAULT_BOOTSTRAP_REPS)]
    pub reps: usize,
}

/// The cached annotations were made with the lexicons and periods of the last `mine index`; if
/// any of those files changed since, the hits and periods in the cache no longer match them and
/// the export would mix two configurations. The manifest holds the hashes of that run.
fn check_annotations_are_current(
    out: &Path,
    lexicons: &LexiconSet,
    periods: &Path,
) -> anyhow::Result<()> {
    let Some(manifest) = export::manifest::read(out)? else {
        return Ok(());
    };
    let indexed: Vec<&str> = manifest
        .config_files
        .iter()
        .map(|f| f.blake3.as_str())
        .collect();
    let mut files = lexicons.files();
    files.push(periods.to_path_buf());
    for file in files {
        let (_, hash) = export::manifest::size_and_blake3(&file)
            .with_context(|| format!("cannot read {}", file.display()))?;
        anyhow::ensure!(
            indexed.contains(&hash.as_str()),
            "{} changed since `mine index` wrote {}: rerun `mine index CORPUS --out {}` so \
             that the annotations match the lexicons",
            file.display(),
            out.display(),
            out.display()
        );
    }
    Ok(())
}

pub fn run(args: Args) -> anyhow::Result<Exit> {
    let lexicons = LexiconSet::load(&args.lexicons).context("cannot load the lexicons")?;
    let periods = args.lexicons.join("periods.toml");
    let scheme = PeriodScheme::load(&periods).context("cannot load the period scheme")?;
    check_annotations_are_current(&args.out, &lexicons, &periods)?;
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
    if let Some(mut manifest) = export::manifest::read(&args.out)? {
        manifest.record_export(&summary);
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
    Ok(Exit::Success)
}
