//! Lexicons: the category files in `lexicons/*.toml` and `lexicons/modifiers.toml`, loaded into a
//! `LexiconSet` that tags a segmented sentence with `Hit`s (longest token-sequence match first,
//! each hit with its negating or diminishing modifier).
//!
//! OWNED BY THE LEXICON WORK (issue 3). The public data shapes below are used by the index and the
//! exports: fields may be added, none renamed or removed.

/// All categories of a run, in file-name order, with the modifier rule.
#[derive(Clone, Debug, Default)]
pub struct LexiconSet {
    pub categories: Vec<Category>,
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
}

/// One lexicon entry. `Hit::entry` indexes `Category::entries`.
#[derive(Clone, Debug, Default)]
pub struct Entry {
    /// The canonical term; the `entry` column of every output.
    pub term: String,
    pub subcategory: usize,
    pub variants: Vec<String>,
    pub rationale: String,
}

use std::path::{Path, PathBuf};

use crate::error::ConfigError;
use crate::model::{Hit, Token};

// Placeholders with the final signatures, so that every stage compiles while the lexicon work is
// under way. The lexicon work replaces their bodies.
impl LexiconSet {
    /// Loads every category file in `dir` and `dir/modifiers.toml`.
    pub fn load(dir: &Path) -> Result<LexiconSet, ConfigError> {
        Err(ConfigError::new(dir, 0, "lexicon loading is not built yet"))
    }

    /// Every file read, for hashing in the manifest.
    pub fn files(&self) -> Vec<PathBuf> {
        Vec::new()
    }

    /// Lexicon hits of one segmented sentence.
    pub fn tag(&self, _text: &str, _tokens: &[Token]) -> Vec<Hit> {
        Vec::new()
    }

    pub fn category_index(&self, name: &str) -> Option<usize> {
        self.categories.iter().position(|c| c.name == name)
    }
}
