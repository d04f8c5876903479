//! The lexicon lint behind `mine lexicon check`: takes a lexicon set (and optionally a corpus of
//! texts) and gives back every problem, each naming file and line:
//! - a file that does not parse, an entry without rationale, an unknown subcategory, an invalid
//!   pattern (all from `format`), a broken `modifiers.toml` or user dictionary;
//! - the same form twice in one category (duplicate), the same form in two categories;
//! - a form the segmenter never produces as whole tokens: it occurs in the corpus text but every
//!   occurrence is absorbed into a longer token (the quanteda #2476 problem: 印度 inside
//!   印度尼西亚), so it can never be counted. Forms absorbed only sometimes are reported as notes.
//!   An occurrence inside a longer lexicon form (威胁 inside 核威胁) is not absorbed: the longer
//!   entry counts it.

use std::path::{Path, PathBuf};

use super::format::parse_category;
use super::source::LexiconFiles;
use super::{Category, LexiconSet, MODIFIERS_FILE, ModifierRule, USERDICT_FILE};
use crate::error::ConfigError;
use crate::segment::{self, Segmenter};

/// What the lint found. `problems` fail the check; `notes` are for the researcher's eye.
#[derive(Debug, Default)]
pub struct LintReport {
    pub problems: Vec<ConfigError>,
    pub notes: Vec<String>,
    /// Category files read.
    pub files: Vec<PathBuf>,
    pub entries: usize,
}

/// A text to test segmentation on: its name (for messages) and its content.
pub struct CorpusText {
    pub name: String,
    pub text: String,
}

/// Checks a lexicon set (a folder's files or the built-in ones) against `corpus`; the segmenter
/// takes the set's `userdict.txt`, or the file `userdict` when given instead.
pub fn check_files(
    files: &LexiconFiles,
    userdict: Option<&Path>,
    corpus: &[CorpusText],
) -> LintReport {
    let mut report = LintReport::default();
    let mut categories: Vec<Category> = Vec::new();
    for file in files.categories() {
        let parsed = parse_category(&file.path, &file.text);
        report.problems.extend(parsed.problems);
        categories.extend(parsed.category);
        report.files.push(file.path.clone());
    }
    report.entries = categories.iter().map(|c| c.entries.len()).sum();
    let modifiers_path = files.path_of(MODIFIERS_FILE);
    let modifiers = match files.get(MODIFIERS_FILE) {
        Some(file) => ModifierRule::parse(&modifiers_path, &file.text),
        None => ModifierRule::load(&modifiers_path),
    };
    let modifiers = match modifiers {
        Ok(m) => m,
        Err(e) => {
            report.problems.push(e);
            ModifierRule::default()
        }
    };

    report.problems.extend(super::form_conflicts(&categories));

    let set = LexiconSet::new(categories, modifiers);
    let user_words = match userdict {
        Some(path) => segment::read_userdict(path),
        None => files.get(USERDICT_FILE).map_or(Ok(Vec::new()), |f| {
            segment::parse_userdict(&f.path, &f.text)
        }),
    };
    let segmenter = match user_words.map(|words| Segmenter::with_user_words(&set, words)) {
        Ok(s) => s,
        Err(e) => {
            report.problems.push(e);
            return report;
        }
    };
    absorbed_forms(&set, &segmenter, corpus, &mut report);
    report
}

/// Forms that occur in the corpus but are (always or sometimes) swallowed by longer tokens.
fn absorbed_forms(
    set: &LexiconSet,
    segmenter: &Segmenter,
    corpus: &[CorpusText],
    report: &mut LintReport,
) {
    // Token boundaries of every corpus text, segmented once.
    let segmented: Vec<(&CorpusText, Vec<crate::model::Token>)> = corpus
        .iter()
        .map(|t| (t, segmenter.tokens(&t.text)))
        .collect();
    let forms: std::collections::HashSet<&str> = set.words().collect();
    for category in &set.categories {
        for entry in &category.entries {
            for form in entry.forms() {
                // Alone, a user word should come out whole; if not, jieba prefers other words.
                let alone = segmenter.tokens(form);
                if alone.len() > 1 {
                    let pieces: Vec<&str> = alone.iter().map(|t| t.text(form)).collect();
                    report.notes.push(format!(
                        "{}:{}: `{form}` segmented alone gives `{}`; it matches only as that token run",
                        category.path.display(),
                        entry.line,
                        pieces.join("/")
                    ));
                }
                let mut occurrences = 0;
                let mut whole = 0;
                let mut covered = 0;
                let mut example: Option<(String, String)> = None;
                for (doc, tokens) in &segmented {
                    for (start, _) in doc.text.match_indices(form) {
                        occurrences += 1;
                        let end = start + form.len();
                        let starts = tokens.binary_search_by_key(&(start as u32), |t| t.byte_start);
                        let ends = tokens.binary_search_by_key(&(end as u32), |t| t.byte_end);
                        if starts.is_ok() && ends.is_ok() {
                            whole += 1;
                            continue;
                        }
                        let covering: Vec<&str> = tokens
                            .iter()
                            .filter(|t| {
                                (t.byte_end as usize) > start && (t.byte_start as usize) < end
                            })
                            .map(|t| t.text(&doc.text))
                            .collect();
                        // Inside a longer lexicon form (威胁 in 核威胁): counted by that entry.
                        if forms.contains(covering.concat().as_str()) {
                            covered += 1;
                            continue;
                        }
                        if example.is_none() {
                            example = Some((doc.name.clone(), covering.join("/")));
                        }
                    }
                }
                let absorbed = occurrences - whole - covered;
                if absorbed == 0 {
                    continue;
                }
                let (doc, covering) = example.expect("an absorbed occurrence was recorded");
                if whole == 0 {
                    report.problems.push(ConfigError::new(
                        &category.path,
                        entry.line,
                        format!(
                            "`{form}` is never segmented as whole tokens: all {occurrences} occurrences in the corpus are absorbed (e.g. `{covering}` in {doc}); it can never be counted"
                        ),
                    ));
                } else {
                    report.notes.push(format!(
                        "{}:{}: `{form}` is absorbed into longer tokens in {absorbed} of {occurrences} occurrences (e.g. `{covering}` in {doc})",
                        category.path.display(),
                        entry.line,
                    ));
                }
            }
        }
    }
}

/// Reads every `*.txt` file of `dir` (sorted) as lint corpus; other files are ignored.
pub fn read_corpus(dir: &Path) -> std::io::Result<Vec<CorpusText>> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let bytes = std::fs::read(&p)?;
            Ok(CorpusText {
                name: p
                    .file_name()
                    .map_or_else(String::new, |n| n.to_string_lossy().into_owned()),
                text: String::from_utf8_lossy(&bytes).into_owned(),
            })
        })
        .collect()
}
