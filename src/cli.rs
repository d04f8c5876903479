//! The command line: one `Cli` with a subcommand each; every subcommand's flags live with it in
//! `cmd/<name>.rs`, documented on the fields so that `--help` and the code cannot drift apart.

use clap::{Parser, Subcommand};

use crate::cmd;

/// Corpus annotation and text mining for Chinese-language political and international-relations
/// texts: threat narratives and security assurances, period by period.
#[derive(Debug, Parser)]
#[command(name = "mine", version, about, long_about = None, after_help = EXAMPLES)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

const EXAMPLES: &str = "\
Examples:
  mine index corpus/                        parse, tag, attribute, index and count the corpus
  mine search 延伸威慑 --period biden        sentences on extended deterrence in the Biden years
  mine inspect corpus/li_tan_2025_time_frame.txt
                                            how one file was parsed, tagged and attributed
  mine lexicon check                        lint the lexicons in lexicons/
  mine report                               per-period rates and the framing table
  mine validate sample -o sheet.csv         a blind coding sheet of 400 sentences
  mine validate score a.csv b.csv           alpha, precision, recall and F1 against the coders";

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Read a corpus folder and write the index, the CSVs and the manifest to output/.
    Index(cmd::index::Args),
    /// Show how one file was parsed, tagged and attributed: zones, sections, sentences with their
    /// period and hits, notes, repairs.
    Inspect(cmd::inspect::Args),
    /// Full-text search over the indexed sentences.
    Search(cmd::search::Args),
    /// Write the frequency CSVs again with other options (zones, Excel safety).
    Export(cmd::export::Args),
    /// Write output/report.md and output/rates.svg: per-period rates and the framing table.
    Report(cmd::report::Args),
    /// Check or import lexicons.
    Lexicon(cmd::lexicon::Args),
    /// Check the counts against human coding: draw a blind coding sheet, score coded sheets.
    Validate(cmd::validate::Args),
}
