//! The modifier rule of `lexicons/modifiers.toml`: negators and diminishers, and the scope in
//! which they govern a hit. Takes the tokens of a sentence and the token span of a hit, gives back
//! the `Modifier` (kind and word as written) or none.
//!
//! The rule: look outward from the hit, token by token, never crossing a clause break (，；：、
//! and sentence ends) nor a scope stop (使, 以, 导致 ...), at most `window_before` tokens before and `window_after` tokens after. A
//! modifier word matches one token or a run of up to three neighbouring tokens whose text is
//! exactly the word, because jieba fuses negation into tokens (不会, 并非, 未能) and sometimes
//! splits it (并 + 没有). Words only match whole tokens: 不断 or 非常 never read as 不 or 非.
//! The nearest modifier wins; at equal distance the one before the hit wins. Double negation is
//! not resolved (不是不 reads as negated), except that a negator right before a diminisher
//! cancels it: 不会动摇 / 没有受损 leave the hit plain.

use std::path::Path;

use serde::Deserialize;

use crate::error::ConfigError;
use crate::model::{Modifier, ModifierKind, Token};

/// Longest run of tokens a modifier word may span.
const MAX_MODIFIER_TOKENS: usize = 3;

/// Where a group of modifier words is looked for, relative to the hit.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Position {
    #[default]
    Before,
    After,
    Both,
}

impl Position {
    fn before(self) -> bool {
        matches!(self, Position::Before | Position::Both)
    }
    fn after(self) -> bool {
        matches!(self, Position::After | Position::Both)
    }
}

/// One modifier word with its kind and where it acts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModifierWord {
    pub word: String,
    pub kind: ModifierKind,
    pub position: Position,
}

/// Negators, diminishers and their scope.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModifierRule {
    pub words: Vec<ModifierWord>,
    /// Token texts made only of these characters end a clause.
    pub clause_breaks: Vec<char>,
    pub window_before: usize,
    pub window_after: usize,
    /// Tokens that end a modifier's reach like a clause break (使, 以, 导致 ...): what stands
    /// beyond them modifies another predicate.
    pub scope_stops: Vec<String>,
    /// Verbs a negator before them negates instead of the hit (`无法应对…威胁`: the threat stands,
    /// the response fails).
    pub negated_predicates: Vec<String>,
}

impl Default for ModifierRule {
    /// No modifier words: every hit is plain.
    fn default() -> Self {
        ModifierRule {
            words: Vec::new(),
            clause_breaks: "，,；;：:、。！!？?\n".chars().collect(),
            window_before: 8,
            window_after: 4,
            scope_stops: Vec::new(),
            negated_predicates: Vec::new(),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawModifierFile {
    scope: RawScope,
    #[serde(default)]
    negator: Vec<RawGroup>,
    #[serde(default)]
    diminisher: Vec<RawGroup>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScope {
    clause_breaks: String,
    window_before: usize,
    window_after: usize,
    #[serde(default)]
    scope_stops: Vec<String>,
    #[serde(default)]
    negated_predicates: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGroup {
    words: Vec<String>,
    #[serde(default)]
    position: Position,
    #[serde(default)]
    note: String,
}

impl ModifierRule {
    /// Reads `modifiers.toml`; a missing or broken file is an error naming file and line.
    pub fn load(path: &Path) -> Result<ModifierRule, ConfigError> {
        let source = std::fs::read_to_string(path).map_err(|e| {
            ConfigError::new(
                path,
                0,
                format!("cannot read the modifier file (it is required): {e}"),
            )
        })?;
        ModifierRule::parse(path, &source)
    }

    pub fn parse(path: &Path, source: &str) -> Result<ModifierRule, ConfigError> {
        let raw: RawModifierFile =
            toml::from_str(source).map_err(|e| ConfigError::from_toml(path, source, &e))?;
        let mut words: Vec<ModifierWord> = Vec::new();
        let groups = raw
            .negator
            .iter()
            .map(|g| (ModifierKind::Negated, g))
            .chain(raw.diminisher.iter().map(|g| (ModifierKind::Diminished, g)));
        for (kind, group) in groups {
            let _ = &group.note; // documentation only
            for w in &group.words {
                let word = w.trim();
                let line = source
                    .lines()
                    .position(|l| l.contains(&format!("\"{word}\"")))
                    .map_or(0, |i| i + 1);
                if word.is_empty() || word.chars().any(char::is_whitespace) {
                    return Err(ConfigError::new(
                        path,
                        line,
                        format!("modifier word `{w}` is empty or contains whitespace"),
                    ));
                }
                // A word may be a negator on one side and a diminisher on the other (不再 before a
                // hit negates it; after it, 承诺不再可信, it weakens), never twice on one side.
                let clash = |m: &ModifierWord| {
                    m.word == word
                        && ((m.position.before() && group.position.before())
                            || (m.position.after() && group.position.after()))
                };
                if words.iter().any(clash) {
                    return Err(ConfigError::new(
                        path,
                        line,
                        format!("modifier word `{word}` is listed twice for the same side"),
                    ));
                }
                words.push(ModifierWord {
                    word: word.to_string(),
                    kind,
                    position: group.position,
                });
            }
        }
        Ok(ModifierRule {
            words,
            clause_breaks: raw.scope.clause_breaks.chars().collect(),
            window_before: raw.scope.window_before,
            window_after: raw.scope.window_after,
            scope_stops: raw.scope.scope_stops,
            negated_predicates: raw.scope.negated_predicates,
        })
    }

    fn is_break(&self, token_text: &str) -> bool {
        (!token_text.is_empty() && token_text.chars().all(|c| self.clause_breaks.contains(&c)))
            || self.scope_stops.iter().any(|s| s == token_text)
    }

    /// The modifier word, if any, spelled exactly by `text` and allowed on this side.
    fn word(&self, text: &str, before: bool) -> Option<&ModifierWord> {
        self.words.iter().find(|m| {
            m.word == text
                && if before {
                    m.position.before()
                } else {
                    m.position.after()
                }
        })
    }

    /// The modifier governing the hit that covers tokens `first..=last` of `text`.
    pub fn modifier_of(
        &self,
        text: &str,
        tokens: &[Token],
        first: usize,
        last: usize,
    ) -> Option<Modifier> {
        let span =
            |a: usize, b: usize| &text[tokens[a].byte_start as usize..tokens[b].byte_end as usize];
        // Before: the run of up to three tokens ending at `k`, nearest `k` first; a longer run
        // (并 + 没有) wins over its last token alone.
        let mut before: Option<(usize, &ModifierWord, String, usize)> = None;
        for (distance, k) in (0..first).rev().take(self.window_before).enumerate() {
            if self.is_break(tokens[k].text(text)) {
                break;
            }
            let found = (1..=MAX_MODIFIER_TOKENS)
                .rev()
                .filter(|n| *n <= k + 1)
                .filter(|n| (k + 1 - n..=k).all(|t| !self.is_break(tokens[t].text(text))))
                .find_map(|n| {
                    let s = span(k + 1 - n, k);
                    self.word(s, true).map(|m| (m, s.to_string(), k + 1 - n))
                });
            if let Some((m, s, start)) = found {
                before = Some((distance, m, s, start));
                break;
            }
        }
        let mut after: Option<(usize, &ModifierWord, String, usize)> = None;
        for (distance, k) in (last + 1..tokens.len()).take(self.window_after).enumerate() {
            if self.is_break(tokens[k].text(text)) {
                break;
            }
            let found = (1..=MAX_MODIFIER_TOKENS)
                .rev()
                .filter(|n| k + n <= tokens.len())
                .filter(|n| (k..k + n).all(|t| !self.is_break(tokens[t].text(text))))
                .find_map(|n| {
                    let s = span(k, k + n - 1);
                    self.word(s, false).map(|m| (m, s.to_string(), k))
                });
            if let Some((m, s, start)) = found {
                after = Some((distance, m, s, start));
                break;
            }
        }
        let diminished_after = after
            .as_ref()
            .is_some_and(|(_, a, _, _)| a.kind == ModifierKind::Diminished);
        // A negator before the hit with a diminisher after it negates the diminisher, however
        // near each is: 没有任何迹象表明朝鲜的核威胁正在缓解 says the threat is not easing.
        if diminished_after
            && before
                .as_ref()
                .is_some_and(|(_, b, _, _)| b.kind == ModifierKind::Negated)
        {
            return None;
        }
        let chosen = match (before, after) {
            (Some(b), Some(a)) => Some(if a.0 < b.0 { a } else { b }),
            (b, a) => b.or(a),
        };
        let (_, m, word, run_start) = chosen?;
        // A negated diminisher (不会动摇, 并未削弱, 没有受损, 无意放弃) affirms: the hit is plain.
        if m.kind == ModifierKind::Diminished && self.negator_ends_at(text, tokens, run_start) {
            return None;
        }
        if m.kind == ModifierKind::Negated && run_start < first {
            // A negator whose reach ends at a predicate before the hit negates that predicate
            // (无法应对…威胁: the threat stands).
            if (run_start + 1..first).any(|k| {
                self.negated_predicates
                    .iter()
                    .any(|p| p == tokens[k].text(text))
            }) {
                return None;
            }
        }
        Some(Modifier { kind: m.kind, word })
    }

    /// Whether a negator (on either side's list) spans tokens ending just before `run_start`.
    fn negator_ends_at(&self, text: &str, tokens: &[Token], run_start: usize) -> bool {
        let Some(k) = run_start.checked_sub(1) else {
            return false;
        };
        (1..=MAX_MODIFIER_TOKENS.min(k + 1)).any(|n| {
            let s = &text[tokens[k + 1 - n].byte_start as usize..tokens[k].byte_end as usize];
            self.words
                .iter()
                .any(|m| m.kind == ModifierKind::Negated && m.word == s)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::lexicon::testing::tokens;

    fn rule() -> ModifierRule {
        let w = |word: &str, kind, position| ModifierWord {
            word: word.to_string(),
            kind,
            position,
        };
        ModifierRule {
            words: vec![
                w("不", ModifierKind::Negated, Position::Before),
                w("没有", ModifierKind::Negated, Position::Before),
                w("并没有", ModifierKind::Negated, Position::Before),
                w("动摇", ModifierKind::Diminished, Position::Before),
                w("受损", ModifierKind::Diminished, Position::Both),
            ],
            ..ModifierRule::default()
        }
    }

    fn modifier(segmented: &str, hit: &str) -> Option<(ModifierKind, String)> {
        let (text, toks) = tokens(segmented);
        let i = toks.iter().position(|t| t.text(&text) == hit).unwrap();
        rule()
            .modifier_of(&text, &toks, i, i)
            .map(|m| (m.kind, m.word))
    }

    #[test]
    fn a_negator_before_the_hit_in_the_same_clause_negates() {
        assert_eq!(
            modifier("特朗普/政府/并没有/同步/提升/安全保证", "安全保证"),
            Some((ModifierKind::Negated, "并没有".to_string()))
        );
    }

    #[test]
    fn a_split_fused_negator_is_read_across_neighbouring_tokens() {
        assert_eq!(
            modifier("政府/并/没有/提升/安全保证", "安全保证"),
            Some((ModifierKind::Negated, "并没有".to_string()))
        );
    }

    #[test]
    fn a_clause_break_ends_the_scope() {
        assert_eq!(modifier("并没有/退出/，/强化/安全承诺", "安全承诺"), None);
    }

    #[test]
    fn a_scope_stop_ends_the_reach_of_a_modifier() {
        let mut r = rule();
        r.scope_stops = vec!["以".to_string()];
        let (text, toks) = tokens("加强/了/威胁/紧迫性/以/受损/利益");
        assert_eq!(r.modifier_of(&text, &toks, 2, 2), None);
        assert!(rule().modifier_of(&text, &toks, 2, 2).is_some());
    }

    #[test]
    fn words_match_whole_tokens_only() {
        assert_eq!(modifier("不断/强化/安全承诺", "安全承诺"), None);
    }

    #[test]
    fn the_window_limits_the_distance() {
        let far = "不/a/b/c/d/e/f/g/h/安全承诺";
        assert_eq!(modifier(far, "安全承诺"), None);
        let near = "不/a/b/c/d/e/f/g/安全承诺";
        assert!(modifier(near, "安全承诺").is_some());
    }

    #[test]
    fn a_diminisher_may_follow_the_hit() {
        assert_eq!(
            modifier("安全承诺/的/可信性/受损", "安全承诺"),
            Some((ModifierKind::Diminished, "受损".to_string()))
        );
        // 动摇 acts before only.
        assert_eq!(modifier("安全承诺/动摇", "安全承诺"), None);
    }

    #[test]
    fn the_nearest_modifier_wins() {
        assert_eq!(
            modifier("动摇/了/不/同/的/安全承诺", "安全承诺"),
            Some((ModifierKind::Negated, "不".to_string()))
        );
    }

    #[test]
    fn a_negated_diminisher_leaves_the_hit_plain() {
        assert_eq!(modifier("不/动摇/安全承诺", "安全承诺"), None);
        assert_eq!(modifier("安全承诺/没有/受损", "安全承诺"), None);
    }

    #[test]
    fn a_broken_modifier_file_names_its_line() {
        let src = "[scope]\nclause_breaks = \"，\"\nwindow_before = 8\nwindow_after = x\n";
        let err = ModifierRule::parse(Path::new("m.toml"), src).unwrap_err();
        assert!(err.to_string().starts_with("m.toml:4:"), "{err}");
    }
}
