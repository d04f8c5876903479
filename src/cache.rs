//! The annotation cache in `<out>/cache/`: one binary file per document, written by `mine index`
//! and read back by incremental reruns and `mine export`, so that an unchanged document is never
//! parsed, segmented or tagged twice.
//!
//! A cache file (`<id>.bin`) holds, after a fixed magic and a header:
//! - the document's `DocExport` (its CSV rows and counts) with the key of the export settings it
//!   was made for, so that a rerun with the same settings splices it into the CSVs without
//!   reading the annotations at all;
//! - the document's `AnnotatedDocument`, for exports with other settings (`mine export --zones`).
//!
//! Both parts are postcard-encoded and carry their blake3 hash; the header names the hash of the
//! source bytes they were made from and a fingerprint of the code that encodes them. A file that
//! is cut short, corrupt, from another build of the data model, or made from other bytes is never
//! used: `load_export` says `None` and `load` fails, and `mine index` re-processes the document.

use std::fs;
use std::io::{BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use anyhow::{Context, bail};
use serde::{Deserialize, Serialize};

use crate::export::DocExport;
use crate::model::AnnotatedDocument;

const EXTENSION: &str = "bin";
/// The first bytes of every cache file; the last byte is the layout version.
const MAGIC: &[u8; 8] = b"minec\0\0\x01";
/// The headers of cache files are small; anything longer is not one of ours.
const MAX_HEADER: u32 = 1 << 16;

/// Identifies the encoding of `AnnotatedDocument`: postcard is not self-describing, so a cache
/// written by a build with another data model must not be decoded at all.
fn model_fingerprint() -> &'static str {
    static FINGERPRINT: OnceLock<String> = OnceLock::new();
    FINGERPRINT.get_or_init(|| {
        let mut h = blake3::Hasher::new();
        h.update(MAGIC);
        h.update(include_bytes!("model.rs"));
        h.update(include_bytes!("cache.rs"));
        h.finalize().to_hex().to_string()
    })
}

#[derive(Debug, Serialize, Deserialize)]
struct Header {
    model: String,
    /// blake3 of the source file's bytes (`Document::content_hash`).
    source_hash: String,
    /// The source file's encoding, for the manifest.
    encoding: String,
    /// `DocExporter::key` of the export part; empty when there is none.
    export_key: String,
    export_len: u64,
    export_hash: [u8; 32],
    annotations_len: u64,
    annotations_hash: [u8; 32],
}

/// What a rerun takes from the cache for an unchanged document.
pub struct CachedExport {
    pub export: DocExport,
    /// The source file's encoding, as detected when it was parsed.
    pub encoding: String,
}

/// The cache folder inside an output folder.
pub fn dir(out: &Path) -> PathBuf {
    out.join("cache")
}

fn file_for(out: &Path, doc_id: &str) -> PathBuf {
    dir(out).join(format!("{doc_id}.{EXTENSION}"))
}

/// Writes one document's annotations and, when given, its export with the key it was made for
/// (to a temporary name first, then renamed into place).
pub fn store(
    out: &Path,
    doc: &AnnotatedDocument,
    export: Option<(&str, &DocExport)>,
) -> anyhow::Result<()> {
    let dir = dir(out);
    fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let annotations = postcard::to_stdvec(doc)?;
    let (export_key, export) = match export {
        Some((key, export)) => (key.to_string(), postcard::to_stdvec(export)?),
        None => (String::new(), Vec::new()),
    };
    let header = postcard::to_stdvec(&Header {
        model: model_fingerprint().to_string(),
        source_hash: doc.doc.content_hash.clone(),
        encoding: doc.doc.encoding.clone(),
        export_key,
        export_len: export.len() as u64,
        export_hash: *blake3::hash(&export).as_bytes(),
        annotations_len: annotations.len() as u64,
        annotations_hash: *blake3::hash(&annotations).as_bytes(),
    })?;
    let name = format!("{}.{EXTENSION}", doc.doc.meta.id);
    let mut tmp = crate::output::temp_file(&dir, &name)
        .with_context(|| format!("cannot write in {}", dir.display()))?;
    {
        let mut w = BufWriter::new(tmp.as_file_mut());
        w.write_all(MAGIC)?;
        w.write_all(&(header.len() as u32).to_le_bytes())?;
        w.write_all(&header)?;
        w.write_all(&export)?;
        w.write_all(&annotations)?;
        w.flush()?;
    }
    let path = dir.join(name);
    tmp.persist(&path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

/// An open cache file positioned after its header.
struct Reader {
    path: PathBuf,
    file: fs::File,
    header: Header,
}

impl Reader {
    fn open(out: &Path, doc_id: &str) -> anyhow::Result<Reader> {
        let path = file_for(out, doc_id);
        let mut file =
            fs::File::open(&path).with_context(|| format!("cannot open {}", path.display()))?;
        let mut start = [0u8; 12];
        file.read_exact(&mut start)
            .ok()
            .filter(|()| &start[..8] == MAGIC)
            .with_context(|| format!("{} is not a mine cache file", path.display()))?;
        let len = u32::from_le_bytes([start[8], start[9], start[10], start[11]]);
        if len > MAX_HEADER {
            bail!("{} is not a mine cache file", path.display());
        }
        let mut header = vec![0u8; len as usize];
        file.read_exact(&mut header)
            .with_context(|| format!("{} is cut short", path.display()))?;
        let header: Header = postcard::from_bytes(&header)
            .with_context(|| format!("{} has a broken header", path.display()))?;
        if header.model != model_fingerprint() {
            bail!("{} was written by another version of mine", path.display());
        }
        // A file cut short is caught here, before any part of it is used.
        let expected = 12 + u64::from(len) + header.export_len + header.annotations_len;
        if file.metadata()?.len() != expected {
            bail!("{} is cut short", path.display());
        }
        Ok(Reader { path, file, header })
    }

    /// Reads the next `len` bytes and checks them against `hash`.
    fn section(&mut self, len: u64, hash: &[u8; 32], what: &str) -> anyhow::Result<Vec<u8>> {
        let mut bytes = Vec::new();
        (&mut self.file).take(len).read_to_end(&mut bytes)?;
        if bytes.len() as u64 != len || blake3::hash(&bytes).as_bytes() != hash {
            bail!(
                "{}: the {what} are cut short or corrupt",
                self.path.display()
            );
        }
        Ok(bytes)
    }
}

/// Reads the export part of a document's cache file if it was made for export settings `key` (and,
/// when given, from the source bytes with hash `source_hash`); `None` when there is no usable one
/// (no file, a broken or foreign file, other source bytes, other settings), never a wrong one.
pub fn load_export(
    out: &Path,
    doc_id: &str,
    source_hash: Option<&str>,
    key: &str,
) -> Option<CachedExport> {
    let mut reader = Reader::open(out, doc_id).ok()?;
    let header = &reader.header;
    if source_hash.is_some_and(|hash| header.source_hash != hash)
        || header.export_key != key
        || key.is_empty()
    {
        return None;
    }
    let (len, hash) = (header.export_len, header.export_hash);
    let bytes = reader.section(len, &hash, "export rows").ok()?;
    let export = postcard::from_bytes(&bytes).ok()?;
    Some(CachedExport {
        export,
        encoding: std::mem::take(&mut reader.header.encoding),
    })
}

/// Reads one document's annotations back.
pub fn load(out: &Path, doc_id: &str) -> anyhow::Result<AnnotatedDocument> {
    let invalid = |path: &Path| {
        format!(
            "{} is not a valid cache file; rerun `mine index --force`",
            path.display()
        )
    };
    let mut reader = Reader::open(out, doc_id).with_context(|| invalid(&file_for(out, doc_id)))?;
    let header = &reader.header;
    let (export_len, annotations_len, hash) = (
        header.export_len,
        header.annotations_len,
        header.annotations_hash,
    );
    // The file's length was checked against the header when it was opened.
    let offset = i64::try_from(export_len).with_context(|| invalid(&reader.path))?;
    reader.file.seek(SeekFrom::Current(offset))?;
    let bytes = reader
        .section(annotations_len, &hash, "annotations")
        .with_context(|| invalid(&reader.path))?;
    postcard::from_bytes(&bytes).with_context(|| invalid(&reader.path))
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

/// Removes the cache files of earlier layouts (`<id>.json`); returns how many. Their documents
/// have no cache file of the current layout, so the run re-processes them.
pub fn remove_old_layouts(out: &Path) -> anyhow::Result<usize> {
    let Ok(entries) = fs::read_dir(dir(out)) else {
        return Ok(0);
    };
    let mut removed = 0;
    for entry in entries {
        let entry = entry?;
        if entry.file_name().to_string_lossy().ends_with(".json") {
            fs::remove_file(entry.path())?;
            removed += 1;
        }
    }
    Ok(removed)
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
    let mut old_layout = false;
    for entry in entries {
        let name = entry?.file_name();
        let Some(name) = name.to_str() else { continue };
        if let Some(id) = name.strip_suffix(&format!(".{EXTENSION}")) {
            if !name.starts_with(crate::output::TEMP_PREFIX) {
                ids.push(id.to_string());
            }
        } else if name.ends_with(".json") {
            old_layout = true;
        }
    }
    if ids.is_empty() && old_layout {
        bail!(
            "{} was written by an older mine: rerun `mine index CORPUS --out {}`",
            dir.display(),
            out.display()
        );
    }
    ids.sort();
    Ok(ids)
}
