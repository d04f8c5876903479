//! The coding sheet: the columns `mine validate sample` writes (the sentence with its context and
//! sampling weight, then empty code columns) and the reading of a sheet a coder has filled in.
//!
//! Columns, in order: `doc`, `sentence_id`, `date`, `context_before`, `text`, `context_after`,
//! `weight`, `coder`, `code_period`, then for every lexicon category C `code_C` and
//! `code_C_weakened`, then `note`. Codes are `0` or `1`; `code_C_weakened` is read only where
//! `code_C` is 1; an empty cell is a missing code.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The columns before the codes.
pub const SENTENCE_COLUMNS: [&str; 7] = [
    "doc",
    "sentence_id",
    "date",
    "context_before",
    "text",
    "context_after",
    "weight",
];

pub const CODER: &str = "coder";
pub const CODE_PERIOD: &str = "code_period";
pub const NOTE: &str = "note";
const CODE_PREFIX: &str = "code_";
const WEAKENED_SUFFIX: &str = "_weakened";

/// The header of a sheet for these categories.
pub fn header(categories: &[String]) -> Vec<String> {
    let mut columns: Vec<String> = SENTENCE_COLUMNS.iter().map(|c| c.to_string()).collect();
    columns.push(CODER.into());
    columns.push(CODE_PERIOD.into());
    for c in categories {
        columns.push(format!("{CODE_PREFIX}{c}"));
        columns.push(format!("{CODE_PREFIX}{c}{WEAKENED_SUFFIX}"));
    }
    columns.push(NOTE.into());
    columns
}

/// A sheet that cannot be read, named by file and line.
#[derive(Debug, thiserror::Error)]
#[error("{}{}: {message}", path.display(), if *line > 0 { format!(":{line}") } else { String::new() })]
pub struct SheetError {
    pub path: PathBuf,
    pub line: u64,
    pub message: String,
}

impl SheetError {
    fn new(path: &Path, line: u64, message: impl Into<String>) -> SheetError {
        SheetError {
            path: path.to_path_buf(),
            line,
            message: message.into(),
        }
    }
}

/// One coded row.
#[derive(Clone, Debug, PartialEq)]
pub struct CodedRow {
    pub doc: String,
    pub sentence_id: u32,
    /// The sentence as the sheet shows it (to find it again if its id has moved).
    pub text: String,
    /// The sampling weight; `None` when the cell is empty.
    pub weight: Option<f64>,
    /// Line in the sheet (1-based, the header is line 1).
    pub line: u64,
    pub period: Option<String>,
    /// `code_C` per category of `CodedSheet::categories`.
    pub codes: Vec<Option<bool>>,
    /// `code_C_weakened` per category, `None` unless `code_C` is 1 and the cell is filled.
    pub weakened: Vec<Option<bool>>,
    pub note: String,
}

/// One coder's sheet.
#[derive(Clone, Debug, PartialEq)]
pub struct CodedSheet {
    pub path: PathBuf,
    /// The `coder` column's value, else the file's name without extension.
    pub coder: String,
    /// Categories in the sheet's column order.
    pub categories: Vec<String>,
    pub rows: Vec<CodedRow>,
    /// Rows with `code_C_weakened` = 1 where `code_C` is not 1 (the weakened code is ignored).
    pub stray_weakened: usize,
}

impl CodedSheet {
    pub fn category(&self, name: &str) -> Option<usize> {
        self.categories.iter().position(|c| c == name)
    }
}

/// Reads a coded sheet (UTF-8 CSV, a byte-order mark allowed).
pub fn read(path: &Path) -> Result<CodedSheet, SheetError> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(path)
        .map_err(|e| SheetError::new(path, 0, format!("cannot read the sheet: {e}")))?;
    let header = reader
        .headers()
        .map_err(|e| SheetError::new(path, 1, e.to_string()))?
        .clone();
    let position = |name: &str| header.iter().position(|h| h.trim() == name);
    let require = |name: &str| {
        position(name).ok_or_else(|| {
            SheetError::new(
                path,
                1,
                format!("no column `{name}` (a sheet needs doc, sentence_id and the code columns of `mine validate sample`)"),
            )
        })
    };
    let doc = require("doc")?;
    let sentence_id = require("sentence_id")?;
    let text = position("text");
    let weight = position("weight");
    let coder = position(CODER);
    let period = position(CODE_PERIOD);
    let note = position(NOTE);
    let mut categories = Vec::new();
    let mut code_columns = Vec::new();
    for (i, name) in header.iter().enumerate() {
        let name = name.trim();
        let Some(category) = name.strip_prefix(CODE_PREFIX) else {
            continue;
        };
        if name == CODE_PERIOD || category.ends_with(WEAKENED_SUFFIX) {
            continue;
        }
        let weakened = position(&format!("{name}{WEAKENED_SUFFIX}"));
        categories.push(category.to_string());
        code_columns.push((i, weakened));
    }
    if period.is_none() && categories.is_empty() {
        return Err(SheetError::new(
            path,
            1,
            "no code columns (code_period, code_C …)",
        ));
    }
    let mut sheet = CodedSheet {
        path: path.to_path_buf(),
        coder: String::new(),
        categories,
        rows: Vec::new(),
        stray_weakened: 0,
    };
    let mut seen = BTreeSet::new();
    for record in reader.records() {
        let record = record.map_err(|e| SheetError::new(path, 0, e.to_string()))?;
        let line = record.position().map_or(0, |p| p.line());
        let cell = |i: Option<usize>| i.and_then(|i| record.get(i)).unwrap_or("").trim();
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let binary = |i: Option<usize>, column: &str| -> Result<Option<bool>, SheetError> {
            match cell(i) {
                "" => Ok(None),
                "0" => Ok(Some(false)),
                "1" => Ok(Some(true)),
                other => Err(SheetError::new(
                    path,
                    line,
                    format!("column `{column}`: expected 0, 1 or an empty cell, found `{other}`"),
                )),
            }
        };
        let id_text = cell(Some(sentence_id));
        let id: u32 = id_text.parse().map_err(|_| {
            SheetError::new(
                path,
                line,
                format!("column `sentence_id`: `{id_text}` is not a sentence id"),
            )
        })?;
        let doc_id = cell(Some(doc)).to_string();
        if doc_id.is_empty() {
            return Err(SheetError::new(path, line, "column `doc` is empty"));
        }
        if !seen.insert((doc_id.clone(), id)) {
            return Err(SheetError::new(
                path,
                line,
                format!("sentence {doc_id} {id} is in the sheet twice"),
            ));
        }
        let weight_value = match cell(weight) {
            "" => None,
            w => Some(w.parse::<f64>().ok().filter(|w| *w > 0.0).ok_or_else(|| {
                SheetError::new(
                    path,
                    line,
                    format!("column `weight`: `{w}` is not a positive number"),
                )
            })?),
        };
        let mut codes = Vec::with_capacity(sheet.categories.len());
        let mut weakened = Vec::with_capacity(sheet.categories.len());
        for (k, &(code, weak)) in code_columns.iter().enumerate() {
            let name = format!("{CODE_PREFIX}{}", sheet.categories[k]);
            let value = binary(Some(code), &name)?;
            let weak_value = binary(weak, &format!("{name}{WEAKENED_SUFFIX}"))?;
            codes.push(value);
            if value == Some(true) {
                weakened.push(weak_value);
            } else {
                if weak_value == Some(true) {
                    sheet.stray_weakened += 1;
                }
                weakened.push(None);
            }
        }
        let row_coder = cell(coder);
        if !row_coder.is_empty() {
            if sheet.coder.is_empty() {
                sheet.coder = row_coder.to_string();
            } else if sheet.coder != row_coder {
                return Err(SheetError::new(
                    path,
                    line,
                    format!(
                        "coder `{row_coder}` in a sheet of coder `{}`: give each coder a sheet of their own",
                        sheet.coder
                    ),
                ));
            }
        }
        let period_value = cell(period);
        sheet.rows.push(CodedRow {
            doc: doc_id,
            sentence_id: id,
            text: cell(text).to_string(),
            weight: weight_value,
            line,
            period: (!period_value.is_empty()).then(|| period_value.to_string()),
            codes,
            weakened,
            note: cell(note).to_string(),
        });
    }
    if sheet.coder.is_empty() {
        sheet.coder = path
            .file_stem()
            .map_or_else(|| "coder".to_string(), |s| s.to_string_lossy().into_owned());
    }
    Ok(sheet)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sheet(text: &str) -> Result<CodedSheet, SheetError> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("coder_a.csv");
        std::fs::write(&path, text).unwrap();
        read(&path)
    }

    const HEAD: &str = "doc,sentence_id,date,context_before,text,context_after,weight,coder,code_period,code_threat,code_threat_weakened,note\n";

    #[test]
    fn the_header_lists_two_code_columns_per_category() {
        let h = header(&["threat".into(), "assurance".into()]);
        assert_eq!(
            h[7..].join(","),
            "coder,code_period,code_threat,code_threat_weakened,code_assurance,code_assurance_weakened,note"
        );
    }

    #[test]
    fn codes_are_read_with_missing_cells_and_weakened_only_under_a_positive_code() {
        let s = sheet(&format!(
            "{HEAD}d1,3,2020,,甲。,,2.5,ann,trump1,1,1,\nd1,4,2020,,乙。,,2.5,,obama,0,1,a note\nd2,0,,,丙。,,,,,,,\n"
        ))
        .unwrap();
        assert_eq!(s.coder, "ann");
        assert_eq!(s.categories, vec!["threat".to_string()]);
        assert_eq!(s.rows[0].codes, vec![Some(true)]);
        assert_eq!(s.rows[0].weakened, vec![Some(true)]);
        assert_eq!(s.rows[0].weight, Some(2.5));
        // Weakened where the category is 0 is ignored, and counted.
        assert_eq!(s.rows[1].weakened, vec![None]);
        assert_eq!(s.stray_weakened, 1);
        assert_eq!(s.rows[1].note, "a note");
        assert_eq!(s.rows[2].period, None);
        assert_eq!(s.rows[2].codes, vec![None]);
        assert_eq!(s.rows[2].weight, None);
        assert_eq!(s.rows[2].line, 4);
    }

    #[test]
    fn a_sheet_without_coder_names_is_named_after_its_file() {
        let s = sheet(&format!("{HEAD}d1,3,,,甲。,,1,,obama,0,,\n")).unwrap();
        assert_eq!(s.coder, "coder_a");
    }

    #[test]
    fn bad_cells_are_errors_naming_file_line_and_column() {
        let err = sheet(&format!("{HEAD}d1,3,,,甲。,,1,,obama,yes,,\n")).unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.ends_with(
                "coder_a.csv:2: column `code_threat`: expected 0, 1 or an empty cell, found `yes`"
            ),
            "{msg}"
        );
        let err = sheet(&format!("{HEAD}d1,x,,,甲。,,1,,obama,0,,\n")).unwrap_err();
        assert!(
            err.to_string().contains(":2: column `sentence_id`"),
            "{err}"
        );
        let err = sheet(&format!(
            "{HEAD}d1,3,,,甲。,,1,,obama,0,,\nd1,3,,,甲。,,1,,obama,0,,\n"
        ))
        .unwrap_err();
        assert!(
            err.to_string()
                .contains(":3: sentence d1 3 is in the sheet twice"),
            "{err}"
        );
        let err = sheet(&format!(
            "{HEAD}d1,3,,,甲。,,1,ann,obama,0,,\nd1,4,,,乙。,,1,bob,obama,0,,\n"
        ))
        .unwrap_err();
        assert!(err.to_string().contains("give each coder a sheet"), "{err}");
        let err = sheet("doc,text\nd1,甲\n").unwrap_err();
        assert!(err.to_string().contains("no column `sentence_id`"), "{err}");
    }
}
