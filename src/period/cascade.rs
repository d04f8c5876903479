//! The attribution cascade: takes a `Document` and the scheme, finds the evidence of every
//! sentence and heading (markers and dates), resolves ambiguous markers from context, and gives
//! back one `PeriodCall` per sentence (rules: the module documentation of `period`).

use std::collections::HashMap;

use super::dates::{DaySpan, find_dates};
use super::scheme::{Meaning, PrimaryRule, normalize};
use super::{PeriodScheme, PeriodSteps};
use crate::model::{Document, Fallback, PartialDate, PeriodCall, PeriodSource};

/// One marker or date found in a text.
#[derive(Clone, Debug)]
pub(super) struct Found {
    /// The text as it stands (whitespace included).
    pub text: String,
    pub byte_start: usize,
    pub meaning: Meaning,
    /// An office holder's name (see `Marker::weak`).
    pub weak: bool,
}

/// What a text's own evidence says, once ambiguous markers are resolved.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Resolved {
    pub primary: usize,
    /// Scheme indices, ascending.
    pub mentioned: Vec<usize>,
    /// The marker that names the primary period (with how an ambiguous one was resolved).
    pub evidence: String,
}

impl PeriodScheme {
    /// One call per sentence, parallel to `doc.sentences`, with every step of the cascade.
    /// `fallback` is the resolved document fallback (the metadata's, else the CLI default).
    pub fn attribute(&self, doc: &Document, fallback: Fallback) -> Vec<PeriodCall> {
        self.attribute_with(doc, fallback, PeriodSteps::ALL)
    }

    /// `attribute` with only the cascade steps that `steps` leaves on.
    pub fn attribute_with(
        &self,
        doc: &Document,
        fallback: Fallback,
        steps: PeriodSteps,
    ) -> Vec<PeriodCall> {
        let doc_last = doc.meta.date.map(|d| DaySpan::of(d).last);
        let headings = self.resolve_headings(doc, doc_last);

        // Sentence indices per paragraph, in reading order; paragraphs in order of appearance.
        let mut paragraphs: Vec<(u32, Vec<usize>)> = Vec::new();
        let mut slot: HashMap<u32, usize> = HashMap::new();
        for (i, s) in doc.sentences.iter().enumerate() {
            let k = *slot.entry(s.paragraph).or_insert_with(|| {
                paragraphs.push((s.paragraph, Vec::new()));
                paragraphs.len() - 1
            });
            paragraphs[k].1.push(i);
        }

        let mut own: Vec<Option<Resolved>> = vec![None; doc.sentences.len()];
        for (_, members) in &paragraphs {
            let found: Vec<Vec<Found>> = members
                .iter()
                .map(|&i| self.scan(&doc.sentences[i].text, doc_last))
                .collect();
            for (k, &i) in members.iter().enumerate() {
                let chain = self.section_chain(doc, doc.sentences[i].section);
                let resolved = self.resolve(&found[k], doc.meta.date, |candidates| {
                    // Nearest preceding sentence of the paragraph, then later ones, then headings.
                    for &j in members[..k].iter().rev() {
                        if let Some(r) = &own[j]
                            && let Some(pick) = self.pick_among(candidates, &r.mentioned)
                        {
                            return Some((pick, bare(&r.evidence)));
                        }
                    }
                    for later in &found[k + 1..] {
                        if let Some(hit) = self.definite_pick(candidates, later) {
                            return Some(hit);
                        }
                    }
                    self.heading_pick(candidates, &chain, &headings)
                });
                own[i] = resolved;
            }
        }

        // The nearest sentence with its own evidence before and after each sentence in its
        // paragraph, found in one pass each way: a search per sentence would be quadratic in the
        // paragraph's length, and a PDF extraction without line breaks is one paragraph of
        // hundreds of thousands of sentences.
        let mut before: Vec<Option<usize>> = vec![None; doc.sentences.len()];
        let mut after: Vec<Option<usize>> = vec![None; doc.sentences.len()];
        for (_, members) in &paragraphs {
            let mut last = None;
            for &j in members {
                before[j] = last;
                if own[j].is_some() {
                    last = Some(j);
                }
            }
            let mut next = None;
            for &j in members.iter().rev() {
                after[j] = next;
                if own[j].is_some() {
                    next = Some(j);
                }
            }
        }

        let mut calls = Vec::with_capacity(doc.sentences.len());
        for (i, sentence) in doc.sentences.iter().enumerate() {
            if steps.sentence
                && let Some(r) = &own[i]
            {
                calls.push(self.call(r, PeriodSource::Sentence, r.mentioned.clone()));
                continue;
            }
            let neighbour = before[i].or(after[i]).and_then(|j| own[j].as_ref());
            if steps.paragraph
                && let Some(r) = neighbour
            {
                calls.push(self.call(r, PeriodSource::Paragraph, Vec::new()));
                continue;
            }
            let chain = self.section_chain(doc, sentence.section);
            if steps.heading
                && let Some(r) = chain.iter().find_map(|s| headings.get(s))
            {
                calls.push(self.call(r, PeriodSource::Heading, Vec::new()));
                continue;
            }
            if steps.citation
                && let Some(r) = self.citation(doc, &sentence.note_refs, doc_last)
            {
                calls.push(self.call(&r, PeriodSource::Citation, Vec::new()));
                continue;
            }
            if steps.document
                && fallback == Fallback::Document
                && let Some(date) = doc.meta.date
                && let Some(period) = self.period_of_date(date)
            {
                calls.push(PeriodCall {
                    period: period.id.clone(),
                    source: PeriodSource::Document,
                    evidence: format!("document date {date}"),
                    mentioned: Vec::new(),
                });
                continue;
            }
            calls.push(PeriodCall::unattributed());
        }
        calls
    }

    fn call(&self, r: &Resolved, source: PeriodSource, mentioned: Vec<usize>) -> PeriodCall {
        PeriodCall {
            period: self.periods[r.primary].id.clone(),
            source,
            evidence: r.evidence.clone(),
            mentioned: mentioned
                .into_iter()
                .map(|i| self.periods[i].id.clone())
                .collect(),
        }
    }

    /// Every marker and date of `text`, in order. Dates after the document's date are dropped
    /// and spans are cut at it; `以来`/`至今` runs a span on to it.
    pub(super) fn scan(&self, text: &str, doc_last: Option<i64>) -> Vec<Found> {
        let mut found = Vec::new();
        if let Some(matcher) = &self.matcher {
            for m in matcher.find_iter(text) {
                let owner = self
                    .term_owner
                    .get(&normalize(m.as_str()))
                    .expect("every match of the matcher is one of its terms");
                if let Some(marker) = owner {
                    found.push(Found {
                        text: m.as_str().to_string(),
                        byte_start: m.start(),
                        meaning: self.markers[*marker].meaning.clone(),
                        weak: self.markers[*marker].weak,
                    });
                }
            }
        }
        for date in find_dates(text) {
            let mut span = date.span;
            if let Some(last) = doc_last {
                if span.first > last {
                    continue;
                }
                span.last = span.last.min(last);
                if date.until_now {
                    span.last = last;
                }
            }
            // Dates inside a marker (none in the shipped scheme) count once, as the marker.
            if found
                .iter()
                .any(|f| (f.byte_start..f.byte_start + f.text.len()).contains(&date.bytes.start))
            {
                continue;
            }
            if let Some((primary, mentioned)) = self.span_periods(span) {
                found.push(Found {
                    text: text[date.bytes.clone()].to_string(),
                    byte_start: date.bytes.start,
                    meaning: Meaning::Definite { primary, mentioned },
                    weak: false,
                });
            }
        }
        found.sort_by_key(|f| f.byte_start);
        found
    }

    /// Resolves a text's evidence. `context` picks among the candidates of an ambiguous marker
    /// that the text itself cannot settle (returning the period and the deciding marker); the
    /// document's date settles what context cannot.
    fn resolve(
        &self,
        found: &[Found],
        doc_date: Option<PartialDate>,
        context: impl Fn(&[usize]) -> Option<(usize, String)>,
    ) -> Option<Resolved> {
        if found.is_empty() {
            return None;
        }
        // (primary, mentioned, evidence, weak) per found item.
        let mut items: Vec<(usize, Vec<usize>, String, bool)> = Vec::new();
        for f in found {
            match &f.meaning {
                Meaning::Definite { primary, mentioned } => {
                    items.push((*primary, mentioned.clone(), f.text.clone(), f.weak))
                }
                Meaning::Ambiguous(candidates) => {
                    let own = found.iter().find_map(|other| {
                        self.definite_pick(candidates, std::slice::from_ref(other))
                    });
                    // Two ambiguous markers that share one candidate settle each other
                    // (`特朗普` and `文在寅` are both trump1).
                    let shared = || {
                        found.iter().find_map(|other| match &other.meaning {
                            Meaning::Ambiguous(theirs) if other.byte_start != f.byte_start => {
                                let both: Vec<usize> = candidates
                                    .iter()
                                    .filter(|c| theirs.contains(c))
                                    .copied()
                                    .collect();
                                (both.len() == 1).then(|| (both[0], other.text.clone()))
                            }
                            _ => None,
                        })
                    };
                    let (pick, by) = own
                        .or_else(shared)
                        .or_else(|| context(candidates))
                        .unwrap_or_else(|| self.by_document_date(candidates, doc_date));
                    items.push((pick, vec![pick], format!("{} (by {by})", f.text), f.weak));
                }
            }
        }
        let mut mentioned: Vec<usize> = items.iter().flat_map(|i| i.1.clone()).collect();
        mentioned.sort_unstable();
        mentioned.dedup();
        // Names decide only when nothing stronger is there.
        let strong = items.iter().any(|i| !i.3);
        let deciding = items.iter().filter(|i| !strong || !i.3);
        let primary = match self.primary {
            PrimaryRule::Latest => deciding.map(|i| i.0).max(),
            PrimaryRule::First => deciding.map(|i| i.0).next(),
        }?;
        let evidence = items
            .iter()
            .find(|i| i.0 == primary && (!strong || !i.3))
            .map(|i| i.2.clone())
            .expect("the primary period comes from one of the items");
        Some(Resolved {
            primary,
            mentioned,
            evidence,
        })
    }

    /// The latest candidate that had begun by the document's date, else the first candidate
    /// the scheme lists; with the reason, for the evidence.
    fn by_document_date(
        &self,
        candidates: &[usize],
        doc_date: Option<PartialDate>,
    ) -> (usize, String) {
        if let Some(date) = doc_date {
            let last = DaySpan::of(date).last;
            let begun = candidates.iter().copied().filter(|&i| {
                self.periods[i]
                    .start
                    .is_none_or(|d| DaySpan::of(d).first <= last)
            });
            if let Some(pick) = begun.max() {
                return (pick, format!("document date {date}"));
            }
        }
        (candidates[0], "no context: first candidate".to_string())
    }

    /// Among `candidates`, the one the definite evidence of `found` names (by the primary rule).
    fn definite_pick(&self, candidates: &[usize], found: &[Found]) -> Option<(usize, String)> {
        found.iter().find_map(|f| match &f.meaning {
            Meaning::Definite { mentioned, .. } => self
                .pick_among(candidates, mentioned)
                .map(|p| (p, f.text.clone())),
            Meaning::Ambiguous(_) => None,
        })
    }

    fn pick_among(&self, candidates: &[usize], named: &[usize]) -> Option<usize> {
        let both = candidates.iter().filter(|c| named.contains(c)).copied();
        match self.primary {
            PrimaryRule::Latest => both.max(),
            PrimaryRule::First => both.min(),
        }
    }

    fn heading_pick(
        &self,
        candidates: &[usize],
        chain: &[u32],
        headings: &HashMap<u32, Resolved>,
    ) -> Option<(usize, String)> {
        chain.iter().find_map(|s| {
            let r = headings.get(s)?;
            self.pick_among(candidates, &r.mentioned)
                .map(|p| (p, bare(&r.evidence)))
        })
    }

    /// The section and its ancestors, nearest first.
    fn section_chain(&self, doc: &Document, section: Option<u32>) -> Vec<u32> {
        let mut chain = Vec::new();
        let mut current = section;
        while let Some(id) = current {
            if chain.contains(&id) {
                break; // a malformed tree must not loop
            }
            chain.push(id);
            current = doc
                .sections
                .iter()
                .find(|s| s.id == id)
                .and_then(|s| s.parent);
        }
        chain
    }

    /// Own evidence of every heading, parents before children. The document title, when the
    /// structure stage made a section of it, is not a heading: it would cover the whole paper.
    fn resolve_headings(&self, doc: &Document, doc_last: Option<i64>) -> HashMap<u32, Resolved> {
        let title = normalize(&doc.meta.title);
        let mut out: HashMap<u32, Resolved> = HashMap::new();
        let mut order: Vec<&crate::model::Section> = doc.sections.iter().collect();
        order.sort_by_key(|s| (s.level, s.id));
        for section in order {
            if !title.is_empty() && normalize(&section.title) == title {
                continue;
            }
            let found = self.scan(&section.title, doc_last);
            let chain = self.section_chain(doc, section.parent);
            let resolved = self.resolve(&found, doc.meta.date, |c| {
                self.heading_pick(c, &chain, &out)
            });
            if let Some(r) = resolved {
                out.insert(section.id, r);
            }
        }
        out
    }

    /// Periods of the dates printed in the notes a sentence cites.
    fn citation(&self, doc: &Document, refs: &[String], doc_last: Option<i64>) -> Option<Resolved> {
        let mut best: Option<Resolved> = None;
        for id in refs {
            let Some(note) = doc.notes.iter().find(|n| &n.id == id) else {
                continue;
            };
            for date in &note.dates {
                let mut span = DaySpan::of(*date);
                if let Some(last) = doc_last {
                    if span.first > last {
                        continue;
                    }
                    span.last = span.last.min(last);
                }
                let Some((primary, mentioned)) = self.span_periods(span) else {
                    continue;
                };
                let evidence = format!("note {id}: {date}");
                best = Some(match best {
                    None => Resolved {
                        primary,
                        mentioned,
                        evidence,
                    },
                    Some(mut b) => {
                        let replace = match self.primary {
                            PrimaryRule::Latest => primary > b.primary,
                            PrimaryRule::First => false,
                        };
                        b.mentioned.extend(mentioned);
                        b.mentioned.sort_unstable();
                        b.mentioned.dedup();
                        if replace {
                            b.primary = primary;
                            b.evidence = evidence;
                        }
                        b
                    }
                });
            }
        }
        best
    }
}

/// A marker's text without how it was itself resolved: context is quoted one level deep.
fn bare(evidence: &str) -> String {
    evidence
        .split(" (by ")
        .next()
        .unwrap_or(evidence)
        .to_string()
}
