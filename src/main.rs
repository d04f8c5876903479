//! The `mine` binary: parse the command line, run one subcommand, print the error chain once and
//! turn the outcome into an exit code (0 ok, 1 a search with no result, 2 error). A closed pipe
//! (`mine search … | head`) ends the program quietly with 0.

use std::io;
use std::process::ExitCode;

use clap::Parser;

mod cli;
mod cmd;

use cli::Cli;
use cmd::Exit;

/// mimalloc instead of the system allocator: documents are built on the worker threads and
/// dropped on the writer thread; about 10% less CPU for `mine index` (`docs/performance.md`).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cmd::run(cli) {
        Ok(exit) => ExitCode::from(exit as u8),
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("mine: {err:#}");
            ExitCode::from(Exit::Failure as u8)
        }
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}
