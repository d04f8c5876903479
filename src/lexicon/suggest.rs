//! `mine lexicon suggest`: candidate terms for a category, from the annotated corpus. A word that
//! keeps turning up in the sentences where the category's entries are found, and seldom in the
//! others, behaves like those entries and is worth a researcher's look (the co-occurrence idea of
//! Turney's semantic orientation from PMI, which cntext's SoPMI expansion also rests on).
//!
//! The unit is the sentence, the unit the counts and the coding sheets use. For each word type
//! `w` (Simplified form, a content word of two or more characters that is not already a form of
//! the category) the 2×2 table of sentences is: `a` sentences with `w` and a hit of the category,
//! `b` with `w` and none, `c` with a hit and no `w`, `d` with neither. Terms are ranked by
//! Dunning's log-likelihood G² of that table, among the positively associated
//! (`a / (a + b) > (a + c) / n`), ties by term; PMI `log2(a n / ((a + b)(a + c)))` and the share of
//! `w`'s sentences that hold a hit are shown beside it. A token inside a hit of the category is
//! the entry itself and is not counted as its neighbour.
//!
//! Content words are told by jieba's part-of-speech tag: nouns, verbs, adjectives, idioms and
//! fixed expressions are kept, personal, place and organisation names are not (a country named in
//! threat sentences is a topic, not threat language), and neither are function words.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use crate::model::{AnnotatedDocument, Zone};
use crate::segment::is_word;

use super::LexiconSet;

/// What to count and how many to keep.
#[derive(Clone, Debug)]
pub struct SuggestOptions {
    /// Index of the category in the `LexiconSet`.
    pub category: usize,
    /// Zones whose sentences are counted.
    pub zones: Vec<Zone>,
    /// A term must stand in at least this many sentences ...
    pub min_sentences: u64,
    /// ... of at least this many documents.
    pub min_docs: u64,
    /// Terms returned.
    pub top: usize,
    /// Example sentences kept per term.
    pub examples: usize,
}

/// One candidate term.
#[derive(Clone, Debug, PartialEq)]
pub struct Suggestion {
    /// Simplified form, as the lexicons are written.
    pub term: String,
    /// jieba's part-of-speech tag (empty for a word the lexicons or userdict.txt added).
    pub pos: String,
    /// Counted sentences that hold the term (`a + b`).
    pub sentences: u64,
    /// Documents those sentences come from.
    pub docs: u64,
    /// Of those sentences, the ones that also hold a hit of the category (`a`).
    pub with_category: u64,
    /// `a / (a + b)`.
    pub share: f64,
    pub g2: f64,
    pub pmi: f64,
    /// Other categories the term is already a form of.
    pub other_categories: Vec<String>,
    /// Sentences where the term stands beside a hit of the category, from different documents
    /// where there are.
    pub examples: Vec<Example>,
}

/// A sentence that shows a term beside the category's hits.
#[derive(Clone, Debug, PartialEq)]
pub struct Example {
    pub doc: String,
    pub sentence: u32,
    /// The sentence as written.
    pub text: String,
    /// Byte range of the term in `text`.
    pub term: Range<usize>,
}

/// Totals of the count, for the summary line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    pub docs: u64,
    /// Counted sentences (`n`).
    pub sentences: u64,
    /// Counted sentences with a hit of the category (`a + c`).
    pub with_category: u64,
    /// Word types that passed the filters before ranking.
    pub candidates: u64,
}

/// A candidate word of a sentence: its Simplified form and its byte range in the text as written.
type Word = (String, Range<usize>);

#[derive(Default)]
struct TermCounts {
    sentences: u64,
    with_category: u64,
    docs: u64,
    /// The last document that counted, so a document counts once.
    last_doc: u64,
}

/// The co-occurrence counts over a corpus: feed every document with `add`, then `rank`, then
/// (in a second pass over the same documents) `collect_examples`.
pub struct Cooccurrence<'a> {
    set: &'a LexiconSet,
    options: SuggestOptions,
    /// Forms of the category's entries (not suggested again).
    own_forms: HashSet<&'a str>,
    terms: HashMap<String, TermCounts>,
    totals: Totals,
    /// Further example sentences from documents already used, per suggestion, for terms that
    /// stand beside the category in too few documents.
    spares: Vec<Vec<Example>>,
}

impl<'a> Cooccurrence<'a> {
    pub fn new(set: &'a LexiconSet, options: SuggestOptions) -> Cooccurrence<'a> {
        let own_forms = set.categories[options.category]
            .entries
            .iter()
            .flat_map(|e| e.forms())
            .collect();
        Cooccurrence {
            set,
            options,
            own_forms,
            terms: HashMap::new(),
            totals: Totals::default(),
            spares: Vec::new(),
        }
    }

    /// The candidate words of one counted sentence, each once, with their byte ranges, and
    /// whether the sentence holds a hit of the category.
    fn sentence_words(&self, ad: &AnnotatedDocument, i: usize) -> Option<(bool, Vec<Word>)> {
        let sentence = &ad.doc.sentences[i];
        if !self.options.zones.contains(&sentence.zone) {
            return None;
        }
        let ann = &ad.annotations[i];
        let hits: Vec<Range<u32>> = ann
            .hits
            .iter()
            .filter(|h| h.category == self.options.category)
            .map(|h| h.byte_start..h.byte_end)
            .collect();
        let simplifier = crate::script::Simplifier::shared();
        let mut seen = HashSet::new();
        let mut words = Vec::new();
        for t in &ann.tokens {
            if hits
                .iter()
                .any(|h| t.byte_start < h.end && h.start < t.byte_end)
            {
                continue;
            }
            let written = t.text(&sentence.text);
            if written.chars().count() < 2 || !is_word(written) {
                continue;
            }
            let term = simplifier.simplify(written).into_owned();
            if self.own_forms.contains(term.as_str()) || !seen.insert(term.clone()) {
                continue;
            }
            words.push((term, t.byte_start as usize..t.byte_end as usize));
        }
        Some((!hits.is_empty(), words))
    }

    pub fn add(&mut self, ad: &AnnotatedDocument) {
        self.totals.docs += 1;
        let doc = self.totals.docs;
        for i in 0..ad.doc.sentences.len() {
            let Some((has_hit, words)) = self.sentence_words(ad, i) else {
                continue;
            };
            self.totals.sentences += 1;
            self.totals.with_category += u64::from(has_hit);
            for (term, _) in words {
                let counts = self.terms.entry(term).or_default();
                counts.sentences += 1;
                counts.with_category += u64::from(has_hit);
                if counts.last_doc != doc {
                    counts.last_doc = doc;
                    counts.docs += 1;
                }
            }
        }
    }

    /// The top terms, best first. `pos` gives a word's part-of-speech tag (`Segmenter::pos`);
    /// words whose tag is not a content word's are left out.
    pub fn rank(&mut self, pos: impl Fn(&str) -> String) -> Vec<Suggestion> {
        let Totals {
            sentences: n,
            with_category: with,
            ..
        } = self.totals;
        let mut ranked = Vec::new();
        for (term, counts) in &self.terms {
            if counts.sentences < self.options.min_sentences
                || counts.docs < self.options.min_docs
                || counts.with_category == 0
                // Positive association only: more often beside the category than its base rate.
                || counts.with_category * n <= with * counts.sentences
            {
                continue;
            }
            let tag = pos(term);
            if !content_word(&tag) {
                continue;
            }
            let a = counts.with_category;
            let b = counts.sentences - a;
            let c = with - a;
            let d = n - a - b - c;
            ranked.push(Suggestion {
                term: term.clone(),
                pos: tag,
                sentences: counts.sentences,
                docs: counts.docs,
                with_category: a,
                share: a as f64 / counts.sentences as f64,
                g2: crate::stats::log_likelihood_2x2(a, b, c, d),
                pmi: (a as f64 * n as f64 / (counts.sentences as f64 * with as f64)).log2(),
                other_categories: self.other_categories(term),
                examples: Vec::new(),
            });
        }
        self.totals.candidates = ranked.len() as u64;
        ranked.sort_by(|x, y| y.g2.total_cmp(&x.g2).then_with(|| x.term.cmp(&y.term)));
        ranked.truncate(self.options.top);
        ranked
    }

    fn other_categories(&self, term: &str) -> Vec<String> {
        self.set
            .categories
            .iter()
            .enumerate()
            .filter(|&(i, c)| {
                i != self.options.category && c.entries.iter().any(|e| e.forms().any(|f| f == term))
            })
            .map(|(_, c)| c.name.clone())
            .collect()
    }

    /// Fills each suggestion's examples from one document (call for every document, in the same
    /// order as `add`, then `finish_examples`): the first sentence of each document in which the
    /// term stands beside a hit of the category, so that the examples come from different
    /// documents where the term is found in several.
    pub fn collect_examples(&mut self, ad: &AnnotatedDocument, suggestions: &mut [Suggestion]) {
        let k = self.options.examples;
        self.spares.resize(suggestions.len(), Vec::new());
        let wanted: HashMap<String, usize> = suggestions
            .iter()
            .enumerate()
            .filter(|(i, s)| s.examples.len() < k || self.spares[*i].len() < k)
            .map(|(i, s)| (s.term.clone(), i))
            .collect();
        if wanted.is_empty() {
            return;
        }
        let mut from_this_doc = vec![false; suggestions.len()];
        for i in 0..ad.doc.sentences.len() {
            let Some((true, words)) = self.sentence_words(ad, i) else {
                continue;
            };
            for (term, range) in words {
                let Some(&s) = wanted.get(&term) else {
                    continue;
                };
                // Only what is kept is copied: a long document costs its length, not its length
                // times the candidates.
                let slot = if !from_this_doc[s] && suggestions[s].examples.len() < k {
                    from_this_doc[s] = true;
                    &mut suggestions[s].examples
                } else if self.spares[s].len() < k {
                    &mut self.spares[s]
                } else {
                    continue;
                };
                let sentence = &ad.doc.sentences[i];
                slot.push(Example {
                    doc: ad.doc.meta.id.clone(),
                    sentence: sentence.id,
                    text: sentence.text.clone(),
                    term: range,
                });
            }
        }
    }

    /// Whether every suggestion has its examples (the second pass can stop).
    pub fn examples_complete(&self, suggestions: &[Suggestion]) -> bool {
        suggestions
            .iter()
            .all(|s| s.examples.len() >= self.options.examples)
    }

    /// Tops up the examples of terms seen beside the category in fewer documents than examples
    /// wanted with further sentences of those documents.
    pub fn finish_examples(&mut self, suggestions: &mut [Suggestion]) {
        let k = self.options.examples;
        for (s, spares) in suggestions.iter_mut().zip(std::mem::take(&mut self.spares)) {
            let missing = k.saturating_sub(s.examples.len());
            s.examples.extend(spares.into_iter().take(missing));
        }
    }

    pub fn totals(&self) -> Totals {
        self.totals
    }
}

/// Whether a jieba part-of-speech tag is a content word's: nouns (`n`, `nz`, `vn`, `an` ...),
/// verbs, adjectives, idioms (`i`), fixed expressions (`l`) and abbreviations (`j`); not names
/// (`nr`, `ns`, `nt`: a person, place or organisation is what a text is about, not how it frames
/// it), and not pronouns, numerals, measure words, adverbs, prepositions, conjunctions or
/// particles. A word with no tag was added by the lexicons or the user dictionary and is kept.
pub fn content_word(tag: &str) -> bool {
    if tag.is_empty() {
        return true;
    }
    if tag.starts_with("nr") || tag.starts_with("ns") || tag.starts_with("nt") {
        return false;
    }
    matches!(tag.as_bytes()[0], b'n' | b'v' | b'a' | b'i' | b'l' | b'j')
}
