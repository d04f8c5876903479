//! `mine lexicon check` lints a lexicon folder (exit 0 clean, 2 with problems); `mine lexicon
//! import` converts a quanteda YAML or LIWC `.dic` dictionary into the category file format.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;

mod suggest;

use super::Exit;
use mine::lexicon::import::{ImportFormat, import};
use mine::lexicon::{LexiconFiles, lint, source};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: LexiconCommand,
}

#[derive(Debug, clap::Subcommand)]
enum LexiconCommand {
    /// Lint the lexicons: parse errors, missing rationales, unknown subcategories, bad patterns,
    /// duplicates, terms in two categories, and terms the segmenter never produces as tokens in
    /// the corpus. Exit 0 when clean, 2 with problems.
    Check(CheckArgs),
    /// Convert a quanteda YAML or LIWC .dic dictionary into a category file.
    Import(ImportArgs),
    /// Write the built-in lexicons (categories, modifiers.toml, periods.toml, userdict.txt and
    /// the codebook README.md) into a folder, to edit them and use them with --lexicons DIR.
    #[command(after_help = "\
Examples:
  mine lexicon init my-lexicons                write the built-in lexicons to my-lexicons/
  mine index ~/news --lexicons my-lexicons     index with the edited copy
  MINE_LEXICONS=my-lexicons mine inspect a.txt  the same folder, for every command")]
    Init(InitArgs),
    /// Candidate terms for a category from the indexed corpus: words that stand in the
    /// category's sentences far more often than in the others (log-likelihood G² of the 2×2 table
    /// of sentences, PMI beside it), each with its counts and keyword-in-context lines.
    #[command(after_help = suggest::EXAMPLES)]
    Suggest(suggest::SuggestArgs),
}

#[derive(Debug, clap::Args)]
struct InitArgs {
    /// The folder to write (created if missing).
    dir: PathBuf,
    /// Overwrite lexicon files already there.
    #[arg(long)]
    force: bool,
}

#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  mine lexicon check                         the lexicons a run would use, tested on ./corpus
  mine lexicon check --dir my-lexicons -v    another folder, with notes
  mine lexicon check --corpus ~/news         test segmentation on another corpus")]
struct CheckArgs {
    /// The lexicon folder [default: $MINE_LEXICONS, else ./lexicons if it exists, else the
    /// built-in lexicons].
    #[arg(long, visible_alias = "lexicons")]
    dir: Option<PathBuf>,
    /// User dictionary added to the segmenter [default: DIR/userdict.txt when it exists].
    #[arg(long)]
    userdict: Option<PathBuf>,
    /// Folder of .txt files on which to test that every term can be segmented as tokens; skipped
    /// when the folder does not exist.
    #[arg(long, default_value = "corpus")]
    corpus: PathBuf,
    /// Also print notes (terms absorbed into longer tokens in some occurrences).
    #[arg(long, short)]
    verbose: bool,
}

#[derive(Debug, clap::Args)]
struct ImportArgs {
    /// The dictionary to convert.
    file: PathBuf,
    /// Its format [default: from the extension, .yml/.yaml or .dic].
    #[arg(long, value_enum)]
    format: Option<ImportFormat>,
    /// Category name (snake_case) [default: the file stem].
    #[arg(long)]
    name: Option<String>,
    /// Where to write the TOML; `-` or absent for stdout.
    #[arg(short, long)]
    output: Option<PathBuf>,
}

pub fn run(args: Args) -> anyhow::Result<Exit> {
    match args.command {
        LexiconCommand::Check(a) => check(a),
        LexiconCommand::Import(a) => run_import(a),
        LexiconCommand::Init(a) => init(a),
        LexiconCommand::Suggest(a) => suggest::run(a),
    }
}

fn init(args: InitArgs) -> anyhow::Result<Exit> {
    let written = source::write_built_in(&args.dir, args.force)?;
    let mut out = std::io::stdout().lock();
    for path in &written {
        writeln!(out, "wrote {}", path.display())?;
    }
    writeln!(
        out,
        "use them with --lexicons {} (or MINE_LEXICONS={})",
        args.dir.display(),
        args.dir.display()
    )?;
    Ok(Exit::Success)
}

fn check(args: CheckArgs) -> anyhow::Result<Exit> {
    let files = LexiconFiles::resolve(args.dir.as_deref())?;
    let corpus = if args.corpus.is_dir() {
        lint::read_corpus(&args.corpus)
            .with_context(|| format!("reading the corpus {}", args.corpus.display()))?
    } else {
        Vec::new()
    };
    let report = lint::check_files(&files, args.userdict.as_deref(), &corpus);
    let mut out = std::io::stdout().lock();
    writeln!(out, "checking {files}")?;
    for problem in &report.problems {
        writeln!(out, "{problem}")?;
    }
    if args.verbose {
        for note in &report.notes {
            writeln!(out, "note: {note}")?;
        }
    }
    writeln!(
        out,
        "{} problem(s), {} note(s) in {} category file(s), {} entries; segmentation tested on {} corpus file(s)",
        report.problems.len(),
        report.notes.len(),
        report.files.len(),
        report.entries,
        corpus.len()
    )?;
    Ok(if report.problems.is_empty() {
        Exit::Success
    } else {
        Exit::Failure
    })
}

fn run_import(args: ImportArgs) -> anyhow::Result<Exit> {
    let format = match args.format {
        Some(f) => f,
        None => ImportFormat::from_path(&args.file).with_context(|| {
            format!(
                "cannot tell the format of {} from its extension; pass --format yaml|dic",
                args.file.display()
            )
        })?,
    };
    let source = std::fs::read_to_string(&args.file)
        .with_context(|| format!("reading {}", args.file.display()))?;
    let name = match args.name {
        Some(n) => n,
        None => args
            .file
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .context("the file has no name; pass --name")?,
    };
    let toml = import(&args.file, &source, format, &name)?;
    match args.output {
        Some(path) if path.as_os_str() != "-" => {
            std::fs::write(&path, toml).with_context(|| format!("writing {}", path.display()))?
        }
        _ => {
            let mut out = std::io::stdout().lock();
            out.write_all(toml.as_bytes())?;
        }
    }
    Ok(Exit::Success)
}
