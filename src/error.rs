//! Errors of configuration files (lexicons, periods, overrides, metadata): each names the file,
//! the line (and column when known) and what was expected, so that a broken file stops the run
//! before any work with a message a researcher can act on.

use std::path::{Path, PathBuf};

/// A configuration file that cannot be used. `line` and `column` are 1-based; 0 means unknown.
#[derive(Debug, thiserror::Error)]
#[error("{}{}: {message}", path.display(), location(*line, *column))]
pub struct ConfigError {
    pub path: PathBuf,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

fn location(line: usize, column: usize) -> String {
    match (line, column) {
        (0, _) => String::new(),
        (l, 0) => format!(":{l}"),
        (l, c) => format!(":{l}:{c}"),
    }
}

impl ConfigError {
    pub fn new(path: &Path, line: usize, message: impl Into<String>) -> Self {
        ConfigError {
            path: path.to_path_buf(),
            line,
            column: 0,
            message: message.into(),
        }
    }

    pub fn at(path: &Path, line: usize, column: usize, message: impl Into<String>) -> Self {
        ConfigError {
            path: path.to_path_buf(),
            line,
            column,
            message: message.into(),
        }
    }

    /// Converts a `toml` parse or deserialize error, keeping its line and column.
    pub fn from_toml(path: &Path, source: &str, err: &toml::de::Error) -> Self {
        let (line, column) = err
            .span()
            .map(|span| line_col(source, span.start))
            .unwrap_or((0, 0));
        ConfigError::at(path, line, column, err.message().to_string())
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(source: &str, byte: usize) -> (usize, usize) {
    let byte = byte.min(source.len());
    let before = &source[..source.floor_char_boundary(byte)];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_file_line_and_column() {
        let e = ConfigError::at(Path::new("lexicons/x.toml"), 3, 7, "expected a string");
        assert_eq!(e.to_string(), "lexicons/x.toml:3:7: expected a string");
        let e = ConfigError::new(Path::new("corpus/metadata.csv"), 0, "missing column `file`");
        assert_eq!(e.to_string(), "corpus/metadata.csv: missing column `file`");
    }

    #[test]
    fn line_col_counts_characters_not_bytes() {
        let src = "a = 1\n名字 = x";
        assert_eq!(line_col(src, src.find('x').unwrap()), (2, 6));
    }
}
