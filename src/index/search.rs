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
use super::{IndexError, RecordedEntry, SentenceIndex};
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
    /// How many results to return (`usize::MAX` for all).
    pub limit: usize,
    pub offset: usize,
    /// Strict semantics: a query word matches only a whole token of the sentence. By default a
    /// word also matches inside longer words (the `sub` field), and a form of a lexicon entry also
    /// finds the entry's other forms; whole-word matches rank first either way.
    pub whole_word: bool,
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
            whole_word: false,
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
    /// Whether the query matched whole words of the sentence (else only inside longer words,
    /// or through another form of a lexicon entry).
    pub whole_word: bool,
    /// Byte ranges of the matched tokens in `text`, sorted, on character boundaries.
    pub highlights: Vec<Range<usize>>,
}

/// One page of results and the number of all matching sentences.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SearchResults {
    pub total: usize,
    pub hits: Vec<SearchHit>,
    /// The lexicon entries a query word is a form of, whose other forms were searched too.
    pub entries: Vec<RecordedEntry>,
}

/// Why a search failed.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("cannot read the query `{query}`: {message}")]
    BadQuery { query: String, message: String },
    #[error("--{flag} `{value}` is not a {what} of this index: {valid}")]
    UnknownFilter {
        flag: &'static str,
        what: &'static str,
        value: String,
        /// The valid values, in words.
        valid: String,
    },
    #[error(transparent)]
    Index(#[from] IndexError),
}

impl SentenceIndex {
    /// Ranked sentences matching `request`, page `offset..offset + limit`.
    pub fn search(&self, request: &SearchRequest) -> Result<SearchResults, SearchError> {
        let parsed = self.build_query(request)?;
        let top = TopSentences {
            k: request.offset.saturating_add(request.limit),
        };
        let found = self.collect(parsed.full.as_ref(), &top)?;
        let searcher = self.reader.searcher();
        let patterns = highlight_patterns(parsed.user.as_ref(), self.fields.text);
        let mut inside = highlight_patterns(parsed.user.as_ref(), self.fields.sub);
        inside.extend(
            parsed
                .entries
                .iter()
                .flat_map(|e| e.forms.iter().map(|f| vec![f.to_lowercase()])),
        );
        let mut hits = Vec::new();
        for m in found.best.iter().skip(request.offset).take(request.limit) {
            let row: TantivyDocument = searcher
                .doc(m.address)
                .map_err(|source| self.tantivy_err(source))?;
            hits.push(self.hit_of(&row, m.score, &patterns, &inside));
        }
        Ok(SearchResults {
            total: found.total,
            hits,
            entries: parsed.entries,
        })
    }

    /// The number of matching sentences per period (only periods with at least one).
    pub fn count_by_period(
        &self,
        request: &SearchRequest,
    ) -> Result<BTreeMap<String, usize>, SearchError> {
        let parsed = self.build_query(request)?;
        self.collect(parsed.full.as_ref(), &PeriodCounts)
    }

    /// The full query (the user's, widened unless `whole_word`, AND the filters, with whole-word
    /// matches lifted above the rest), the user's part alone (for highlighting), and the lexicon
    /// entries it was widened with.
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
        self.check_filters(request)?;
        let mut parser = QueryParser::for_index(&self.index, vec![self.fields.text]);
        parser.set_conjunction_by_default();
        let parse = |q: &str| {
            parser
                .parse_query(q)
                .map(lift_negations)
                .map_err(|e| bad(explain(e, &request.query)))
        };
        let parsed = parse(&request.query)?;
        // A query typed in Traditional also finds the Simplified text, as the sentences are
        // tagged: the query as typed OR its Simplified form (延伸威懾 finds 延伸威慑 and 延伸威懾).
        let simplified = crate::script::Simplifier::shared().simplify(&request.query);
        let parsed = if simplified == request.query {
            parsed
        } else {
            Box::new(BooleanQuery::union(vec![parsed, parse(&simplified)?])) as Box<dyn Query>
        };
        let strict = self.rewrite(parsed.as_ref(), Widen::JoinedWords, &mut Vec::new());
        let mut entries = Vec::new();
        let user = if request.whole_word {
            strict.box_clone()
        } else {
            self.rewrite(parsed.as_ref(), Widen::InsideWords, &mut entries)
        };
        entries.sort_by(|a, b| a.key.cmp(&b.key));
        entries.dedup();

        let f = self.fields;
        let zone = request.zone.map(|z| z.as_str().to_string());
        let filters = [
            (f.period, &request.period),
            (f.category, &request.category),
            (f.doc, &request.doc),
            (f.zone, &zone),
        ];
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, user.box_clone())];
        if !request.whole_word {
            // Whole-word matches first: they score `WHOLE_WORD_BONUS` more than any other.
            clauses.push((
                Occur::Should,
                Box::new(ConstScoreQuery::new(strict, WHOLE_WORD_BONUS)),
            ));
        }
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
        Ok(ParsedQuery {
            full: Box::new(BooleanQuery::new(clauses)),
            user,
            entries,
        })
    }

    /// `query` with every word and phrase of the text field widened: a phrase whose words the
    /// segmenter joins also matches the joined word (`"安全 承诺"` finds 安全承诺), and with
    /// `InsideWords` each also matches inside longer words (the `sub` field) and, when it is a
    /// form of a lexicon entry, every sentence with a hit of that entry (its other forms).
    fn rewrite(
        &self,
        query: &dyn Query,
        widen: Widen,
        entries: &mut Vec<RecordedEntry>,
    ) -> Box<dyn Query> {
        let f = self.fields;
        if let Some(boolean) = query.downcast_ref::<BooleanQuery>() {
            let clauses = boolean
                .clauses()
                .iter()
                .map(|(occur, clause)| (*occur, self.rewrite(clause.as_ref(), widen, entries)))
                .collect();
            return Box::new(BooleanQuery::new(clauses));
        }
        let words: Vec<String> = if let Some(term) = query.downcast_ref::<TermQuery>() {
            match term.term().value().as_str() {
                Some(word) if term.term().field() == f.text => vec![word.to_string()],
                _ => return query.box_clone(),
            }
        } else if let Some(phrase) = query.downcast_ref::<PhraseQuery>() {
            if phrase.field() != f.text {
                return query.box_clone();
            }
            phrase
                .phrase_terms()
                .iter()
                .filter_map(|t| t.value().as_str().map(str::to_string))
                .collect()
        } else {
            return query.box_clone();
        };
        let joined = words.concat();
        let mut cuts = vec![words];
        let rejoined: Vec<String> = self
            .segmenter
            .tokens(&joined)
            .iter()
            .map(|t| t.text(&joined).to_lowercase())
            .collect();
        if !rejoined.is_empty() && !cuts.contains(&rejoined) {
            cuts.push(rejoined);
        }
        let mut alternatives: Vec<Box<dyn Query>> = Vec::new();
        if cuts.len() == 1 && widen == Widen::JoinedWords {
            return query.box_clone();
        }
        for cut in &cuts {
            alternatives.push(words_query(f.text, cut));
            if widen == Widen::InsideWords {
                alternatives.push(words_query(f.sub, cut));
            }
        }
        if widen == Widen::InsideWords
            && let Some(record) = &self.record
        {
            for entry in record
                .entries
                .iter()
                .filter(|e| e.forms.iter().any(|form| form.to_lowercase() == joined))
            {
                alternatives.push(Box::new(TermQuery::new(
                    Term::from_field_text(f.entry, &entry.key),
                    IndexRecordOption::Basic,
                )));
                entries.push(entry.clone());
            }
        }
        Box::new(BooleanQuery::new(
            alternatives
                .into_iter()
                .map(|q| (Occur::Should, q))
                .collect(),
        ))
    }

    /// A filter value that no row of the index can have (a typo) is an error naming the valid
    /// values, not an empty result.
    fn check_filters(&self, request: &SearchRequest) -> Result<(), SearchError> {
        let f = self.fields;
        let record = self.record.as_ref();
        if let Some(period) = &request.period {
            let mut known: Vec<String> = record.map(|r| r.periods.clone()).unwrap_or_default();
            known.push(crate::model::UNATTRIBUTED.to_string());
            self.check_value(f.period, "period", "period", period, known)?;
        }
        if let Some(category) = &request.category {
            let known = record.map(|r| r.categories.clone()).unwrap_or_default();
            self.check_value(f.category, "category", "lexicon category", category, known)?;
        }
        if let Some(doc) = &request.doc {
            self.check_value(f.doc, "doc", "document id", doc, Vec::new())?;
        }
        Ok(())
    }

    /// `value` is valid when it is one of `known` or a term of `field` in the index.
    fn check_value(
        &self,
        field: Field,
        flag: &'static str,
        what: &'static str,
        value: &str,
        known: Vec<String>,
    ) -> Result<(), SearchError> {
        if known.iter().any(|k| k == value) {
            return Ok(());
        }
        self.reload()?;
        let searcher = self.reader.searcher();
        let io = |source| IndexError::Io {
            path: self.dir.clone(),
            source,
        };
        let mut values: std::collections::BTreeSet<String> = known.into_iter().collect();
        for segment in searcher.segment_readers() {
            let inverted = segment
                .inverted_index(field)
                .map_err(|source| self.tantivy_err(source))?;
            if inverted.terms().get(value).map_err(io)?.is_some() {
                return Ok(());
            }
            let mut stream = inverted.terms().stream().map_err(io)?;
            while stream.advance() {
                values.insert(String::from_utf8_lossy(stream.key()).into_owned());
            }
        }
        const SHOWN: usize = 20;
        let mut valid = match values.len() {
            0 => "the index has none".to_string(),
            n if n <= SHOWN => format!(
                "one of {}",
                values.iter().cloned().collect::<Vec<_>>().join(", ")
            ),
            n => format!(
                "one of {} and {} more",
                values
                    .iter()
                    .take(SHOWN)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", "),
                n - SHOWN
            ),
        };
        if let Some(close) = values.iter().find(|v| v.eq_ignore_ascii_case(value)) {
            valid = format!("did you mean `{close}`? ({valid})");
        }
        Err(SearchError::UnknownFilter {
            flag,
            what,
            value: value.to_string(),
            valid,
        })
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
        inside: &[Vec<String>],
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
        highlights.extend(highlight_inside(&text, inside));
        let highlights = merge(highlights);
        let whole_word = score >= WHOLE_WORD_BONUS;
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
            score: if whole_word {
                score - WHOLE_WORD_BONUS
            } else {
                score
            },
            whole_word,
            highlights,
        }
    }
}

/// What a whole-word match adds to a sentence's score, far above any BM25 score of a sentence,
/// so that every whole-word match ranks above every other match; taken off again in `SearchHit`.
const WHOLE_WORD_BONUS: Score = 10_000.0;

/// How far `SentenceIndex::rewrite` widens a query.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Widen {
    /// Whole words only, a phrase also as the word its words join into.
    JoinedWords,
    /// Also inside longer words, and a lexicon form as its entry.
    InsideWords,
}

/// A term query for one word, or a phrase over consecutive positions for several.
fn words_query(field: Field, words: &[String]) -> Box<dyn Query> {
    let terms: Vec<Term> = words
        .iter()
        .map(|w| Term::from_field_text(field, w))
        .collect();
    if terms.len() == 1 {
        Box::new(TermQuery::new(
            terms.into_iter().next().expect("one term"),
            IndexRecordOption::WithFreqsAndPositions,
        ))
    } else {
        Box::new(PhraseQuery::new(terms))
    }
}

/// A query built from a request (see `SentenceIndex::build_query`).
struct ParsedQuery {
    full: Box<dyn Query>,
    user: Box<dyn Query>,
    entries: Vec<RecordedEntry>,
}

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

/// Byte ranges in `text` of words matched inside tokens (`sub` patterns, other forms of an
/// entry): where a pattern's words occur joined, else (sub-words of one token, or a phrase with
/// slop) each word of the patterns.
fn highlight_inside(text: &str, patterns: &[Vec<String>]) -> Vec<Range<usize>> {
    // Token texts are lowercased; so is the text searched, where that keeps its byte offsets.
    let lower = text.to_lowercase();
    let haystack = if lower.len() == text.len() {
        &lower
    } else {
        text
    };
    let find = |word: &str| -> Vec<Range<usize>> {
        if word.is_empty() {
            return Vec::new();
        }
        haystack
            .match_indices(word)
            .map(|(i, w)| i..i + w.len())
            .collect()
    };
    let joined: Vec<Range<usize>> = patterns.iter().flat_map(|p| find(&p.concat())).collect();
    if !joined.is_empty() {
        return joined;
    }
    patterns.iter().flatten().flat_map(|w| find(w)).collect()
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
