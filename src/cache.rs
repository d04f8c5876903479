//! The annotation cache in `<out>/cache/`, written by `mine index` and read back by incremental
//! reruns and `mine export`, so that an unchanged document is never parsed, segmented or tagged
//! twice.
//!
//! A document's cache *record* holds, after a fixed magic and a header:
//! - the document's `DocExport` (its CSV rows and counts) with the key of the export settings it
//!   was made for, so that a rerun with the same settings splices it into the CSVs without
//!   reading the annotations at all;
//! - the document's `AnnotatedDocument`, for exports with other settings (`mine export --zones`).
//!
//! Both parts are postcard-encoded and carry their blake3 hash; the header names the hash of the
//! source bytes they were made from and a fingerprint of the code that encodes them. A record that
//! is cut short, corrupt, from another build of the data model, or made from other bytes is never
//! used: `load_export` says `None` and `load` fails, and `mine index` re-processes the document.
//!
//! Records are not one file per document (creating tens of thousands of small files cost a corpus
//! of 1.5 KB news stories a third of its CPU time) but appended to *packs*, `pack-<n>.bin`, one per
//! run that wrote anything. `catalog.bin` names, for every cached document, the pack, offset and
//! length of its record. A run writes its pack, then the catalog under a temporary name and renames
//! it into place: a killed run leaves the previous catalog and the packs it names as they were.
//! Packs no record in the catalog points to are removed; when dead records fill more than half of
//! the packs' bytes, or there are more than `MAX_PACKS` packs, the live records are copied into one
//! new pack.

use std::collections::{BTreeMap, HashMap};
use std::fs::{self, File};
use std::io::{BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use anyhow::{Context, bail};
use serde::{Deserialize, Serialize};

use crate::export::DocExport;
use crate::model::AnnotatedDocument;

/// The first bytes of every record; the last byte is the layout version.
const MAGIC: &[u8; 8] = b"minec\0\0\x02";
/// The first bytes of the catalog.
const CATALOG_MAGIC: &[u8; 8] = b"minecat\x01";
const CATALOG: &str = "catalog.bin";
const PACK_PREFIX: &str = "pack-";
const PACK_SUFFIX: &str = ".bin";
/// More packs than this (one per incremental run) are compacted into one.
const MAX_PACKS: usize = 32;
/// The headers of records are small; anything longer is not one of ours.
const MAX_HEADER: u32 = 1 << 16;
/// Magic and header length, before the header.
const PREFIX_LEN: u64 = 12;

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

/// What a rerun takes from the cache for an unchanged document; its rows borrow the cache's read
/// buffer until the next read.
pub struct CachedExport<'a> {
    pub export: DocExport<'a>,
    /// The source file's encoding, as detected when it was parsed.
    pub encoding: String,
}

/// Where a document's record is.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
struct Location {
    pack: u32,
    offset: u64,
    len: u64,
}

#[derive(Debug, Deserialize)]
struct Catalog {
    model: String,
    docs: BTreeMap<String, Location>,
}

/// What `Catalog` reads back (postcard encodes `&str` as it does `String`).
#[derive(Serialize)]
struct CatalogRef<'a> {
    model: &'a str,
    docs: &'a BTreeMap<String, Location>,
}

/// The cache folder inside an output folder.
pub fn dir(out: &Path) -> PathBuf {
    out.join("cache")
}

fn pack_name(pack: u32) -> String {
    format!("{PACK_PREFIX}{pack:06}{PACK_SUFFIX}")
}

fn pack_number(name: &str) -> Option<u32> {
    name.strip_prefix(PACK_PREFIX)?
        .strip_suffix(PACK_SUFFIX)?
        .parse()
        .ok()
}

/// One document's record: its annotations and, when given, its export with the key it was made
/// for. Made on the worker threads; `Cache::append` stores it.
pub fn encode(
    doc: &AnnotatedDocument,
    export: Option<(&str, &DocExport<'_>)>,
) -> anyhow::Result<Vec<u8>> {
    // The export, then the annotations, serialised into one buffer that becomes the record: the
    // header that goes before them is spliced in at the end. Serialising each apart and copying
    // both into the record held every byte three times, a few hundred MB for a 20 MB document.
    let export_size = match export {
        Some((_, export)) => postcard::experimental::serialized_size(export)?,
        None => 0,
    };
    let doc_size = postcard::experimental::serialized_size(doc)?;
    // Room for the header too, so that splicing it in does not move the buffer.
    let mut body = Vec::with_capacity(export_size + doc_size + PREFIX_LEN as usize + 512);
    let export_key = match export {
        Some((key, export)) => {
            body = postcard::to_extend(export, body)?;
            key.to_string()
        }
        None => String::new(),
    };
    let export_len = body.len();
    let mut body = postcard::to_extend(doc, body)?;
    let header = postcard::to_stdvec(&Header {
        model: model_fingerprint().to_string(),
        source_hash: doc.doc.content_hash.clone(),
        encoding: doc.doc.encoding.clone(),
        export_key,
        export_len: export_len as u64,
        export_hash: *blake3::hash(&body[..export_len]).as_bytes(),
        annotations_len: (body.len() - export_len) as u64,
        annotations_hash: *blake3::hash(&body[export_len..]).as_bytes(),
    })?;
    let mut prefix = Vec::with_capacity(PREFIX_LEN as usize + header.len());
    prefix.extend_from_slice(MAGIC);
    prefix.extend_from_slice(&(header.len() as u32).to_le_bytes());
    prefix.extend_from_slice(&header);
    body.reserve_exact(prefix.len());
    body.splice(0..0, prefix);
    debug_assert_eq!(
        body.len(),
        PREFIX_LEN as usize + header.len() + export_size + doc_size
    );
    Ok(body)
}

/// The pack a run appends its records to, created at the first record.
struct PackWriter {
    pack: u32,
    file: BufWriter<File>,
    len: u64,
}

/// The cache of one output folder: its catalog, and the pack this run writes.
pub struct Cache {
    dir: PathBuf,
    docs: BTreeMap<String, Location>,
    /// Packs opened for reading.
    readers: HashMap<u32, File>,
    writer: Option<PackWriter>,
    /// Read buffer of `load_export`, reused from document to document.
    buffer: Vec<u8>,
}

impl Cache {
    /// Opens the cache of the output folder `out` for reading. A missing, broken or foreign
    /// catalog reads as an empty cache (every document is then re-processed), never a wrong one.
    pub fn open(out: &Path) -> Cache {
        let dir = dir(out);
        let docs = fs::read(dir.join(CATALOG))
            .ok()
            .and_then(|bytes| {
                let body = bytes.strip_prefix(CATALOG_MAGIC.as_slice())?;
                let (hash, body) = body.split_first_chunk::<32>()?;
                if blake3::hash(body).as_bytes() != hash {
                    return None;
                }
                postcard::from_bytes::<Catalog>(body).ok()
            })
            .filter(|c| c.model == model_fingerprint())
            .map(|c| c.docs)
            .unwrap_or_default();
        Cache {
            dir,
            docs,
            readers: HashMap::new(),
            writer: None,
            buffer: Vec::new(),
        }
    }

    /// Opens the cache for a run of `mine index`: also removes what a killed run or an older
    /// layout left in the folder (packs the catalog does not name, one file per document,
    /// temporary files). Only call this with the output folder's lock held.
    pub fn open_for_writing(out: &Path) -> anyhow::Result<Cache> {
        let cache = Cache::open(out);
        cache.remove_stale()?;
        Ok(cache)
    }

    /// Removes every file in the cache folder but the catalog and the packs it names.
    fn remove_stale(&self) -> anyhow::Result<()> {
        let Ok(entries) = fs::read_dir(&self.dir) else {
            return Ok(());
        };
        let live = self.live_packs();
        for entry in entries {
            let entry = entry?;
            let name = entry.file_name();
            let name = name.to_string_lossy();
            let stale = match pack_number(&name) {
                Some(pack) => !live.contains_key(&pack),
                None => name != CATALOG,
            };
            if stale && entry.file_type()?.is_file() {
                fs::remove_file(entry.path())
                    .with_context(|| format!("cannot remove {}", entry.path().display()))?;
            }
        }
        Ok(())
    }

    /// Bytes of live records per pack.
    fn live_packs(&self) -> BTreeMap<u32, u64> {
        let mut live = BTreeMap::new();
        for loc in self.docs.values() {
            *live.entry(loc.pack).or_insert(0) += loc.len;
        }
        live
    }

    /// Whether the cache holds a record for the document (without reading it).
    pub fn contains(&self, doc_id: &str) -> bool {
        self.docs.contains_key(doc_id)
    }

    /// Ids of the cached documents, sorted (the order every export uses).
    pub fn doc_ids(&self) -> Vec<String> {
        self.docs.keys().cloned().collect()
    }

    /// Forgets every document (a run that re-processes everything).
    pub fn clear(&mut self) {
        self.docs.clear();
    }

    /// Forgets a document.
    pub fn remove(&mut self, doc_id: &str) {
        self.docs.remove(doc_id);
    }

    /// Appends a record made by `encode` as the document's record.
    pub fn append(&mut self, doc_id: &str, record: &[u8]) -> anyhow::Result<()> {
        if self.writer.is_none() {
            fs::create_dir_all(&self.dir)
                .with_context(|| format!("cannot create {}", self.dir.display()))?;
            self.writer = Some(self.new_pack()?);
        }
        let writer = self.writer.as_mut().expect("created above");
        writer
            .file
            .write_all(record)
            .with_context(|| format!("cannot write in {}", self.dir.display()))?;
        self.docs.insert(
            doc_id.to_string(),
            Location {
                pack: writer.pack,
                offset: writer.len,
                len: record.len() as u64,
            },
        );
        writer.len += record.len() as u64;
        Ok(())
    }

    /// A new, empty pack numbered after every pack in the folder.
    fn new_pack(&self) -> anyhow::Result<PackWriter> {
        let mut last = self.docs.values().map(|l| l.pack).max().unwrap_or(0);
        if let Ok(entries) = fs::read_dir(&self.dir) {
            for entry in entries.flatten() {
                if let Some(n) = pack_number(&entry.file_name().to_string_lossy()) {
                    last = last.max(n);
                }
            }
        }
        let pack = last + 1;
        let path = self.dir.join(pack_name(pack));
        let file =
            File::create(&path).with_context(|| format!("cannot create {}", path.display()))?;
        Ok(PackWriter {
            pack,
            file: BufWriter::with_capacity(1 << 20, file),
            len: 0,
        })
    }

    /// Makes this run's records durable and the catalog name them: syncs the pack, compacts the
    /// packs when they are mostly dead records, writes the catalog under a temporary name and
    /// renames it into place, then removes the packs (and anything else) it does not name.
    pub fn commit(mut self) -> anyhow::Result<()> {
        self.finish_pack()?;
        let live = self.live_packs();
        let mut dead = 0;
        let mut total_live = 0;
        for (&pack, &bytes) in &live {
            let path = self.dir.join(pack_name(pack));
            let len = fs::metadata(&path)
                .with_context(|| format!("cannot read {}", path.display()))?
                .len();
            dead += len.saturating_sub(bytes);
            total_live += bytes;
        }
        if live.len() > MAX_PACKS || dead > total_live {
            self.compact()?;
        }
        fs::create_dir_all(&self.dir)
            .with_context(|| format!("cannot create {}", self.dir.display()))?;
        let body = postcard::to_stdvec(&CatalogRef {
            model: model_fingerprint(),
            docs: &self.docs,
        })?;
        let mut tmp = crate::output::temp_file(&self.dir, CATALOG)
            .with_context(|| format!("cannot write in {}", self.dir.display()))?;
        tmp.write_all(CATALOG_MAGIC)?;
        tmp.write_all(blake3::hash(&body).as_bytes())?;
        tmp.write_all(&body)?;
        tmp.as_file().sync_all()?;
        let path = self.dir.join(CATALOG);
        tmp.persist(&path)
            .with_context(|| format!("cannot write {}", path.display()))?;
        self.remove_stale()
    }

    fn finish_pack(&mut self) -> anyhow::Result<()> {
        if let Some(writer) = self.writer.take() {
            let file = writer
                .file
                .into_inner()
                .map_err(|e| e.into_error())
                .with_context(|| format!("cannot write in {}", self.dir.display()))?;
            file.sync_all()?;
        }
        Ok(())
    }

    /// Copies every live record, in id order, into one new pack.
    fn compact(&mut self) -> anyhow::Result<()> {
        let mut moved = BTreeMap::new();
        let docs = std::mem::take(&mut self.docs);
        let mut writer = self.new_pack()?;
        let mut record = Vec::new();
        for (id, loc) in &docs {
            record.resize(loc.len as usize, 0);
            self.read_at(*loc, 0, &mut record)?;
            writer.file.write_all(&record)?;
            moved.insert(
                id.clone(),
                Location {
                    pack: writer.pack,
                    offset: writer.len,
                    len: loc.len,
                },
            );
            writer.len += loc.len;
        }
        self.writer = Some(writer);
        self.finish_pack()?;
        self.readers.clear();
        self.docs = moved;
        Ok(())
    }

    /// Reads `buf.len()` bytes of a record from `start` on.
    fn read_at(&mut self, loc: Location, start: u64, buf: &mut [u8]) -> anyhow::Result<()> {
        let path = self.dir.join(pack_name(loc.pack));
        let file = match self.readers.entry(loc.pack) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(e) => e.insert(
                File::open(&path).with_context(|| format!("cannot open {}", path.display()))?,
            ),
        };
        file.seek(SeekFrom::Start(loc.offset + start))?;
        file.read_exact(buf)
            .with_context(|| format!("{} is cut short", path.display()))
    }

    /// The header of a document's record, checked against the record's length.
    fn header(&mut self, doc_id: &str) -> anyhow::Result<(Location, u64, Header)> {
        let Some(&loc) = self.docs.get(doc_id) else {
            bail!("no record of {doc_id} in {}", self.dir.display());
        };
        let mut prefix = [0u8; PREFIX_LEN as usize];
        self.read_at(loc, 0, &mut prefix)?;
        if &prefix[..8] != MAGIC {
            bail!("the record of {doc_id} is not a mine cache record");
        }
        let len = u32::from_le_bytes([prefix[8], prefix[9], prefix[10], prefix[11]]);
        if len > MAX_HEADER {
            bail!("the record of {doc_id} is not a mine cache record");
        }
        let mut header = vec![0u8; len as usize];
        self.read_at(loc, PREFIX_LEN, &mut header)?;
        let header: Header = postcard::from_bytes(&header)
            .with_context(|| format!("the record of {doc_id} has a broken header"))?;
        if header.model != model_fingerprint() {
            bail!("the record of {doc_id} was written by another version of mine");
        }
        let body = PREFIX_LEN + u64::from(len);
        if body + header.export_len + header.annotations_len != loc.len {
            bail!("the record of {doc_id} does not have the length the catalog gives");
        }
        Ok((loc, body, header))
    }

    /// Reads `len` bytes of a record from `start` on into `bytes` (replacing what it held) and
    /// checks them against `hash`.
    fn section(
        &mut self,
        loc: Location,
        start: u64,
        len: u64,
        hash: &[u8; 32],
        bytes: &mut Vec<u8>,
    ) -> anyhow::Result<()> {
        bytes.clear();
        bytes.resize(usize::try_from(len)?, 0);
        self.read_at(loc, start, bytes)?;
        if blake3::hash(bytes).as_bytes() != hash {
            bail!("corrupt");
        }
        Ok(())
    }

    /// Reads the export part of a document's record if it was made for export settings `key`
    /// (and, when given, from the source bytes with hash `source_hash`); `None` when there is no
    /// usable one (no record, a broken or foreign one, other source bytes, other settings), never
    /// a wrong one.
    pub fn load_export(
        &mut self,
        doc_id: &str,
        source_hash: Option<&str>,
        key: &str,
    ) -> Option<CachedExport<'_>> {
        let (loc, body, header) = self.header(doc_id).ok()?;
        if source_hash.is_some_and(|hash| header.source_hash != hash)
            || header.export_key != key
            || key.is_empty()
        {
            return None;
        }
        let mut buffer = std::mem::take(&mut self.buffer);
        let read = self.section(
            loc,
            body,
            header.export_len,
            &header.export_hash,
            &mut buffer,
        );
        self.buffer = buffer;
        read.ok()?;
        let export = postcard::from_bytes(&self.buffer).ok()?;
        Some(CachedExport {
            export,
            encoding: header.encoding,
        })
    }

    /// Reads one document's annotations back.
    pub fn load(&mut self, doc_id: &str) -> anyhow::Result<AnnotatedDocument> {
        let dir = self.dir.display().to_string();
        let invalid = || {
            format!(
                "the cached annotations of {doc_id} in {dir} are missing or broken; rerun `mine index --force`"
            )
        };
        let (loc, body, header) = self.header(doc_id).with_context(invalid)?;
        let start = body + header.export_len;
        let mut bytes = Vec::new();
        self.section(
            loc,
            start,
            header.annotations_len,
            &header.annotations_hash,
            &mut bytes,
        )
        .with_context(invalid)?;
        postcard::from_bytes(&bytes).with_context(invalid)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{DocMeta, Document};

    /// A document whose annotations encode to about `size` bytes.
    fn doc(id: &str, size: usize) -> AnnotatedDocument {
        AnnotatedDocument {
            doc: Document {
                meta: DocMeta {
                    id: id.to_string(),
                    title: "盟".repeat(size / 3),
                    ..DocMeta::default()
                },
                encoding: "UTF-8".to_string(),
                content_hash: format!("hash-of-{id}"),
                ..Document::default()
            },
            annotations: Vec::new(),
        }
    }

    fn write(out: &Path, docs: &[AnnotatedDocument]) {
        let mut cache = Cache::open_for_writing(out).unwrap();
        for d in docs {
            cache
                .append(&d.doc.meta.id, &encode(d, None).unwrap())
                .unwrap();
        }
        cache.commit().unwrap();
    }

    fn packs(out: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir(out))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| pack_number(n).is_some())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn records_read_back_across_runs_and_a_killed_run_changes_nothing() {
        let out = tempfile::tempdir().unwrap();
        let (a, b) = (doc("a", 300), doc("b", 5000));
        write(out.path(), &[a.clone(), b.clone()]);
        // A killed run: records appended, never committed.
        {
            let mut cache = Cache::open_for_writing(out.path()).unwrap();
            cache
                .append("a", &encode(&doc("a", 10), None).unwrap())
                .unwrap();
            cache.remove("b");
        }
        let mut cache = Cache::open(out.path());
        assert_eq!(cache.doc_ids(), ["a", "b"]);
        assert_eq!(cache.load("a").unwrap(), a);
        assert_eq!(cache.load("b").unwrap(), b);
        // No export part was stored, so there is none to splice.
        assert!(cache.load_export("a", None, "key").is_none());
        assert!(cache.load("c").is_err());
        // The killed run's pack is removed by the next run.
        assert_eq!(packs(out.path()).len(), 2);
        Cache::open_for_writing(out.path()).unwrap();
        assert_eq!(packs(out.path()), ["pack-000001.bin"]);
    }

    #[test]
    fn packs_mostly_dead_are_compacted_and_dead_packs_removed() {
        let out = tempfile::tempdir().unwrap();
        let small = doc("small", 200);
        write(out.path(), &[doc("big", 20_000), small.clone()]);
        // `big` re-written much shorter: 20 KB of dead record against 300 B of live ones.
        let big = doc("big", 100);
        write(out.path(), std::slice::from_ref(&big));
        assert_eq!(packs(out.path()), ["pack-000003.bin"]);
        let mut cache = Cache::open(out.path());
        assert_eq!(cache.load("big").unwrap(), big);
        assert_eq!(cache.load("small").unwrap(), small);
        // A document forgotten: the pack that held only it goes.
        let mut cache = Cache::open_for_writing(out.path()).unwrap();
        cache.remove("big");
        cache
            .append("small", &encode(&small, None).unwrap())
            .unwrap();
        cache.commit().unwrap();
        assert_eq!(packs(out.path()), ["pack-000004.bin"]);
    }

    #[test]
    fn more_than_max_packs_are_merged_into_one() {
        let out = tempfile::tempdir().unwrap();
        let docs: Vec<AnnotatedDocument> = (0..=MAX_PACKS)
            .map(|i| doc(&format!("d{i:02}"), 100))
            .collect();
        write(out.path(), &docs);
        // Each run re-writes one document: one more pack each time, each mostly live.
        for d in docs.iter().take(MAX_PACKS) {
            write(out.path(), std::slice::from_ref(d));
            assert!(packs(out.path()).len() <= MAX_PACKS);
        }
        let mut cache = Cache::open(out.path());
        for d in &docs {
            assert_eq!(&cache.load(&d.doc.meta.id).unwrap(), d);
        }
    }

    #[test]
    fn a_record_that_does_not_match_its_catalog_entry_is_refused() {
        let out = tempfile::tempdir().unwrap();
        write(out.path(), &[doc("a", 3000)]);
        let pack = dir(out.path()).join("pack-000001.bin");
        let mut bytes = fs::read(&pack).unwrap();
        let last = bytes.len() - 10;
        bytes[last] ^= 1;
        fs::write(&pack, &bytes).unwrap();
        let err = Cache::open(out.path()).load("a").unwrap_err();
        assert!(
            format!("{err:#}").contains("rerun `mine index --force`"),
            "{err:#}"
        );
        fs::write(&pack, &bytes[..100]).unwrap();
        assert!(Cache::open(out.path()).load("a").is_err());
    }
}
