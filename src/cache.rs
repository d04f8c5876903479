//! The annotation cache in `<out>/cache/`: one JSON file per document holding its
//! `AnnotatedDocument`, written by `mine index` and read back by `mine export`, `mine report` and
//! incremental reruns, so that an unchanged document is never parsed, segmented or tagged twice.

use std::fs;
use std::io::{BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::model::AnnotatedDocument;

/// The cache folder inside an output folder.
pub fn dir(out: &Path) -> PathBuf {
    out.join("cache")
}

fn file_for(out: &Path, doc_id: &str) -> PathBuf {
    dir(out).join(format!("{doc_id}.json"))
}

/// Writes one document's annotations (to a temporary name first, then renamed into place).
pub fn store(out: &Path, doc: &AnnotatedDocument) -> anyhow::Result<()> {
    let dir = dir(out);
    fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let name = format!("{}.json", doc.doc.meta.id);
    let mut tmp = crate::output::temp_file(&dir, &name)
        .with_context(|| format!("cannot write in {}", dir.display()))?;
    {
        let mut w = BufWriter::new(tmp.as_file_mut());
        serde_json::to_writer(&mut w, doc)?;
        w.flush()?;
    }
    let path = dir.join(name);
    tmp.persist(&path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

/// Reads one document's annotations back.
pub fn load(out: &Path, doc_id: &str) -> anyhow::Result<AnnotatedDocument> {
    let path = file_for(out, doc_id);
    let file = fs::File::open(&path).with_context(|| format!("cannot open {}", path.display()))?;
    serde_json::from_reader(BufReader::new(file)).with_context(|| {
        format!(
            "{} is not a valid cache file; rerun `mine index --force`",
            path.display()
        )
    })
}

/// Whether a cache file exists for the document (without reading it).
pub fn exists(out: &Path, doc_id: &str) -> bool {
    file_for(out, doc_id).is_file()
}

/// Removes a document from the cache; a missing file is not an error.
pub fn remove(out: &Path, doc_id: &str) -> anyhow::Result<()> {
    match fs::remove_file(file_for(out, doc_id)) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e.into()),
        _ => Ok(()),
    }
}

/// Ids of the cached documents, sorted (the order every export uses).
pub fn doc_ids(out: &Path) -> anyhow::Result<Vec<String>> {
    let dir = dir(out);
    let entries = fs::read_dir(&dir).with_context(|| {
        format!(
            "no annotations in {}: run `mine index CORPUS --out {}` first",
            dir.display(),
            out.display()
        )
    })?;
    let mut ids = Vec::new();
    for entry in entries {
        let name = entry?.file_name();
        if let Some(id) = name.to_str().and_then(|n| n.strip_suffix(".json")) {
            ids.push(id.to_string());
        }
    }
    ids.sort();
    Ok(ids)
}
