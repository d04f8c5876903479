//! Discovering corpus files (placeholder until the ingest work lands).

use std::path::{Path, PathBuf};

#[derive(Clone, Debug, PartialEq)]
pub struct CorpusFile {
    pub path: PathBuf,
    /// Relative to the corpus root, `/` separators.
    pub rel: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Skipped {
    pub file: String,
    pub reason: String,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Discovery {
    pub files: Vec<CorpusFile>,
    pub skipped: Vec<Skipped>,
}

#[derive(Debug, thiserror::Error)]
#[error("{}: {message}", path.display())]
pub struct DiscoverError {
    pub path: PathBuf,
    pub message: String,
}

pub fn discover(root: &Path) -> Result<Discovery, DiscoverError> {
    Err(DiscoverError {
        path: root.to_path_buf(),
        message: "discovery is not built yet".into(),
    })
}
