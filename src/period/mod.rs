//! Period attribution: the scheme in `lexicons/periods.toml` (periods, markers, office holders,
//! dated events), marker and date recognition, and the cascade that gives every sentence a
//! `PeriodCall` with its source and evidence.
//!
//! OWNED BY THE PERIOD WORK (issue 4). The public data shapes below are used by the index and the
//! exports: fields may be added, none renamed or removed.

use crate::model::PartialDate;

/// The periods of a run, in chronological order as the file lists them.
#[derive(Clone, Debug, Default)]
pub struct PeriodScheme {
    pub periods: Vec<PeriodDef>,
}

#[derive(Clone, Debug, Default)]
pub struct PeriodDef {
    /// `obama`, `trump1`, `biden`, `trump2`, `earlier` in the shipped scheme.
    pub id: String,
    pub label: String,
    /// First day; `None` for an open start.
    pub start: Option<PartialDate>,
    /// Last day; `None` for an open end.
    pub end: Option<PartialDate>,
}

use std::path::Path;

use crate::error::ConfigError;
use crate::model::{Document, Fallback, PeriodCall};

// Placeholders with the final signatures, so that every stage compiles while the period work is
// under way. The period work replaces their bodies.
impl PeriodScheme {
    pub fn load(path: &Path) -> Result<PeriodScheme, ConfigError> {
        Err(ConfigError::new(path, 0, "period loading is not built yet"))
    }

    /// One call per sentence, parallel to `doc.sentences`.
    pub fn attribute(&self, doc: &Document, _fallback: Fallback) -> Vec<PeriodCall> {
        vec![PeriodCall::unattributed(); doc.sentences.len()]
    }

    /// Period ids in scheme order (without `unattributed`).
    pub fn ids(&self) -> Vec<&str> {
        self.periods.iter().map(|p| p.id.as_str()).collect()
    }
}

/// Manual corrections from `corpus/overrides.csv`.
#[derive(Clone, Debug, Default)]
pub struct Overrides {}

impl Overrides {
    pub fn load(path: &Path, _scheme: &PeriodScheme) -> Result<Overrides, ConfigError> {
        Err(ConfigError::new(path, 0, "overrides are not built yet"))
    }

    pub fn apply(&self, _doc: &Document, _calls: &mut [PeriodCall]) -> Result<(), ConfigError> {
        Ok(())
    }

    /// Rows naming documents that are not in the corpus.
    pub fn unused(&self, _seen_docs: &[&str]) -> Vec<ConfigError> {
        Vec::new()
    }
}
