//! Lexicons: the category files in `lexicons/*.toml` and `lexicons/modifiers.toml`, loaded into a
//! `LexiconSet` that tags a segmented sentence with `Hit`s (longest token-sequence match first,
//! each hit with its negating or diminishing modifier).
//!
//! The file format is documented in `lexicons/README.md` (the codebook); `format` reads it,
//! `matcher` tags, `modifiers` decides negation and weakening, `lint` checks a lexicon folder
//! against the segmenter and a corpus, and `import` converts quanteda YAML and LIWC `.dic` files.
//!
//! The public data shapes below are used by the index and the exports: fields may be added, none
//! renamed or removed.

pub mod format;
pub mod import;
pub mod lint;
mod matcher;
pub mod modifiers;
pub mod source;
pub mod suggest;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::error::ConfigError;
use crate::model::{Hit, ModifierKind, Token};

pub use matcher::ContextVerdict;
pub use modifiers::ModifierRule;
pub use source::LexiconFiles;

/// Files in a lexicon folder that are not category files.
pub const MODIFIERS_FILE: &str = "modifiers.toml";
pub const PERIODS_FILE: &str = "periods.toml";
pub const USERDICT_FILE: &str = "userdict.txt";

/// Hits of one category in one sentence: all of them, and split by modifier.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CategoryCounts {
    pub hits: usize,
    pub plain: usize,
    pub negated: usize,
    pub diminished: usize,
}

/// All categories of a run, in file-name order, with the modifier rule.
#[derive(Clone, Debug, Default)]
pub struct LexiconSet {
    pub categories: Vec<Category>,
    /// Negators, diminishers and their scope, from `modifiers.toml`.
    pub modifiers: ModifierRule,
    /// Path of `modifiers.toml` when loaded from a folder.
    pub modifiers_path: Option<PathBuf>,
    /// Term-to-entry lookup, built on the first `tag` (so a set built by hand works too).
    forms: OnceLock<matcher::FormIndex>,
}

/// One category file, e.g. `lexicons/threat_narrative.toml`.
#[derive(Clone, Debug, Default)]
pub struct Category {
    /// snake_case id, used in column names (`n_threat_narrative`) and filters.
    pub name: String,
    pub description: String,
    /// Subcategory ids in file order; `Entry::subcategory` and `Hit::subcategory` index this.
    pub subcategories: Vec<String>,
    pub entries: Vec<Entry>,
    /// Descriptions of the subcategories, parallel to `subcategories`.
    pub subcategory_descriptions: Vec<String>,
    /// The file the category was read from (empty for a category built in code).
    pub path: PathBuf,
}

/// One lexicon entry. `Hit::entry` indexes `Category::entries`.
#[derive(Clone, Debug, Default)]
pub struct Entry {
    /// The canonical term; the `entry` column of every output.
    pub term: String,
    pub subcategory: usize,
    pub variants: Vec<String>,
    pub rationale: String,
    /// Optional regular expression, as written in the file.
    pub pattern: Option<String>,
    /// `pattern` compiled as a whole-span match (`^(?:pattern)$`).
    pub pattern_regex: Option<regex::Regex>,
    /// Line of the `[[entry]]` header in its file (1-based; 0 when built in code).
    pub line: usize,
    /// Context rules: the hit counts only if one of these words stands within `window` tokens
    /// of it in the same clause (empty: no requirement).
    pub requires_any: Vec<String>,
    /// ... and none of these does.
    pub excludes_any: Vec<String>,
    /// Tokens looked at on each side for the context rules.
    pub window: usize,
    /// The entry's own weakening, when the term itself withdraws or denies the construct
    /// (撤军 is a diminished assurance): applied when no modifier word governs the hit.
    pub modifier: Option<ModifierKind>,
}

/// Tokens on each side an entry's context rules look at when the file does not say.
pub const DEFAULT_CONTEXT_WINDOW: usize = 6;

impl Entry {
    /// Whether the entry has context rules.
    pub fn has_context_rules(&self) -> bool {
        !self.requires_any.is_empty() || !self.excludes_any.is_empty()
    }

    /// The literal forms the entry matches: its term, then its variants.
    pub fn forms(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.term.as_str()).chain(self.variants.iter().map(String::as_str))
    }
}

impl LexiconSet {
    /// A set from categories and a modifier rule built in code.
    pub fn new(categories: Vec<Category>, modifiers: ModifierRule) -> LexiconSet {
        LexiconSet {
            categories,
            modifiers,
            modifiers_path: None,
            forms: OnceLock::new(),
        }
    }

    /// Loads every category file in `dir` (every `*.toml` except `modifiers.toml` and
    /// `periods.toml`, in file-name order) and `dir/modifiers.toml` (required). The first problem
    /// stops the load, named by file, line and column; `lint::check` reports all of them.
    pub fn load(dir: &Path) -> Result<LexiconSet, ConfigError> {
        LexiconSet::from_files(&LexiconFiles::folder(dir, source::ChosenBy::Flag)?)
    }

    /// `load` on files already read (a folder's, or the built-in set).
    pub fn from_files(files: &LexiconFiles) -> Result<LexiconSet, ConfigError> {
        let mut categories: Vec<Category> = Vec::new();
        for file in files.categories() {
            let parsed = format::parse_category(&file.path, &file.text);
            if let Some(first) = parsed.problems.into_iter().next() {
                return Err(first);
            }
            let category = parsed
                .category
                .expect("a category file without problems has a category");
            if let Some(other) = categories.iter().find(|c| c.name == category.name) {
                return Err(ConfigError::new(
                    &file.path,
                    0,
                    format!(
                        "category `{}` is also defined in {}",
                        category.name,
                        other.path.display()
                    ),
                ));
            }
            categories.push(category);
        }
        // The same rule as `mine lexicon check`: a form belongs to one entry of one category.
        if let Some(first) = form_conflicts(&categories).into_iter().next() {
            return Err(first);
        }
        let modifiers_path = files.path_of(MODIFIERS_FILE);
        let Some(modifiers_file) = files.get(MODIFIERS_FILE) else {
            return Err(ConfigError::new(
                &modifiers_path,
                0,
                "cannot read the modifier file (it is required): no such file",
            ));
        };
        let modifiers = ModifierRule::parse(&modifiers_path, &modifiers_file.text)?;
        Ok(LexiconSet {
            categories,
            modifiers,
            modifiers_path: Some(modifiers_path),
            forms: OnceLock::new(),
        })
    }

    /// Lexicon hits of one segmented sentence, sorted by `byte_start` then category. `tokens` must
    /// be the `Segmenter::tokens` of `text`.
    pub fn tag(&self, text: &str, tokens: &[Token]) -> Vec<Hit> {
        let forms = self
            .forms
            .get_or_init(|| matcher::FormIndex::build(&self.categories));
        matcher::tag(self, forms, text, tokens)
    }

    /// The lexicon candidates of a sentence that have context rules, with what the rules made of
    /// each (let through by a word, or stopped): what `mine inspect` shows.
    pub fn context_report(
        &self,
        text: &str,
        tokens: &[Token],
    ) -> Vec<(usize, usize, String, matcher::ContextVerdict)> {
        let forms = self
            .forms
            .get_or_init(|| matcher::FormIndex::build(&self.categories));
        matcher::context_report(self, forms, text, tokens)
    }

    /// Per-category counts of a sentence's hits (`counts[c]` for `categories[c]`), for the
    /// `n_C`, `n_C_plain`, `n_C_negated` and `n_C_diminished` columns.
    pub fn counts(&self, hits: &[Hit]) -> Vec<CategoryCounts> {
        let mut counts = vec![CategoryCounts::default(); self.categories.len()];
        for h in hits {
            let Some(c) = counts.get_mut(h.category) else {
                continue;
            };
            c.hits += 1;
            match h.modifier.as_ref().map(|m| m.kind) {
                None => c.plain += 1,
                Some(ModifierKind::Negated) => c.negated += 1,
                Some(ModifierKind::Diminished) => c.diminished += 1,
            }
        }
        counts
    }

    pub fn category_index(&self, name: &str) -> Option<usize> {
        self.categories.iter().position(|c| c.name == name)
    }

    /// Every literal term and variant of every category, for the segmenter's user dictionary.
    pub fn words(&self) -> impl Iterator<Item = &str> {
        self.categories
            .iter()
            .flat_map(|c| c.entries.iter())
            .flat_map(Entry::forms)
    }
}

/// Forms listed twice: twice in one entry, in two entries of a category (a duplicate), or in two
/// categories (a token is evidence for one frame). One problem per repeated form, at the line of
/// the later entry. `LexiconSet::load` stops at the first; the lint lists them all.
pub(crate) fn form_conflicts(categories: &[Category]) -> Vec<ConfigError> {
    let mut problems = Vec::new();
    let mut first_seen: std::collections::HashMap<&str, (usize, usize)> =
        std::collections::HashMap::new();
    for (c, category) in categories.iter().enumerate() {
        for (e, entry) in category.entries.iter().enumerate() {
            let mut own: Vec<&str> = Vec::new();
            for form in entry.forms() {
                if own.contains(&form) {
                    problems.push(ConfigError::new(
                        &category.path,
                        entry.line,
                        format!("entry `{}` lists `{form}` twice", entry.term),
                    ));
                    continue;
                }
                own.push(form);
                let Some(&(c0, e0)) = first_seen.get(form) else {
                    first_seen.insert(form, (c, e));
                    continue;
                };
                let other = &categories[c0];
                let message = if c0 == c {
                    format!(
                        "duplicate: `{form}` is already entry `{}` at line {}",
                        other.entries[e0].term, other.entries[e0].line
                    )
                } else {
                    format!(
                        "`{form}` is also in category `{}` ({}:{}); a form belongs to one category",
                        other.name,
                        other.path.display(),
                        other.entries[e0].line
                    )
                };
                problems.push(ConfigError::new(&category.path, entry.line, message));
            }
        }
    }
    problems
}

/// Helpers shared by the lexicon tests.
#[cfg(test)]
pub(crate) mod testing {
    use crate::model::Token;

    /// Tokens from a `/`-separated string, so that a test fixes the segmentation it tests.
    pub fn tokens(segmented: &str) -> (String, Vec<Token>) {
        let mut text = String::new();
        let mut out = Vec::new();
        for piece in segmented.split('/') {
            let bs = text.len() as u32;
            let cs = text.chars().count() as u32;
            text.push_str(piece);
            out.push(Token {
                byte_start: bs,
                byte_end: text.len() as u32,
                char_start: cs,
                char_end: text.chars().count() as u32,
            });
        }
        (text, out)
    }
}
