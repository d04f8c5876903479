//! `mine lexicon suggest CATEGORY`: reads the annotations `mine index` cached in `<out>/cache/`
//! twice (counts, then example sentences for the terms kept) and prints the ranked candidates as
//! a table or CSV.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use unicode_width::UnicodeWidthStr;

use crate::cmd::Exit;
use crate::cmd::export::{check_annotations_are_current, lexicons_of_run};
use mine::annotate::Pipeline;
use mine::cache::{self, Cache};
use mine::index::kwic::Kwic;
use mine::lexicon::suggest::{Cooccurrence, Example, SuggestOptions, Suggestion};
use mine::model::{Fallback, Zone};
use mine::stats::fixed;

pub const EXAMPLES: &str = "\
Examples:
  mine lexicon suggest threat_narrative                 top 30 from output/, with two lines each
  mine lexicon suggest assurance_commitment --out dev --top 100 --format csv > cand.csv
  mine lexicon suggest threat_narrative --min-docs 5    only terms spread over five documents

Columns: sentences and docs that hold the term; `with`, those sentences that also hold a hit of
the category; `share` = with / sentences; G² (log-likelihood of the 2×2 table of sentences, the
ranking) and PMI (log2). A candidate is a word worth reading in context, not an entry: accept it
into a category file only with a rationale, and measure with `mine validate`.";

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Csv,
}

#[derive(Debug, clap::Args)]
pub struct SuggestArgs {
    /// The category (a category file's name, e.g. threat_narrative).
    category: String,
    /// Output folder of `mine index` (holds `cache/`).
    #[arg(long, default_value = "output")]
    out: PathBuf,
    /// Zones whose sentences are counted, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "body")]
    zones: Vec<Zone>,
    /// Candidates printed.
    #[arg(long, default_value_t = 30)]
    top: usize,
    /// A candidate stands in at least this many counted sentences ...
    #[arg(long, default_value_t = 5)]
    min_sentences: u64,
    /// ... of at least this many documents.
    #[arg(long, default_value_t = 2)]
    min_docs: u64,
    /// Keyword-in-context lines per candidate.
    #[arg(long, default_value_t = 2)]
    examples: usize,
    /// Display columns of context on each side of the term.
    #[arg(long, default_value_t = 24)]
    width: usize,
    /// `table` to read; `csv` (every column, each example as doc, sentence id and a
    /// keyword-in-context line) for a spreadsheet.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// Folder of the lexicons [default: $MINE_LEXICONS, else those the manifest records for
    /// `mine index`].
    #[arg(long)]
    lexicons: Option<PathBuf>,
}

pub fn run(args: SuggestArgs) -> anyhow::Result<Exit> {
    let manifest = mine::export::manifest::read(&args.out)?;
    let files = lexicons_of_run(args.lexicons.as_deref(), manifest.as_ref())?;
    check_annotations_are_current(&args.out, manifest.as_ref(), &files)?;
    let pipeline = Pipeline::from_lexicons(files, None, Fallback::Document)
        .context("cannot load the lexicons")?;
    let set = &pipeline.lexicons;
    let Some(category) = set.category_index(&args.category) else {
        let names: Vec<&str> = set.categories.iter().map(|c| c.name.as_str()).collect();
        anyhow::bail!(
            "no category {:?} in {}; the categories are: {}",
            args.category,
            pipeline.lexicon_files,
            names.join(", ")
        );
    };
    let mut cache = Cache::open(&args.out);
    let ids = cache.doc_ids();
    anyhow::ensure!(
        !ids.is_empty(),
        "no annotated documents in {}; run `mine index CORPUS --out {}` first",
        cache::dir(&args.out).display(),
        args.out.display()
    );
    let options = SuggestOptions {
        category,
        zones: args.zones.clone(),
        min_sentences: args.min_sentences,
        min_docs: args.min_docs,
        top: args.top,
        examples: args.examples,
    };
    let mut counts = Cooccurrence::new(set, options);
    let bar = progress_bar(2 * ids.len() as u64);
    bar.set_message("counting");
    for id in &ids {
        counts.add(&cache.load(id)?);
        bar.inc(1);
    }
    pipeline.segmenter.ready();
    let mut suggestions = counts.rank(|w| pipeline.segmenter.pos(w));
    bar.set_message("examples");
    if args.examples > 0 && !suggestions.is_empty() {
        for id in &ids {
            if counts.examples_complete(&suggestions) {
                break;
            }
            counts.collect_examples(&cache.load(id)?, &mut suggestions);
            bar.inc(1);
        }
        counts.finish_examples(&mut suggestions);
    }
    bar.finish_and_clear();

    let mut out = std::io::stdout().lock();
    match args.format {
        Format::Csv => write_csv(&mut out, &suggestions, args.examples, args.width)?,
        Format::Table => {
            let t = counts.totals();
            writeln!(
                out,
                "{} candidates for {} from {}: {} documents, {} counted sentences, {} with a hit \
                 of the category; {} words pass the filters",
                suggestions.len(),
                args.category,
                args.out.display(),
                t.docs,
                t.sentences,
                t.with_category,
                t.candidates
            )?;
            write_table(&mut out, &suggestions, args.width)?;
        }
    }
    Ok(if suggestions.is_empty() {
        Exit::NoMatch
    } else {
        Exit::Success
    })
}

fn kwic_line(example: &Example, width: usize) -> String {
    Kwic::new(
        &example.text,
        std::slice::from_ref(&example.term),
        width,
        width,
    )
    .render("【", "】")
}

fn write_csv(
    out: &mut impl Write,
    suggestions: &[Suggestion],
    examples: usize,
    width: usize,
) -> anyhow::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    let mut header: Vec<String> = [
        "rank",
        "term",
        "pos",
        "sentences",
        "docs",
        "sentences_with_category",
        "share_with_category",
        "g2",
        "pmi",
        "other_categories",
    ]
    .map(String::from)
    .to_vec();
    for k in 1..=examples {
        header.extend([
            format!("example_{k}_doc"),
            format!("example_{k}_sentence"),
            format!("example_{k}"),
        ]);
    }
    w.write_record(&header)?;
    for (rank, s) in suggestions.iter().enumerate() {
        let mut row = vec![
            (rank + 1).to_string(),
            s.term.clone(),
            s.pos.clone(),
            s.sentences.to_string(),
            s.docs.to_string(),
            s.with_category.to_string(),
            fixed(s.share, 4),
            fixed(s.g2, 4),
            fixed(s.pmi, 4),
            s.other_categories.join(";"),
        ];
        for k in 0..examples {
            match s.examples.get(k) {
                Some(e) => row.extend([e.doc.clone(), e.sentence.to_string(), kwic_line(e, width)]),
                None => row.extend([String::new(), String::new(), String::new()]),
            }
        }
        w.write_record(&row)?;
    }
    w.flush()?;
    Ok(())
}

fn write_table(
    out: &mut impl Write,
    suggestions: &[Suggestion],
    width: usize,
) -> anyhow::Result<()> {
    let term_width = suggestions
        .iter()
        .map(|s| s.term.width())
        .max()
        .unwrap_or(4)
        .max(4);
    let pad = |s: &str, w: usize| format!("{s}{}", " ".repeat(w.saturating_sub(s.width())));
    writeln!(
        out,
        "{:>4}  {}  {:<4} {:>9} {:>5} {:>5} {:>6} {:>9} {:>6}  also in",
        "rank",
        pad("term", term_width),
        "pos",
        "sentences",
        "docs",
        "with",
        "share",
        "G2",
        "PMI"
    )?;
    for (rank, s) in suggestions.iter().enumerate() {
        writeln!(
            out,
            "{:>4}  {}  {:<4} {:>9} {:>5} {:>5} {:>6} {:>9} {:>6}  {}",
            rank + 1,
            pad(&s.term, term_width),
            s.pos,
            s.sentences,
            s.docs,
            s.with_category,
            fixed(s.share, 2),
            fixed(s.g2, 1),
            fixed(s.pmi, 2),
            s.other_categories.join(", ")
        )?;
        for e in &s.examples {
            writeln!(
                out,
                "        {} s{}  {}",
                e.doc,
                e.sentence,
                kwic_line(e, width)
            )?;
        }
    }
    Ok(())
}

fn progress_bar(len: u64) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} documents read  {wide_msg}")
            .expect("the template is valid"),
    );
    bar
}
