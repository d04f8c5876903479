//! One CSV being written: a temporary file in the output folder with the header from the codebook
//! table, rows checked against that header, and the `--excel` guard applied to text cells. The
//! file only takes its final name when `persist` is called, after every file of the export is
//! complete, so a failed run never leaves a half-written CSV under its real name.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

use super::ExportError;
use super::codebook::{ColumnKind, CsvTable};

/// Characters that make a spreadsheet read a cell as a formula (or hide one after a tab or CR).
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Prefixes `'` to text that a spreadsheet would otherwise run as a formula.
pub fn guard_formula(cell: &str) -> Option<String> {
    cell.starts_with(FORMULA_STARTS).then(|| format!("'{cell}"))
}

pub struct TableWriter {
    path: PathBuf,
    kinds: Vec<ColumnKind>,
    excel: bool,
    writer: csv::Writer<BufWriter<NamedTempFile>>,
    rows: u64,
}

/// A finished table waiting to be renamed into place.
pub struct Finished {
    pub path: PathBuf,
    pub file: NamedTempFile,
    pub rows: u64,
}

impl Finished {
    pub fn persist(self) -> Result<(), ExportError> {
        self.file.persist(&self.path).map_err(|e| ExportError::Io {
            path: self.path,
            source: e.error,
        })?;
        Ok(())
    }
}

/// A temporary file in `out` that will become `out/<name>`.
pub fn temp_in(out: &Path, name: &str) -> Result<NamedTempFile, ExportError> {
    crate::output::temp_file(out, name).map_err(|source| ExportError::Io {
        path: out.join(name),
        source,
    })
}

impl TableWriter {
    pub fn create(out: &Path, table: &CsvTable, excel: bool) -> Result<TableWriter, ExportError> {
        let path = out.join(table.file);
        let mut buf = BufWriter::new(temp_in(out, table.file)?);
        if excel {
            // Excel only reads a CSV as UTF-8 when it starts with a byte-order mark.
            buf.write_all("\u{feff}".as_bytes())
                .map_err(|source| ExportError::Io {
                    path: path.clone(),
                    source,
                })?;
        }
        let writer = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(buf);
        let mut t = TableWriter {
            path,
            kinds: table.columns.iter().map(|c| c.kind).collect(),
            excel: false,
            writer,
            rows: 0,
        };
        // The header is never guarded: its names are ours.
        t.write(&table.header())?;
        t.excel = excel;
        t.rows = 0;
        Ok(t)
    }

    pub fn write_row(&mut self, row: &[String]) -> Result<(), ExportError> {
        assert_eq!(
            row.len(),
            self.kinds.len(),
            "a row of {} does not match its codebook table",
            self.path.display()
        );
        if self.excel {
            let guarded: Vec<String> = row
                .iter()
                .zip(&self.kinds)
                .map(|(cell, kind)| match kind {
                    ColumnKind::Text => guard_formula(cell).unwrap_or_else(|| cell.clone()),
                    _ => cell.clone(),
                })
                .collect();
            self.write(&guarded)
        } else {
            self.write(row)
        }
    }

    fn write<S: AsRef<[u8]>>(&mut self, row: &[S]) -> Result<(), ExportError> {
        self.writer
            .write_record(row)
            .map_err(|e| ExportError::Csv {
                path: self.path.clone(),
                source: e,
            })?;
        self.rows += 1;
        Ok(())
    }

    pub fn finish(self) -> Result<Finished, ExportError> {
        let path = self.path;
        let io_err = |source| ExportError::Io {
            path: path.clone(),
            source,
        };
        let buf = self
            .writer
            .into_inner()
            .map_err(|e| io_err(std::io::Error::other(e.to_string())))?;
        let file = buf.into_inner().map_err(|e| io_err(e.into_error()))?;
        Ok(Finished {
            path: path.clone(),
            file,
            rows: self.rows,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_starts_are_guarded_and_plain_text_is_not() {
        assert_eq!(
            guard_formula("=HYPERLINK(\"x\")").as_deref(),
            Some("'=HYPERLINK(\"x\")")
        );
        assert_eq!(guard_formula("-1 是").as_deref(), Some("'-1 是"));
        assert_eq!(guard_formula("@a").as_deref(), Some("'@a"));
        assert_eq!(guard_formula("\tx").as_deref(), Some("'\tx"));
        assert_eq!(guard_formula("拜登政府"), None);
        assert_eq!(guard_formula(""), None);
    }
}
