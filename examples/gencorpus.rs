//! A deterministic benchmark corpus: takes the seed papers in `corpus/` and a size, gives back a
//! folder of `.txt` files assembled from their real body paragraphs and sentences (shuffled, some
//! paragraphs rebuilt from sentences of several papers) plus a `metadata.csv` whose dates spread
//! over every period from 2001 to 2026. The same `--seed` always gives the same bytes, so anyone
//! can reproduce the figures in `docs/performance.md` without a private corpus.
//!
//! ```text
//! cargo run --release --example gencorpus -- --mb 100 --out /tmp/corpus100
//! cargo run --release --example gencorpus -- --mb 100 --file-kb 1.5 --out /tmp/small100
//! ```
//!
//! Without `--file-kb`, file sizes are log-uniform between 1 KB and 512 KB (a mix of news items
//! and long papers); with it, every file is about that size (daily news stories).

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use rand::seq::{IndexedRandom, SliceRandom};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use mine::corpus::discover::discover;
use mine::corpus::{self, metadata};
use mine::model::Zone;

struct Options {
    mb: f64,
    out: PathBuf,
    seeds: PathBuf,
    seed: u64,
    file_kb: Option<f64>,
}

fn parse_args() -> anyhow::Result<Options> {
    let mut options = Options {
        mb: 10.0,
        out: PathBuf::new(),
        seeds: Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus"),
        seed: 7,
        file_kb: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().with_context(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--mb" => options.mb = value()?.parse().context("--mb takes a number")?,
            "--out" => options.out = PathBuf::from(value()?),
            "--seeds" => options.seeds = PathBuf::from(value()?),
            "--seed" => options.seed = value()?.parse().context("--seed takes an integer")?,
            "--file-kb" => {
                options.file_kb = Some(value()?.parse().context("--file-kb takes a number")?)
            }
            other => bail!(
                "unknown argument `{other}`; usage: gencorpus --mb N --out DIR [--file-kb K] \
                 [--seed S] [--seeds corpus/]"
            ),
        }
    }
    if options.out.as_os_str().is_empty() {
        bail!("--out DIR is required");
    }
    Ok(options)
}

/// The material cut from the seed papers.
struct Material {
    titles: Vec<String>,
    authors: Vec<String>,
    paragraphs: Vec<String>,
    sentences: Vec<String>,
}

fn material(seeds: &Path) -> anyhow::Result<Material> {
    let found = discover(seeds).with_context(|| format!("cannot read {}", seeds.display()))?;
    let mut m = Material {
        titles: Vec::new(),
        authors: Vec::new(),
        paragraphs: Vec::new(),
        sentences: Vec::new(),
    };
    let table = metadata::load(seeds)?;
    for file in found.files.iter().filter(|f| f.rel.ends_with(".txt")) {
        let meta = table
            .as_ref()
            .and_then(|t| t.meta_for(&file.rel))
            .unwrap_or_else(|| metadata::default_meta(&file.rel));
        let (doc, _) = corpus::load_document(file, meta)
            .map_err(|reason| anyhow::anyhow!("{}: {reason}", file.rel))?;
        // The seeds' own parse says which sentences are body text, so the generated files are
        // body paragraphs (what a corpus is mostly made of), not the seeds' notes and reference
        // lists cut into pieces.
        let mut paragraph: Option<(u32, String)> = None;
        for s in &doc.sentences {
            match s.zone {
                Zone::Title if m.titles.len() < 64 => m.titles.push(s.text.clone()),
                Zone::Body => {
                    m.sentences.push(s.text.clone());
                    match &mut paragraph {
                        Some((p, text)) if *p == s.paragraph => text.push_str(&s.text),
                        _ => {
                            if let Some((_, text)) = paragraph.take() {
                                m.paragraphs.push(text);
                            }
                            paragraph = Some((s.paragraph, s.text.clone()));
                        }
                    }
                }
                _ => {}
            }
        }
        m.paragraphs.extend(paragraph.map(|(_, text)| text));
        m.authors.extend(doc.meta.authors.iter().cloned());
    }
    if m.authors.is_empty() {
        m.authors.push("佚名".to_string());
    }
    if m.paragraphs.is_empty() || m.titles.is_empty() {
        bail!("no body paragraphs found in {}", seeds.display());
    }
    Ok(m)
}

fn file_text(m: &Material, rng: &mut ChaCha8Rng, target: usize, n: usize) -> String {
    let mut text = String::with_capacity(target + 4096);
    let title = m.titles.choose(rng).expect("titles are not empty");
    let author = m.authors.choose(rng).expect("authors are not empty");
    writeln!(text, "# {title}（{n}）\n\n{author}\n").expect("writing to a String");
    let mut order: Vec<usize> = (0..m.paragraphs.len()).collect();
    order.shuffle(rng);
    let mut next = order.iter().cycle();
    while text.len() < target {
        if rng.random_bool(0.3) {
            // A paragraph rebuilt from sentences of any paper.
            for _ in 0..rng.random_range(2..7) {
                text.push_str(m.sentences.choose(rng).expect("sentences are not empty"));
            }
        } else {
            let i = *next.next().expect("a cycle never ends");
            text.push_str(&m.paragraphs[i]);
        }
        text.push_str("\n\n");
    }
    text
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn main() -> anyhow::Result<()> {
    let options = parse_args()?;
    let m = material(&options.seeds)?;
    let mut rng = ChaCha8Rng::seed_from_u64(options.seed);
    fs::create_dir_all(&options.out)
        .with_context(|| format!("cannot create {}", options.out.display()))?;
    let total = (options.mb * 1_000_000.0) as usize;
    let mut written = 0usize;
    let mut metadata = String::from("file,id,title,authors,journal,date,period_fallback\n");
    let mut n = 0usize;
    while written < total {
        n += 1;
        let target = match options.file_kb {
            Some(kb) => (kb * 1000.0) as usize,
            // log-uniform 1 KB .. 512 KB
            None => (1000.0 * 2f64.powf(rng.random_range(0.0..9.0))) as usize,
        }
        .min(total - written)
        .max(200);
        let text = file_text(&m, &mut rng, target, n);
        let name = format!("doc_{n:06}.txt");
        fs::write(options.out.join(&name), &text)?;
        written += text.len();
        let days = rng.random_range(0..(26 * 365));
        let (year, day_of_year) = (2001 + days / 365, days % 365);
        let (month, day) = (1 + day_of_year / 31 % 12, 1 + day_of_year % 28);
        let fallback = if rng.random_bool(0.5) {
            "document"
        } else {
            "none"
        };
        let title = text
            .lines()
            .next()
            .unwrap_or_default()
            .trim_start_matches("# ");
        let author = m.authors.choose(&mut rng).expect("authors are not empty");
        writeln!(
            metadata,
            "{name},gen_{n:06},{},{},,{year}-{month:02}-{day:02},{fallback}",
            csv_field(title),
            csv_field(author),
        )?;
    }
    fs::write(options.out.join("metadata.csv"), metadata)?;
    println!(
        "wrote {n} files, {:.1} MB, and metadata.csv to {}",
        written as f64 / 1e6,
        options.out.display()
    );
    Ok(())
}
