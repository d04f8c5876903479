//! One CSV being written: a temporary file in the output folder with the header from the codebook
//! table, rows checked against that header, and the `--excel` guard applied to text cells. The
//! file only takes its final name when `persist` is called, after every file of the export is
//! complete, so a failed run never leaves a half-written CSV under its real name.

use std::borrow::Cow;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use tempfile::NamedTempFile;

use super::ExportError;
use super::codebook::{ColumnKind, CsvTable};

/// Characters that make a spreadsheet read a cell as a formula (or hide one after a tab or CR).
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Prefixes `'` to text that a spreadsheet would otherwise run as a formula.
pub fn guard_formula(cell: &str) -> Option<String> {
    cell.starts_with(FORMULA_STARTS).then(|| format!("'{cell}"))
}

/// Rows of one table encoded as CSV bytes (CRLF line ends, the `--excel` guard applied), ready to
/// be appended to the table's file: what one document contributes to `passages.csv`, `hits.csv`
/// or `doc_period_frequencies.csv`, made on any thread and kept in the cache for reruns.
/// Read back from the cache, the bytes borrow the cache's read buffer: a rerun copies each
/// unchanged document's rows once, from the cache into the CSV file.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EncodedRows<'a> {
    /// UTF-8 CSV (every cell is a `String`); stored by postcard in one piece, not byte by byte,
    /// and read back without a second UTF-8 check (the cache checks its blake3 hash).
    #[serde(borrow, with = "serde_bytes")]
    pub bytes: Cow<'a, [u8]>,
    pub rows: u64,
}

/// Encodes rows of one codebook table: checks each row against the header, guards text cells in
/// `--excel` mode, and gives back the bytes. Encoding rows one by one and concatenating them gives
/// the same bytes as writing them in one go (a CSV writer keeps no state between records).
pub struct RowEncoder {
    file: &'static str,
    kinds: Vec<ColumnKind>,
    excel: bool,
    writer: csv::Writer<Vec<u8>>,
    rows: u64,
}

impl RowEncoder {
    pub fn new(table: &CsvTable, excel: bool) -> RowEncoder {
        RowEncoder {
            file: table.file,
            kinds: table.columns.iter().map(|c| c.kind).collect(),
            excel,
            writer: Self::csv_writer(),
            rows: 0,
        }
    }

    fn csv_writer() -> csv::Writer<Vec<u8>> {
        csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(Vec::new())
    }

    pub fn write_row(&mut self, row: &[String]) -> Result<(), ExportError> {
        assert_eq!(
            row.len(),
            self.kinds.len(),
            "a row of {} does not match its codebook table",
            self.file
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
            .map_err(|source| ExportError::Csv {
                path: PathBuf::from(self.file),
                source,
            })?;
        self.rows += 1;
        Ok(())
    }

    /// The bytes and rows encoded since the last call (or since the start).
    fn take(&mut self) -> Result<EncodedRows<'static>, ExportError> {
        let writer = std::mem::replace(&mut self.writer, Self::csv_writer());
        let rows = std::mem::take(&mut self.rows);
        Self::encoded(self.file, writer, rows)
    }

    /// Every row encoded (without the spare writer `take` leaves behind).
    pub fn finish(self) -> Result<EncodedRows<'static>, ExportError> {
        Self::encoded(self.file, self.writer, self.rows)
    }

    fn encoded(
        file: &str,
        writer: csv::Writer<Vec<u8>>,
        rows: u64,
    ) -> Result<EncodedRows<'static>, ExportError> {
        let io_err = |message: String| ExportError::Io {
            path: PathBuf::from(file),
            source: std::io::Error::other(message),
        };
        let bytes = writer.into_inner().map_err(|e| io_err(e.to_string()))?;
        Ok(EncodedRows {
            bytes: Cow::Owned(bytes),
            rows,
        })
    }
}

/// One CSV file being written under a temporary name.
pub struct TableWriter {
    path: PathBuf,
    encoder: RowEncoder,
    file: BufWriter<NamedTempFile>,
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
        let mut file = BufWriter::new(temp_in(out, table.file)?);
        if excel {
            // Excel only reads a CSV as UTF-8 when it starts with a byte-order mark.
            file.write_all("\u{feff}".as_bytes())
                .map_err(|source| ExportError::Io {
                    path: path.clone(),
                    source,
                })?;
        }
        // The header is never guarded: its names are ours.
        let mut header = RowEncoder::new(table, false);
        header.write(&table.header())?;
        let mut t = TableWriter {
            path,
            encoder: RowEncoder::new(table, excel),
            file,
            rows: 0,
        };
        t.write_encoded(&header.finish()?)?;
        t.rows = 0;
        Ok(t)
    }

    pub fn write_row(&mut self, row: &[String]) -> Result<(), ExportError> {
        self.encoder.write_row(row)?;
        let encoded = self.encoder.take()?;
        self.write_encoded(&encoded)
    }

    /// Appends rows encoded by a `RowEncoder` of the same table and mode.
    pub fn write_encoded(&mut self, rows: &EncodedRows<'_>) -> Result<(), ExportError> {
        self.file
            .write_all(&rows.bytes)
            .map_err(|source| ExportError::Io {
                path: self.path.clone(),
                source,
            })?;
        self.rows += rows.rows;
        Ok(())
    }

    pub fn finish(self) -> Result<Finished, ExportError> {
        let path = self.path;
        let file = self.file.into_inner().map_err(|e| ExportError::Io {
            path: path.clone(),
            source: e.into_error(),
        })?;
        Ok(Finished {
            path,
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
