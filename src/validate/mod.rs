//! Validation against human reading: a count is evidence only when it has been checked against
//! coders. `sample` draws a reproducible, weighted sample of sentences from an output folder of
//! `mine index` and writes a blind coding sheet; `score` reads coded sheets back, measures the
//! coders' reliability (Krippendorff's α) and the tool's validity (precision, recall, F1 per
//! category, weakening, period accuracy, with intervals), and `render` writes `validation.csv`
//! and `validation.md` with every error and what decided it.

pub mod agreement;
pub mod metrics;
pub mod render;
pub mod results;
pub mod sample;
pub mod score;
pub mod sheet;

use std::io::Write;
use std::path::{Path, PathBuf};

pub use render::{Provenance, VALIDATION_CSV, VALIDATION_MD};
pub use sample::{Enrich, Sample, SampleOptions};
pub use score::{ScoreOptions, Scores};

/// Writes `<out>/validation.csv` and `<out>/validation.md`, each under a temporary name renamed
/// into place when complete.
pub fn write(
    out: &Path,
    scores: &Scores,
    provenance: &Provenance,
) -> std::io::Result<Vec<PathBuf>> {
    let csv_path = out.join(VALIDATION_CSV);
    let mut tmp = crate::output::temp_file(out, VALIDATION_CSV)?;
    {
        let mut writer = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(tmp.as_file_mut());
        writer.write_record(crate::export::codebook::validation().header())?;
        for row in render::csv_rows(scores) {
            writer.write_record(&row)?;
        }
        writer.flush()?;
    }
    tmp.persist(&csv_path).map_err(|e| e.error)?;
    let md_path = out.join(VALIDATION_MD);
    let mut tmp = crate::output::temp_file(out, VALIDATION_MD)?;
    tmp.as_file_mut()
        .write_all(render::markdown(scores, provenance).as_bytes())?;
    tmp.persist(&md_path).map_err(|e| e.error)?;
    Ok(vec![csv_path, md_path])
}
