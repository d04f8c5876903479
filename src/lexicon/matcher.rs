//! Token-sequence matching: takes the tokens of one sentence and gives back the lexicon hits.
//! Literal forms are found in one Aho-Corasick pass over the sentence (every match, overlapping),
//! then kept only where they start and end on token boundaries.
//!
//! A literal form (term or variant) matches a run of whole tokens whose text is exactly the form;
//! a pattern matches the shortest run of whole tokens (up to `MAX_PATTERN_TOKENS`) that it matches
//! entirely. Candidates are then taken longest first (then leftmost): within one category a
//! candidate overlapping an accepted one is dropped, so an entry never counts twice for the same
//! tokens and overlapping entries of one category count once. Different categories may overlap.

use std::collections::HashMap;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

use super::{Category, LexiconSet};
use crate::model::{Hit, Token};

/// Longest run of tokens a pattern is tried on.
const MAX_PATTERN_TOKENS: usize = 6;

/// Literal forms to (category, entry), and the patterned entries.
#[derive(Clone, Debug)]
pub(super) struct FormIndex {
    /// Every literal form, found in one pass over a sentence (all matches, overlapping).
    automaton: AhoCorasick,
    /// The (category, entry) pairs of each form, by the automaton's pattern id.
    targets: Vec<Vec<(usize, usize)>>,
    patterned: Vec<(usize, usize)>,
}

impl FormIndex {
    pub(super) fn build(categories: &[Category]) -> FormIndex {
        let mut ids: HashMap<&str, usize> = HashMap::new();
        let mut forms: Vec<&str> = Vec::new();
        let mut targets: Vec<Vec<(usize, usize)>> = Vec::new();
        let mut patterned = Vec::new();
        for (c, category) in categories.iter().enumerate() {
            for (e, entry) in category.entries.iter().enumerate() {
                for form in entry.forms().filter(|f| !f.is_empty()) {
                    let id = *ids.entry(form).or_insert_with(|| {
                        forms.push(form);
                        targets.push(Vec::new());
                        forms.len() - 1
                    });
                    if !targets[id].contains(&(c, e)) {
                        targets[id].push((c, e));
                    }
                }
                if entry.pattern_regex.is_some() {
                    patterned.push((c, e));
                }
            }
        }
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .kind(Some(AhoCorasickKind::DFA))
            .build(&forms)
            .or_else(|_| AhoCorasick::builder().build(&forms))
            .expect("literal forms always build an automaton");
        FormIndex {
            automaton,
            targets,
            patterned,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Candidate {
    category: usize,
    entry: usize,
    /// Token indices, inclusive.
    first: usize,
    last: usize,
    chars: u32,
}

/// Every candidate of a sentence, before context rules and overlaps: each literal form on a run of
/// whole tokens, and each pattern's shortest whole-token run.
fn candidates(set: &LexiconSet, index: &FormIndex, text: &str, tokens: &[Token]) -> Vec<Candidate> {
    let mut candidates = Vec::new();
    // A form matches only a run of whole tokens: it must start where a token starts and end where
    // a token ends.
    for m in index.automaton.find_overlapping_iter(text) {
        let first = tokens.partition_point(|t| (t.byte_start as usize) < m.start());
        let last = tokens.partition_point(|t| (t.byte_end as usize) < m.end());
        let whole = tokens
            .get(first)
            .is_some_and(|t| t.byte_start as usize == m.start())
            && tokens
                .get(last)
                .is_some_and(|t| t.byte_end as usize == m.end());
        if whole {
            for &(category, entry) in &index.targets[m.pattern().as_usize()] {
                candidates.push(candidate(tokens, category, entry, first, last));
            }
        }
    }
    if !index.patterned.is_empty() {
        for first in 0..tokens.len() {
            let start = tokens[first].byte_start as usize;
            for &(category, entry) in &index.patterned {
                let re = set.categories[category].entries[entry]
                    .pattern_regex
                    .as_ref()
                    .expect("indexed as patterned");
                let shortest = (first..tokens.len().min(first + MAX_PATTERN_TOKENS))
                    .find(|&last| re.is_match(&text[start..tokens[last].byte_end as usize]));
                if let Some(last) = shortest {
                    candidates.push(candidate(tokens, category, entry, first, last));
                }
            }
        }
    }
    candidates
}

pub(super) fn tag(set: &LexiconSet, index: &FormIndex, text: &str, tokens: &[Token]) -> Vec<Hit> {
    let mut candidates = candidates(set, index, text, tokens);
    // Context rules: an entry that requires (or excludes) words near it keeps only the candidates
    // whose clause has them (or has none of them).
    candidates.retain(|c| context_allows(set, text, tokens, c).is_ok());
    // Longest first, then leftmost, then file order: deterministic.
    candidates.sort_by_key(|c| (std::cmp::Reverse(c.chars), c.first, c.category, c.entry));
    candidates.dedup();

    let mut accepted: Vec<Candidate> = Vec::new();
    for c in candidates {
        let overlaps = accepted
            .iter()
            .any(|a| a.category == c.category && a.first <= c.last && c.first <= a.last);
        if !overlaps {
            accepted.push(c);
        }
    }
    let mut hits: Vec<Hit> = accepted
        .into_iter()
        .map(|c| Hit {
            category: c.category,
            subcategory: set.categories[c.category].entries[c.entry].subcategory,
            entry: c.entry,
            byte_start: tokens[c.first].byte_start,
            byte_end: tokens[c.last].byte_end,
            char_start: tokens[c.first].char_start,
            char_end: tokens[c.last].char_end,
            modifier: set
                .modifiers
                .modifier_of(text, tokens, c.first, c.last)
                .or_else(|| {
                    // The entry's own weakening (撤军), as the text has it.
                    set.categories[c.category].entries[c.entry]
                        .modifier
                        .map(|kind| crate::model::Modifier {
                            kind,
                            word: text[tokens[c.first].byte_start as usize
                                ..tokens[c.last].byte_end as usize]
                                .to_string(),
                        })
                }),
        })
        .collect();
    hits.sort_by_key(|h| (h.byte_start, h.category, h.byte_end, h.entry));
    hits
}

/// Why a candidate's context rules let it through (the word found) or stop it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ContextVerdict {
    /// No rules, or the required word found (`Some(word)`) and no excluded one.
    Allowed(Option<String>),
    /// None of the required words within the window.
    MissingRequired,
    /// An excluded word within the window.
    Excluded(String),
}

/// The text within `window` tokens of a candidate on each side, in its clause.
fn context_text<'t>(
    set: &LexiconSet,
    text: &'t str,
    tokens: &[Token],
    first: usize,
    last: usize,
    window: usize,
) -> (&'t str, &'t str) {
    // An enumeration comma does not end the context: 强化美日、美韩同盟.
    let is_break = |t: &Token| {
        let s = t.text(text);
        !s.is_empty()
            && s.chars()
                .all(|c| c != '、' && set.modifiers.clause_breaks.contains(&c))
    };
    let mut a = first;
    while a > 0 && first - a < window && !is_break(&tokens[a - 1]) {
        a -= 1;
    }
    let mut b = last;
    while b + 1 < tokens.len() && b - last < window && !is_break(&tokens[b + 1]) {
        b += 1;
    }
    (
        &text[tokens[a].byte_start as usize..tokens[first].byte_start as usize],
        &text[tokens[last].byte_end as usize..tokens[b].byte_end as usize],
    )
}

fn context_allows(
    set: &LexiconSet,
    text: &str,
    tokens: &[Token],
    c: &Candidate,
) -> Result<Option<String>, ContextVerdict> {
    let entry = &set.categories[c.category].entries[c.entry];
    if !entry.has_context_rules() {
        return Ok(None);
    }
    let (before, after) = context_text(set, text, tokens, c.first, c.last, entry.window);
    let near = |w: &String| before.contains(w.as_str()) || after.contains(w.as_str());
    // An excluded word may contain the form itself (战争部 excludes 战争): look for it across
    // the candidate too.
    let matched = &text[tokens[c.first].byte_start as usize..tokens[c.last].byte_end as usize];
    let around = &text[tokens[c.first].byte_start as usize - before.len()
        ..tokens[c.last].byte_end as usize + after.len()];
    let excluded = |w: &String| near(w) || (w.contains(matched) && around.contains(w.as_str()));
    if let Some(w) = entry.excludes_any.iter().find(|w| excluded(w)) {
        return Err(ContextVerdict::Excluded(w.clone()));
    }
    if entry.requires_any.is_empty() {
        return Ok(None);
    }
    match entry.requires_any.iter().find(|w| near(w)) {
        Some(w) => Ok(Some(w.clone())),
        None => Err(ContextVerdict::MissingRequired),
    }
}

/// Every candidate with context rules in a sentence and what the rules made of it, for `mine
/// inspect`: (category, entry, matched text, verdict).
pub(super) fn context_report(
    set: &LexiconSet,
    index: &FormIndex,
    text: &str,
    tokens: &[Token],
) -> Vec<(usize, usize, String, ContextVerdict)> {
    candidates(set, index, text, tokens)
        .into_iter()
        .filter(|c| set.categories[c.category].entries[c.entry].has_context_rules())
        .map(|c| {
            let verdict = match context_allows(set, text, tokens, &c) {
                Ok(word) => ContextVerdict::Allowed(word),
                Err(v) => v,
            };
            let form = text[tokens[c.first].byte_start as usize..tokens[c.last].byte_end as usize]
                .to_string();
            (c.category, c.entry, form, verdict)
        })
        .collect()
}

fn candidate(
    tokens: &[Token],
    category: usize,
    entry: usize,
    first: usize,
    last: usize,
) -> Candidate {
    Candidate {
        category,
        entry,
        first,
        last,
        chars: tokens[last].char_end - tokens[first].char_start,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexicon::{Entry, ModifierRule};
    use crate::model::ModifierKind;

    use crate::lexicon::testing::tokens;

    fn entry(term: &str, variants: &[&str], pattern: Option<&str>) -> Entry {
        Entry {
            term: term.to_string(),
            variants: variants.iter().map(|v| v.to_string()).collect(),
            pattern: pattern.map(str::to_string),
            pattern_regex: pattern.map(|p| regex::Regex::new(&format!("^(?:{p})$")).unwrap()),
            rationale: "test".to_string(),
            ..Entry::default()
        }
    }

    fn set(categories: Vec<Vec<Entry>>) -> LexiconSet {
        let categories = categories
            .into_iter()
            .enumerate()
            .map(|(i, entries)| Category {
                name: format!("c{i}"),
                subcategories: vec!["s".to_string()],
                entries,
                ..Category::default()
            })
            .collect();
        LexiconSet::new(categories, ModifierRule::default())
    }

    fn matched(set: &LexiconSet, segmented: &str) -> Vec<(usize, String)> {
        let (text, toks) = tokens(segmented);
        set.tag(&text, &toks)
            .iter()
            .map(|h| {
                (
                    h.category,
                    text[h.byte_start as usize..h.byte_end as usize].to_string(),
                )
            })
            .collect()
    }

    #[test]
    fn the_longest_match_of_a_category_wins() {
        let s = set(vec![vec![
            entry("核", &[], None),
            entry("核威胁", &[], None),
        ]]);
        // 核威胁 split by the segmenter into two tokens still matches as one hit.
        assert_eq!(
            matched(&s, "朝鲜/的/核/威胁"),
            vec![(0, "核威胁".to_string())]
        );
    }

    #[test]
    fn forms_match_whole_tokens_only() {
        let s = set(vec![vec![entry("承诺", &[], None)]]);
        assert!(matched(&s, "安全承诺/坚定").is_empty());
    }

    #[test]
    fn a_term_and_its_variant_never_count_twice() {
        let s = set(vec![vec![
            entry("延伸威慑", &["延伸威慑"], None),
            entry("威慑", &[], Some("延伸威慑")),
        ]]);
        assert_eq!(
            matched(&s, "强化/延伸威慑"),
            vec![(0, "延伸威慑".to_string())]
        );
    }

    #[test]
    fn overlapping_categories_each_count() {
        let s = set(vec![
            vec![entry("核威胁", &[], None)],
            vec![entry("威胁", &[], None)],
        ]);
        // Different categories: the threat token counts in both; same category would count once.
        assert_eq!(
            matched(&s, "核/威胁"),
            vec![(0, "核威胁".to_string()), (1, "威胁".to_string())]
        );
    }

    #[test]
    fn a_pattern_matches_the_shortest_whole_token_run() {
        let s = set(vec![vec![entry("胁迫", &[], Some(r"胁迫\w*"))]]);
        assert_eq!(
            matched(&s, "经济/胁迫性/措施"),
            vec![(0, "胁迫性".to_string())]
        );
        // Not inside a token.
        assert!(matched(&s, "反胁迫/措施").is_empty());
    }

    fn with_context(term: &str, requires: &[&str], excludes: &[&str], window: usize) -> Entry {
        Entry {
            requires_any: requires.iter().map(|w| w.to_string()).collect(),
            excludes_any: excludes.iter().map(|w| w.to_string()).collect(),
            window,
            ..entry(term, &[], None)
        }
    }

    #[test]
    fn a_required_word_must_be_in_the_window_and_clause() {
        let s = set(vec![vec![with_context(
            "坚如磐石",
            &["承诺", "同盟"],
            &[],
            3,
        )]]);
        assert_eq!(
            matched(&s, "防卫/承诺/坚如磐石"),
            vec![(0, "坚如磐石".to_string())]
        );
        // After the entry counts too.
        assert_eq!(matched(&s, "坚如磐石/的/同盟").len(), 1);
        // Outside the window of three tokens.
        assert!(matched(&s, "承诺/是/一个/国家/的/决心/坚如磐石").is_empty());
        // Across a clause break.
        assert!(matched(&s, "承诺/，/决心/坚如磐石").is_empty());
        // But not across an enumeration comma: 、 joins items of one clause.
        assert_eq!(matched(&s, "承诺/、/决心/坚如磐石").len(), 1);
        // Inside a longer token.
        assert_eq!(matched(&s, "安全承诺/坚如磐石").len(), 1);
    }

    #[test]
    fn an_excluded_word_vetoes_and_a_shorter_entry_may_then_match() {
        let s = set(vec![vec![
            with_context("核威胁", &[], &["消除"], 4),
            entry("威胁", &[], None),
        ]]);
        assert_eq!(matched(&s, "朝鲜/核威胁"), vec![(0, "核威胁".to_string())]);
        assert!(matched(&s, "消除/核威胁").is_empty());
        // An excluded word that contains the form is looked for across it.
        let s2 = set(vec![vec![with_context("战争", &[], &["战争部"], 2)]]);
        assert!(matched(&s2, "美国/战争/部").is_empty());
        assert_eq!(matched(&s2, "一场/战争").len(), 1);
        // The longest candidate refused, the next one of the same tokens counts.
        assert_eq!(matched(&s, "消除/核/威胁"), vec![(0, "威胁".to_string())]);
    }

    #[test]
    fn an_inherent_modifier_marks_every_hit_of_its_entry() {
        let s = set(vec![vec![Entry {
            modifier: Some(ModifierKind::Diminished),
            ..entry("撤军", &[], None)
        }]]);
        let (text, toks) = tokens("美国/从/韩国/撤军");
        let hits = s.tag(&text, &toks);
        assert_eq!(hits.len(), 1);
        assert_eq!(
            hits[0].modifier.as_ref().unwrap().kind,
            ModifierKind::Diminished
        );
    }
}
