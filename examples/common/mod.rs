//! What the yardsticks of issue 7 (`jieba_baseline`, `tantivy_baseline`) share: a corpus folder's
//! `.txt` files read into memory, and bare jieba-rs cutting them line by line, timed.

use std::path::{Path, PathBuf};
use std::time::Instant;

use jieba_rs::Jieba;
use rayon::prelude::*;

/// The text of every `.txt` file directly in `root`, in file name order.
pub fn read_corpus(root: &Path) -> anyhow::Result<Vec<String>> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(root)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    paths.sort();
    Ok(paths
        .iter()
        .map(std::fs::read_to_string)
        .collect::<Result<_, _>>()?)
}

/// Cuts every line of `texts` in accurate mode on `pool`'s threads, in parallel over files;
/// gives back the seconds it took and the number of tokens.
pub fn time_cut(
    jieba: &Jieba,
    pool: &rayon::ThreadPool,
    texts: &[String],
    hmm: bool,
) -> (f64, usize) {
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
    (start.elapsed().as_secs_f64(), tokens)
}
