//! The tantivy collectors behind `SentenceIndex::search` and `count_by_period`.
//!
//! `TopSentences` takes a number `k` and gives back the number of all matching sentences and the
//! best `k` of them, in the final order: score descending, then document id ascending (as a
//! string), then sentence id ascending, then index address (segment, row) ascending, the order in
//! which tantivy visits rows, so that even two rows equal on every key keep one order. Each segment
//! keeps a bounded heap keyed on the `doc` fast field's term ordinal instead of the string: within
//! one segment the ordinals sort exactly like the strings, so the heap is exact, and only the `k`
//! survivors of each segment have their document id looked up (in one pass over the dictionary)
//! before the segments are merged. A match that cannot beat the worst kept one is counted, and its
//! keys are read only as far as needed to know it (score, then document, then sentence).
//!
//! `PeriodCounts` takes nothing and gives back the number of matching sentences per period: each
//! segment counts the `period` fast field's ordinals in an array, and only the periods that occur
//! are turned into strings.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BinaryHeap};

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

use super::schema;

/// One of the best matches, with the keys that order it.
#[derive(Clone, Debug)]
pub(super) struct Ranked {
    pub score: Score,
    /// Document id; empty when the row has none.
    pub doc: String,
    pub sentence_id: u64,
    pub address: DocAddress,
}

impl Ranked {
    /// The final order: score descending, doc ascending, sentence id ascending, address ascending.
    pub fn rank(&self, other: &Ranked) -> Ordering {
        other
            .score
            .total_cmp(&self.score)
            .then_with(|| self.doc.cmp(&other.doc))
            .then_with(|| self.sentence_id.cmp(&other.sentence_id))
            .then_with(|| self.address.cmp(&other.address))
    }
}

/// The number of all matches and the best `k` of them, ranked.
#[derive(Debug, Default)]
pub(super) struct TopFruit {
    pub total: usize,
    pub best: Vec<Ranked>,
}

/// Counts every match and keeps the best `k` (see the module comment for the order).
pub(super) struct TopSentences {
    pub k: usize,
}

/// A match inside one segment: the document id as the segment's term ordinal.
#[derive(Clone, Copy, Debug)]
struct Candidate {
    score: Score,
    /// `doc` term ordinal + 1; 0 for a row without a document id (see `SegmentTop::missing_doc`).
    doc_key: u64,
    sentence_id: u64,
    row: DocId,
}

impl Candidate {
    /// The final order inside one segment; `Less` is better.
    fn rank(&self, other: &Candidate) -> Ordering {
        other
            .score
            .total_cmp(&self.score)
            .then_with(|| self.doc_key.cmp(&other.doc_key))
            .then_with(|| self.sentence_id.cmp(&other.sentence_id))
            .then_with(|| self.row.cmp(&other.row))
    }
}

// The heap's greatest element is the worst candidate kept, the first to go.
impl Ord for Candidate {
    fn cmp(&self, other: &Self) -> Ordering {
        self.rank(other)
    }
}

impl PartialOrd for Candidate {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Candidate {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Candidate {}

/// The best `k` matches of one segment and the number of all of them.
pub(super) struct SegmentTop {
    segment: SegmentOrdinal,
    k: usize,
    doc: Option<StrColumn>,
    /// The key of a row without a document id: the key of the empty string when the dictionary
    /// holds it (ordinal 0), so that such a row ties with `""` exactly as the strings do.
    missing_doc: u64,
    sentence_id: Column<u64>,
    heap: BinaryHeap<Candidate>,
    total: usize,
}

impl SegmentTop {
    fn doc_key(&self, row: DocId) -> u64 {
        self.doc
            .as_ref()
            .and_then(|column| column.ords().first(row))
            .map_or(self.missing_doc, |ord| ord + 1)
    }
}

/// The smallest capacity reserved up front; a deep page grows the heap as it fills.
const INITIAL_CAPACITY: usize = 1024;

impl Collector for TopSentences {
    type Fruit = TopFruit;
    type Child = SegmentTop;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentTop> {
        let columns = reader.fast_fields();
        let doc = columns.str(schema::name::DOC)?;
        let missing_doc = match &doc {
            Some(column) if column.num_terms() > 0 => {
                let mut first = String::new();
                column.ord_to_str(0, &mut first)?;
                u64::from(first.is_empty())
            }
            _ => 0,
        };
        Ok(SegmentTop {
            segment,
            k: self.k,
            doc,
            missing_doc,
            sentence_id: columns.u64(schema::name::SENTENCE_ID)?,
            heap: BinaryHeap::with_capacity(self.k.min(INITIAL_CAPACITY)),
            total: 0,
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<tantivy::Result<TopFruit>>) -> tantivy::Result<TopFruit> {
        let mut merged = TopFruit::default();
        for fruit in fruits {
            let fruit = fruit?;
            merged.total += fruit.total;
            merged.best.extend(fruit.best);
        }
        merged.best.sort_by(Ranked::rank);
        merged.best.truncate(self.k);
        Ok(merged)
    }
}

impl SegmentCollector for SegmentTop {
    // A `Result`, because turning ordinals into strings reads the dictionary.
    type Fruit = tantivy::Result<TopFruit>;

    fn collect(&mut self, row: DocId, score: Score) {
        self.total += 1;
        if self.k == 0 {
            return;
        }
        let full = self.heap.len() >= self.k;
        // The keys are read one by one, only as far as they can still let the row in.
        let mut doc_key = None;
        if full && let Some(worst) = self.heap.peek() {
            match score.total_cmp(&worst.score) {
                Ordering::Less => return,
                Ordering::Equal => {
                    let key = self.doc_key(row);
                    if key > worst.doc_key {
                        return;
                    }
                    doc_key = Some(key);
                }
                Ordering::Greater => {}
            }
        }
        let candidate = Candidate {
            score,
            doc_key: doc_key.unwrap_or_else(|| self.doc_key(row)),
            sentence_id: self.sentence_id.first(row).unwrap_or_default(),
            row,
        };
        if !full {
            self.heap.push(candidate);
        } else if let Some(mut worst) = self.heap.peek_mut()
            && candidate < *worst
        {
            *worst = candidate;
        }
    }

    fn harvest(self) -> tantivy::Result<TopFruit> {
        let candidates = self.heap.into_vec();
        // The document ids of the survivors, read in one pass over the dictionary.
        let mut ords: Vec<u64> = candidates
            .iter()
            .filter(|c| c.doc_key > 0)
            .map(|c| c.doc_key - 1)
            .collect();
        ords.sort_unstable();
        ords.dedup();
        let mut names = Vec::with_capacity(ords.len());
        if let Some(column) = &self.doc {
            column.dictionary().sorted_ords_to_term_cb(&ords, |bytes| {
                names.push(String::from_utf8_lossy(bytes).into_owned())
            })?;
        }
        let name_of = |doc_key: u64| -> String {
            // The key of a missing id that ties with "" is 1, the key of ordinal 0: "".
            doc_key
                .checked_sub(1)
                .and_then(|ord| ords.binary_search(&ord).ok())
                .and_then(|i| names.get(i).cloned())
                .unwrap_or_default()
        };
        let best = candidates
            .into_iter()
            .map(|c| Ranked {
                score: c.score,
                doc: name_of(c.doc_key),
                sentence_id: c.sentence_id,
                address: DocAddress::new(self.segment, c.row),
            })
            .collect();
        Ok(TopFruit {
            total: self.total,
            best,
        })
    }
}

/// Counts matches per period (only periods with at least one; a row without a period counts
/// under the empty string).
pub(super) struct PeriodCounts;

/// Matches per `period` term ordinal of one segment.
pub(super) struct SegmentPeriods {
    period: Option<StrColumn>,
    /// Index 0: rows without a period; index `ord + 1`: rows of that ordinal.
    counts: Vec<usize>,
    ords: Vec<Option<u64>>,
}

/// The slot of `counts` of a row with that period ordinal.
fn slot(ord: Option<u64>) -> usize {
    ord.map_or(0, |ord| ord as usize + 1)
}

impl Collector for PeriodCounts {
    type Fruit = BTreeMap<String, usize>;
    type Child = SegmentPeriods;

    fn for_segment(
        &self,
        _segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentPeriods> {
        let period = reader.fast_fields().str(schema::name::PERIOD)?;
        let terms = period.as_ref().map_or(0, |column| column.num_terms());
        Ok(SegmentPeriods {
            period,
            counts: vec![0; terms + 1],
            ords: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(
        &self,
        fruits: Vec<tantivy::Result<BTreeMap<String, usize>>>,
    ) -> tantivy::Result<BTreeMap<String, usize>> {
        let mut merged = BTreeMap::new();
        for fruit in fruits {
            for (period, n) in fruit? {
                *merged.entry(period).or_insert(0) += n;
            }
        }
        Ok(merged)
    }
}

impl SegmentCollector for SegmentPeriods {
    // A `Result`, because turning ordinals into strings reads the dictionary.
    type Fruit = tantivy::Result<BTreeMap<String, usize>>;

    fn collect(&mut self, row: DocId, _score: Score) {
        let ord = self
            .period
            .as_ref()
            .and_then(|column| column.ords().first(row));
        self.counts[slot(ord)] += 1;
    }

    fn collect_block(&mut self, rows: &[DocId]) {
        let Some(column) = &self.period else {
            self.counts[0] += rows.len();
            return;
        };
        self.ords.clear();
        self.ords.resize(rows.len(), None);
        column.ords().first_vals(rows, &mut self.ords);
        for &ord in &self.ords {
            self.counts[slot(ord)] += 1;
        }
    }

    fn harvest(self) -> tantivy::Result<BTreeMap<String, usize>> {
        let mut counts = BTreeMap::new();
        for (slot, &n) in self.counts.iter().enumerate().filter(|(_, n)| **n > 0) {
            let mut period = String::new();
            if let Some(column) = &self.period
                && slot > 0
            {
                column.ord_to_str(slot as u64 - 1, &mut period)?;
            }
            *counts.entry(period).or_insert(0) += n;
        }
        Ok(counts)
    }
}
