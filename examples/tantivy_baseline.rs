//! The ceiling that tantivy puts on issue 7's throughput target: takes a corpus folder and a
//! thread count, gives back how fast bare jieba-rs segments its `.txt` files (as
//! `jieba_baseline` does) and how fast a bare tantivy index takes the very same tokens, already
//! cut: one text field with positions (what phrase queries need), nothing stored, one tantivy
//! document per line (fewer and longer rows than `mine`'s one per sentence, so the figure is an
//! upper bound), tokens handed over through tantivy's own whitespace tokenizer.
//!
//! ```text
//! cargo run --release --example tantivy_baseline -- /tmp/corpus100 2
//! ```
//! prints the MB/s of the cut, the MB/s of indexing alone with one and with `THREADS` indexing
//! threads, and the best ratio `mine index` could reach against the cut if everything but
//! segmenting and indexing were free: the cut and the indexing share the `THREADS` cores, so a
//! MB costs `THREADS / cut + 1 / index_1` CPU seconds (one indexing thread's time is its CPU
//! time), and no run is faster than its indexing threads alone.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context;
use jieba_rs::Jieba;
use rayon::prelude::*;
use tantivy::schema::{IndexRecordOption, Schema, TextFieldIndexing, TextOptions};
use tantivy::{Index, TantivyDocument};

mod common;

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let root = PathBuf::from(
        args.next()
            .context("usage: tantivy_baseline CORPUS [THREADS]")?,
    );
    let threads: usize = args.next().map_or(Ok(2), |t| t.parse())?;
    let texts = common::read_corpus(&root)?;
    let bytes: usize = texts.iter().map(String::len).sum();
    let mb = bytes as f64 / 1e6;
    let jieba = Jieba::new();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()?;

    // The cut, timed exactly as `jieba_baseline` times it.
    let (seconds, _) = common::time_cut(&jieba, &pool, &texts, false);
    let cut = mb / seconds;
    // The same cut again, untimed: each line's tokens joined by spaces.
    let lines: Vec<String> = pool.install(|| {
        texts
            .par_iter()
            .flat_map_iter(|text| {
                text.lines().map(|line| {
                    let mut joined = String::with_capacity(2 * line.len());
                    for w in jieba.cut(line, false) {
                        if !w.word.trim().is_empty() {
                            joined.push_str(w.word.trim());
                            joined.push(' ');
                        }
                    }
                    joined
                })
            })
            .filter(|l| !l.is_empty())
            .collect()
    });
    println!(
        "cut: {cut:.2} MB/s on {threads} thread(s), {} lines",
        lines.len()
    );

    let mut index_mbs = Vec::new();
    for writers in [1, threads] {
        let mut builder = Schema::builder();
        let text = builder.add_text_field(
            "text",
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer("whitespace")
                    .set_index_option(IndexRecordOption::WithFreqsAndPositions),
            ),
        );
        let dir = tempfile::tempdir()?;
        let index = Index::create_in_dir(dir.path(), builder.build())?;
        let start = Instant::now();
        let mut writer = index.writer_with_num_threads(writers, 64_000_000 * writers)?;
        for line in &lines {
            let mut doc = TantivyDocument::default();
            doc.add_text(text, line);
            writer.add_document(doc)?;
        }
        writer.commit()?;
        writer.wait_merging_threads()?;
        let rate = mb / start.elapsed().as_secs_f64();
        println!("index: {rate:.2} MB/s with {writers} indexing thread(s)");
        index_mbs.push(rate);
    }
    let cpu_per_mb = threads as f64 / cut + 1.0 / index_mbs[0];
    let best = (threads as f64 / cpu_per_mb).min(index_mbs[0].max(index_mbs[1]));
    println!(
        "cut + index at best {best:.2} MB/s = {:.3} of the cut",
        best / cut
    );
    Ok(())
}
