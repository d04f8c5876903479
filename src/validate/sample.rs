//! Drawing a validation sample: takes an output folder of `mine index` and gives back a
//! reproducible sample of its sentences (body by default) with the context a coder needs and the
//! weight each sentence stands for, ready to be written as a blind coding sheet.
//!
//! The population is every sentence of the chosen zones in `passages.csv`. It is split into
//! strata: by the tool's period with `per_period` (every period appears, equally), and with
//! `enrich` by whether the tool found a hit of a category (so that rare categories get enough
//! positive sentences to estimate precision). Each stratum's share of the sample is drawn by
//! simple random sampling without replacement (ChaCha8, seeded); a stratum too small for its
//! share gives it all and the surplus goes to the others. Each sentence's weight is its stratum's
//! population over its stratum's draws, the inverse of its inclusion probability, so that scores
//! weighted by it estimate the corpus as a whole. The sheet never shows the tool's own calls.
//!
//! Two passes over `passages.csv`: the first keeps only row numbers per stratum, the second the
//! drawn rows and their neighbours, so memory does not grow with the length of the sentences.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::io::Write;
use std::path::Path;
use std::str::FromStr;

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::results::{Passages, ResultsError};
use super::sheet;

/// Over-sample the sentences where the tool found a hit of `category`: `share` of the sample
/// comes from them.
#[derive(Clone, Debug, PartialEq)]
pub struct Enrich {
    pub category: String,
    pub share: f64,
}

/// The share an `--enrich CATEGORY` without `:SHARE` gets.
pub const DEFAULT_ENRICH_SHARE: f64 = 0.5;

impl FromStr for Enrich {
    type Err = String;
    /// `CATEGORY` or `CATEGORY:SHARE` with SHARE in (0, 1].
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (category, share) = match s.rsplit_once(':') {
            Some((c, share)) => {
                let share: f64 = share
                    .parse()
                    .map_err(|_| format!("`{share}` is not a share between 0 and 1"))?;
                (c, share)
            }
            None => (s, DEFAULT_ENRICH_SHARE),
        };
        if !(share > 0.0 && share <= 1.0) {
            return Err(format!(
                "the share of `{category}` must be above 0 and at most 1, not {share}"
            ));
        }
        if category.is_empty() {
            return Err("name a category: CATEGORY[:SHARE]".into());
        }
        Ok(Enrich {
            category: category.to_string(),
            share,
        })
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct SampleOptions {
    pub n: usize,
    pub seed: u64,
    pub per_period: bool,
    pub enrich: Vec<Enrich>,
    /// Zone names whose sentences form the population.
    pub zones: Vec<String>,
    /// Sentences of context on each side (within the paragraph).
    pub context: usize,
    /// Metadata columns (docvars) to stratify by, each of their values equally (`kind`).
    pub by: Vec<String>,
}

impl Default for SampleOptions {
    fn default() -> Self {
        SampleOptions {
            n: 400,
            seed: crate::export::DEFAULT_SEED,
            per_period: false,
            enrich: Vec::new(),
            zones: vec!["body".into()],
            context: 2,
            by: Vec::new(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SampleError {
    #[error(transparent)]
    Results(#[from] ResultsError),
    #[error("--enrich {name}: no such category in passages.csv (categories: {available})")]
    UnknownCategory { name: String, available: String },
    #[error("--enrich shares add up to {0}, more than 1")]
    Shares(f64),
    #[error("no sentence of zone {zones} in {path}: nothing to sample")]
    Empty { zones: String, path: String },
    #[error("--n must be at least 1")]
    ZeroSize,
    #[error(
        "--by {column}: {path} has no such column (metadata columns are carried into it from metadata.csv)"
    )]
    UnknownColumn { column: String, path: String },
}

/// One stratum of the sample.
#[derive(Clone, Debug, PartialEq)]
pub struct Stratum {
    /// The values of the `by` columns and the tool's period (`kind=news period=obama`), or `all`
    /// without either.
    pub group: String,
    /// `hit:CATEGORY` for an enriched category, `rest` for the other sentences, `all` without
    /// enrichment.
    pub class: String,
    pub population: usize,
    pub drawn: usize,
}

impl Stratum {
    pub fn weight(&self) -> f64 {
        self.population as f64 / self.drawn.max(1) as f64
    }
}

/// One drawn sentence, as the sheet shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct SampleRow {
    pub doc: String,
    pub sentence_id: u32,
    pub date: String,
    pub context_before: String,
    pub text: String,
    pub context_after: String,
    pub weight: f64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Sample {
    /// The lexicon categories, for the sheet's code columns.
    pub categories: Vec<String>,
    /// Drawn sentences in file order (document, then sentence id).
    pub rows: Vec<SampleRow>,
    pub strata: Vec<Stratum>,
    /// Sentences of the chosen zones in the folder.
    pub population: usize,
}

/// Draws a sample from `<out>/passages.csv`.
pub fn draw(out: &Path, options: &SampleOptions) -> Result<Sample, SampleError> {
    if options.n == 0 {
        return Err(SampleError::ZeroSize);
    }
    let mut passages = Passages::open(out)?;
    let categories = passages.categories.clone();
    let enriched: Vec<usize> = options
        .enrich
        .iter()
        .map(|e| {
            categories
                .iter()
                .position(|c| *c == e.category)
                .ok_or_else(|| SampleError::UnknownCategory {
                    name: e.category.clone(),
                    available: categories.join(", "),
                })
        })
        .collect::<Result<_, _>>()?;
    let share_sum: f64 = options.enrich.iter().map(|e| e.share).sum();
    if share_sum > 1.0 + 1e-9 {
        return Err(SampleError::Shares(share_sum));
    }
    let zones: BTreeSet<&str> = options.zones.iter().map(String::as_str).collect();
    let by: Vec<(usize, &str)> = options
        .by
        .iter()
        .map(|c| {
            passages
                .column(c)
                .map(|i| (i, c.as_str()))
                .ok_or_else(|| SampleError::UnknownColumn {
                    column: c.clone(),
                    path: passages.path().display().to_string(),
                })
        })
        .collect::<Result<_, _>>()?;

    // Pass 1: row numbers of the population, by stratum (period, class).
    let mut cells: BTreeMap<(String, usize), Vec<u64>> = BTreeMap::new();
    let mut row = 0u64;
    passages.for_each(|p, record| -> Result<(), SampleError> {
        let r = row;
        row += 1;
        if !zones.contains(p.zone.as_str()) {
            return Ok(());
        }
        let mut parts: Vec<String> = by
            .iter()
            .map(|(i, name)| format!("{name}={}", record.get(*i).unwrap_or("")))
            .collect();
        if options.per_period {
            parts.push(format!("period={}", p.period));
        }
        let period = if parts.is_empty() {
            "all".to_string()
        } else {
            parts.join(" ")
        };
        // The first enriched category the sentence has a hit of; the rest after them.
        let class = enriched
            .iter()
            .position(|&c| p.hits[c] > 0)
            .unwrap_or(enriched.len());
        cells.entry((period, class)).or_default().push(r);
        Ok(())
    })?;
    let population: usize = cells.values().map(Vec::len).sum();
    if population == 0 {
        return Err(SampleError::Empty {
            zones: options.zones.join(","),
            path: passages.path().display().to_string(),
        });
    }

    // Allocation: groups (by-column values and periods) equally, then classes by their shares
    // within each group.
    let mut periods: Vec<&String> = cells.keys().map(|(p, _)| p).collect();
    periods.dedup();
    let period_capacity: Vec<usize> = periods
        .iter()
        .map(|p| {
            cells
                .iter()
                .filter(|((q, _), _)| q == *p)
                .map(|(_, rows)| rows.len())
                .sum()
        })
        .collect();
    let per_period = allocate(options.n, &vec![1.0; periods.len()], &period_capacity);
    let mut class_shares: Vec<f64> = options.enrich.iter().map(|e| e.share).collect();
    class_shares.push((1.0 - share_sum).max(0.0));
    let mut rng = ChaCha8Rng::seed_from_u64(options.seed);
    let mut strata = Vec::new();
    let mut chosen: Vec<(u64, f64)> = Vec::new();
    for (k, period) in periods.iter().enumerate() {
        let capacity: Vec<usize> = (0..class_shares.len())
            .map(|c| cells.get(&((*period).clone(), c)).map_or(0, Vec::len))
            .collect();
        let take = allocate(per_period[k], &class_shares, &capacity);
        for (class, &n) in take.iter().enumerate() {
            let Some(rows) = cells.get(&((*period).clone(), class)) else {
                continue;
            };
            let stratum = Stratum {
                group: (*period).clone(),
                class: match (enriched.get(class), enriched.is_empty()) {
                    (_, true) => "all".to_string(),
                    (Some(&c), _) => format!("hit:{}", categories[c]),
                    (None, _) => "rest".to_string(),
                },
                population: rows.len(),
                drawn: n,
            };
            let weight = stratum.weight();
            let mut picks = rand::seq::index::sample(&mut rng, rows.len(), n).into_vec();
            picks.sort_unstable();
            chosen.extend(picks.into_iter().map(|i| (rows[i], weight)));
            strata.push(stratum);
        }
    }
    chosen.sort_by_key(|(r, _)| *r);

    // Pass 2: the drawn rows with their neighbours in the paragraph.
    let mut passages = Passages::open(out)?;
    let mut rows = Vec::with_capacity(chosen.len());
    let mut next = chosen.iter().peekable();
    // The last `context` sentences read: (doc, paragraph, text).
    let mut window: VecDeque<(String, u32, String)> = VecDeque::new();
    // Drawn rows still collecting sentences after them: (index in rows, paragraph, still wanted).
    let mut pending: Vec<(usize, u32, usize)> = Vec::new();
    let mut row = 0u64;
    passages.for_each(|p, _| -> Result<(), SampleError> {
        let r = row;
        row += 1;
        pending.retain_mut(|(i, paragraph, wanted)| {
            let drawn: &mut SampleRow = &mut rows[*i];
            if drawn.doc == p.doc && *paragraph == p.paragraph {
                drawn.context_after.push_str(&p.text);
                *wanted -= 1;
                *wanted > 0
            } else {
                false
            }
        });
        if let Some(&&(drawn_row, weight)) = next.peek()
            && drawn_row == r
        {
            next.next();
            let before: String = window
                .iter()
                .filter(|(doc, paragraph, _)| *doc == p.doc && *paragraph == p.paragraph)
                .map(|(_, _, text)| text.as_str())
                .collect();
            rows.push(SampleRow {
                doc: p.doc.clone(),
                sentence_id: p.sentence_id,
                date: p.date.clone(),
                context_before: before,
                text: p.text.clone(),
                context_after: String::new(),
                weight,
            });
            if options.context > 0 {
                pending.push((rows.len() - 1, p.paragraph, options.context));
            }
        }
        if options.context > 0 {
            if window.len() == options.context {
                window.pop_front();
            }
            window.push_back((p.doc, p.paragraph, p.text));
        }
        Ok(())
    })?;
    Ok(Sample {
        categories,
        rows,
        strata,
        population,
    })
}

/// Splits `total` among cells in proportion to `shares` (largest remainder), giving no cell more
/// than its `capacity`; what a full cell cannot take goes to the others in proportion to their
/// shares, and when every cell with a share is full, to the rest equally. Never more than the
/// capacities together.
pub fn allocate(total: usize, shares: &[f64], capacity: &[usize]) -> Vec<usize> {
    let mut taken = vec![0usize; shares.len()];
    let mut remaining = total.min(capacity.iter().sum());
    let mut shares = shares.to_vec();
    while remaining > 0 {
        let open: Vec<usize> = (0..shares.len())
            .filter(|&i| taken[i] < capacity[i] && shares[i] > 0.0)
            .collect();
        if open.is_empty() {
            // Only cells without a share have room left: share equally among them.
            for (i, share) in shares.iter_mut().enumerate() {
                if taken[i] < capacity[i] {
                    *share = 1.0;
                }
            }
            continue;
        }
        let sum: f64 = open.iter().map(|&i| shares[i]).sum();
        let quotas: Vec<f64> = open
            .iter()
            .map(|&i| remaining as f64 * shares[i] / sum)
            .collect();
        let mut add: Vec<usize> = quotas.iter().map(|q| q.floor() as usize).collect();
        let mut left = remaining - add.iter().sum::<usize>();
        let mut order: Vec<usize> = (0..open.len()).collect();
        order.sort_by(|&a, &b| {
            let fa = quotas[a] - quotas[a].floor();
            let fb = quotas[b] - quotas[b].floor();
            fb.total_cmp(&fa).then(a.cmp(&b))
        });
        for &k in &order {
            if left == 0 {
                break;
            }
            add[k] += 1;
            left -= 1;
        }
        let mut placed = 0;
        for (k, &i) in open.iter().enumerate() {
            let room = capacity[i] - taken[i];
            let give = add[k].min(room);
            taken[i] += give;
            placed += give;
        }
        remaining -= placed;
        if placed == 0 {
            break;
        }
    }
    taken
}

/// Writes the blind coding sheet: the sentences with their context and weight, empty codes.
pub fn write_sheet(sample: &Sample, out: impl Write) -> Result<(), csv::Error> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(out);
    let header = sheet::header(&sample.categories);
    writer.write_record(&header)?;
    let empty = header.len() - sheet::SENTENCE_COLUMNS.len();
    for row in &sample.rows {
        let mut record = vec![
            row.doc.clone(),
            row.sentence_id.to_string(),
            row.date.clone(),
            row.context_before.clone(),
            row.text.clone(),
            row.context_after.clone(),
            crate::stats::fixed(row.weight, 6),
        ];
        record.extend(std::iter::repeat_n(String::new(), empty));
        writer.write_record(&record)?;
    }
    writer.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allocation_follows_shares_and_caps_at_capacity() {
        assert_eq!(allocate(10, &[1.0, 1.0], &[100, 100]), vec![5, 5]);
        // Largest remainder: 10 by 1:1:1 is 4, 3, 3 (ties to the first).
        assert_eq!(
            allocate(10, &[1.0, 1.0, 1.0], &[100, 100, 100]),
            vec![4, 3, 3]
        );
        // A small stratum gives all it has; the others take the surplus.
        assert_eq!(
            allocate(30, &[1.0, 1.0, 1.0], &[4, 100, 100]),
            vec![4, 13, 13]
        );
        // Enrichment 0.3 : 0.7 of 20.
        assert_eq!(allocate(20, &[0.3, 0.7], &[100, 100]), vec![6, 14]);
        // A share of 1 with too few positives: the rest fill the sample.
        assert_eq!(allocate(20, &[1.0, 0.0], &[5, 100]), vec![5, 15]);
        // Never more than there is.
        assert_eq!(allocate(50, &[1.0, 1.0], &[3, 4]), vec![3, 4]);
    }

    #[test]
    fn enrich_parses_a_category_with_an_optional_share() {
        assert_eq!(
            "threat_narrative:0.3".parse::<Enrich>().unwrap(),
            Enrich {
                category: "threat_narrative".into(),
                share: 0.3
            }
        );
        assert_eq!("a".parse::<Enrich>().unwrap().share, DEFAULT_ENRICH_SHARE);
        assert!("a:1.5".parse::<Enrich>().is_err());
        assert!("a:x".parse::<Enrich>().is_err());
        assert!(":0.5".parse::<Enrich>().is_err());
    }
}
