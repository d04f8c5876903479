//! The attribution cascade: takes a `Document` and the scheme, finds the evidence of every clause,
//! sentence and heading (markers, dates, relative time), weighs it by what it does in its clause,
//! and gives back one `SentencePeriods` per sentence (rules: the module documentation of
//! `period`).
//!
//! Everything is read from the Simplified form of the text (`script`), whose characters stand
//! where the text's own do; evidence is quoted from the text as written.

use std::borrow::Cow;
use std::cell::OnceCell;
use std::collections::HashMap;
use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use super::dates::{DaySpan, find_dates};
use super::scheme::{Meaning, ParagraphRule, PrimaryRule, normalize};
use super::{PeriodScheme, PeriodSteps};
use crate::model::{
    ClauseCall, Document, Fallback, PartialDate, PeriodCall, PeriodSource, SentencePeriods, Token,
};
use crate::script::Simplifier;

/// What a piece of evidence does in its clause.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Role {
    /// The clause's own time frame: `在2012年…时`, `冷战期间`, `奥巴马政府时期`, `2018年6月，…`.
    Frame,
    /// It qualifies a noun (`2015年签署的协议`, `冷战的产物`, `特朗普政府的政策`): it says what the
    /// thing is, not when the clause speaks.
    Qualifier,
    /// It opens a span that runs to the time of writing (`自2010年以来`, `…至今`): the clause
    /// speaks of the present.
    Since,
    /// Time relative to the document's date (`今年`, `去年`, `当前`), resolved against it.
    Relative,
    /// An office holder's name: it names a person, not a time.
    Name,
}

/// One marker, date or time word found in a text.
#[derive(Clone, Debug)]
pub(super) struct Found {
    /// The evidence as written.
    pub text: String,
    /// Byte range in the Simplified form.
    pub byte_start: usize,
    pub byte_end: usize,
    pub meaning: Meaning,
    pub role: Role,
    /// It opens its clause (see `Resolved::opening`).
    pub opening: bool,
}

/// What a text's own evidence says, once ambiguous markers are resolved.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Resolved {
    pub primary: usize,
    /// Scheme indices, ascending.
    pub mentioned: Vec<usize>,
    /// The marker that names the primary period (with how an ambiguous one was resolved).
    pub evidence: String,
    /// Whether that marker opens its clause (`2002年，…`, `在奥巴马政府时期，…`): only such a
    /// frame-setting time carries on to the next sentences of its paragraph.
    pub opening: bool,
}

/// The document-wide facts the rules use.
struct Ctx {
    doc_date: Option<PartialDate>,
    /// Last day the document's date can mean.
    doc_last: Option<i64>,
    /// A contemporaneous text (news, statement, transcript: `period_fallback = document` with a
    /// date): its date is the time of every clause that is not about another time.
    contemporaneous: bool,
}

/// A text to scan: as written, in Simplified form, and (when known) the token boundaries of the
/// Simplified form, on which every marker and time word must start and end.
struct Text<'a> {
    original: &'a str,
    simple: Cow<'a, str>,
    /// Byte offset of each character of `simple`, then its length; made when first needed (a
    /// marker found, clauses that differ), which most sentences never are.
    bounds: OnceCell<Vec<usize>>,
    /// The tokens of `simple`, in order and contiguous, so that their starts and ends are sorted.
    tokens: Option<&'a [Token]>,
}

impl<'a> Text<'a> {
    fn new(original: &'a str, tokens: Option<&'a [Token]>, simple: Option<&'a str>) -> Text<'a> {
        let simple = match simple {
            Some(s) => Cow::Borrowed(s),
            None => Simplifier::shared().simplify(original),
        };
        Text {
            original,
            tokens,
            simple,
            bounds: OnceCell::new(),
        }
    }

    fn char_of(&self, byte: usize) -> usize {
        let bounds = self.bounds.get_or_init(|| {
            self.simple
                .char_indices()
                .map(|(i, _)| i)
                .chain([self.simple.len()])
                .collect()
        });
        bounds.partition_point(|&b| b < byte)
    }

    /// The text as written of a byte range of the Simplified form.
    fn written(&self, bytes: Range<usize>) -> String {
        let (a, b) = (self.char_of(bytes.start), self.char_of(bytes.end));
        self.original.chars().skip(a).take(b - a).collect()
    }

    fn on_boundaries(&self, bytes: &Range<usize>) -> bool {
        self.tokens.is_none_or(|t| {
            t.binary_search_by_key(&bytes.start, |t| t.byte_start as usize)
                .is_ok()
                && t.binary_search_by_key(&bytes.end, |t| t.byte_end as usize)
                    .is_ok()
        })
    }
}

/// Relative time words, resolved against the document's date.
static RELATIVE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"过去一年|今年|去年|前年|本月|上个月|上月|日前|近日|近期|最近|目前|当前|现阶段|如今|眼下|当下|现今|现在|迄今|近年来|近年|此次|这次|本次|当天|当日|前一天|次日|同日",
    )
    .expect("the relative-time pattern is a valid regex")
});

/// A bare day of the month in news (`26日`), not part of a full date.
static BARE_DAY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[^0-9０-９月])([0-9]{1,2})\s*日").expect("the day pattern is a valid regex")
});

/// After a qualifying date or marker: `的` at once, or a verb of founding or signing then `的`.
static QUALIFIES: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:的|[^，,；;。：:、]{0,4}?(?:签署|签订|通过|发表|发布|建立|成立|达成|制定|提出|确立|形成|启动|部署|生效|宣布|开始|结成|缔结|留下|遗留|构建|打造)的)",
    )
    .expect("the qualifier pattern is a valid regex")
});

/// A span to the present a few words on (`2021年1月执政以来`).
static SINCE_NEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[^，,；;。：:、]{0,8}?(?:以来|至今|迄今)").expect("valid regex")
});

/// Connectives that may open a general statement before its subject (`因此,国家…`).
static GENERIC_LEAD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:[（(]?[0-9一二三四五六七八九]+[)）.、]\s*)?(?:(?:首先|其次|再次|最后|因此|所以|而且|而|但是|但|同时|此外|另外|一方面|另一方面|通常而言|一般而言|总之)\s*[,，]?\s*)*")
        .expect("valid regex")
});

/// A modal of what may come, later in the same clause.
static FUTURE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[^，,；;。！？]{0,12}?(?:可能|或将|将会|将要|届时|一旦|预计将)")
        .expect("valid regex")
});

/// `N年前` / `N多年前`: years before the document's date.
static YEARS_AGO: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"([0-9]{1,3}|[一二三四五六七八九十]{1,3})多?年前").expect("valid regex")
});

/// After a marker: a span to the present.
static SINCE_AFTER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*(?:以来|至今|迄今|起)").expect("valid regex"));

/// After an event: it is the clause's time frame (`冷战时期`, `二战时`, `韩战爆发前`).
static FRAME_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(?:时期|期间|时|之时|的时候|中|以前|之前|前|爆发|结束时|初期|末期|后期)")
        .expect("valid regex")
});

/// Whether a clause opens at `at`: only a preposition of time (在, 于, 早在, 自, 从, 当) stands
/// between it and the last clause break.
fn opens_clause(text: &str, at: usize) -> bool {
    let before = &text[..at];
    let start = before
        .rfind([
            '，', ',', '；', ';', '。', '：', ':', '！', '？', '“', '「', '（', '(',
        ])
        .map_or(0, |i| {
            i + before[i..].chars().next().map_or(1, char::len_utf8)
        });
    let lead = before[start..].trim();
    lead.is_empty() || ["在", "于", "早在", "自", "从", "自从", "当", "至"].contains(&lead)
}

/// After an event: the time since it (`冷战结束后`, `二战以后`).
static AFTER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*(?:后|以后|之后)").expect("valid regex"));

/// A clause that compares: it ends at its first comma (`相较于拜登政府，特朗普政府…`).
static COMPARISON: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:相较于|相比于|相对于|比起|不同于|较之|与[^，,；;]{1,24}?(?:相比|相较|不同|相反))",
    )
    .expect("valid regex")
});

/// A connective that opens a new clause after a comma: contrast, sequence, a turn to the present.
static CONNECTIVE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:然而|但是|但|而是|而|可是|不过|却|此后|随后|之后|如今|目前|当前|现在|相比之下|与此相反|反观)")
        .expect("valid regex")
});

/// The opening of an example: its evidence is its own and never covers other sentences.
static EXAMPLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[，,；;])\s*(?:比如|例如|譬如|比方说|举例来说|举例而言|以[^，,]{1,12}为例)")
        .expect("valid regex")
});

/// Byte ranges of the clauses of a (Simplified) sentence: it splits after `；` and at a comma
/// followed by a contrast or sequence connective, and a comparing clause ends at its first comma.
pub(super) fn clauses(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in text.char_indices() {
        let end = i + c.len_utf8();
        let split = match c {
            '；' | ';' => true,
            '，' | ',' => {
                COMPARISON.is_match(text[start..i].trim_start())
                    || CONNECTIVE.is_match(text[end..].trim_start())
            }
            _ => false,
        };
        if split && end < text.len() {
            out.push(start..end);
            start = end;
        }
    }
    out.push(start..text.len());
    out
}

impl PeriodScheme {
    /// Each sentence's period (with every cascade step), parallel to `doc.sentences`.
    /// `fallback` is the resolved document fallback (the metadata's, else the CLI default).
    pub fn attribute(&self, doc: &Document, fallback: Fallback) -> Vec<PeriodCall> {
        self.attribute_with(doc, fallback, PeriodSteps::ALL, None)
            .into_iter()
            .map(|p| p.sentence)
            .collect()
    }

    /// Each sentence's period and its clauses', with only the steps `steps` leaves on.
    /// `readings` are the sentences as the lexicons read them (their Simplified form and its
    /// tokens, parallel to `doc.sentences`): markers must then stand on token boundaries
    /// (`克里` is not found in `克里夫兰`). Without them, sentences are simplified here and any
    /// position counts.
    pub fn attribute_with(
        &self,
        doc: &Document,
        fallback: Fallback,
        steps: PeriodSteps,
        readings: Option<&[(&str, &[Token])]>,
    ) -> Vec<SentencePeriods> {
        let doc_last = doc.meta.date.map(|d| DaySpan::of(d).last);
        let ctx = Ctx {
            doc_date: doc.meta.date,
            doc_last,
            contemporaneous: fallback == Fallback::Document && doc.meta.date.is_some(),
        };
        let texts: Vec<Text> = doc
            .sentences
            .iter()
            .enumerate()
            .map(|(i, s)| match readings.and_then(|r| r.get(i)) {
                Some((simple, tokens)) => Text::new(&s.text, Some(tokens), Some(simple)),
                None => Text::new(&s.text, None, None),
            })
            .collect();
        let found: Vec<Vec<Found>> = texts.iter().map(|t| self.scan(t, &ctx)).collect();
        if ctx.contemporaneous {
            return texts
                .iter()
                .zip(&found)
                .map(|(t, f)| self.contemporaneous(t, f, &ctx, steps))
                .collect();
        }
        self.analytic(doc, &texts, &found, &ctx, steps, fallback)
    }

    /// A contemporaneous text: each clause speaks of the document's date unless its own
    /// evidence frames another time; evidence never travels between sentences, and names and
    /// qualifying dates never move a clause.
    fn contemporaneous(
        &self,
        text: &Text,
        found: &[Found],
        ctx: &Ctx,
        steps: PeriodSteps,
    ) -> SentencePeriods {
        let document_call = || {
            let date = ctx.doc_date.expect("a contemporaneous text has a date");
            match self.period_of_date(date) {
                Some(p) if steps.document => PeriodCall {
                    period: p.id.clone(),
                    source: PeriodSource::Document,
                    evidence: format!("document date {date}"),
                    mentioned: Vec::new(),
                },
                _ => PeriodCall::unattributed(),
            }
        };
        let mut calls = Vec::new();
        for range in clauses(&text.simple) {
            let own: Vec<&Found> = found
                .iter()
                .filter(|f| range.contains(&f.byte_start))
                .collect();
            let resolved = if steps.sentence {
                self.resolve(&own, ctx, |_| None)
            } else {
                None
            };
            let call = match resolved {
                Some(r) => self.call(&r, PeriodSource::Sentence, r.mentioned.clone()),
                None => {
                    let mut call = document_call();
                    // What the clause names without deciding (a name, a qualifying date).
                    if call.source == PeriodSource::Document {
                        call.mentioned = self.mentioned_ids(&own, ctx);
                    }
                    call
                }
            };
            calls.push((range, call));
        }
        self.sentence_periods(text, calls)
    }

    /// An analytic text: a clause takes its own evidence, else its sentence's, else the
    /// paragraph's (by the scheme's paragraph rule; examples never spread), the nearest heading's,
    /// the dates of the events its notes cite, the document's date (with `fallback = document`).
    fn analytic(
        &self,
        doc: &Document,
        texts: &[Text],
        found: &[Vec<Found>],
        ctx: &Ctx,
        steps: PeriodSteps,
        fallback: Fallback,
    ) -> Vec<SentencePeriods> {
        let headings = self.resolve_headings(doc, ctx);
        // Sentence indices per paragraph, in reading order; paragraphs in order of appearance.
        let mut paragraphs: Vec<Vec<usize>> = Vec::new();
        let mut slot: HashMap<u32, usize> = HashMap::new();
        for (i, s) in doc.sentences.iter().enumerate() {
            let k = *slot.entry(s.paragraph).or_insert_with(|| {
                paragraphs.push(Vec::new());
                paragraphs.len() - 1
            });
            paragraphs[k].push(i);
        }
        let examples: Vec<bool> = texts.iter().map(|t| EXAMPLE.is_match(&t.simple)).collect();

        // Each sentence's own evidence, ambiguous markers settled by the paragraph and headings.
        let mut own: Vec<Option<Resolved>> = vec![None; doc.sentences.len()];
        for members in &paragraphs {
            for (k, &i) in members.iter().enumerate() {
                let chain = self.section_chain(doc, doc.sentences[i].section);
                let all: Vec<&Found> = found[i].iter().collect();
                let resolved = self.resolve(&all, ctx, |candidates| {
                    for &j in members[..k].iter().rev() {
                        if let Some(r) = &own[j]
                            && let Some(pick) = self.pick_among(candidates, &r.mentioned)
                        {
                            return Some((pick, bare(&r.evidence)));
                        }
                    }
                    for &j in &members[k + 1..] {
                        if let Some(hit) = self.definite_pick(candidates, &found[j]) {
                            return Some(hit);
                        }
                    }
                    self.heading_pick(candidates, &chain, &headings)
                });
                own[i] = resolved;
            }
        }

        // Which sentence's evidence covers a sentence without its own, paragraph by paragraph,
        // in one pass each way (a paragraph can hold hundreds of thousands of sentences).
        let mut cover: Vec<Option<usize>> = vec![None; doc.sentences.len()];
        for members in &paragraphs {
            match self.paragraph {
                ParagraphRule::Topic => {
                    let first = members[0];
                    if own[first].as_ref().is_some_and(|r| r.opening) && !examples[first] {
                        for &j in &members[1..] {
                            cover[j] = Some(first);
                        }
                    }
                }
                ParagraphRule::Nearest => {
                    let spreads =
                        |j: usize| own[j].as_ref().is_some_and(|r| r.opening) && !examples[j];
                    let mut last = None;
                    for &j in members {
                        cover[j] = last;
                        if spreads(j) {
                            last = Some(j);
                        }
                    }
                    let mut next = None;
                    for &j in members.iter().rev() {
                        if cover[j].is_none() {
                            cover[j] = next;
                        }
                        if spreads(j) {
                            next = Some(j);
                        }
                    }
                }
            }
        }

        // General statements (theory, a model, the literature).
        let generic: Vec<bool> = texts
            .iter()
            .map(|t| {
                let opening = GENERIC_LEAD.replace(&t.simple, "");
                self.generic_nouns
                    .iter()
                    .any(|g| t.simple.contains(g.as_str()))
                    || self
                        .generic_subjects
                        .iter()
                        .any(|g| opening.starts_with(g.as_str()))
            })
            .collect();

        let mut out = Vec::with_capacity(doc.sentences.len());
        for (i, sentence) in doc.sentences.iter().enumerate() {
            let inherited = || -> PeriodCall {
                if steps.paragraph
                    && let Some(r) = cover[i].and_then(|j| own[j].as_ref())
                {
                    return self.call(r, PeriodSource::Paragraph, Vec::new());
                }
                let chain = self.section_chain(doc, sentence.section);
                if steps.heading
                    && let Some(r) = chain.iter().find_map(|s| headings.get(s))
                {
                    return self.call(r, PeriodSource::Heading, Vec::new());
                }
                if steps.citation
                    && let Some(r) = self.citation(doc, &sentence.note_refs, ctx.doc_last)
                {
                    return self.call(&r, PeriodSource::Citation, Vec::new());
                }
                // A sentence with no time of its own speaks of the time of writing (`他沒有說推遲`,
                // `大家好`), unless it is a general statement (国家往往…, 联盟理论, 本文) or stands in
                // a paragraph whose topic sentence is one, without naming a state or alliance: a
                // theory paragraph speaks of no time.
                let names = |j: usize| {
                    self.present_actors
                        .iter()
                        .find(|a| texts[j].simple.contains(a.as_str()))
                };
                let members = &paragraphs[slot[&sentence.paragraph]];
                let theory = generic[i] || generic[members[0]];
                let generic = generic[i];
                let actor = names(i)
                    .or_else(|| {
                        members
                            .iter()
                            .filter(|&&j| !examples[j])
                            .find_map(|&j| names(j))
                    })
                    .filter(|_| !generic);
                if steps.document
                    && let Some(date) = doc.meta.date
                    && let Some(period) = self.period_of_date(date)
                    && (fallback == Fallback::Document || actor.is_some() || !theory)
                {
                    return PeriodCall {
                        period: period.id.clone(),
                        source: PeriodSource::Document,
                        evidence: match actor {
                            Some(a) if fallback != Fallback::Document => {
                                format!("document date {date} (names {a})")
                            }
                            _ => format!("document date {date}"),
                        },
                        mentioned: Vec::new(),
                    };
                }
                PeriodCall::unattributed()
            };
            let sentence_call = match &own[i] {
                Some(r) if steps.sentence => {
                    self.call(r, PeriodSource::Sentence, r.mentioned.clone())
                }
                _ => inherited(),
            };
            // Clauses with evidence of their own take it; the others take the sentence's.
            let text = &texts[i];
            let ranges = clauses(&text.simple);
            let several = ranges.len() > 1;
            let mut calls = Vec::with_capacity(ranges.len());
            for range in ranges {
                let in_clause: Vec<&Found> = found[i]
                    .iter()
                    .filter(|f| range.contains(&f.byte_start))
                    .collect();
                let clause_own = if steps.sentence && several {
                    self.resolve(&in_clause, ctx, |c| self.settle_by(c, &own[i]))
                } else {
                    None
                };
                let call = match clause_own {
                    Some(r) => self.call(&r, PeriodSource::Sentence, r.mentioned.clone()),
                    None => sentence_call.clone(),
                };
                calls.push((range, call));
            }
            let mut periods = self.sentence_periods(text, calls);
            // The sentence keeps the call of its own evidence as a whole (its primary period
            // and every period it names).
            if own[i].is_some() && steps.sentence {
                periods.sentence = sentence_call;
            }
            out.push(periods);
        }
        out
    }

    /// Settles an ambiguous marker of a clause by the sentence's resolved evidence.
    fn settle_by(
        &self,
        candidates: &[usize],
        sentence: &Option<Resolved>,
    ) -> Option<(usize, String)> {
        let r = sentence.as_ref()?;
        self.pick_among(candidates, &r.mentioned)
            .map(|p| (p, bare(&r.evidence)))
    }

    /// The sentence's call (the primary one of its clauses by the scheme's rule) and the clause
    /// calls, kept only when they differ.
    fn sentence_periods(
        &self,
        text: &Text,
        calls: Vec<(Range<usize>, PeriodCall)>,
    ) -> SentencePeriods {
        let index = |c: &PeriodCall| self.index_of(&c.period);
        let chosen = match self.primary {
            PrimaryRule::Latest => calls
                .iter()
                .max_by_key(|(_, c)| (index(c).map_or(0, |i| i + 1), strength(c)))
                .map(|(_, c)| c.clone()),
            PrimaryRule::First => calls
                .iter()
                .find(|(_, c)| c.source == PeriodSource::Sentence)
                .or(calls.first())
                .map(|(_, c)| c.clone()),
        }
        .unwrap_or_else(PeriodCall::unattributed);
        let mut sentence = chosen;
        if calls.len() > 1 {
            // Every period the sentence's clauses name.
            let mut mentioned: Vec<usize> = calls
                .iter()
                .filter(|(_, c)| c.source == PeriodSource::Sentence)
                .flat_map(|(_, c)| c.mentioned.iter().filter_map(|m| self.index_of(m)))
                .collect();
            mentioned.sort_unstable();
            mentioned.dedup();
            if sentence.source == PeriodSource::Sentence {
                sentence.mentioned = mentioned
                    .into_iter()
                    .map(|i| self.periods[i].id.clone())
                    .collect();
            }
        }
        let differ = calls.iter().any(|(_, c)| c.period != sentence.period);
        let clauses = if differ {
            calls
                .into_iter()
                .map(|(range, period)| ClauseCall {
                    char_start: text.char_of(range.start) as u32,
                    char_end: text.char_of(range.end) as u32,
                    period,
                })
                .collect()
        } else {
            Vec::new()
        };
        SentencePeriods { sentence, clauses }
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

    /// Period ids named by evidence that did not decide (names, qualifying dates).
    fn mentioned_ids(&self, found: &[&Found], ctx: &Ctx) -> Vec<String> {
        let mut ids: Vec<usize> = found
            .iter()
            .flat_map(|f| match &f.meaning {
                Meaning::Definite { mentioned, .. } => mentioned.clone(),
                Meaning::Ambiguous(c) => vec![self.by_document_date(c, ctx.doc_date).0],
            })
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids.into_iter()
            .map(|i| self.periods[i].id.clone())
            .collect()
    }

    /// Every marker, date and time word of a text, in order, each with its role.
    fn scan(&self, text: &Text, ctx: &Ctx) -> Vec<Found> {
        let simple: &str = &text.simple;
        let mut found = Vec::new();
        if let Some(matcher) = &self.matcher {
            // The end of the last office holder's name, to bind generic markers to their name.
            let mut last_name: Option<(usize, String)> = None;
            for m in matcher.find_iter(simple) {
                let key = normalize(m.as_str());
                let owner = self
                    .term_owner
                    .get(&key)
                    .expect("every match of the matcher is one of its terms");
                let Some(marker) = owner.map(|o| &self.markers[o]) else {
                    continue;
                };
                if !text.on_boundaries(&m.range()) {
                    continue;
                }
                if !marker.requires.is_empty() {
                    let named = marker.requires.iter().any(|r| simple.contains(r.as_str()));
                    let after_other = last_name.as_ref().is_some_and(|(end, name)| {
                        m.start() - end <= 6 && !marker.requires.contains(name)
                    });
                    if !named || after_other {
                        continue;
                    }
                }
                let after = &simple[m.end()..];
                let mut meaning = marker.meaning.clone();
                let since = SINCE_AFTER.is_match(after)
                    || (marker.event && (key.ends_with('后') || AFTER.is_match(after)));
                let role = if since {
                    Role::Since
                } else if marker.weak {
                    last_name = Some((m.end(), key.clone()));
                    // A name in a clause about what may come (`特朗普上台后可能要求…`) speaks of
                    // a forecast, which belongs to the time of writing: the name dates nothing.
                    if FUTURE.is_match(after) {
                        continue;
                    }
                    match self.holder_meaning(marker, simple, m.range()) {
                        Some(narrowed) => meaning = narrowed,
                        None => continue,
                    }
                    Role::Name
                } else if marker.event
                    && (QUALIFIES.is_match(after)
                        || (marker.era
                            && !(opens_clause(simple, m.start()) || FRAME_AFTER.is_match(after))))
                {
                    // An event that qualifies a noun (`冷战的产物`), and an era inside a clause
                    // (`二战日本强征劳工的赔偿`, `冷战留下的资产`), name a thing; an era frames the
                    // clause where the clause opens with it or it takes a time word (`冷战期间`).
                    Role::Qualifier
                } else {
                    Role::Frame
                };
                // A contemporaneous text cannot speak of a period that had not begun.
                if ctx.contemporaneous {
                    match self.begun(meaning, ctx) {
                        Some(m) => meaning = m,
                        None => continue,
                    }
                }
                found.push(Found {
                    text: text.written(m.range()),
                    byte_start: m.start(),
                    byte_end: m.end(),
                    meaning,
                    role,
                    opening: opens_clause(simple, m.start()),
                });
            }
        }
        let covered = |found: &[Found], at: usize| {
            found
                .iter()
                .any(|f: &Found| (f.byte_start..f.byte_end).contains(&at))
        };
        for date in find_dates(simple) {
            let mut span = date.span;
            if let Some(last) = ctx.doc_last {
                if span.first > last {
                    continue;
                }
                span.last = span.last.min(last);
                if date.until_now {
                    span.last = last;
                }
            }
            // Dates inside a marker (none in the shipped scheme) count once, as the marker.
            if covered(&found, date.bytes.start) {
                continue;
            }
            let after = &simple[date.bytes.end..];
            let before = &simple[..date.bytes.start];
            let opens = ["自从", "自", "从", "继"]
                .iter()
                .any(|w| before.ends_with(w));
            let role = if date.until_now || opens || SINCE_NEAR.is_match(after) {
                Role::Since
            } else if QUALIFIES.is_match(after) {
                Role::Qualifier
            } else {
                Role::Frame
            };
            if let Some((primary, mentioned)) = self.span_periods(span) {
                found.push(Found {
                    text: text.written(date.bytes.clone()),
                    byte_start: date.bytes.start,
                    byte_end: date.bytes.end,
                    meaning: Meaning::Definite { primary, mentioned },
                    role,
                    opening: opens_clause(simple, date.bytes.start),
                });
            }
        }
        if let Some(date) = ctx.doc_date {
            self.scan_relative(text, date, ctx, &mut found);
        }
        found.sort_by_key(|f| f.byte_start);
        found
    }

    /// Relative time words (`去年 (2018)`) and, in a contemporaneous text, bare days of the month
    /// (`26日`), resolved against the document's date.
    fn scan_relative(&self, text: &Text, date: PartialDate, ctx: &Ctx, found: &mut Vec<Found>) {
        let simple: &str = &text.simple;
        let doc = DaySpan::of(date);
        for m in RELATIVE.find_iter(simple) {
            if !text.on_boundaries(&m.range()) {
                continue;
            }
            let (span, shown) = match m.as_str() {
                "今年" => (year_span(date.year, doc.last), date.year.to_string()),
                "去年" => (
                    year_span(date.year - 1, doc.last),
                    (date.year - 1).to_string(),
                ),
                // The year before the document's date (a work report's review of the last year).
                "过去一年" => (
                    DaySpan {
                        first: doc.first - 365,
                        last: doc.first,
                    },
                    format!("{}-{}", date.year - 1, date.year),
                ),
                "前年" => (
                    year_span(date.year - 2, doc.last),
                    (date.year - 2).to_string(),
                ),
                "本月" | "上个月" | "上月" => {
                    let Some(month) = date.month else { continue };
                    let (y, mo) = if m.as_str() == "本月" {
                        (date.year, month)
                    } else if month == 1 {
                        (date.year - 1, 12)
                    } else {
                        (date.year, month - 1)
                    };
                    let d = PartialDate {
                        year: y,
                        month: Some(mo),
                        day: None,
                    };
                    (DaySpan::of(d), d.to_string())
                }
                _ => (doc, date.to_string()),
            };
            let word = m.as_str();
            let after = &simple[m.end()..];
            // 当前, 当下, 如今, 现在, 眼下, 现今 also qualify nouns (`当前合作机会`, `抓住当下易逝的
            // 机会`): they date the clause only where they open it or stand alone before a comma.
            if ["当前", "当下", "如今", "现在", "眼下", "现今"].contains(&word)
                && !(opens_clause(simple, m.start()) || after.starts_with(['，', ',', '、']))
            {
                continue;
            }
            // `自去年以来`, `近年来`: a span from then to the time of writing.
            let role = if SINCE_AFTER.is_match(after) || ["近年来", "近年", "迄今"].contains(&word)
            {
                Role::Since
            } else {
                Role::Relative
            };
            if let Some((primary, mentioned)) = self.span_periods(span) {
                found.push(Found {
                    text: format!("{} ({shown})", text.written(m.range())),
                    byte_start: m.start(),
                    byte_end: m.end(),
                    meaning: Meaning::Definite { primary, mentioned },
                    role,
                    opening: opens_clause(simple, m.start()),
                });
            }
        }
        for caps in YEARS_AGO.captures_iter(simple) {
            let whole = caps.get(0).expect("group 0");
            let n = caps.get(1).expect("the number");
            let Some(years) = n
                .as_str()
                .parse::<i32>()
                .ok()
                .or_else(|| chinese_number(n.as_str()))
            else {
                continue;
            };
            let year = date.year - years;
            if let Some((primary, mentioned)) =
                self.span_periods(DaySpan::of(PartialDate::year(year)))
            {
                found.push(Found {
                    text: format!("{} ({year})", text.written(whole.range())),
                    byte_start: whole.start(),
                    byte_end: whole.end(),
                    meaning: Meaning::Definite { primary, mentioned },
                    role: Role::Relative,
                    opening: opens_clause(simple, whole.start()),
                });
            }
        }
        let (Some(month), Some(today)) = (date.month, date.day) else {
            return;
        };
        if !ctx.contemporaneous {
            return;
        }
        for caps in BARE_DAY.captures_iter(simple) {
            let day = caps.get(1).expect("the day group");
            let Ok(n) = day.as_str().parse::<u8>() else {
                continue;
            };
            if n == 0
                || n > 31
                || found
                    .iter()
                    .any(|f| (f.byte_start..f.byte_end).contains(&day.start()))
            {
                continue;
            }
            // A day after today's is last month's.
            let (y, mo) = if n <= today {
                (date.year, month)
            } else if month == 1 {
                (date.year - 1, 12)
            } else {
                (date.year, month - 1)
            };
            let Ok(d) = format!("{y:04}-{mo:02}-{n:02}").parse::<PartialDate>() else {
                continue;
            };
            let whole = caps.get(0).expect("group 0");
            let end = whole.end();
            if let Some((primary, mentioned)) = self.span_periods(DaySpan::of(d)) {
                found.push(Found {
                    text: format!("{} ({d})", text.written(day.start()..end)),
                    byte_start: day.start(),
                    byte_end: end,
                    meaning: Meaning::Definite { primary, mentioned },
                    role: Role::Relative,
                    opening: opens_clause(simple, day.start()),
                });
            }
        }
    }

    /// An office holder's candidates where the name stands: none when a role word says the
    /// person is out of (or not yet in) office; the periods of one office when its role word is
    /// next to the name (`副总统拜登`, `岸田外相`); else every office's.
    fn holder_meaning(
        &self,
        marker: &super::scheme::Marker,
        simple: &str,
        at: Range<usize>,
    ) -> Option<Meaning> {
        let before: String = {
            let chars: Vec<char> = simple[..at.start].chars().collect();
            chars[chars.len().saturating_sub(6)..].iter().collect()
        };
        let after: String = simple[at.end..].chars().take(5).collect();
        let near = |word: &str| before.contains(word) || after.contains(word);
        if self.out_of_office.iter().any(|w| near(w)) {
            return None;
        }
        let named: Vec<usize> = marker
            .offices
            .iter()
            .filter(|o| o.roles.iter().any(|r| near(r)))
            .flat_map(|o| o.periods.iter().copied())
            .collect();
        if named.is_empty() {
            return Some(marker.meaning.clone());
        }
        let mut named = named;
        named.sort_unstable();
        named.dedup();
        Some(match named.as_slice() {
            [one] => Meaning::Definite {
                primary: *one,
                mentioned: vec![*one],
            },
            _ => Meaning::Ambiguous(named),
        })
    }

    /// `meaning` without the periods that had not begun by the document's date; `None` when
    /// nothing is left.
    fn begun(&self, meaning: Meaning, ctx: &Ctx) -> Option<Meaning> {
        let last = ctx.doc_last?;
        let started = |i: &usize| {
            self.periods[*i]
                .start
                .is_none_or(|d| DaySpan::of(d).first <= last)
        };
        match meaning {
            Meaning::Definite { primary, mentioned } => {
                started(&primary).then(|| Meaning::Definite {
                    primary,
                    mentioned: mentioned.into_iter().filter(started).collect(),
                })
            }
            Meaning::Ambiguous(c) => {
                let c: Vec<usize> = c.into_iter().filter(started).collect();
                match c.as_slice() {
                    [] => None,
                    [one] => Some(Meaning::Definite {
                        primary: *one,
                        mentioned: vec![*one],
                    }),
                    _ => Some(Meaning::Ambiguous(c)),
                }
            }
        }
    }

    /// Resolves a text's evidence. `context` picks among the candidates of an ambiguous marker
    /// that the text itself cannot settle (returning the period and the deciding marker); the
    /// document's date settles what context cannot. A span to the present speaks of the
    /// document's date. In a contemporaneous text only frames, spans and relative time decide;
    /// elsewhere names and qualifying dates decide when nothing else does.
    fn resolve(
        &self,
        found: &[&Found],
        ctx: &Ctx,
        context: impl Fn(&[usize]) -> Option<(usize, String)>,
    ) -> Option<Resolved> {
        if found.is_empty() {
            return None;
        }
        // (primary, mentioned, evidence, role, opening) per found item.
        let mut items: Vec<(usize, Vec<usize>, String, Role, bool)> = Vec::new();
        for f in found {
            match &f.meaning {
                Meaning::Definite { primary, mentioned } => {
                    if f.role == Role::Since
                        && let Some(date) = ctx.doc_date
                        && let Some(now) =
                            self.period_of_date(date).and_then(|p| self.index_of(&p.id))
                    {
                        let mut all = mentioned.clone();
                        all.push(now);
                        all.sort_unstable();
                        all.dedup();
                        items.push((
                            now,
                            all,
                            format!("{} (to {date})", f.text),
                            Role::Since,
                            f.opening,
                        ));
                        continue;
                    }
                    items.push((
                        *primary,
                        mentioned.clone(),
                        f.text.clone(),
                        f.role,
                        f.opening,
                    ))
                }
                Meaning::Ambiguous(candidates) => {
                    let own = found.iter().find_map(|other| {
                        self.definite_pick(candidates, std::slice::from_ref(*other))
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
                        .or_else(|| {
                            if ctx.contemporaneous {
                                None
                            } else {
                                context(candidates)
                            }
                        })
                        .unwrap_or_else(|| self.by_document_date(candidates, ctx.doc_date));
                    items.push((
                        pick,
                        vec![pick],
                        format!("{} (by {by})", f.text),
                        f.role,
                        f.opening,
                    ));
                }
            }
        }
        let mut mentioned: Vec<usize> = items.iter().flat_map(|i| i.1.clone()).collect();
        mentioned.sort_unstable();
        mentioned.dedup();
        // Which items decide: frames and relative time; else spans to the present; else names
        // (never in a contemporaneous text). A qualifier never decides: it dates a thing.
        let rank = |role: Role| match role {
            Role::Frame | Role::Relative => 3,
            Role::Since => 2,
            Role::Name if !ctx.contemporaneous => 1,
            _ => 0,
        };
        let best = items.iter().map(|i| rank(i.3)).max().unwrap_or(0);
        if best == 0 {
            return None;
        }
        let deciding = items.iter().filter(|i| rank(i.3) == best);
        let primary = match self.primary {
            PrimaryRule::Latest => deciding.map(|i| i.0).max(),
            PrimaryRule::First => deciding.map(|i| i.0).next(),
        }?;
        let chosen = items
            .iter()
            .find(|i| i.0 == primary && rank(i.3) == best)
            .expect("the primary period comes from one of the items");
        let (evidence, opening) = (chosen.2.clone(), chosen.4);
        Some(Resolved {
            primary,
            mentioned,
            evidence,
            opening,
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
    fn resolve_headings(&self, doc: &Document, ctx: &Ctx) -> HashMap<u32, Resolved> {
        let title = normalize(&doc.meta.title);
        let mut out: HashMap<u32, Resolved> = HashMap::new();
        let mut order: Vec<&crate::model::Section> = doc.sections.iter().collect();
        order.sort_by_key(|s| (s.level, s.id));
        for section in order {
            if !title.is_empty() && normalize(&section.title) == title {
                continue;
            }
            let text = Text::new(&section.title, None, None);
            let found = self.scan(&text, ctx);
            let found: Vec<&Found> = found.iter().collect();
            let chain = self.section_chain(doc, section.parent);
            let resolved = self.resolve(&found, ctx, |c| self.heading_pick(c, &chain, &out));
            if let Some(r) = resolved {
                out.insert(section.id, r);
            }
        }
        out
    }

    /// Periods of the events the notes a sentence cites are dated by: only dates to the day
    /// (a news item, a statement), never the year of a scholarly publication.
    fn citation(&self, doc: &Document, refs: &[String], doc_last: Option<i64>) -> Option<Resolved> {
        let mut best: Option<Resolved> = None;
        for id in refs {
            let Some(note) = doc.notes.iter().find(|n| &n.id == id) else {
                continue;
            };
            for date in note.dates.iter().filter(|d| d.day.is_some()) {
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
                        opening: false,
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

/// Calls that rest on the sentence's own evidence rank above inherited ones of the same period.
fn strength(call: &PeriodCall) -> u8 {
    match call.source {
        PeriodSource::Sentence | PeriodSource::Manual => 2,
        PeriodSource::None => 0,
        _ => 1,
    }
}

/// 一 to 九十九 written in characters.
fn chinese_number(text: &str) -> Option<i32> {
    let digit = |c: char| {
        "一二三四五六七八九"
            .chars()
            .position(|d| d == c)
            .map(|i| i as i32 + 1)
    };
    let chars: Vec<char> = text.chars().collect();
    match chars.as_slice() {
        ['十'] => Some(10),
        [d] => digit(*d),
        ['十', u] => Some(10 + digit(*u)?),
        [t, '十'] => Some(10 * digit(*t)?),
        [t, '十', u] => Some(10 * digit(*t)? + digit(*u)?),
        _ => None,
    }
}

/// Every day of a year, cut at the document's last day.
fn year_span(year: i32, doc_last: i64) -> DaySpan {
    let whole = DaySpan::of(PartialDate::year(year));
    DaySpan {
        first: whole.first,
        last: whole.last.min(doc_last),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &str) -> Vec<&str> {
        clauses(text).into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn clauses_split_at_semicolons_contrasts_and_comparisons() {
        assert_eq!(
            split("特朗普政府未能给予战略承诺；然而，拜登政府给予了战略承诺。"),
            [
                "特朗普政府未能给予战略承诺；",
                "然而，拜登政府给予了战略承诺。"
            ]
        );
        assert_eq!(
            split("相较于拜登政府,特朗普政府将安全承诺视作可交易对象。"),
            ["相较于拜登政府,", "特朗普政府将安全承诺视作可交易对象。"]
        );
        assert_eq!(
            split("2012年双方曾签署协议，如今关系紧张。"),
            ["2012年双方曾签署协议，", "如今关系紧张。"]
        );
        assert_eq!(
            split("美日同盟得到加强，日韩关系改善。"),
            ["美日同盟得到加强，日韩关系改善。"]
        );
    }
}
