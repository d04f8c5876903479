//! Searching the sentence index: a `SearchRequest` (tantivy query language over the segmented
//! text, plus exact filters on period, category, document and zone) in; ranked `SearchHit`s with
//! the byte ranges of their matches, or counts per period, out.
//!
//! The query is cut by the same jieba `Segmenter` as the sentences, words are joined by AND unless
//! the user writes OR, and a word that jieba cuts into several tokens becomes a phrase over
//! consecutive token positions (tantivy #718), so `延伸威慑` finds 延伸 followed directly by 威慑.
//! Results are ordered by score, then document id, then sentence id: the same query on the same
//! index always gives the same page. Only the best `offset + limit` matches are kept while all are
//! counted, and counts per period come from the `period` fast field (see `collector.rs`).

use std::collections::BTreeMap;
use std::ops::Range;

use tantivy::collector::Collector;
use tantivy::query::{
    BooleanQuery, ConstScoreQuery, Occur, PhraseQuery, Query, QueryParser, QueryParserError,
    TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption, Value};
use tantivy::tokenizer::Token;
use tantivy::{Score, TantivyDocument, Term};

use super::collector::{PeriodCounts, TopSentences};
use super::schema;
use super::tokenizer::{decode_cut, plain};
use super::{IndexError, SentenceIndex};
use crate::model::Zone;

/// What to look for, and which page of the ranked results to return.
#[derive(Clone, Debug)]
pub struct SearchRequest {
    /// Tantivy query language: words, "phrases", AND / OR / NOT, parentheses, `field:value`.
    pub query: String,
    pub period: Option<String>,
    /// A category name (`threat_narrative`).
    pub category: Option<String>,
    /// A document id.
    pub doc: Option<String>,
    pub zone: Option<Zone>,
    pub limit: usize,
    pub offset: usize,
}

impl SearchRequest {
    /// A request for `query` with no filter, the first 20 results.
    pub fn new(query: impl Into<String>) -> SearchRequest {
        SearchRequest {
            query: query.into(),
            period: None,
            category: None,
            doc: None,
            zone: None,
            limit: 20,
            offset: 0,
        }
    }
}

/// One matching sentence.
#[derive(Clone, Debug, PartialEq)]
pub struct SearchHit {
    pub doc: String,
    pub title: String,
    /// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`; empty when unknown.
    pub date: String,
    pub period: String,
    pub zone: String,
    /// Heading path, empty outside any section.
    pub section: String,
    pub paragraph: u32,
    pub sentence_id: u32,
    pub text: String,
    pub score: f32,
    /// Byte ranges of the matched tokens in `text`, sorted, on character boundaries.
    pub highlights: Vec<Range<usize>>,
}

/// One page of results and the number of all matching sentences.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SearchResults {
    pub total: usize,
    pub hits: Vec<SearchHit>,
}

/// Why a search failed.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("cannot read the query `{query}`: {message}")]
    BadQuery { query: String, message: String },
    #[error(transparent)]
    Index(#[from] IndexError),
}

impl SentenceIndex {
    /// Ranked sentences matching `request`, page `offset..offset + limit`.
    pub fn search(&self, request: &SearchRequest) -> Result<SearchResults, SearchError> {
        let (query, user_query) = self.build_query(request)?;
        let top = TopSentences {
            k: request.offset.saturating_add(request.limit),
        };
        let found = self.collect(query.as_ref(), &top)?;
        let searcher = self.reader.searcher();
        let patterns = highlight_patterns(user_query.as_ref(), self.fields.text);
        let sub_words = highlight_patterns(user_query.as_ref(), self.fields.sub);
        let mut hits = Vec::new();
        for m in found.best.iter().skip(request.offset).take(request.limit) {
            let row: TantivyDocument = searcher
                .doc(m.address)
                .map_err(|source| self.tantivy_err(source))?;
            hits.push(self.hit_of(&row, m.score, &patterns, &sub_words));
        }
        Ok(SearchResults {
            total: found.total,
            hits,
        })
    }

    /// The number of matching sentences per period (only periods with at least one).
    pub fn count_by_period(
        &self,
        request: &SearchRequest,
    ) -> Result<BTreeMap<String, usize>, SearchError> {
        let (query, _) = self.build_query(request)?;
        self.collect(query.as_ref(), &PeriodCounts)
    }

    /// The full query (user query AND filters) and the user's part alone (for highlighting).
    fn build_query(&self, request: &SearchRequest) -> Result<ParsedQuery, SearchError> {
        let bad = |message: String| SearchError::BadQuery {
            query: request.query.clone(),
            message,
        };
        if request.query.trim().is_empty() {
            return Err(bad(
                "the query is empty: type a word, a \"phrase\", or * for every sentence".into(),
            ));
        }
        let mut parser = QueryParser::for_index(&self.index, vec![self.fields.text]);
        parser.set_conjunction_by_default();
        let user_query = parser
            .parse_query(&request.query)
            .map(lift_negations)
            .map_err(|e| bad(explain(e, &request.query)))?;

        let f = self.fields;
        let zone = request.zone.map(|z| z.as_str().to_string());
        let filters = [
            (f.period, &request.period),
            (f.category, &request.category),
            (f.doc, &request.doc),
            (f.zone, &zone),
        ];
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, user_query.box_clone())];
        for (field, value) in filters {
            if let Some(value) = value {
                let term = TermQuery::new(
                    Term::from_field_text(field, value),
                    IndexRecordOption::Basic,
                );
                // Filters must not change the ranking: they score nothing.
                clauses.push((
                    Occur::Must,
                    Box::new(ConstScoreQuery::new(Box::new(term), 0.0)),
                ));
            }
        }
        Ok((Box::new(BooleanQuery::new(clauses)), user_query))
    }

    /// Runs `collector` over the last commit.
    fn collect<C: Collector>(
        &self,
        query: &dyn Query,
        collector: &C,
    ) -> Result<C::Fruit, SearchError> {
        self.reload()?;
        self.reader
            .searcher()
            .search(query, collector)
            .map_err(|source| self.tantivy_err(source).into())
    }

    fn hit_of(
        &self,
        row: &TantivyDocument,
        score: Score,
        patterns: &[Vec<String>],
        sub_words: &[Vec<String>],
    ) -> SearchHit {
        let f = self.fields;
        let text_of = |field: Field| {
            row.get_first(field)
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default()
        };
        let number_of = |field: Field| {
            row.get_first(field)
                .and_then(|v| v.as_u64())
                .and_then(|n| u32::try_from(n).ok())
                .unwrap_or_default()
        };
        let (text, tokens) = decode_cut(&text_of(f.text));
        let mut highlights = highlight(&text, &tokens, patterns);
        // A `sub:` word lies inside a token: mark where it stands in the text.
        for word in sub_words.iter().flatten() {
            highlights.extend(
                text.match_indices(word.as_str())
                    .map(|(i, w)| i..i + w.len()),
            );
        }
        let highlights = merge(highlights);
        SearchHit {
            doc: text_of(f.doc),
            title: plain(&text_of(f.title)),
            date: text_of(f.date),
            period: text_of(f.period),
            zone: text_of(f.zone),
            section: plain(&text_of(f.section)),
            paragraph: number_of(f.paragraph),
            sentence_id: number_of(f.sentence_id),
            text,
            score,
            highlights,
        }
    }
}

/// The full query (the user's AND the filters), and the user's part alone.
type ParsedQuery = (Box<dyn Query>, Box<dyn Query>);

/// Rewrites `A AND NOT B`, which tantivy parses as `+A +(-B)` (a required clause of only
/// exclusions, which matches nothing), into `+A -B`, the query a user means.
fn lift_negations(query: Box<dyn Query>) -> Box<dyn Query> {
    let Some(boolean) = query.downcast_ref::<BooleanQuery>() else {
        return query;
    };
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for (occur, clause) in boolean.clauses() {
        let clause = lift_negations(clause.box_clone());
        let only_exclusions = clause.downcast_ref::<BooleanQuery>().and_then(|inner| {
            let all_not = !inner.clauses().is_empty()
                && inner.clauses().iter().all(|(o, _)| *o == Occur::MustNot);
            all_not.then(|| {
                inner
                    .clauses()
                    .iter()
                    .map(|(o, q)| (*o, q.box_clone()))
                    .collect::<Vec<_>>()
            })
        });
        match (occur, only_exclusions) {
            (Occur::Must, Some(inner)) => clauses.extend(inner),
            (occur, _) => clauses.push((*occur, clause)),
        }
    }
    Box::new(BooleanQuery::new(clauses))
}

/// A tantivy query parser error in words a user can act on.
fn explain(err: QueryParserError, query: &str) -> String {
    match err {
        QueryParserError::SyntaxError(near) => {
            let advice = "check that quotes and parentheses are closed and that AND, OR, NOT (in capitals) stand between words";
            if near.trim() == query.trim() {
                format!("syntax error: {advice}")
            } else {
                format!("syntax error near `{near}`: {advice}")
            }
        }
        QueryParserError::FieldDoesNotExist(field) => format!(
            "there is no field `{field}` (fields: {}, {}, {}, {}, {}, {}, {}, meta.COLUMN); to search for a colon, put the words in quotes",
            schema::name::TEXT,
            schema::name::TITLE,
            schema::name::SECTION,
            schema::name::PERIOD,
            schema::name::CATEGORY,
            schema::name::ENTRY,
            schema::name::ZONE,
        ),
        QueryParserError::AllButQueryForbidden => {
            "a query of only NOT terms matches nothing: add a word to search for, or * for every sentence".into()
        }
        other => other.to_string(),
    }
}

/// Token sequences to highlight: each phrase of the text field, each single term; nothing under
/// NOT. Queries of other shapes give their terms one by one.
fn highlight_patterns(query: &dyn Query, text: Field) -> Vec<Vec<String>> {
    let mut patterns = Vec::new();
    collect_patterns(query, text, &mut patterns);
    patterns.sort();
    patterns.dedup();
    patterns
}

fn collect_patterns(query: &dyn Query, text: Field, out: &mut Vec<Vec<String>>) {
    let word = |term: &Term| term.value().as_str().map(str::to_string);
    if let Some(boolean) = query.downcast_ref::<BooleanQuery>() {
        for (occur, clause) in boolean.clauses() {
            if *occur != Occur::MustNot {
                collect_patterns(clause.as_ref(), text, out);
            }
        }
    } else if let Some(phrase) = query.downcast_ref::<PhraseQuery>() {
        if phrase.field() == text {
            out.push(phrase.phrase_terms().iter().filter_map(word).collect());
        }
    } else {
        query.query_terms(&mut |term, _| {
            if term.field() == text
                && let Some(w) = word(term)
            {
                out.push(vec![w]);
            }
        });
    }
}

/// Byte ranges of every occurrence of a pattern as consecutive tokens; when no phrase occurs
/// contiguously (a phrase with slop), the single tokens of the patterns instead. Merged, sorted.
fn highlight(text: &str, tokens: &[Token], patterns: &[Vec<String>]) -> Vec<Range<usize>> {
    let mut ranges = Vec::new();
    for pattern in patterns.iter().filter(|p| !p.is_empty()) {
        for window in tokens.windows(pattern.len()) {
            if window.iter().zip(pattern).all(|(t, w)| &t.text == w) {
                ranges.push(window[0].offset_from..window[window.len() - 1].offset_to);
            }
        }
    }
    if ranges.is_empty() {
        for token in tokens {
            if patterns.iter().flatten().any(|w| w == &token.text) {
                ranges.push(token.offset_from..token.offset_to);
            }
        }
    }
    ranges.retain(|r| r.start < r.end && text.get(r.clone()).is_some());
    merge(ranges)
}

/// Sorted, overlapping ranges joined.
fn merge(mut ranges: Vec<Range<usize>>) -> Vec<Range<usize>> {
    ranges.sort_by_key(|r| (r.start, r.end));
    let mut merged: Vec<Range<usize>> = Vec::with_capacity(ranges.len());
    for r in ranges {
        match merged.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => merged.push(r),
        }
    }
    merged
}
