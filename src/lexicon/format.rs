//! The category file format: one TOML file per category with a `[category]` table, a
//! `[[subcategory]]` array and an `[[entry]]` array (documented in `lexicons/README.md`). Takes a
//! path, gives back the `Category` and every problem found, each as a `ConfigError` naming file,
//! line and column, so that the loader can stop at the first and the lint can list them all.

use std::path::Path;

use serde::{Deserialize, Serialize};
use toml::Spanned;

use super::{Category, Entry};
use crate::error::{ConfigError, line_col};

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawCategoryFile {
    pub category: RawCategory,
    #[serde(default)]
    pub subcategory: Vec<RawSubcategory>,
    #[serde(default)]
    pub entry: Vec<RawEntry>,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawCategory {
    pub name: String,
    pub description: String,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawSubcategory {
    pub id: String,
    pub description: String,
}

/// An `[[entry]]` with the positions of its values, for messages.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SpannedEntry {
    term: Spanned<String>,
    subcategory: Spanned<String>,
    #[serde(default)]
    variants: Vec<Spanned<String>>,
    pattern: Option<Spanned<String>>,
    rationale: Option<Spanned<String>>,
    #[serde(default)]
    requires_any: Vec<Spanned<String>>,
    #[serde(default)]
    excludes_any: Vec<Spanned<String>>,
    window: Option<Spanned<i64>>,
    modifier: Option<Spanned<String>>,
    /// A real sentence with the term, and where it comes from (documentation only).
    #[serde(default)]
    #[allow(dead_code)]
    example: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SpannedCategoryFile {
    category: RawCategory,
    #[serde(default)]
    subcategory: Vec<RawSubcategory>,
    #[serde(default)]
    entry: Vec<SpannedEntry>,
}

/// An entry as written by `import` (no spans needed).
#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawEntry {
    pub term: String,
    pub subcategory: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub variants: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    pub rationale: String,
}

/// A category file read as far as it could be.
#[derive(Debug)]
pub struct ParsedCategory {
    /// `None` when the file cannot be read or is not valid TOML of this shape.
    pub category: Option<Category>,
    pub problems: Vec<ConfigError>,
}

/// Reads and checks one category file. I/O and TOML errors give no category; entry-level problems
/// (missing rationale, unknown subcategory, bad pattern, empty term) are all collected and the
/// faulty entries left out.
pub fn parse_category_file(path: &Path) -> Result<ParsedCategory, ConfigError> {
    let source = std::fs::read_to_string(path)
        .map_err(|e| ConfigError::new(path, 0, format!("cannot read the file: {e}")))?;
    Ok(parse_category(path, &source))
}

/// `parse_category_file` on text already read.
pub fn parse_category(path: &Path, source: &str) -> ParsedCategory {
    let raw: SpannedCategoryFile = match toml::from_str(source) {
        Ok(raw) => raw,
        Err(e) => {
            return ParsedCategory {
                category: None,
                problems: vec![ConfigError::from_toml(path, source, &e)],
            };
        }
    };
    let mut problems = Vec::new();
    let at = |span: std::ops::Range<usize>, message: String| {
        let (line, column) = line_col(source, span.start);
        ConfigError::at(path, line, column, message)
    };
    let header_line = |key_start: usize| {
        // An entry's line is the line of its `[[entry]]` header, the last one before its `term`.
        let (line, _) = line_col(source, key_start);
        source[..source.floor_char_boundary(key_start)]
            .rfind("[[")
            .map_or(line, |h| line_col(source, h).0)
    };

    if !is_snake_case(&raw.category.name) {
        problems.push(ConfigError::new(
            path,
            find_line(source, "name"),
            format!(
                "category name `{}` must be snake_case (a-z, 0-9, _), it becomes a column name",
                raw.category.name
            ),
        ));
    }
    let mut subcategories: Vec<String> = Vec::new();
    for sub in &raw.subcategory {
        if subcategories.contains(&sub.id) {
            problems.push(ConfigError::new(
                path,
                find_line(source, &format!("\"{}\"", sub.id)),
                format!("subcategory `{}` is defined twice", sub.id),
            ));
        } else {
            subcategories.push(sub.id.clone());
        }
    }

    let mut entries = Vec::new();
    for e in raw.entry {
        let line = header_line(e.term.span().start);
        let mut ok = true;
        let term = e.term.get_ref().trim().to_string();
        if term.is_empty() {
            problems.push(at(e.term.span(), "`term` is empty".to_string()));
            ok = false;
        }
        if term.chars().any(char::is_whitespace) {
            problems.push(at(
                e.term.span(),
                format!("term `{term}` contains whitespace; write it without spaces"),
            ));
            ok = false;
        }
        let subcategory = subcategories
            .iter()
            .position(|s| s == e.subcategory.get_ref());
        if subcategory.is_none() {
            problems.push(at(
                e.subcategory.span(),
                format!(
                    "unknown subcategory `{}` (expected one of: {})",
                    e.subcategory.get_ref(),
                    subcategories.join(", ")
                ),
            ));
            ok = false;
        }
        let rationale = e
            .rationale
            .as_ref()
            .map(|r| r.get_ref().trim().to_string())
            .unwrap_or_default();
        if rationale.is_empty() {
            problems.push(ConfigError::new(
                path,
                line,
                format!("entry `{term}` has no `rationale` (say why it belongs, with an example)"),
            ));
            ok = false;
        }
        let mut variants = Vec::new();
        for v in &e.variants {
            let v_text = v.get_ref().trim();
            if v_text.is_empty() || v_text.chars().any(char::is_whitespace) {
                problems.push(at(
                    v.span(),
                    format!("variant `{v_text}` is empty or contains whitespace"),
                ));
                ok = false;
            } else {
                variants.push(v_text.to_string());
            }
        }
        let mut pattern_regex = None;
        if let Some(p) = &e.pattern {
            match regex::Regex::new(&format!("^(?:{})$", p.get_ref())) {
                Ok(re) => pattern_regex = Some(re),
                Err(err) => {
                    problems.push(at(
                        p.span(),
                        format!("invalid pattern `{}`: {}", p.get_ref(), one_line(&err)),
                    ));
                    ok = false;
                }
            }
        }
        let mut words = |list: &[Spanned<String>], key: &str| -> Vec<String> {
            let mut out = Vec::new();
            for w in list {
                let text = w.get_ref().trim();
                if text.is_empty() || text.chars().any(char::is_whitespace) {
                    problems.push(at(
                        w.span(),
                        format!("`{key}` word `{text}` is empty or contains whitespace"),
                    ));
                    ok = false;
                } else {
                    out.push(text.to_string());
                }
            }
            out
        };
        let requires_any = words(&e.requires_any, "requires_any");
        let excludes_any = words(&e.excludes_any, "excludes_any");
        if let Some(w) = requires_any.iter().find(|w| excludes_any.contains(w)) {
            problems.push(ConfigError::new(
                path,
                line,
                format!("entry `{term}` both requires and excludes `{w}`"),
            ));
            ok = false;
        }
        let window = match &e.window {
            None => super::DEFAULT_CONTEXT_WINDOW,
            Some(w) if (1..=50).contains(w.get_ref()) => *w.get_ref() as usize,
            Some(w) => {
                problems.push(at(
                    w.span(),
                    format!(
                        "`window` must be between 1 and 50 tokens, not {}",
                        w.get_ref()
                    ),
                ));
                ok = false;
                super::DEFAULT_CONTEXT_WINDOW
            }
        };
        if e.window.is_some() && requires_any.is_empty() && excludes_any.is_empty() {
            problems.push(ConfigError::new(
                path,
                line,
                format!("entry `{term}` has a `window` but no `requires_any` or `excludes_any`"),
            ));
            ok = false;
        }
        let modifier = match e.modifier.as_ref().map(|m| m.get_ref().as_str()) {
            None => None,
            Some("negated") => Some(crate::model::ModifierKind::Negated),
            Some("diminished") => Some(crate::model::ModifierKind::Diminished),
            Some(other) => {
                let m = e.modifier.as_ref().expect("matched Some");
                problems.push(at(
                    m.span(),
                    format!("`modifier` must be `negated` or `diminished`, not `{other}`"),
                ));
                ok = false;
                None
            }
        };
        if ok {
            entries.push(Entry {
                term,
                subcategory: subcategory.expect("checked above"),
                variants,
                rationale,
                pattern: e.pattern.map(Spanned::into_inner),
                pattern_regex,
                line,
                requires_any,
                excludes_any,
                window,
                modifier,
            });
        }
    }

    let category = Category {
        name: raw.category.name,
        description: raw.category.description,
        subcategories,
        subcategory_descriptions: raw.subcategory.into_iter().map(|s| s.description).collect(),
        entries,
        path: path.to_path_buf(),
    };
    ParsedCategory {
        category: Some(category),
        problems,
    }
}

fn is_snake_case(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// The first line containing `needle` (1-based), 0 when none does.
fn find_line(source: &str, needle: &str) -> usize {
    source
        .lines()
        .position(|l| l.contains(needle))
        .map_or(0, |i| i + 1)
}

/// A regex error message on one line (its `Display` draws a caret diagram over several lines).
fn one_line(err: &regex::Error) -> String {
    let text = err.to_string();
    text.lines()
        .rev()
        .find(|l| l.trim_start().starts_with("error:"))
        .map_or(text.clone(), |l| l.trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
[category]
name = "demo"
description = "a demo"

[[subcategory]]
id = "threat"
description = "threats"

[[entry]]
term = "威胁"
subcategory = "threat"
variants = ["威脅"]
rationale = "the threat word"
"#;

    #[test]
    fn a_good_file_loads_with_the_entry_line() {
        let parsed = parse_category(Path::new("demo.toml"), GOOD);
        assert!(parsed.problems.is_empty(), "{:?}", parsed.problems);
        let c = parsed.category.unwrap();
        assert_eq!(c.name, "demo");
        assert_eq!(c.subcategories, vec!["threat"]);
        assert_eq!(c.entries[0].term, "威胁");
        assert_eq!(c.entries[0].variants, vec!["威脅"]);
        assert_eq!(c.entries[0].line, 10);
    }

    #[test]
    fn entry_problems_name_their_line() {
        let bad = GOOD.replace(
            "subcategory = \"threat\"\nvariants",
            "subcategory = \"thret\"\nvariants",
        ) + "\n[[entry]]\nterm = \"挑战\"\nsubcategory = \"threat\"\npattern = \"挑战(\"\n";
        let parsed = parse_category(Path::new("demo.toml"), &bad);
        let messages: Vec<String> = parsed.problems.iter().map(|p| p.to_string()).collect();
        assert_eq!(messages.len(), 3, "{messages:?}");
        assert!(messages[0].starts_with("demo.toml:12:15: unknown subcategory `thret`"));
        assert!(messages[1].starts_with("demo.toml:16: entry `挑战` has no `rationale`"));
        assert!(messages[2].starts_with("demo.toml:19:11: invalid pattern `挑战(`"));
        assert!(parsed.category.unwrap().entries.is_empty());
    }

    #[test]
    fn toml_syntax_errors_keep_line_and_column() {
        let parsed = parse_category(
            Path::new("x.toml"),
            "[category]\nname = \"x\ndescription = 1\n",
        );
        assert!(parsed.category.is_none());
        assert!(parsed.problems[0].to_string().starts_with("x.toml:2:"));
    }

    #[test]
    fn context_rules_load_and_their_mistakes_name_the_line() {
        let good = GOOD.replace(
            "rationale = \"the threat word\"",
            "requires_any = [\"朝鲜\"]\nexcludes_any = [\"消除\"]\nwindow = 4\nmodifier = \"diminished\"\nrationale = \"the threat word\"",
        );
        let parsed = parse_category(Path::new("demo.toml"), &good);
        assert!(parsed.problems.is_empty(), "{:?}", parsed.problems);
        let e = &parsed.category.unwrap().entries[0];
        assert_eq!(
            (e.requires_any.clone(), e.excludes_any.clone()),
            (vec!["朝鲜".to_string()], vec!["消除".to_string()])
        );
        assert_eq!(e.window, 4);
        assert_eq!(e.modifier, Some(crate::model::ModifierKind::Diminished));

        let bad = good
            .replace("window = 4", "window = 0")
            .replace("\"消除\"", "\"朝鲜\"")
            .replace("\"diminished\"", "\"weak\"");
        let parsed = parse_category(Path::new("demo.toml"), &bad);
        let messages: Vec<String> = parsed.problems.iter().map(|p| p.to_string()).collect();
        assert_eq!(messages.len(), 3, "{messages:?}");
        assert!(
            messages
                .iter()
                .any(|m| m
                    .starts_with("demo.toml:10: entry `威胁` both requires and excludes `朝鲜`")),
            "{messages:?}"
        );
        assert!(
            messages.iter().any(|m| m.starts_with("demo.toml:16:")
                && m.contains("`window` must be between 1 and 50")),
            "{messages:?}"
        );
        assert!(
            messages.iter().any(|m| m.starts_with("demo.toml:17:")
                && m.contains("`modifier` must be `negated` or `diminished`, not `weak`")),
            "{messages:?}"
        );
        assert!(parsed.category.unwrap().entries.is_empty());
    }
}
