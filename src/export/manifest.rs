//! `manifest.json`: the provenance of a run (tool version, command line, start and end time,
//! input files with their hashes, skipped files, configuration hashes, segmenter settings, counts
//! per zone, index mode, outputs). `mine index` fills a `Manifest`; `write` stores it atomically.
//! Times are RFC 3339 UTC strings formatted here from `SystemTime`, since they are the only
//! timestamps of a run and belong in the manifest, never in the CSVs.

use std::collections::BTreeMap;
use std::fs;
use std::io::{BufReader, Write};
use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use super::ExportError;

pub const MANIFEST: &str = "manifest.json";

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub tool: String,
    pub tool_version: String,
    /// The command line as given (`std::env::args`).
    pub command_line: Vec<String>,
    /// RFC 3339 UTC, e.g. `2025-06-20T08:15:00Z`.
    pub started: String,
    pub finished: String,
    /// The corpus folder as the user gave it (not made absolute).
    pub corpus_root: String,
    pub inputs: Vec<InputFile>,
    pub skipped: Vec<SkippedFile>,
    /// Lexicons, modifiers, periods, userdict, metadata, overrides: whatever configured the run.
    pub config_files: Vec<ConfigFile>,
    /// Where the lexicons came from: the built-in set or a folder, with one hash of them all.
    #[serde(default)]
    pub lexicons: Option<LexiconsRecord>,
    /// Rows of `metadata.csv` that name no corpus file (their documents got no metadata).
    #[serde(default)]
    pub metadata_unmatched: Vec<UnmatchedMetadataRow>,
    /// Folders inside the corpus left out of it: the output folder, when it lies there.
    #[serde(default)]
    pub excluded: Vec<String>,
    /// Segmenter settings (mode, HMM, dictionary sizes ...), as the segmenter reports them.
    pub segmenter: serde_json::Value,
    /// The rules the annotations were made with: the default period fallback, the cascade steps
    /// and whether modifiers applied. `None` in a manifest written before they were recorded.
    #[serde(default)]
    pub annotation: Option<AnnotationSettings>,
    /// Sentences and tokens per zone name, all zones.
    pub zones: BTreeMap<String, ZoneCounts>,
    pub documents: u64,
    pub sentences: u64,
    pub tokens: u64,
    pub index_mode: IndexMode,
    /// Ids of the documents parsed and annotated in this run (the rest came from the cache).
    pub reprocessed: Vec<String>,
    /// The options of the latest export.
    pub export: Option<ExportSettings>,
    /// Set when `mine export` wrote this manifest (its command line and times are above): the
    /// `mine index` run whose annotations it exported.
    #[serde(default)]
    pub derived_from: Option<RunRecord>,
    /// The options of the latest `mine report`, so that an export can render it again.
    #[serde(default)]
    pub report: Option<ReportRecord>,
    /// The latest `mine validate score` of this run's outputs; a new `mine index` run drops it.
    #[serde(default)]
    pub validation: Option<ValidationRecord>,
    pub outputs: Vec<OutputFile>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputFile {
    /// Path relative to the corpus root, `/`-separated.
    pub file: String,
    pub id: String,
    pub bytes: u64,
    pub blake3: String,
    pub encoding: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkippedFile {
    pub file: String,
    pub reason: String,
}

/// Which lexicons a run used.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LexiconsRecord {
    /// `built-in` (compiled into mine) or `folder`.
    pub source: String,
    /// The folder as given, for `folder`.
    pub folder: Option<String>,
    /// blake3 over every lexicon file's name and hash (`LexiconFiles::blake3`).
    pub blake3: String,
}

impl LexiconsRecord {
    pub fn of(files: &crate::lexicon::LexiconFiles) -> LexiconsRecord {
        let folder = files.dir().map(|d| d.display().to_string());
        LexiconsRecord {
            source: if folder.is_some() {
                "folder"
            } else {
                "built-in"
            }
            .to_string(),
            folder,
            blake3: files.blake3(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnmatchedMetadataRow {
    pub line: u64,
    pub file: String,
    /// The corpus file that differs from `file` only in case, if any.
    pub case_of: Option<String>,
}

/// The command line and times of a run, for a manifest another command rewrote.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunRecord {
    pub tool_version: String,
    pub command_line: Vec<String>,
    pub started: String,
    pub finished: String,
}

/// The options `mine report` was run with.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportRecord {
    pub assurance_category: String,
    pub threat_category: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfigFile {
    pub path: String,
    pub blake3: String,
}

/// When and from what the latest validation of a run was scored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValidationRecord {
    /// RFC 3339 UTC.
    pub scored: String,
    /// The coded sheets, as given.
    pub sheets: Vec<String>,
    /// The adjudicated sheet, when one was given.
    pub gold: Option<String>,
    /// Sentences scored.
    pub units: usize,
}

/// What `mine index --period-fallback`, `--period-steps` and `--no-modifiers` set.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnnotationSettings {
    /// `none` or `document`: for documents whose metadata does not say.
    pub period_fallback: String,
    /// The cascade steps in use, in cascade order.
    pub period_steps: Vec<String>,
    /// Whether negators and diminishers were applied.
    pub modifiers: bool,
}

impl AnnotationSettings {
    /// One line for reports: `period steps sentence,paragraph,…; modifiers on; fallback none`.
    pub fn describe(&self) -> String {
        let steps = if self.period_steps.is_empty() {
            "none".to_string()
        } else {
            self.period_steps.join(",")
        };
        format!(
            "period steps {steps}; modifiers {}; default period fallback {}",
            if self.modifiers { "on" } else { "off" },
            self.period_fallback
        )
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ZoneCounts {
    pub sentences: u64,
    pub tokens: u64,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum IndexMode {
    /// Every document parsed and annotated.
    #[default]
    Full,
    /// Only changed documents re-processed; the rest from the cache.
    Incremental,
    /// Everything re-processed although the cache was valid (`--force`).
    Force,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportSettings {
    pub counted_zones: Vec<String>,
    pub excel: bool,
    pub bootstrap_reps: usize,
    pub seed: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutputFile {
    /// File name inside the output folder.
    pub file: String,
    /// Data rows (without the header); 0 for files that are not tables.
    pub rows: u64,
}

impl Manifest {
    /// A manifest for this build of `mine`, with the start time set to now.
    pub fn start(command_line: Vec<String>) -> Manifest {
        Manifest {
            tool: env!("CARGO_PKG_NAME").to_string(),
            tool_version: env!("CARGO_PKG_VERSION").to_string(),
            command_line,
            started: rfc3339(SystemTime::now()),
            ..Manifest::default()
        }
    }

    /// The manifest of a `mine export` over the run this manifest describes: its own command
    /// line and start time, the run it derives from (the index run, also when this manifest was
    /// itself written by an export), everything else as the run left it.
    pub fn derive(&self, command_line: Vec<String>) -> Manifest {
        let origin = self.derived_from.clone().unwrap_or_else(|| RunRecord {
            tool_version: self.tool_version.clone(),
            command_line: self.command_line.clone(),
            started: self.started.clone(),
            finished: self.finished.clone(),
        });
        Manifest {
            tool_version: env!("CARGO_PKG_VERSION").to_string(),
            command_line,
            started: rfc3339(SystemTime::now()),
            finished: String::new(),
            derived_from: Some(origin),
            ..self.clone()
        }
    }

    /// Takes the counts and outputs of an export into the manifest.
    pub fn record_export(&mut self, summary: &super::ExportSummary) {
        self.zones = summary
            .zones
            .iter()
            .map(|(z, c)| (z.as_str().to_string(), *c))
            .collect();
        self.documents = summary.documents;
        self.sentences = summary.sentences;
        self.tokens = summary.tokens;
        self.export = Some(summary.settings.clone());
        // Keep outputs other stages listed (the index), replace those the export wrote.
        self.outputs
            .retain(|o| !summary.outputs.iter().any(|n| n.file == o.file));
        self.outputs.extend(summary.outputs.iter().cloned());
        self.outputs.sort_by(|a, b| a.file.cmp(&b.file));
    }
}

/// The size and blake3 hash (hex) of a file, streamed through blake3's buffer (no allocation of
/// the file's size).
pub fn size_and_blake3(path: &Path) -> std::io::Result<(u64, String)> {
    let mut hasher = blake3::Hasher::new();
    hasher.update_reader(fs::File::open(path)?)?;
    Ok((hasher.count(), hasher.finalize().to_hex().to_string()))
}

/// Writes `<out>/manifest.json` (pretty JSON) to a temporary file and renames it into place.
pub fn write(out: &Path, manifest: &Manifest) -> Result<(), ExportError> {
    let path = out.join(MANIFEST);
    let io_err = |source| ExportError::Io {
        path: path.clone(),
        source,
    };
    fs::create_dir_all(out).map_err(io_err)?;
    let mut tmp = crate::output::temp_file(out, MANIFEST).map_err(io_err)?;
    {
        // Buffered: serde_json writes token by token, one system call each without a buffer
        // (a manifest lists every input file, 70,000 of them for a corpus of news stories).
        let mut w = std::io::BufWriter::new(tmp.as_file_mut());
        serde_json::to_writer_pretty(&mut w, manifest).map_err(|e| ExportError::Io {
            path: path.clone(),
            source: e.into(),
        })?;
        w.write_all(b"\n").map_err(io_err)?;
        w.flush().map_err(io_err)?;
    }
    tmp.persist(&path).map_err(|e| io_err(e.error))?;
    Ok(())
}

/// Reads `<out>/manifest.json`; `Ok(None)` when there is none.
pub fn read(out: &Path) -> Result<Option<Manifest>, ExportError> {
    let path = out.join(MANIFEST);
    let file = match fs::File::open(&path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => return Err(ExportError::Io { path, source }),
    };
    serde_json::from_reader(BufReader::new(file))
        .map(Some)
        .map_err(|e| ExportError::Io {
            path,
            source: e.into(),
        })
}

/// RFC 3339 in UTC with whole seconds (`2023-11-14T22:13:20Z`). Times before 1970 print as the
/// epoch: a run never starts then.
pub fn rfc3339(time: SystemTime) -> String {
    let secs = time
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    )
}

/// Year, month, day of a count of days since 1970-01-01 (Howard Hinnant's `civil_from_days`,
/// proleptic Gregorian calendar).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn at(secs: u64) -> String {
        rfc3339(UNIX_EPOCH + Duration::from_secs(secs))
    }

    #[test]
    fn rfc3339_formats_known_instants() {
        assert_eq!(at(0), "1970-01-01T00:00:00Z");
        // 1_700_000_000 s is the well-known 2023-11-14 22:13:20 UTC.
        assert_eq!(at(1_700_000_000), "2023-11-14T22:13:20Z");
        // A leap day: 30 years and 7 leap days after 1970 is 2000-01-01 = 10957 days;
        // + 31 (January) + 28 = day 11016 = 2000-02-29; 11016 * 86400 = 951782400.
        assert_eq!(at(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(at(951_782_400 + 86_399), "2000-02-29T23:59:59Z");
        assert_eq!(at(951_782_400 + 86_400), "2000-03-01T00:00:00Z");
    }

    #[test]
    fn an_export_records_its_own_command_and_the_index_run() {
        let mut index = Manifest::start(vec!["mine".into(), "index".into(), "corpus/".into()]);
        index.finished = "2025-01-01T00:00:10Z".into();
        let export = index.derive(vec!["mine".into(), "export".into(), "--excel".into()]);
        assert_eq!(export.command_line, ["mine", "export", "--excel"]);
        let origin = export.derived_from.clone().expect("derived");
        assert_eq!(origin.command_line, ["mine", "index", "corpus/"]);
        assert_eq!(origin.finished, "2025-01-01T00:00:10Z");
        // A second export still names the index run, not the first export.
        let again = export.derive(vec!["mine".into(), "export".into()]);
        assert_eq!(again.derived_from, Some(origin));
    }

    #[test]
    fn manifest_round_trips_through_its_file() {
        let dir = tempfile::tempdir().unwrap();
        let mut m = Manifest::start(vec!["mine".into(), "index".into(), "corpus/".into()]);
        m.index_mode = IndexMode::Incremental;
        m.reprocessed = vec!["li_tan_2025".into()];
        m.segmenter = serde_json::json!({"mode": "accurate", "hmm": false});
        write(dir.path(), &m).unwrap();
        let text = fs::read_to_string(dir.path().join(MANIFEST)).unwrap();
        assert!(text.contains("\"index_mode\": \"incremental\""), "{text}");
        assert_eq!(read(dir.path()).unwrap(), Some(m));
        assert_eq!(read(&dir.path().join("nothing")).unwrap(), None);
    }
}
