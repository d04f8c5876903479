//! `mine validate sample` draws a blind coding sheet from an output folder of `mine index`;
//! `mine validate score` reads coded sheets back and writes `validation.csv` and
//! `validation.md` into the folder, printing the table.

use std::io::{self, Write};
use std::path::PathBuf;

use anyhow::Context;

use super::Exit;
use mine::export::manifest::{self, ValidationRecord};
use mine::validate::{
    self, Enrich, Provenance, SampleOptions, ScoreOptions, render, sample, score,
};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: ValidateCommand,
}

#[derive(Debug, clap::Subcommand)]
enum ValidateCommand {
    /// Draw a reproducible sample of sentences and write a blind coding sheet (the sentence, its
    /// neighbours in the paragraph, its sampling weight and empty code columns; nothing of the
    /// tool's own result).
    #[command(after_help = SAMPLE_EXAMPLES)]
    Sample(SampleArgs),
    /// Score coded sheets (one per coder) against the tool: Krippendorff's alpha between coders;
    /// precision, recall and F1 per category, weakening and period accuracy against the gold
    /// codes (an adjudicated sheet, or the coders' majority), with 95% intervals. Writes
    /// OUT/validation.csv and OUT/validation.md.
    #[command(after_help = SCORE_EXAMPLES)]
    Score(ScoreArgs),
}

const SAMPLE_EXAMPLES: &str = "\
Examples:
  mine validate sample -o sheet.csv                       400 body sentences of output/
  mine validate sample --n 200 --per-period -o sheet.csv  every period equally
  mine validate sample --by kind --n 480 -o sheet.csv     each kind of text (a metadata column) equally
  mine validate sample --enrich assurance_commitment:0.3 -o sheet.csv
                                                          30% from sentences the tool tags as assurance
Give the same sheet to each coder with the coding guide; each fills code_period (a period id or
unattributed), code_C (0/1) and, where code_C is 1, code_C_weakened (0/1), and their name in
coder. The weight column lets the scores estimate the whole corpus whatever the strata.";

const SCORE_EXAMPLES: &str = "\
Examples:
  mine validate score coder_a.csv coder_b.csv             alpha, and scores against the majority
  mine validate score --gold adjudicated.csv coder_a.csv coder_b.csv
  mine validate score --out dev --by kind --gold gold.csv a.csv b.csv
                                                          figures per kind of text";

#[derive(Debug, clap::Args)]
struct SampleArgs {
    /// Output folder of `mine index` to draw from.
    #[arg(long, default_value = "output")]
    out: PathBuf,
    /// Sentences to draw.
    #[arg(long, default_value_t = 400)]
    n: usize,
    /// Seed of the draw (ChaCha8): the same seed and folder give the same sheet.
    #[arg(long, default_value_t = mine::export::DEFAULT_SEED)]
    seed: u64,
    /// Draw every period the tool assigns equally (stratified by the tool's period).
    #[arg(long)]
    per_period: bool,
    /// Over-sample sentences with a hit of CATEGORY: SHARE of the sample (default 0.5) comes from
    /// them. Repeatable.
    #[arg(long, value_name = "CATEGORY[:SHARE]")]
    enrich: Vec<Enrich>,
    /// Zones to draw from, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "body")]
    zones: Vec<mine::model::Zone>,
    /// Stratify by this metadata column (e.g. kind): each of its values gets an equal share.
    /// Repeatable; combines with --per-period.
    #[arg(long)]
    by: Vec<String>,
    /// Sentences of context on each side, from the same paragraph.
    #[arg(long, default_value_t = 2)]
    context: usize,
    /// The sheet to write; `-` for standard output.
    #[arg(short, long)]
    output: PathBuf,
}

#[derive(Debug, clap::Args)]
struct ScoreArgs {
    /// Coded sheets, one per coder, joined on doc and sentence_id.
    #[arg(required = true)]
    sheets: Vec<PathBuf>,
    /// Output folder of `mine index` holding the tool's results for these sentences; the
    /// validation files are written there.
    #[arg(long, default_value = "output")]
    out: PathBuf,
    /// Adjudicated sheet with the gold codes [default: the coders' majority, ties left out].
    #[arg(long)]
    gold: Option<PathBuf>,
    /// Also score by this metadata column (e.g. kind); repeatable.
    #[arg(long)]
    by: Vec<String>,
    /// Seed of the bootstrap intervals.
    #[arg(long, default_value_t = mine::export::DEFAULT_SEED)]
    seed: u64,
    /// Bootstrap replicates.
    #[arg(long, default_value_t = mine::export::DEFAULT_BOOTSTRAP_REPS)]
    reps: usize,
}

pub fn run(args: Args) -> anyhow::Result<Exit> {
    match args.command {
        ValidateCommand::Sample(args) => run_sample(args),
        ValidateCommand::Score(args) => run_score(args),
    }
}

fn run_sample(args: SampleArgs) -> anyhow::Result<Exit> {
    let options = SampleOptions {
        n: args.n,
        seed: args.seed,
        per_period: args.per_period,
        enrich: args.enrich,
        zones: args.zones.iter().map(|z| z.as_str().to_string()).collect(),
        context: args.context,
        by: args.by,
    };
    let drawn = sample::draw(&args.out, &options)?;
    if args.output.as_os_str() == "-" {
        sample::write_sheet(&drawn, io::stdout().lock())?;
    } else {
        let dir = args
            .output
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map_or_else(|| PathBuf::from("."), PathBuf::from);
        let name = args
            .output
            .file_name()
            .context("the sheet needs a file name")?
            .to_string_lossy()
            .into_owned();
        let mut tmp = mine::output::temp_file(&dir, &name)
            .with_context(|| format!("cannot write {}", args.output.display()))?;
        sample::write_sheet(&drawn, tmp.as_file_mut())
            .with_context(|| format!("cannot write {}", args.output.display()))?;
        tmp.persist(&args.output)
            .with_context(|| format!("cannot write {}", args.output.display()))?;
        let mut err = io::stderr().lock();
        writeln!(
            err,
            "drew {} of {} sentences into {}",
            drawn.rows.len(),
            drawn.population,
            args.output.display()
        )?;
        for s in &drawn.strata {
            writeln!(
                err,
                "  stratum {:<28} {:<28} {:>6} of {:>8}  weight {}",
                s.group,
                s.class,
                s.drawn,
                s.population,
                mine::stats::fixed(s.weight(), 3)
            )?;
        }
    }
    Ok(Exit::Success)
}

fn run_score(args: ScoreArgs) -> anyhow::Result<Exit> {
    let options = ScoreOptions {
        gold: args.gold.clone(),
        by: args.by.clone(),
        seed: args.seed,
        reps: args.reps,
    };
    let scores = score::score(&args.out, &args.sheets, &options)?;
    let _lock = mine::output::lock(&args.out, "mine validate score")?;
    let mut manifest = manifest::read(&args.out)?;
    let provenance = Provenance {
        folder: args.out.display().to_string(),
        run: manifest.as_ref().map_or_else(String::new, |m| {
            format!(
                "mine {} `{}`, finished {}",
                m.tool_version,
                m.command_line.join(" "),
                m.finished
            )
        }),
        settings: manifest
            .as_ref()
            .and_then(|m| m.annotation.as_ref())
            .map_or_else(String::new, |a| a.describe()),
        config: manifest.as_ref().map_or_else(Vec::new, |m| {
            m.config_files
                .iter()
                .map(|f| {
                    format!(
                        "`{}` blake3 {}",
                        f.path,
                        &f.blake3[..f.blake3.len().min(16)]
                    )
                })
                .collect()
        }),
    };
    let written = validate::write(&args.out, &scores, &provenance).with_context(|| {
        format!(
            "cannot write the validation files in {}",
            args.out.display()
        )
    })?;
    if let Some(m) = manifest.as_mut() {
        m.validation = Some(ValidationRecord {
            scored: manifest::rfc3339(std::time::SystemTime::now()),
            sheets: args
                .sheets
                .iter()
                .map(|p| p.display().to_string())
                .collect(),
            gold: args.gold.as_ref().map(|p| p.display().to_string()),
            units: scores.units,
        });
        manifest::write(&args.out, m)?;
    }
    let stdout = io::stdout();
    let mut out = stdout.lock();
    write!(out, "{}", render::console(&scores))?;
    for w in &scores.warnings {
        writeln!(out, "warning: {w}")?;
    }
    for path in written {
        writeln!(out, "wrote {}", path.display())?;
    }
    Ok(Exit::Success)
}
