//! The yardstick of issue 7: takes a corpus folder and a thread count, gives back how fast bare
//! jieba-rs (default dictionary, accurate mode, no HMM: the mode `mine` uses) segments the same
//! `.txt` files, line by line, in parallel over files. Reading the files and building the
//! dictionary are left out of the time, so the figure is segmentation alone.
//!
//! ```text
//! cargo run --release --example jieba_baseline -- /tmp/corpus100 2
//! cargo run --release --example jieba_baseline -- /tmp/corpus100 2 hmm
//! ```
//! prints one line: `bytes seconds MB/s tokens`. A third argument `hmm` turns jieba's HMM on (the
//! default of Python jieba's `cut`, off in `mine`), for comparison with figures measured that way.

use std::path::PathBuf;

use anyhow::Context;
use jieba_rs::Jieba;

mod common;

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let root = PathBuf::from(
        args.next()
            .context("usage: jieba_baseline CORPUS [THREADS] [hmm]")?,
    );
    let threads: usize = args.next().map_or(Ok(0), |t| t.parse())?;
    let hmm = args.next().is_some_and(|a| a == "hmm");
    let texts = common::read_corpus(&root)?;
    let bytes: usize = texts.iter().map(String::len).sum();
    let jieba = Jieba::new();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()?;
    let (seconds, tokens) = common::time_cut(&jieba, &pool, &texts, hmm);
    println!(
        "{bytes} {seconds:.3} {:.2} {tokens}",
        bytes as f64 / 1e6 / seconds
    );
    Ok(())
}
