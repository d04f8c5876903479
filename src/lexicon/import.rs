//! Converts existing dictionaries into the category file format: a quanteda/YAML dictionary
//! (nested keys become subcategories, joined with `_`; values are terms) and a LIWC-style `.dic`
//! file (a `%`-delimited header of numbered categories, then `term<TAB>id id …`; the LIWC
//! categories become subcategories). A trailing `*` glob becomes a pattern matching the stem plus
//! any word characters within one token run (`胁迫*` → term `胁迫`, pattern `胁迫\w*`). Every
//! entry's rationale is `imported from FILE`. Gives back the TOML text.

use std::path::Path;

use serde_norway::Value;

use super::format::{RawCategory, RawCategoryFile, RawEntry, RawSubcategory};
use crate::error::ConfigError;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ImportFormat {
    /// quanteda / YAML dictionary (`key: [terms]`, keys may nest).
    Yaml,
    /// LIWC-style `.dic` file.
    Dic,
}

impl ImportFormat {
    /// The format a file name suggests (`.yml`/`.yaml` → YAML, `.dic` → LIWC).
    pub fn from_path(path: &Path) -> Option<ImportFormat> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "yml" | "yaml" => Some(ImportFormat::Yaml),
            "dic" => Some(ImportFormat::Dic),
            _ => None,
        }
    }
}

/// Converts `source` (the content of `path`) into a category file named `name`.
pub fn import(
    path: &Path,
    source: &str,
    format: ImportFormat,
    name: &str,
) -> Result<String, ConfigError> {
    let file_label = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let pairs = match format {
        ImportFormat::Yaml => yaml_terms(path, source)?,
        ImportFormat::Dic => dic_terms(path, source)?,
    };
    let mut file = RawCategoryFile {
        category: RawCategory {
            name: snake_case(name),
            description: format!("imported from {file_label}"),
        },
        subcategory: Vec::new(),
        entry: Vec::new(),
    };
    let mut seen = std::collections::HashSet::new();
    for (sub, term) in pairs {
        if !file.subcategory.iter().any(|s| s.id == sub) {
            file.subcategory.push(RawSubcategory {
                id: sub.clone(),
                description: format!("imported from {file_label}"),
            });
        }
        let (term, pattern) = match term.strip_suffix('*') {
            Some(stem) => (
                stem.to_string(),
                Some(format!("{}\\w*", regex::escape(stem))),
            ),
            None => (term, None),
        };
        // A term listed under two keys stays with the first; the lint would call it a duplicate.
        if term.is_empty() || !seen.insert(term.clone()) {
            continue;
        }
        file.entry.push(RawEntry {
            term,
            subcategory: sub,
            variants: Vec::new(),
            pattern,
            rationale: format!("imported from {file_label}"),
        });
    }
    toml::to_string(&file).map_err(|e| ConfigError::new(path, 0, format!("cannot write TOML: {e}")))
}

/// (subcategory, term) pairs of a YAML dictionary, in file order.
fn yaml_terms(path: &Path, source: &str) -> Result<Vec<(String, String)>, ConfigError> {
    let value: Value = serde_norway::from_str(source).map_err(|e| {
        let (line, column) = e.location().map_or((0, 0), |l| (l.line(), l.column()));
        ConfigError::at(path, line, column, e.to_string())
    })?;
    let mut out = Vec::new();
    walk_yaml(path, &value, &mut Vec::new(), &mut out)?;
    Ok(out)
}

fn walk_yaml(
    path: &Path,
    value: &Value,
    keys: &mut Vec<String>,
    out: &mut Vec<(String, String)>,
) -> Result<(), ConfigError> {
    let sub = |keys: &[String]| {
        if keys.is_empty() {
            "general".to_string()
        } else {
            snake_case(&keys.join("_"))
        }
    };
    match value {
        Value::Mapping(map) => {
            for (k, v) in map {
                let key = match k {
                    Value::String(s) => s.clone(),
                    other => yaml_scalar(other).ok_or_else(|| {
                        ConfigError::new(path, 0, "a dictionary key must be a string".to_string())
                    })?,
                };
                keys.push(key);
                walk_yaml(path, v, keys, out)?;
                keys.pop();
            }
        }
        Value::Sequence(items) => {
            for item in items {
                match yaml_scalar(item) {
                    Some(term) => out.push((sub(keys), term.trim().to_string())),
                    None => walk_yaml(path, item, keys, out)?,
                }
            }
        }
        Value::Null => {}
        other => match yaml_scalar(other) {
            Some(term) => out.push((sub(keys), term.trim().to_string())),
            None => {
                return Err(ConfigError::new(
                    path,
                    0,
                    format!("unexpected value under `{}`", keys.join(".")),
                ));
            }
        },
    }
    Ok(())
}

fn yaml_scalar(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// (subcategory, term) pairs of a LIWC `.dic` file; a term under several ids goes to the first.
fn dic_terms(path: &Path, source: &str) -> Result<Vec<(String, String)>, ConfigError> {
    let mut lines = source.lines().enumerate();
    let mut names: Vec<(String, String)> = Vec::new();
    match lines.find(|(_, l)| !l.trim().is_empty()) {
        Some((_, l)) if l.trim() == "%" => {}
        Some((i, _)) => {
            return Err(ConfigError::new(
                path,
                i + 1,
                "expected `%` opening the category header",
            ));
        }
        None => return Err(ConfigError::new(path, 0, "the file is empty")),
    }
    let mut header_closed = false;
    for (i, line) in lines.by_ref() {
        let line = line.trim();
        if line == "%" {
            header_closed = true;
            break;
        }
        if line.is_empty() {
            continue;
        }
        let mut parts = line.split_whitespace();
        let (Some(id), Some(name)) = (parts.next(), parts.next()) else {
            return Err(ConfigError::new(
                path,
                i + 1,
                "expected `id<TAB>category` in the header",
            ));
        };
        names.push((id.to_string(), snake_case(name)));
    }
    if !header_closed {
        return Err(ConfigError::new(path, 0, "the header has no closing `%`"));
    }
    let mut out = Vec::new();
    for (i, line) in lines {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let mut parts = line.split('\t').flat_map(str::split_whitespace);
        let term = parts.next().expect("a non-empty line has a first field");
        let Some(id) = parts.next() else {
            return Err(ConfigError::new(
                path,
                i + 1,
                format!("term `{term}` has no category id"),
            ));
        };
        let Some((_, name)) = names.iter().find(|(n, _)| n == id) else {
            return Err(ConfigError::new(
                path,
                i + 1,
                format!("category id `{id}` is not in the header"),
            ));
        };
        out.push((name.clone(), term.to_string()));
    }
    Ok(out)
}

/// Lowercase ASCII letters and digits, everything else `_` (non-ASCII kept as is).
fn snake_case(name: &str) -> String {
    let mapped: String = name
        .trim()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else if c.is_ascii() {
                '_'
            } else {
                c
            }
        })
        .collect();
    mapped.trim_matches('_').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_nests_into_subcategories_and_globs_into_patterns() {
        let src = "threat:\n  military: [威胁, 胁迫*]\n  urgency:\n    - 紧迫\nassurance: 承诺\n";
        let toml = import(Path::new("d.yml"), src, ImportFormat::Yaml, "My Dict").unwrap();
        let parsed = super::super::format::parse_category(Path::new("out.toml"), &toml);
        assert!(parsed.problems.is_empty(), "{:?}\n{toml}", parsed.problems);
        let c = parsed.category.unwrap();
        assert_eq!(c.name, "my_dict");
        assert_eq!(
            c.subcategories,
            vec!["threat_military", "threat_urgency", "assurance"]
        );
        let terms: Vec<_> = c.entries.iter().map(|e| e.term.as_str()).collect();
        assert_eq!(terms, vec!["威胁", "胁迫", "紧迫", "承诺"]);
        assert_eq!(c.entries[1].pattern.as_deref(), Some(r"胁迫\w*"));
        assert_eq!(c.entries[0].rationale, "imported from d.yml");
    }

    #[test]
    fn dic_header_ids_become_subcategories() {
        let src = "%\n1\tthreat\n2\tassurance\n%\n威胁\t1\n承诺*\t2\t1\n";
        let toml = import(Path::new("x.dic"), src, ImportFormat::Dic, "x").unwrap();
        let c = super::super::format::parse_category(Path::new("o.toml"), &toml)
            .category
            .unwrap();
        assert_eq!(c.subcategories, vec!["threat", "assurance"]);
        assert_eq!(c.entries[1].term, "承诺");
        assert_eq!(c.entries[1].subcategory, 1);
    }

    #[test]
    fn a_dic_term_with_an_unknown_id_names_its_line() {
        let err = import(
            Path::new("x.dic"),
            "%\n1\tt\n%\n威胁\t7\n",
            ImportFormat::Dic,
            "x",
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "x.dic:4: category id `7` is not in the header"
        );
    }
}
