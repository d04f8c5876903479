//! One module per subcommand: each holds its `Args` (flags with their help text) and one `run`.
//! They orchestrate; the work lives in the library's stage modules.

pub mod export;
pub mod index;
pub mod inspect;
pub mod lexicon;
pub mod report;
pub mod search;
pub mod validate;

use crate::cli::{Cli, Command};

/// How a command ended, as the process exit code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
#[allow(dead_code)] // until the subcommands that return them land
pub enum Exit {
    Success = 0,
    /// A search that found nothing.
    NoMatch = 1,
    /// An error, or skipped files under `--strict`.
    Failure = 2,
}

pub fn run(cli: Cli) -> anyhow::Result<Exit> {
    match cli.command {
        Command::Index(args) => index::run(args),
        Command::Inspect(args) => inspect::run(args),
        Command::Search(args) => search::run(args),
        Command::Export(args) => export::run(args),
        Command::Report(args) => report::run(args),
        Command::Lexicon(args) => lexicon::run(args),
        Command::Validate(args) => validate::run(args),
    }
}
