//! `metadata.csv` (placeholder until the ingest work lands).

use std::path::Path;

use crate::error::ConfigError;
use crate::model::DocMeta;

#[derive(Clone, Debug, Default)]
pub struct MetadataTable {
    extra_columns: Vec<String>,
}

pub fn load(_root: &Path) -> Result<Option<MetadataTable>, ConfigError> {
    Ok(None)
}

impl MetadataTable {
    pub fn meta_for(&self, _rel: &str) -> Option<DocMeta> {
        None
    }

    pub fn extra_columns(&self) -> &[String] {
        &self.extra_columns
    }
}

/// Metadata of a file that has no row: id from the file stem, nothing else known.
pub fn default_meta(rel: &str) -> DocMeta {
    let stem = rel.rsplit('/').next().unwrap_or(rel);
    let stem = stem.rsplit_once('.').map_or(stem, |(s, _)| s);
    DocMeta {
        id: stem.to_string(),
        file: rel.to_string(),
        ..DocMeta::default()
    }
}
