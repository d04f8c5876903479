//! `mine index` end to end on the shipped corpus and on copies of it in temporary folders: the
//! summary, clean and whole sentences in `passages.csv`, a period with its source and evidence for
//! every sentence, metadata columns carried through, incremental reruns, rebuilds after a
//! configuration change, and the exit status when nothing can be read.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use tempfile::TempDir;

fn mine(args: &[&str], extra: &[&Path]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mine"))
        .args(args)
        .args(extra)
        .output()
        .expect("run mine")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A copy of the shipped corpus (texts and metadata.csv) in a temporary folder.
fn corpus_copy(tmp: &Path) -> PathBuf {
    let corpus = tmp.join("corpus");
    fs::create_dir_all(&corpus).expect("corpus folder");
    for entry in fs::read_dir("corpus").expect("shipped corpus") {
        let path = entry.expect("entry").path();
        let name = path.file_name().expect("file name").to_owned();
        if name != "README.md" {
            fs::copy(&path, corpus.join(name)).expect("copy");
        }
    }
    corpus
}

/// A copy of the shipped corpus indexed into `out` beside it; the folder lives as long as the
/// `TempDir`.
fn indexed_copy() -> (TempDir, PathBuf, PathBuf) {
    let tmp = TempDir::new().expect("temp dir");
    let corpus = corpus_copy(tmp.path());
    let out = tmp.path().join("out");
    index(&corpus, &out);
    (tmp, corpus, out)
}

fn index(corpus: &Path, out: &Path) -> Output {
    let o = Command::new(env!("CARGO_BIN_EXE_mine"))
        .arg("index")
        .arg(corpus)
        .arg("--out")
        .arg(out)
        .output()
        .expect("run mine index");
    assert!(o.status.success(), "mine index failed: {}", stderr(&o));
    o
}

/// passages.csv as one map per row.
fn passages(out: &Path) -> Vec<BTreeMap<String, String>> {
    let mut reader = csv::Reader::from_path(out.join("passages.csv")).expect("passages.csv");
    let header = reader.headers().expect("header").clone();
    reader
        .records()
        .map(|r| {
            let r = r.expect("record");
            header
                .iter()
                .zip(r.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

fn manifest(out: &Path) -> serde_json::Value {
    serde_json::from_str(&fs::read_to_string(out.join("manifest.json")).expect("manifest"))
        .expect("manifest JSON")
}

#[test]
fn the_shipped_corpus_gives_clean_whole_attributed_sentences() {
    let tmp = TempDir::new().expect("temp dir");
    let out = tmp.path().join("out");
    let run = index(Path::new("corpus"), &out);
    let summary = stdout(&run);
    assert!(summary.contains("indexed 5 document(s)"), "{summary}");
    assert!(summary.contains("sentences per zone:"), "{summary}");
    assert!(summary.contains("body "), "{summary}");

    let rows = passages(&out);
    let docs: std::collections::BTreeSet<&str> = rows.iter().map(|r| r["doc"].as_str()).collect();
    assert_eq!(
        docs.into_iter().collect::<Vec<_>>(),
        [
            "dong_2023",
            "li_tan_2025",
            "peng_2023",
            "yao_zhou_2023",
            "zhao_wang_2025"
        ]
    );
    let body: Vec<&BTreeMap<String, String>> =
        rows.iter().filter(|r| r["zone"] == "body").collect();
    assert!(body.len() > 800, "{} body sentences", body.len());
    for r in &body {
        let text = &r["text"];
        for remnant in ["<sup>", "</sup>", "^①", "^{", "**", "\\$"] {
            assert!(
                !text.contains(remnant),
                "{remnant} in {}/{}: {text}",
                r["doc"],
                r["sentence_id"]
            );
        }
    }
    // The page break and the footnote block of the seeds no longer cut these sentences.
    for whole in ["美日韩三边安全合作的重要性", "最重要的两个盟友，日本与韩国"]
    {
        assert!(
            body.iter().any(|r| r["text"].contains(whole)),
            "no body sentence holds {whole}"
        );
    }
    // Every sentence has a period and a source; evidence exactly when there is a source.
    for r in &rows {
        assert!(!r["period"].is_empty());
        let none = r["period_source"] == "none";
        assert_eq!(none, r["period_evidence"].is_empty(), "{r:?}");
        assert_eq!(none, r["period"] == "unattributed", "{r:?}");
    }
    // The examples, in the rows a researcher reads.
    let find = |needle: &str| {
        rows.iter()
            .find(|r| r["doc"] == "li_tan_2025" && r["text"].contains(needle))
            .unwrap_or_else(|| panic!("no sentence with {needle}"))
    };
    let r = find("首先,拜登政府同步加强对日韩的防卫承诺");
    assert_eq!(
        (r["period"].as_str(), r["period_source"].as_str()),
        ("biden", "sentence")
    );
    assert_eq!(r["n_assurance_commitment_plain"], "1");
    let r = find("早在第一任期,特朗普就要求盟友承担更大责任");
    assert_eq!(r["period"], "trump1");
    let r = find("并没有同步提升安全保证");
    assert_eq!(r["n_assurance_commitment_negated"], "1", "{r:?}");
    // Metadata columns, the extra one included, are carried into every row.
    let r = find("首先,拜登政府");
    assert_eq!(r["title"], "时间框架与美日韩安全合作的升级");
    assert_eq!(r["authors"], "李宏洲;谭政");
    assert_eq!(r["language"], "zh");

    let m = manifest(&out);
    assert_eq!(m["index_mode"], "full");
    assert_eq!(m["inputs"].as_array().expect("inputs").len(), 5);
    assert_eq!(m["segmenter"]["hmm"], false);
    assert!(m["config_files"].as_array().expect("config files").len() >= 5);
}

#[test]
fn a_rerun_reprocesses_only_the_changed_file_and_a_config_change_rebuilds_all() {
    let (_tmp, corpus, out) = indexed_copy();
    let before = passages(&out);

    // Unchanged: nothing re-processed, identical output.
    let run = index(&corpus, &out);
    assert!(stdout(&run).contains("0 re-processed"), "{}", stdout(&run));
    assert_eq!(manifest(&out)["index_mode"], "incremental");
    assert_eq!(passages(&out), before);

    // The same lexicon folder named by an absolute path is the same configuration.
    let lexicons = fs::canonicalize("lexicons").expect("lexicons");
    let run = mine(
        &["index"],
        &[
            &corpus,
            Path::new("--out"),
            &out,
            Path::new("--lexicons"),
            &lexicons,
        ],
    );
    assert!(run.status.success(), "{}", stderr(&run));
    assert!(stdout(&run).contains("0 re-processed"), "{}", stdout(&run));
    assert_eq!(manifest(&out)["index_mode"], "incremental");

    // One paragraph appended to one paper: only that document changes.
    let file = corpus.join("dong_2023_alliance_strengthening.txt");
    let mut text = fs::read_to_string(&file).expect("read");
    text.push_str("\n\n2024年，拜登政府再次重申对日本的防卫承诺坚如磐石。\n");
    fs::write(&file, text).expect("write");
    index(&corpus, &out);
    let m = manifest(&out);
    assert_eq!(m["index_mode"], "incremental");
    assert_eq!(m["reprocessed"], serde_json::json!(["dong_2023"]));
    let after = passages(&out);
    let others = |rows: &[BTreeMap<String, String>]| -> Vec<BTreeMap<String, String>> {
        rows.iter()
            .filter(|r| r["doc"] != "dong_2023")
            .cloned()
            .collect()
    };
    assert_eq!(others(&after), others(&before));
    assert!(after.iter().any(|r| r["doc"] == "dong_2023"
        && r["text"] == "2024年，拜登政府再次重申对日本的防卫承诺坚如磐石。"
        && r["period"] == "biden"));
    let search = mine(&["search", "再次重申", "--format", "csv", "--out"], &[&out]);
    assert_eq!(search.status.code(), Some(0), "{}", stderr(&search));
    assert!(stdout(&search).contains("dong_2023"));

    // A deleted file leaves the index and the CSVs.
    fs::remove_file(corpus.join("peng_2023_cost_sharing.txt")).expect("remove");
    index(&corpus, &out);
    assert!(passages(&out).iter().all(|r| r["doc"] != "peng_2023"));
    let search = mine(&["search", "*", "--doc", "peng_2023", "--out"], &[&out]);
    assert_eq!(
        search.status.code(),
        Some(1),
        "the deleted paper is gone from the index"
    );

    // metadata.csv is configuration: a change to it rebuilds everything.
    let meta = corpus.join("metadata.csv");
    let edited = fs::read_to_string(&meta)
        .expect("metadata")
        .replace(",zh\n", ",zh-CN\n");
    fs::write(&meta, edited).expect("write metadata");
    index(&corpus, &out);
    let m = manifest(&out);
    assert_eq!(m["index_mode"], "full");
    assert_eq!(reprocessed(&out).len(), 4);
}

#[test]
fn a_folder_with_nothing_readable_is_an_error_naming_the_skipped_files() {
    let tmp = TempDir::new().expect("temp dir");
    let corpus = tmp.path().join("corpus");
    fs::create_dir_all(&corpus).expect("corpus");
    fs::copy("tests/data/broken/fake_pdf.txt", corpus.join("scan.txt")).expect("copy");
    fs::copy("tests/data/broken/empty.txt", corpus.join("empty.txt")).expect("copy");
    let out = tmp.path().join("out");
    let run = mine(&["index"], &[&corpus, Path::new("--out"), &out]);
    assert_eq!(run.status.code(), Some(2));
    assert!(
        stderr(&run).contains("no document could be read"),
        "{}",
        stderr(&run)
    );
    assert!(
        stdout(&run).contains("scan.txt: binary file (PDF)"),
        "{}",
        stdout(&run)
    );
    assert!(
        stdout(&run).contains("empty.txt: empty file"),
        "{}",
        stdout(&run)
    );
}

#[test]
fn skipped_files_are_listed_and_strict_makes_them_an_error() {
    let tmp = TempDir::new().expect("temp dir");
    let corpus = tmp.path().join("corpus");
    fs::create_dir_all(&corpus).expect("corpus");
    for name in [
        "passage.utf8.txt",
        "passage.gbk.txt",
        "passage.utf16le-bom.txt",
    ] {
        fs::copy(
            Path::new("tests/data/encodings").join(name),
            corpus.join(name),
        )
        .expect("copy");
    }
    fs::copy("tests/data/broken/binary.txt", corpus.join("binary.txt")).expect("copy");
    let out = tmp.path().join("out");
    let run = mine(&["index"], &[&corpus, Path::new("--out"), &out]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    assert!(
        stdout(&run).contains("indexed 3 document(s)"),
        "{}",
        stdout(&run)
    );
    assert!(
        stdout(&run).contains("skipped 1 file(s)"),
        "{}",
        stdout(&run)
    );
    let m = manifest(&out);
    assert_eq!(m["skipped"][0]["file"], "binary.txt");
    let encodings: Vec<&str> = m["inputs"]
        .as_array()
        .expect("inputs")
        .iter()
        .map(|i| i["encoding"].as_str().expect("encoding"))
        .collect();
    assert_eq!(encodings, ["GB18030", "UTF-16LE", "UTF-8"]);
    // The three encodings of one passage give the same sentences.
    let rows = passages(&out);
    let text_of = |doc: &str| -> Vec<String> {
        rows.iter()
            .filter(|r| r["doc"] == doc)
            .map(|r| r["text"].clone())
            .collect()
    };
    assert_eq!(text_of("passage_gbk"), text_of("passage_utf8"));
    assert_eq!(text_of("passage_utf16le_bom"), text_of("passage_utf8"));

    let strict = mine(&["index", "--strict"], &[&corpus, Path::new("--out"), &out]);
    assert_eq!(strict.status.code(), Some(2));
}

#[test]
fn overrides_correct_a_period_and_a_bad_row_stops_the_run_naming_it() {
    let tmp = TempDir::new().expect("temp dir");
    let corpus = corpus_copy(tmp.path());
    let out = tmp.path().join("out");
    let overrides = corpus.join("overrides.csv");
    fs::write(
        &overrides,
        "doc,sentence,period,note\n\
         li_tan_2025,首先,拜登政府同步加强对日韩的防卫承诺,trump1,a deliberate test correction\n",
    )
    .expect("write overrides");
    // A snippet with a comma must be quoted: the row above has five fields.
    let run = mine(&["index"], &[&corpus, Path::new("--out"), &out]);
    assert_eq!(run.status.code(), Some(2));
    assert!(stderr(&run).contains("overrides.csv:2"), "{}", stderr(&run));

    fs::write(
        &overrides,
        "doc,sentence,period,note\n\
         li_tan_2025,\"首先,拜登政府同步加强对日韩的防卫承诺\",trump1,a deliberate test correction\n",
    )
    .expect("write overrides");
    index(&corpus, &out);
    let rows = passages(&out);
    let r = rows
        .iter()
        .find(|r| r["text"].contains("首先,拜登政府同步加强对日韩的防卫承诺"))
        .expect("the sentence");
    assert_eq!(
        (r["period"].as_str(), r["period_source"].as_str()),
        ("trump1", "manual")
    );

    // A snippet that matches no sentence is an error naming the row; the previous outputs stay.
    fs::write(
        &overrides,
        "doc,sentence,period,note\nli_tan_2025,这句话不在文中,biden,\n",
    )
    .expect("write overrides");
    let run = mine(&["index"], &[&corpus, Path::new("--out"), &out]);
    assert_eq!(run.status.code(), Some(2));
    assert!(stderr(&run).contains("overrides.csv:2"), "{}", stderr(&run));
    assert_eq!(passages(&out), rows);

    // A row naming a document the corpus does not have stops the run before any work.
    fs::write(
        &overrides,
        "doc,sentence,period,note\nno_such_doc,3,biden,\n",
    )
    .expect("write overrides");
    let run = mine(&["index"], &[&corpus, Path::new("--out"), &out]);
    assert_eq!(run.status.code(), Some(2));
    assert!(stderr(&run).contains("no_such_doc"), "{}", stderr(&run));
}

#[test]
fn export_rewrites_the_csvs_from_the_cache_and_refuses_changed_lexicons() {
    let tmp = TempDir::new().expect("temp dir");
    let lexicons = tmp.path().join("lexicons");
    fs::create_dir_all(&lexicons).expect("lexicon folder");
    for entry in fs::read_dir("lexicons").expect("shipped lexicons") {
        let path = entry.expect("entry").path();
        fs::copy(&path, lexicons.join(path.file_name().expect("name"))).expect("copy");
    }
    let out = tmp.path().join("out");
    let run = mine(
        &["index", "corpus", "--lexicons"],
        &[&lexicons, Path::new("--out"), &out],
    );
    assert!(run.status.success(), "{}", stderr(&run));
    let body_only = passages(&out);

    // Counting front matter too changes the frequency files, not passages.csv.
    let before = fs::read(out.join("period_categories.csv")).expect("csv");
    let export = mine(
        &["export", "--zones", "body,front", "--lexicons"],
        &[&lexicons, Path::new("--out"), &out],
    );
    assert!(export.status.success(), "{}", stderr(&export));
    assert_ne!(
        fs::read(out.join("period_categories.csv")).expect("csv"),
        before
    );
    assert_eq!(passages(&out), body_only);

    // A lexicon edited after indexing: the cache no longer matches it.
    let file = lexicons.join("threat_narrative.toml");
    let mut text = fs::read_to_string(&file).expect("read");
    text.push_str("\n# edited\n");
    fs::write(&file, text).expect("write");
    let export = mine(
        &["export", "--lexicons"],
        &[&lexicons, Path::new("--out"), &out],
    );
    assert_eq!(export.status.code(), Some(2));
    assert!(
        stderr(&export).contains("threat_narrative.toml changed since `mine index`"),
        "{}",
        stderr(&export)
    );
}

/// Every CSV of an output folder, by name.
fn csvs(out: &Path) -> BTreeMap<String, Vec<u8>> {
    fs::read_dir(out)
        .expect("output folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "csv"))
        .map(|p| {
            let name = p.file_name().expect("name").to_string_lossy().into_owned();
            (name, fs::read(&p).expect("csv"))
        })
        .collect()
}

fn assert_same_csvs(a: &Path, b: &Path, what: &str) {
    let (a, b) = (csvs(a), csvs(b));
    assert_eq!(a.len(), 6, "{:?}", a.keys());
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (name, bytes) in &a {
        assert!(b[name] == *bytes, "{name} differs: {what}");
    }
}

#[test]
fn a_rerun_after_a_change_writes_the_same_bytes_as_a_full_run_of_the_changed_corpus() {
    let (tmp, corpus, out) = indexed_copy();

    // One paper changed, one deleted: the rerun splices the three others from the cache.
    let file = corpus.join("dong_2023_alliance_strengthening.txt");
    let mut text = fs::read_to_string(&file).expect("read");
    text.push_str("\n\n2024年，拜登政府再次重申对日本的防卫承诺坚如磐石，延伸威慑不会动摇。\n");
    fs::write(&file, text).expect("write");
    fs::remove_file(corpus.join("peng_2023_cost_sharing.txt")).expect("remove");
    let rerun = index(&corpus, &out);
    assert!(
        stdout(&rerun).contains("1 re-processed"),
        "{}",
        stdout(&rerun)
    );

    let fresh = tmp.path().join("fresh");
    index(&corpus, &fresh);
    assert_same_csvs(&out, &fresh, "rerun vs. full run of the changed corpus");

    // `mine export` with the settings of the run gives the same bytes again, from the cache.
    let export = mine(&["export", "--out"], &[&out]);
    assert!(export.status.success(), "{}", stderr(&export));
    assert_same_csvs(&out, &fresh, "export vs. index");

    // Other settings: the rows come from the cached annotations, and agree with a full run
    // under those settings; the next rerun with them agrees too.
    let zones = ["--zones", "body,front", "--excel"];
    let export = mine(
        &["export", "--zones", "body,front", "--excel", "--out"],
        &[&out],
    );
    assert!(export.status.success(), "{}", stderr(&export));
    let fresh_zones = tmp.path().join("fresh-zones");
    let o = mine(&["index"], &[&corpus, Path::new("--out"), &fresh_zones])
        .status
        .success()
        .then_some(())
        .and_then(|()| {
            mine(
                &["export", "--zones", "body,front", "--excel", "--out"],
                &[&fresh_zones],
            )
            .status
            .success()
            .then_some(())
        });
    assert!(o.is_some());
    assert_same_csvs(&out, &fresh_zones, "export --zones vs. export --zones");
    let mut args: Vec<&Path> = vec![&corpus, Path::new("--out"), &out];
    args.extend(zones.iter().map(Path::new));
    let rerun = mine(&["index"], &args);
    assert!(rerun.status.success(), "{}", stderr(&rerun));
    assert!(
        stdout(&rerun).contains("0 re-processed"),
        "{}",
        stdout(&rerun)
    );
    assert_same_csvs(&out, &fresh_zones, "rerun --zones vs. export --zones");
}

fn reprocessed(out: &Path) -> Vec<String> {
    manifest(out)["reprocessed"]
        .as_array()
        .expect("list")
        .iter()
        .map(|r| r.as_str().expect("id").to_string())
        .collect()
}

fn cache_files(out: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(out.join("cache"))
        .expect("cache")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn a_broken_or_foreign_cache_is_reprocessed_never_misread() {
    let (_tmp, corpus, out) = indexed_copy();
    let before = csvs(&out);
    let cache = out.join("cache");
    assert_eq!(cache_files(&out), ["catalog.bin", "pack-000001.bin"]);

    // The pack cut short: the documents whose records lay in the lost half are re-processed, the
    // others are not. What a killed run or an older mine left (a pack the catalog does not name,
    // one file per document) is removed.
    let pack = cache.join("pack-000001.bin");
    let bytes = fs::read(&pack).expect("pack");
    fs::write(&pack, &bytes[..bytes.len() / 2]).expect("cut");
    for stale in ["pack-000099.bin", "li_2024.bin", "li_2024.json"] {
        fs::write(cache.join(stale), "{}").expect("stale file");
    }
    index(&corpus, &out);
    let cut = reprocessed(&out);
    assert!(!cut.is_empty() && cut.len() < 5, "{cut:?}");
    assert_eq!(csvs(&out), before);
    let files = cache_files(&out);
    assert!(
        files
            .iter()
            .all(|f| f == "catalog.bin" || (f.starts_with("pack-") && f != "pack-000099.bin")),
        "{files:?}"
    );

    // Bytes flipped across every pack: every damaged record is re-processed.
    for name in cache_files(&out).iter().filter(|f| f.starts_with("pack-")) {
        let path = cache.join(name);
        let mut bytes = fs::read(&path).expect("pack");
        for i in (40..bytes.len()).step_by(997) {
            bytes[i] ^= 0x55;
        }
        fs::write(&path, bytes).expect("flip");
    }
    index(&corpus, &out);
    assert_eq!(reprocessed(&out).len(), 5);
    assert_eq!(csvs(&out), before);

    // A broken catalog reads as an empty cache.
    fs::write(cache.join("catalog.bin"), "garbage").expect("garbage");
    index(&corpus, &out);
    assert_eq!(reprocessed(&out).len(), 5);
    assert_eq!(csvs(&out), before);

    let again = index(&corpus, &out);
    assert!(
        stdout(&again).contains("0 re-processed"),
        "{}",
        stdout(&again)
    );
    assert_eq!(csvs(&out), before);
    // `mine export` reads the same cache.
    let export = mine(&["export", "--out"], &[&out]);
    assert!(export.status.success(), "{}", stderr(&export));
    assert_eq!(csvs(&out), before);
}

#[test]
fn reruns_that_change_a_file_each_keep_the_cache_compact() {
    let (_tmp, corpus, out) = indexed_copy();
    let size = |out: &Path| -> u64 {
        fs::read_dir(out.join("cache"))
            .expect("cache")
            .map(|e| e.expect("entry").metadata().expect("metadata").len())
            .sum()
    };
    let first = size(&out);
    let paper = fs::read_dir(&corpus)
        .expect("corpus")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .max_by_key(|p| fs::metadata(p).expect("metadata").len())
        .expect("a paper");
    let original = fs::read_to_string(&paper).expect("paper");
    // The largest paper changed again and again: each run appends its new record to a new pack
    // and leaves the old one dead; the dead records never outgrow the live ones for long.
    for i in 0..6 {
        fs::write(&paper, format!("{original}\n第{i}次修订。\n")).expect("edit");
        let o = index(&corpus, &out);
        assert!(stdout(&o).contains("1 re-processed"), "{}", stdout(&o));
        let packs = cache_files(&out)
            .iter()
            .filter(|f| f.starts_with("pack-"))
            .count();
        assert!(packs <= 2, "run {i}: {:?}", cache_files(&out));
        assert!(
            size(&out) < first * 2 + 4096,
            "run {i}: {} against {first}",
            size(&out)
        );
    }
    // And what is left reads back: the export gives the run's CSVs again.
    let indexed = csvs(&out);
    let export = mine(&["export", "--out"], &[&out]);
    assert!(export.status.success(), "{}", stderr(&export));
    assert_eq!(csvs(&out), indexed);
}
