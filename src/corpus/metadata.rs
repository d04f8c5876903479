//! `metadata.csv`: the corpus root in, a checked table of document metadata out (or `None` when
//! the root has no `metadata.csv`), and the fallback metadata of a file that has no row.
//!
//! Columns (header names are matched case-insensitively, in any order):
//! - `file` (required): path relative to the corpus root, `/` separators (`\` and a leading `./`
//!   are accepted and normalised);
//! - `id`: see [`validate_id`]; empty means derived from the file name as in [`default_meta`];
//! - `title`; `authors`, separated by `;` (or the full-width `；`); `journal`;
//! - `date`: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`;
//! - `period_fallback`: `none`, `document` or empty (the command line decides then);
//! - every other column is kept, in header order, as `DocMeta::extra` (docvars).
//!
//! The file is read like a corpus file (UTF-8 with or without BOM, or GB18030 as a spreadsheet on
//! a Chinese system saves it), then parsed as RFC 4180 CSV with fields trimmed. Every error names
//! the file, the line and the column, and stops the run before any work.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use crate::corpus::decode::decode;
use crate::error::ConfigError;
use crate::model::{DocMeta, Fallback, PartialDate};

/// The name of the metadata file in a corpus root.
pub const METADATA_FILE: &str = "metadata.csv";

/// The longest id accepted, in characters.
pub const MAX_ID_CHARS: usize = 80;

const KNOWN_COLUMNS: [&str; 7] = [
    "file",
    "id",
    "title",
    "authors",
    "journal",
    "date",
    "period_fallback",
];

/// The rows of a `metadata.csv`, by file.
#[derive(Clone, Debug, Default)]
pub struct MetadataTable {
    /// Keyed by the normalised `file` column.
    rows: BTreeMap<String, DocMeta>,
    extra_columns: Vec<String>,
    /// The line of each row, by the normalised `file` column.
    lines: BTreeMap<String, u64>,
}

/// A row of `metadata.csv` whose `file` names no corpus file: its document would silently lose
/// its title, date and fallback.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnmatchedRow {
    pub line: u64,
    /// The `file` column as normalised.
    pub file: String,
    /// The corpus file it matches but for upper and lower case, if there is one.
    pub case_of: Option<String>,
}

impl std::fmt::Display for UnmatchedRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{METADATA_FILE}:{}: row for `{}` matches no corpus file",
            self.line, self.file
        )?;
        if let Some(other) = &self.case_of {
            write!(
                f,
                " (the corpus has `{other}`, which differs only in case: file names are matched exactly)"
            )?;
        }
        Ok(())
    }
}

/// Loads `<root>/metadata.csv`; `Ok(None)` when there is none (or when `root` is a file).
pub fn load(root: &Path) -> Result<Option<MetadataTable>, ConfigError> {
    let path = root.join(METADATA_FILE);
    if !path.is_file() {
        return Ok(None);
    }
    let bytes = std::fs::read(&path)
        .map_err(|e| ConfigError::new(&path, 0, format!("cannot read: {e}")))?;
    let text = decode(&bytes).map_err(|e| ConfigError::new(&path, 0, e.to_string()))?;
    parse(&path, &text.text).map(Some)
}

/// Parses the text of a metadata file; `path` is only used in error messages.
pub fn parse(path: &Path, text: &str) -> Result<MetadataTable, ConfigError> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| csv_error(path, &e, 1))?
        .clone();
    let column = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
    let Some(file_col) = column("file") else {
        return Err(ConfigError::at(
            path,
            1,
            1,
            format!(
                "missing column `file` (the header has: {})",
                headers.iter().collect::<Vec<_>>().join(", ")
            ),
        ));
    };
    let mut seen_headers = HashMap::new();
    for (i, h) in headers.iter().enumerate() {
        if h.is_empty() {
            return Err(ConfigError::new(
                path,
                1,
                format!("column {} has an empty name", i + 1),
            ));
        }
        if let Some(first) = seen_headers.insert(h.to_lowercase(), i) {
            return Err(ConfigError::new(
                path,
                1,
                format!(
                    "column `{h}` appears twice (columns {} and {})",
                    first + 1,
                    i + 1
                ),
            ));
        }
    }
    let extra: Vec<(usize, String)> = headers
        .iter()
        .enumerate()
        .filter(|(_, h)| !KNOWN_COLUMNS.iter().any(|k| h.eq_ignore_ascii_case(k)))
        .map(|(i, h)| (i, h.to_string()))
        .collect();

    let mut table = MetadataTable {
        rows: BTreeMap::new(),
        extra_columns: extra.iter().map(|(_, h)| h.clone()).collect(),
        lines: BTreeMap::new(),
    };
    let mut file_lines: HashMap<String, u64> = HashMap::new();
    let mut id_lines: HashMap<String, u64> = HashMap::new();
    for record in reader.records() {
        let record = record.map_err(|e| csv_error(path, &e, 0))?;
        let line = record.position().map_or(0, |p| p.line());
        let at = |col: &str, message: String| {
            ConfigError::new(path, line as usize, format!("column `{col}`: {message}"))
        };
        let field = |name: &str| column(name).and_then(|i| record.get(i)).unwrap_or("");
        if record.iter().all(str::is_empty) {
            continue;
        }
        let file = normalise_file(record.get(file_col).unwrap_or(""));
        if file.is_empty() {
            return Err(at(
                "file",
                "empty; every row needs the file it describes".into(),
            ));
        }
        if let Some(first) = file_lines.insert(file.clone(), line) {
            return Err(at(
                "file",
                format!("`{file}` already has a row on line {first}"),
            ));
        }
        let id = match field("id") {
            "" => default_id(&file),
            id => {
                validate_id(id).map_err(|m| at("id", m))?;
                id.to_string()
            }
        };
        if let Some(first) = id_lines.insert(id.clone(), line) {
            return Err(at(
                "id",
                format!("`{id}` is already the id of the row on line {first}"),
            ));
        }
        let date = match field("date") {
            "" => None,
            d => Some(d.parse::<PartialDate>().map_err(|m| at("date", m))?),
        };
        let period_fallback = match field("period_fallback").to_ascii_lowercase().as_str() {
            "" => None,
            "none" => Some(Fallback::None),
            "document" => Some(Fallback::Document),
            other => {
                return Err(at(
                    "period_fallback",
                    format!("`{other}` is not one of: none, document (or empty)"),
                ));
            }
        };
        let meta = DocMeta {
            id,
            file: file.clone(),
            title: field("title").to_string(),
            authors: field("authors")
                .split([';', '；'])
                .map(str::trim)
                .filter(|a| !a.is_empty())
                .map(str::to_string)
                .collect(),
            journal: Some(field("journal").to_string()).filter(|j| !j.is_empty()),
            date,
            period_fallback,
            extra: extra
                .iter()
                .map(|(i, h)| (h.clone(), record.get(*i).unwrap_or("").to_string()))
                .collect(),
        };
        table.lines.insert(file.clone(), line);
        table.rows.insert(file, meta);
    }
    Ok(table)
}

impl MetadataTable {
    /// The row of the file at `rel` (relative to the corpus root, `/` separators).
    pub fn meta_for(&self, rel: &str) -> Option<DocMeta> {
        self.rows.get(rel).cloned()
    }

    /// Names of the columns beyond the known ones, in header order.
    pub fn extra_columns(&self) -> &[String] {
        &self.extra_columns
    }

    /// The `file` of every row, sorted, so that rows whose file does not exist can be reported.
    pub fn files(&self) -> impl Iterator<Item = &str> {
        self.rows.keys().map(String::as_str)
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// The rows whose file is none of `corpus_files` (relative paths, `/` separators), in line
    /// order, each with the corpus file it matches but for case, if any.
    pub fn unmatched<'a>(
        &self,
        corpus_files: impl IntoIterator<Item = &'a str>,
    ) -> Vec<UnmatchedRow> {
        let mut by_lower: HashMap<String, &str> = HashMap::new();
        let mut exact = std::collections::HashSet::new();
        for file in corpus_files {
            exact.insert(file);
            by_lower.entry(file.to_lowercase()).or_insert(file);
        }
        let mut rows: Vec<UnmatchedRow> = self
            .rows
            .keys()
            .filter(|file| !exact.contains(file.as_str()))
            .map(|file| UnmatchedRow {
                line: self.lines.get(file).copied().unwrap_or(0),
                file: file.clone(),
                case_of: by_lower.get(&file.to_lowercase()).map(|f| f.to_string()),
            })
            .collect();
        rows.sort_by_key(|r| r.line);
        rows
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }
}

/// Metadata of a file that has no row: the id from the file name (see [`default_id`]), title empty
/// (the structure stage takes the first heading or line), date unknown. Two files with the same
/// stem get the same id here; making them unique is the caller's job.
pub fn default_meta(rel: &str) -> DocMeta {
    DocMeta {
        id: default_id(rel),
        file: rel.to_string(),
        ..DocMeta::default()
    }
}

/// The id of a file from its name: the stem, lowercased, every run of characters that are not
/// letters or digits (ASCII punctuation, spaces, `-`, full-width punctuation) turned into one `_`,
/// `_` trimmed from both ends; Chinese characters are kept. `doc` when nothing is left. The result
/// always passes [`validate_id`].
pub fn default_id(rel: &str) -> String {
    let name = rel.rsplit(['/', '\\']).next().unwrap_or(rel);
    let stem = name.rsplit_once('.').map_or(name, |(stem, _)| stem);
    let mut id = String::new();
    for c in stem.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_lowercase() || c.is_ascii_digit() || (!c.is_ascii() && c.is_alphanumeric()) {
            id.push(c);
        } else if !id.is_empty() && !id.ends_with('_') {
            id.push('_');
        }
    }
    let mut id: String = id
        .trim_end_matches('_')
        .chars()
        .take(MAX_ID_CHARS)
        .collect();
    if id.ends_with('_') {
        id.pop();
    }
    if id.is_empty() { "doc".into() } else { id }
}

/// An id is used as a tantivy term, in file names and on the command line, so it may hold only
/// lowercase ASCII letters, digits, `_`, `-` and non-ASCII letters or digits (Chinese characters),
/// must not start with `-`, and has 1 to [`MAX_ID_CHARS`] characters. Upper case is refused
/// because `Dong` and `dong` would be one file on case-insensitive file systems.
pub fn validate_id(id: &str) -> Result<(), String> {
    if id.is_empty() {
        return Err("an id must not be empty".into());
    }
    if id.chars().count() > MAX_ID_CHARS {
        return Err(format!("`{id}` is longer than {MAX_ID_CHARS} characters"));
    }
    if id.starts_with('-') {
        return Err(format!("`{id}` must not start with `-`"));
    }
    let allowed = |c: char| {
        c.is_ascii_lowercase()
            || c.is_ascii_digit()
            || c == '_'
            || c == '-'
            || (!c.is_ascii() && c.is_alphanumeric())
    };
    match id.chars().find(|&c| !allowed(c)) {
        None => Ok(()),
        Some(c) => Err(format!(
            "`{id}` contains `{c}`; ids may hold only lowercase a-z, digits, `_`, `-` and Chinese characters"
        )),
    }
}

fn normalise_file(file: &str) -> String {
    let file = file.replace('\\', "/");
    let mut file = file.as_str();
    while let Some(rest) = file.strip_prefix("./") {
        file = rest;
    }
    file.to_string()
}

/// A csv error with the line it happened on; `fallback_line` when the error has no position.
fn csv_error(path: &Path, err: &csv::Error, fallback_line: usize) -> ConfigError {
    let line = err.position().map_or(fallback_line, |p| p.line() as usize);
    let message = match err.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("this row has {len} fields, the header has {expected_len}"),
        _ => err.to_string(),
    };
    ConfigError::new(path, line, message)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn parse_str(text: &str) -> Result<MetadataTable, String> {
        parse(Path::new("corpus/metadata.csv"), text).map_err(|e| e.to_string())
    }

    fn error(text: &str) -> String {
        match parse_str(text) {
            Ok(t) => panic!("parsed {} rows from {text:?}", t.len()),
            Err(e) => e,
        }
    }

    #[test]
    fn rows_naming_no_file_are_listed_and_a_case_mismatch_is_named() {
        let t = parse_str("file,date\nNews_A.txt,2023\nb.txt,2024\nmissing.txt,2024\n").unwrap();
        let rows = t.unmatched(["news_a.txt", "b.txt"]);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].line, 2);
        assert_eq!(rows[0].case_of.as_deref(), Some("news_a.txt"));
        assert!(
            rows[0].to_string().contains("differs only in case"),
            "{}",
            rows[0]
        );
        assert_eq!(rows[1].file, "missing.txt");
        assert_eq!(rows[1].case_of, None);
        assert_eq!(
            rows[1].to_string(),
            "metadata.csv:4: row for `missing.txt` matches no corpus file"
        );
    }

    #[test]
    fn the_shipped_metadata_has_a_row_for_each_paper() {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("corpus");
        let table = load(&root).unwrap().expect("corpus/metadata.csv exists");
        assert_eq!(table.len(), 5);
        for file in table.files() {
            assert!(root.join(file).is_file(), "{file} is in metadata.csv");
            let meta = table.meta_for(file).unwrap();
            assert!(
                !meta.title.is_empty() && !meta.authors.is_empty(),
                "{meta:?}"
            );
            assert!(meta.date.is_some(), "{meta:?}");
            assert_eq!(meta.period_fallback, Some(Fallback::None));
            assert!(file.starts_with(&meta.id), "{file} has id {}", meta.id);
        }
        let li_tan = table.meta_for("li_tan_2025_time_frame.txt").unwrap();
        assert_eq!(li_tan.id, "li_tan_2025");
        assert_eq!(li_tan.authors, ["李宏洲", "谭政"]);
        assert_eq!(li_tan.title, "时间框架与美日韩安全合作的升级");
    }

    #[test]
    fn known_columns_are_parsed_and_others_kept_in_header_order() {
        let t = parse_str(
            "source,File,id,authors,date,period_fallback,language,journal\n\
             cnki,./sub\\a.txt,a_1,李宏洲; 谭政；王,2023-08,Document,zh,当代亚太\n\
             ,b.md,,,,,,\n",
        )
        .unwrap();
        assert_eq!(t.extra_columns(), ["source", "language"]);
        assert_eq!(t.files().collect::<Vec<_>>(), ["b.md", "sub/a.txt"]);
        let a = t.meta_for("sub/a.txt").unwrap();
        assert_eq!(a.id, "a_1");
        assert_eq!(a.authors, ["李宏洲", "谭政", "王"]);
        assert_eq!(a.date, Some("2023-08".parse().unwrap()));
        assert_eq!(a.period_fallback, Some(Fallback::Document));
        assert_eq!(a.journal.as_deref(), Some("当代亚太"));
        assert_eq!(
            a.extra,
            [
                ("source".to_string(), "cnki".to_string()),
                ("language".to_string(), "zh".to_string())
            ]
        );
        let b = t.meta_for("b.md").unwrap();
        assert_eq!(
            (b.id.as_str(), b.date, b.period_fallback),
            ("b", None, None)
        );
        assert_eq!(b.journal, None);
        assert!(t.meta_for("c.txt").is_none());
    }

    #[test]
    fn a_missing_file_column_is_an_error_on_line_1() {
        assert_eq!(
            error("path,id\na.txt,a\n"),
            "corpus/metadata.csv:1:1: missing column `file` (the header has: path, id)"
        );
    }

    #[test]
    fn a_bad_date_names_its_line_and_column() {
        assert_eq!(
            error("file,date\na.txt,2023\nb.txt,2023/08\n"),
            "corpus/metadata.csv:3: column `date`: `2023/08` is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD"
        );
        assert!(
            error("file,date\na.txt,2023-02-30\n")
                .starts_with("corpus/metadata.csv:2: column `date`")
        );
    }

    #[test]
    fn a_bad_fallback_names_its_line() {
        assert_eq!(
            error("file,period_fallback\na.txt,none\nb.txt,\nc.txt,news\n"),
            "corpus/metadata.csv:4: column `period_fallback`: `news` is not one of: none, document (or empty)"
        );
    }

    #[test]
    fn duplicate_files_and_ids_name_both_lines() {
        assert_eq!(
            error("file,id\na.txt,x\nb.txt,y\n./a.txt,z\n"),
            "corpus/metadata.csv:4: column `file`: `a.txt` already has a row on line 2"
        );
        assert_eq!(
            error("file,id\na.txt,\nb.txt,a\n"),
            "corpus/metadata.csv:3: column `id`: `a` is already the id of the row on line 2"
        );
    }

    #[test]
    fn a_wrong_field_count_names_its_line() {
        assert_eq!(
            error("file,id,title\na.txt,a,甲\nb.txt,b\n"),
            "corpus/metadata.csv:3: this row has 2 fields, the header has 3"
        );
    }

    #[test]
    fn quoted_fields_may_hold_commas_and_line_breaks() {
        let t =
            parse_str("file,title\n\"a.txt\",\"动机、表现, 与前景\n(续)\"\nb.txt,乙\n").unwrap();
        assert_eq!(
            t.meta_for("a.txt").unwrap().title,
            "动机、表现, 与前景\n(续)"
        );
        assert_eq!(
            error("file,title\n\"a.txt\",\"x\ny\"\nb.txt,乙,丙\n"),
            "corpus/metadata.csv:4: this row has 3 fields, the header has 2"
        );
    }

    #[test]
    fn ids_with_forbidden_characters_are_refused() {
        assert_eq!(
            error("file,id\na.txt,Dong 2023\n"),
            "corpus/metadata.csv:2: column `id`: `Dong 2023` contains `D`; ids may hold only lowercase a-z, digits, `_`, `-` and Chinese characters"
        );
        assert!(error("file,id\na.txt,a/b\n").contains("contains `/`"));
        assert!(error("file,id\na.txt,-a\n").contains("must not start with `-`"));
        assert!(parse_str("file,id\na.txt,董_2023-a\n").is_ok());
    }

    #[test]
    fn default_ids_come_from_the_file_stem() {
        assert_eq!(
            default_id("sub/Dong (2023) Alliance.TXT"),
            "dong_2023_alliance"
        );
        assert_eq!(default_id("美日韩-同盟《前景》.md"), "美日韩_同盟_前景");
        assert_eq!(default_id("__.txt"), "doc");
        assert_eq!(
            default_id("li_tan_2025_time_frame.txt"),
            "li_tan_2025_time_frame"
        );
        for rel in ["a/B-c.txt", "《》.md", "x.y.z", "..txt", &"长".repeat(200)] {
            let id = default_id(rel);
            assert_eq!(validate_id(&id), Ok(()), "{rel} -> {id}");
        }
        let meta = default_meta("sub/Paper.md");
        assert_eq!(
            (meta.id.as_str(), meta.file.as_str()),
            ("paper", "sub/Paper.md")
        );
        assert!(meta.title.is_empty() && meta.date.is_none());
    }

    #[test]
    fn no_metadata_file_is_none() {
        let dir = tempfile::tempdir().unwrap();
        assert!(load(dir.path()).unwrap().is_none());
    }

    #[test]
    fn a_spreadsheet_saved_as_gbk_with_crlf_loads() {
        let dir = tempfile::tempdir().unwrap();
        let (bytes, _, _) = encoding_rs::GBK
            .encode("file,title,authors\r\n甲.txt,美日韩强化同盟关系：动机、表现与前景,董向荣\r\n");
        std::fs::write(dir.path().join("metadata.csv"), &bytes).unwrap();
        let t = load(dir.path()).unwrap().unwrap();
        let meta = t.meta_for("甲.txt").unwrap();
        assert_eq!(meta.authors, ["董向荣"]);
        assert_eq!(meta.id, "甲");
    }

    #[test]
    fn a_broken_file_on_disk_names_its_path() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("metadata.csv"),
            "file,date\na.txt,August 2023\n",
        )
        .unwrap();
        let e = load(dir.path()).unwrap_err();
        assert_eq!(e.path, dir.path().join("metadata.csv"));
        assert_eq!(e.line, 2);
    }
}
