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
use std::time::Instant;

use anyhow::Context;
use jieba_rs::Jieba;
use rayon::prelude::*;

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let root = PathBuf::from(
        args.next()
            .context("usage: jieba_baseline CORPUS [THREADS]")?,
    );
    let threads: usize = args.next().map_or(Ok(0), |t| t.parse())?;
    let hmm = args.next().is_some_and(|a| a == "hmm");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&root)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    paths.sort();
    let texts: Vec<String> = paths
        .iter()
        .map(std::fs::read_to_string)
        .collect::<Result<_, _>>()?;
    let bytes: usize = texts.iter().map(String::len).sum();
    let jieba = Jieba::new();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()?;
    let start = Instant::now();
    let tokens: usize = pool.install(|| {
        texts
            .par_iter()
            .map(|text| {
                text.lines()
                    .map(|line| jieba.cut(line, hmm).len())
                    .sum::<usize>()
            })
            .sum()
    });
    let seconds = start.elapsed().as_secs_f64();
    println!(
        "{bytes} {seconds:.3} {:.2} {tokens}",
        bytes as f64 / 1e6 / seconds
    );
    Ok(())
}
