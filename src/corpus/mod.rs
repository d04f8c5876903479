//! The corpus: discovering files under a folder (`discover`), reading `metadata.csv`
//! (`metadata`), decoding bytes to text (`decode`), and parsing text into a structured `Document`
//! with zones, sections, paragraphs, sentences and notes (`structure`).

pub mod decode;
pub mod discover;
pub mod metadata;
pub mod structure;

use std::fs;
use std::path::{Path, PathBuf};

use crate::model::{DocMeta, Document};

/// The folder whose `metadata.csv` and `overrides.csv` describe `corpus`: the corpus itself, or
/// for a single file the folder it is in.
pub fn folder_of(corpus: &Path) -> PathBuf {
    if corpus.is_file() {
        match corpus.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
            _ => PathBuf::from("."),
        }
    } else {
        corpus.to_path_buf()
    }
}

/// Reads, decodes and parses one corpus file; gives back the document and the file's size in
/// bytes. The error is the one-line reason the file is skipped (the caller adds the file name).
pub fn load_document(
    file: &discover::CorpusFile,
    meta: DocMeta,
) -> Result<(Document, u64), String> {
    let bytes = fs::read(&file.path).map_err(|e| format!("cannot read: {e}"))?;
    let size = bytes.len() as u64;
    let hash = blake3::hash(&bytes).to_hex().to_string();
    let decoded = decode::decode(&bytes).map_err(|e| e.to_string())?;
    // The bytes are not needed while the text is parsed (for a large file, as much again).
    drop(bytes);
    Ok((parse_decoded(decoded, hash, meta)?, size))
}

/// Asks the kernel to start reading `files` into memory now, in the background, so that reading
/// them one after another later does not wait on the disk for each (13,500 news stories of 1.5 KB
/// not in memory took 6.1 s to index instead of 4.6 s, one disk wait at a time). A lone file is
/// left alone (it is read at once), and so is a file that cannot be opened (`load_document`
/// reports it).
pub fn prefetch<'a>(files: impl ExactSizeIterator<Item = &'a discover::CorpusFile>) {
    if files.len() < 2 {
        return;
    }
    #[cfg(target_os = "linux")]
    for file in files {
        use std::os::fd::AsRawFd;
        if let Ok(f) = fs::File::open(&file.path) {
            // SAFETY: the descriptor is open while `f` lives; the call only gives a hint, and a
            // failure leaves the file to be read on demand.
            unsafe {
                libc::posix_fadvise(f.as_raw_fd(), 0, 0, libc::POSIX_FADV_WILLNEED);
            }
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = files;
}

/// Decodes and parses the bytes of one corpus file (for a caller that has read them already).
/// The error is the one-line reason the file is skipped.
pub fn parse_document(bytes: &[u8], meta: DocMeta) -> Result<Document, String> {
    let decoded = decode::decode(bytes).map_err(|e| e.to_string())?;
    parse_decoded(decoded, blake3::hash(bytes).to_hex().to_string(), meta)
}

/// Parses decoded text whose source bytes hash to `content_hash`.
fn parse_decoded(
    decoded: decode::Decoded,
    content_hash: String,
    meta: DocMeta,
) -> Result<Document, String> {
    let mut doc = structure::parse(&decoded.text, meta);
    drop(decoded.text);
    doc.encoding = decoded.encoding.to_string();
    doc.content_hash = content_hash;
    if doc.sentences.is_empty() {
        return Err("no text left after parsing (only markup or whitespace)".to_string());
    }
    Ok(doc)
}
