//! The real `mine` binary against what researchers actually do to it, in temporary folders:
//! a hostile corpus, runs killed half-way (SIGKILL and SIGINT), two runs on one output folder and
//! a search during a run, broken configuration files, output folders that are not ours, Excel
//! formula injection, and byte-identical CSVs across runs and thread counts.
//!
//! Every assertion is on an outcome (exit status, messages, `manifest.json`, CSV bytes, search
//! results), never on timing: where a test kills a run "at some point", the invariant it checks
//! must hold wherever the kill lands.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn mine() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_mine"));
    cmd.stdin(Stdio::null());
    cmd
}

/// `mine index CORPUS --out OUT --lexicons LEXICONS ...`
fn index_cmd(corpus: &Path, out: &Path, lexicons: &Path, extra: &[&str]) -> Command {
    let mut cmd = mine();
    cmd.arg("index")
        .arg(corpus)
        .arg("--out")
        .arg(out)
        .arg("--lexicons")
        .arg(lexicons)
        .args(extra);
    cmd
}

fn index(corpus: &Path, out: &Path, extra: &[&str]) -> Output {
    index_cmd(corpus, out, &root().join("lexicons"), extra)
        .output()
        .expect("mine runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[track_caller]
fn assert_status(o: &Output, code: i32) {
    assert_eq!(
        o.status.code(),
        Some(code),
        "stdout:\n{}\nstderr:\n{}",
        stdout(o),
        stderr(o)
    );
}

const SEEDS: [&str; 5] = [
    "dong_2023_alliance_strengthening.txt",
    "li_tan_2025_time_frame.txt",
    "peng_2023_cost_sharing.txt",
    "yao_zhou_2023_trilateral_mechanism.txt",
    "zhao_wang_2025_trump_second_term.txt",
];

/// A corpus folder with the first `n` seed papers and the shipped metadata.
fn seed_corpus(dir: &Path, n: usize) -> PathBuf {
    let corpus = dir.join("corpus");
    fs::create_dir_all(&corpus).unwrap();
    for name in &SEEDS[..n] {
        fs::copy(root().join("corpus").join(name), corpus.join(name)).unwrap();
    }
    corpus
}

/// Every CSV of an output folder by name, with its bytes.
fn csvs(out: &Path) -> BTreeMap<String, Vec<u8>> {
    fs::read_dir(out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "csv"))
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, fs::read(&p).unwrap())
        })
        .collect()
}

/// Every file under `dir` (recursively) with its bytes: to show a folder was not touched.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            let meta = fs::symlink_metadata(&path).unwrap();
            if meta.is_dir() {
                stack.push(path);
            } else if meta.is_file() {
                files.insert(path.clone(), fs::read(&path).unwrap_or_default());
            }
        }
    }
    files
}

fn manifest(out: &Path) -> Value {
    serde_json::from_slice(&fs::read(out.join("manifest.json")).unwrap()).unwrap()
}

fn search_count(out: &Path, query: &str) -> Output {
    mine()
        .args(["search", query, "--count", "--out"])
        .arg(out)
        .arg("--lexicons")
        .arg(root().join("lexicons"))
        .output()
        .expect("mine search runs")
}

// ---------------------------------------------------------------------------------------------
// Hostile corpus

fn is_root() -> bool {
    // Running as root, permissions do not stop reading: detect it by trying.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("probe");
    fs::write(&path, "x").unwrap();
    set_mode(&path, 0o000);
    let readable = fs::read(&path).is_ok();
    set_mode(&path, 0o644);
    readable
}

fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
}

#[test]
fn hostile_corpus_good_files_are_indexed_and_bad_ones_skipped_with_their_reason() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = seed_corpus(tmp.path(), 1);
    let data = root().join("tests/data");
    let put = |name: &str, bytes: &[u8]| fs::write(corpus.join(name), bytes).unwrap();
    let copy = |from: &str, name: &str| fs::copy(data.join(from), corpus.join(name)).unwrap();

    // Files that must be skipped, with the start of their reason.
    put("empty.txt", b"");
    copy("broken/binary.txt", "binary.txt");
    put(
        "scan.pdf.txt",
        b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n",
    );
    copy("broken/invalid_utf8.txt", "invalid_utf8.txt");
    put(
        "markup_only.txt",
        b"<html><body><p></p><br/><div>&nbsp;</div></body></html>\n<!-- -->\n",
    );
    std::os::unix::fs::symlink(&corpus, corpus.join("loop")).unwrap();
    // Files that must be indexed.
    copy("encodings/passage.gbk.txt", "gb18030.txt");
    copy("encodings/passage.utf16le-bom.txt", "utf16.txt");
    put(
        "footnotes.txt",
        format!(
            "美日同盟的延伸威慑承诺{}并非威胁。\n\n注释\n{}\n",
            "①②③④⑤⑥⑦⑧⑨⑩[1][2]".repeat(2000),
            "① 同上。".repeat(500)
        )
        .as_bytes(),
    );
    put(
        "美日 同盟 2023 paper.txt",
        "美日同盟的延伸威慑承诺是坚如磐石的。".as_bytes(),
    );
    // A single 20 MB line, generated here rather than committed: a base64 blob as scraped pages
    // leave them. (A 20 MB line of prose is indexed too, just slowly in the dev profile; see
    // docs/hardening.md.)
    let blob: String = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA"
        .repeat(20 * 1024 * 1024 / 72);
    put(
        "long_line.txt",
        format!("data:image/png;base64,{blob}").as_bytes(),
    );
    // An unreadable file: skipped with its reason, unless we run as root, where permissions do
    // not stop reading and the file is indexed like any other.
    put("locked.txt", "美日同盟。".as_bytes());
    set_mode(&corpus.join("locked.txt"), 0o000);
    let root_user = is_root();
    if root_user {
        eprintln!("running as root: chmod 000 does not make locked.txt unreadable; not checked");
    }

    let out = tmp.path().join("out");
    let o = index(&corpus, &out, &[]);
    set_mode(&corpus.join("locked.txt"), 0o644);
    assert_status(&o, 0);

    let mut expected_skips = vec![
        ("binary.txt", "binary file (PNG image)"),
        ("empty.txt", "empty file"),
        (
            "invalid_utf8.txt",
            "not decodable as UTF-8, UTF-16, GB18030 or Big5",
        ),
        ("loop/", "symbolic link to a folder already visited"),
        ("markup_only.txt", "no text left after parsing"),
        ("scan.pdf.txt", "binary file (PDF)"),
    ];
    let mut expected_inputs = vec![
        SEEDS[0],
        "footnotes.txt",
        "gb18030.txt",
        "long_line.txt",
        "utf16.txt",
        "美日 同盟 2023 paper.txt",
    ];
    if root_user {
        expected_inputs.push("locked.txt");
    } else {
        expected_skips.push(("locked.txt", "cannot read"));
    }
    expected_skips.sort();
    expected_inputs.sort();

    let m = manifest(&out);
    let inputs: Vec<&str> = m["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["file"].as_str().unwrap())
        .collect();
    assert_eq!(inputs, expected_inputs);
    let encoding_of = |file: &str| {
        m["inputs"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["file"] == file)
            .map(|i| i["encoding"].as_str().unwrap().to_string())
            .unwrap()
    };
    assert_eq!(encoding_of("gb18030.txt"), "GB18030");
    assert_eq!(encoding_of("utf16.txt"), "UTF-16LE");

    let skipped: Vec<(&str, &str)> = m["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["file"].as_str().unwrap(), s["reason"].as_str().unwrap()))
        .collect();
    assert_eq!(skipped.len(), expected_skips.len(), "{skipped:?}");
    for ((file, reason), (want_file, want_reason)) in skipped.iter().zip(&expected_skips) {
        assert_eq!(file, want_file, "{skipped:?}");
        assert!(reason.starts_with(want_reason), "{file}: {reason}");
    }
    // The summary lists the same skips.
    let summary = stdout(&o);
    assert!(
        summary.contains(&format!("skipped {} file(s):", expected_skips.len())),
        "{summary}"
    );
    for (file, reason) in &skipped {
        assert!(
            summary.contains(&format!("  {file}: {reason}")),
            "{summary}"
        );
    }
    // The good files are searchable, the one with a CJK name with spaces too.
    let found = mine()
        .args(["search", "坚如磐石", "--format", "csv", "--out"])
        .arg(&out)
        .arg("--lexicons")
        .arg(root().join("lexicons"))
        .output()
        .unwrap();
    assert_status(&found, 0);
    assert!(stdout(&found).contains("坚如磐石"), "{}", stdout(&found));
}

#[test]
fn strict_exits_2_when_a_file_was_skipped_and_still_writes_the_outputs() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = seed_corpus(tmp.path(), 1);
    fs::write(corpus.join("empty.txt"), b"").unwrap();
    let out = tmp.path().join("out");
    let o = index(&corpus, &out, &["--strict"]);
    assert_status(&o, 2);
    assert!(
        stdout(&o).contains("  empty.txt: empty file"),
        "{}",
        stdout(&o)
    );
    assert_eq!(manifest(&out)["skipped"][0]["file"], "empty.txt");
    // Without --strict the same corpus is a success.
    assert_status(&index(&corpus, &out, &[]), 0);
}

#[test]
fn a_corpus_with_nothing_readable_exits_2_naming_every_skip() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = tmp.path().join("corpus");
    fs::create_dir_all(&corpus).unwrap();
    fs::write(corpus.join("empty.txt"), b"").unwrap();
    fs::copy(
        root().join("tests/data/broken/fake_pdf.txt"),
        corpus.join("fake.txt"),
    )
    .unwrap();
    let o = index(&corpus, &tmp.path().join("out"), &[]);
    assert_status(&o, 2);
    assert!(
        stderr(&o).contains("no document could be read") && stderr(&o).contains("2 skipped"),
        "{}",
        stderr(&o)
    );
    assert!(
        stdout(&o).contains("  empty.txt: empty file"),
        "{}",
        stdout(&o)
    );
    assert!(stdout(&o).contains("  fake.txt: binary file (PDF)"));
}

// ---------------------------------------------------------------------------------------------
// Interruption, concurrency, locks

/// Polls until `done` holds or `limit` passes (then the caller goes on; nothing is asserted on
/// time).
fn wait_for(limit: Duration, mut done: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    while start.elapsed() < limit {
        if done() {
            return true;
        }
        sleep(Duration::from_millis(2));
    }
    false
}

fn signal(child: &Child, name: &str) {
    let status = Command::new("kill")
        .args([&format!("-{name}"), &child.id().to_string()])
        .status()
        .expect("kill runs");
    // The child may have finished already; that is one of the outcomes the test accepts.
    let _ = status;
}

fn has_temp_file(out: &Path) -> bool {
    [out.to_path_buf(), out.join("cache")].iter().any(|dir| {
        fs::read_dir(dir).is_ok_and(|entries| {
            entries
                .flatten()
                .any(|e| e.file_name().to_string_lossy().starts_with(".tmp-"))
        })
    })
}

/// Whether a run has started its own cache pack beside the previous run's.
fn has_new_pack(out: &Path) -> bool {
    fs::read_dir(out.join("cache")).is_ok_and(|entries| {
        entries
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().starts_with("pack-"))
            .count()
            > 1
    })
}

#[test]
fn killed_runs_leave_the_previous_index_and_csvs_intact_and_the_next_run_completes() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = seed_corpus(tmp.path(), 4);
    let out = tmp.path().join("out");
    assert_status(&index(&corpus, &out, &[]), 0);
    let before = csvs(&out);
    let before_count = stdout(&search_count(&out, "威慑"));
    assert!(!before_count.trim().is_empty());

    // The corpus changes: the next run has different results, which a kill must not half-write.
    fs::copy(root().join("corpus").join(SEEDS[4]), corpus.join(SEEDS[4])).unwrap();
    let reference = tmp.path().join("reference");
    assert_status(&index(&corpus, &reference, &[]), 0);
    let after = csvs(&reference);
    assert_ne!(before, after);

    // Kill points: during start-up, during annotation, as soon as a temporary file (an export or
    // the cache catalog) exists, as soon as the run's cache pack exists, and (SIGINT) a little
    // later.
    type KillPoint = (&'static str, Box<dyn Fn(&Path)>);
    let points: Vec<KillPoint> = vec![
        ("KILL", Box::new(|_| sleep(Duration::from_millis(50)))),
        ("KILL", Box::new(|_| sleep(Duration::from_millis(700)))),
        (
            "KILL",
            Box::new(|out| {
                wait_for(Duration::from_secs(20), || has_temp_file(out));
            }),
        ),
        (
            "KILL",
            Box::new(|out| {
                wait_for(Duration::from_secs(20), || has_new_pack(out));
            }),
        ),
        ("INT", Box::new(|_| sleep(Duration::from_millis(400)))),
        (
            "INT",
            Box::new(|out| {
                wait_for(Duration::from_secs(20), || has_temp_file(out));
            }),
        ),
    ];
    for (i, (sig, when)) in points.iter().enumerate() {
        // --force: every run re-does all the work, so every kill point lands inside real work.
        let mut child = index_cmd(&corpus, &out, &root().join("lexicons"), &["--force"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        when(&out);
        signal(&child, sig);
        let status = child.wait().unwrap();
        // Each CSV is whole: either the previous run's or the finished new one's, never a part.
        let now = csvs(&out);
        assert_eq!(
            now.keys().collect::<Vec<_>>(),
            before.keys().collect::<Vec<_>>(),
            "kill point {i}"
        );
        for (name, bytes) in &now {
            assert!(
                *bytes == before[name] || *bytes == after[name],
                "kill point {i} ({sig}, {status}): {name} is neither the old nor the new file"
            );
        }
        // The index still opens and answers.
        let count = search_count(&out, "威慑");
        assert_status(&count, 0);
        if !status.success() {
            eprintln!("kill point {i}: killed ({status})");
        }
    }

    // The next run recovers (stale temporary files removed, stale lock ignored) and completes.
    assert!(out.join(".mine.lock").exists());
    let o = index(&corpus, &out, &[]);
    assert_status(&o, 0);
    assert_eq!(csvs(&out), after);
    assert!(!has_temp_file(&out));
    assert_ne!(stdout(&search_count(&out, "威慑")), before_count);
}

#[test]
fn a_second_run_on_the_same_output_is_refused_and_search_works_during_a_run() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = seed_corpus(tmp.path(), 5);
    // A long paper so that the first run is surely still working when the second starts.
    let paper = fs::read_to_string(root().join("corpus").join(SEEDS[1])).unwrap();
    fs::write(corpus.join("long_2024_paper.txt"), paper.repeat(6)).unwrap();
    let out = tmp.path().join("out");
    assert_status(&index(&corpus, &out, &[]), 0);
    let before = csvs(&out);

    let mut first = index_cmd(&corpus, &out, &root().join("lexicons"), &["--force"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = format!("mine index, pid {}", first.id());
    let locked = wait_for(Duration::from_secs(30), || {
        fs::read_to_string(out.join(".mine.lock")).is_ok_and(|s| s == pid)
    });
    assert!(locked, "the first run never took the lock");

    let second = index(&corpus, &out, &[]);
    let search = search_count(&out, "威慑");
    let export = mine()
        .args(["export", "--out"])
        .arg(&out)
        .arg("--lexicons")
        .arg(root().join("lexicons"))
        .output()
        .unwrap();
    let report = mine().args(["report", "--out"]).arg(&out).output().unwrap();
    let first_running = first.try_wait().unwrap().is_none();
    let first_status = first.wait().unwrap();
    assert!(first_status.success());
    if first_running {
        assert_status(&second, 2);
        assert!(
            stderr(&second).contains("another `mine` command is writing to")
                && stderr(&second).contains(&format!("({pid})")),
            "{}",
            stderr(&second)
        );
        // Export and report rewrite files in the folder too: they wait their turn as well.
        for other in [&export, &report] {
            assert_status(other, 2);
            assert!(
                stderr(other).contains("another `mine` command is writing to")
                    && stderr(other).contains("(mine index, pid"),
                "{}",
                stderr(other)
            );
        }
    } else {
        eprintln!("the first run ended before the second was refused; lock message not checked");
    }
    assert_status(&search, 0);
    assert!(stdout(&search).contains("total"), "{}", stdout(&search));
    // Nothing corrupted: the same corpus gives the same CSVs.
    assert_eq!(csvs(&out), before);
}

#[test]
fn a_stale_lock_file_from_a_killed_run_is_recovered() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = seed_corpus(tmp.path(), 1);
    let out = tmp.path().join("out");
    fs::create_dir_all(&out).unwrap();
    // What a killed run leaves: the lock file with a dead pid and a half-written export.
    fs::write(out.join(".mine.lock"), "pid 4194303").unwrap();
    fs::write(out.join(".tmp-passages.csv-abc123"), "doc,sent").unwrap();
    let o = index(&corpus, &out, &[]);
    assert_status(&o, 0);
    assert!(!out.join(".tmp-passages.csv-abc123").exists());
    assert!(out.join("passages.csv").exists());
}

// ---------------------------------------------------------------------------------------------
// Configuration errors

/// A copy of the shipped lexicon folder in which `file` has `from` replaced by `to`.
fn broken_lexicons(dir: &Path, file: &str, from: &str, to: &str) -> PathBuf {
    let lexicons = dir.join("lexicons");
    fs::create_dir_all(&lexicons).unwrap();
    for entry in fs::read_dir(root().join("lexicons")).unwrap() {
        let path = entry.unwrap().path();
        fs::copy(&path, lexicons.join(path.file_name().unwrap())).unwrap();
    }
    let path = lexicons.join(file);
    let text = fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{file} has no {from:?}");
    fs::write(&path, text.replacen(from, to, 1)).unwrap();
    lexicons
}

/// 1-based line of the first occurrence of `needle` in `text`.
fn line_of(text: &str, needle: &str) -> usize {
    text[..text.find(needle).unwrap()].matches('\n').count() + 1
}

/// Runs `mine index` with a broken configuration; checks it fails with `expected` in the message
/// and that it did no work: the output folder was not even created, the corpus not touched.
#[track_caller]
fn assert_config_error(corpus: &Path, lexicons: &Path, expected: &[&str]) -> String {
    let out = corpus.parent().unwrap().join("out-never-created");
    let corpus_before = snapshot(corpus);
    let o = index_cmd(corpus, &out, lexicons, &[]).output().unwrap();
    assert_status(&o, 2);
    let message = stderr(&o);
    for part in expected {
        assert!(message.contains(part), "expected {part:?} in:\n{message}");
    }
    assert!(!out.exists(), "the output folder was created:\n{message}");
    assert_eq!(snapshot(corpus), corpus_before);
    message
}

#[test]
fn a_toml_syntax_error_in_a_category_file_names_file_line_and_column() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = seed_corpus(tmp.path(), 1);
    let text = fs::read_to_string(root().join("lexicons/threat_narrative.toml")).unwrap();
    let line = line_of(&text, "term = \"");
    let lexicons = broken_lexicons(tmp.path(), "threat_narrative.toml", "term = \"", "term = ");
    let message = assert_config_error(&corpus, &lexicons, &["threat_narrative.toml:"]);
    assert!(
        message.contains(&format!("threat_narrative.toml:{line}:")),
        "line {line}: {message}"
    );
}

#[test]
fn a_category_entry_without_rationale_names_its_line() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = seed_corpus(tmp.path(), 1);
    let lexicons = broken_lexicons(
        tmp.path(),
        "assurance_commitment.toml",
        "rationale",
        "rationalle",
    );
    assert_config_error(
        &corpus,
        &lexicons,
        &["assurance_commitment.toml:", "rational"],
    );
}

#[test]
fn a_wrong_type_in_modifiers_names_file_line_and_column() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = seed_corpus(tmp.path(), 1);
    let text = fs::read_to_string(root().join("lexicons/modifiers.toml")).unwrap();
    let line = line_of(&text, "words = [");
    let lexicons = broken_lexicons(tmp.path(), "modifiers.toml", "words = [", "words = [7, ");
    assert_config_error(
        &corpus,
        &lexicons,
        &[&format!("modifiers.toml:{line}:"), "expected a string"],
    );
}

#[test]
fn an_impossible_date_in_periods_names_file_line_and_column() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = seed_corpus(tmp.path(), 1);
    let text = fs::read_to_string(root().join("lexicons/periods.toml")).unwrap();
    let needle = "end = \"2017-01-19\"";
    let line = line_of(&text, needle);
    let lexicons = broken_lexicons(tmp.path(), "periods.toml", needle, "end = \"2017-02-30\"");
    assert_config_error(
        &corpus,
        &lexicons,
        &[&format!("periods.toml:{line}:"), "2017-02-30"],
    );
}

#[test]
fn an_unknown_period_in_a_marker_names_its_line() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = seed_corpus(tmp.path(), 1);
    let text = fs::read_to_string(root().join("lexicons/periods.toml")).unwrap();
    let needle = "period = \"biden\"";
    let line = line_of(&text, needle);
    let lexicons = broken_lexicons(tmp.path(), "periods.toml", needle, "period = \"bidne\"");
    assert_config_error(
        &corpus,
        &lexicons,
        &[&format!("periods.toml:{line}"), "bidne"],
    );
}

#[test]
fn a_malformed_user_dictionary_line_names_its_line() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = seed_corpus(tmp.path(), 1);
    let lexicons = broken_lexicons(
        tmp.path(),
        "userdict.txt",
        "\n",
        "\n延伸威慑 many words here\n",
    );
    assert_config_error(
        &corpus,
        &lexicons,
        &["userdict.txt:2", "`many` is not a frequency"],
    );
}

#[test]
fn an_override_with_an_unknown_period_names_file_and_line() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = seed_corpus(tmp.path(), 1);
    fs::write(
        corpus.join("overrides.csv"),
        "doc,sentence,period,note\ndong_2023,3,biden,ok\ndong_2023,4,bush,typo\n",
    )
    .unwrap();
    assert_config_error(
        &corpus,
        &root().join("lexicons"),
        &["overrides.csv:3", "bush"],
    );
}

#[test]
fn an_override_file_without_its_columns_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = seed_corpus(tmp.path(), 1);
    fs::write(
        corpus.join("overrides.csv"),
        "doc;sentence;period\nx;1;biden\n",
    )
    .unwrap();
    assert_config_error(
        &corpus,
        &root().join("lexicons"),
        &["overrides.csv:1", "missing column"],
    );
}

#[test]
fn a_bad_date_in_metadata_names_file_line_and_column() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = seed_corpus(tmp.path(), 1);
    fs::write(
        corpus.join("metadata.csv"),
        format!("file,id,date\n{},dong_2023,2023-13\n", SEEDS[0]),
    )
    .unwrap();
    assert_config_error(
        &corpus,
        &root().join("lexicons"),
        &["metadata.csv:2:", "2023-13"],
    );
}

#[test]
fn a_duplicate_id_in_metadata_names_both_rows() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = seed_corpus(tmp.path(), 2);
    fs::write(
        corpus.join("metadata.csv"),
        format!("file,id\n{},same\n{},same\n", SEEDS[0], SEEDS[1]),
    )
    .unwrap();
    assert_config_error(
        &corpus,
        &root().join("lexicons"),
        &["metadata.csv:3", "same"],
    );
}

#[test]
fn a_config_error_leaves_an_existing_output_untouched() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = seed_corpus(tmp.path(), 1);
    let out = tmp.path().join("out");
    assert_status(&index(&corpus, &out, &[]), 0);
    let before = snapshot(&out);
    fs::write(corpus.join("metadata.csv"), "title\nno file column\n").unwrap();
    let o = index(&corpus, &out, &["--force"]);
    assert_status(&o, 2);
    assert!(stderr(&o).contains("metadata.csv"), "{}", stderr(&o));
    assert_eq!(snapshot(&out), before);
}

// ---------------------------------------------------------------------------------------------
// Output safety

#[test]
fn a_non_empty_folder_that_is_not_ours_is_refused_and_left_alone() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = seed_corpus(tmp.path(), 1);
    let out = tmp.path().join("thesis");
    fs::create_dir_all(&out).unwrap();
    fs::write(out.join("chapter1.docx"), "my thesis").unwrap();
    fs::write(out.join("passages.csv"), "a csv of mine? no, of the user").unwrap();
    let before = snapshot(&out);
    let o = index(&corpus, &out, &[]);
    assert_status(&o, 2);
    assert!(
        stderr(&o).contains("holds `chapter1.docx`, which mine did not write"),
        "{}",
        stderr(&o)
    );
    assert_eq!(snapshot(&out), before);
    assert_eq!(fs::read_dir(&out).unwrap().count(), 2);
}

#[test]
fn an_index_folder_that_is_not_a_mine_index_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = seed_corpus(tmp.path(), 1);
    let out = tmp.path().join("out");
    fs::create_dir_all(out.join("index")).unwrap();
    fs::write(out.join("index/notes.txt"), "not an index").unwrap();
    let o = index(&corpus, &out, &[]);
    assert_status(&o, 2);
    assert!(stderr(&o).contains("index"), "{}", stderr(&o));
    assert_eq!(
        fs::read_to_string(out.join("index/notes.txt")).unwrap(),
        "not an index"
    );
}

#[test]
fn a_run_writes_only_inside_its_output_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = seed_corpus(tmp.path(), 2);
    fs::write(tmp.path().join("sentinel.csv"), "keep me").unwrap();
    let lexicons = broken_lexicons(tmp.path(), "periods.toml", "#", "#");
    let before = snapshot(tmp.path());
    let out = tmp.path().join("out");
    let o = index_cmd(&corpus, &out, &lexicons, &[]).output().unwrap();
    assert_status(&o, 0);
    // A rerun after a change, and a forced one, too.
    fs::remove_file(corpus.join(SEEDS[1])).unwrap();
    let o = index_cmd(&corpus, &out, &lexicons, &["--force"])
        .output()
        .unwrap();
    assert_status(&o, 0);
    let after = snapshot(tmp.path());
    let changed: Vec<&PathBuf> = after
        .keys()
        .chain(before.keys())
        .filter(|p| !p.starts_with(&out) && before.get(*p) != after.get(*p))
        .collect();
    // The only change outside `out` is the file this test removed.
    assert_eq!(changed, vec![&corpus.join(SEEDS[1])]);
}

#[test]
fn excel_csvs_guard_formula_like_cells() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = tmp.path().join("corpus");
    fs::create_dir_all(&corpus).unwrap();
    let lines = [
        "=HYPERLINK(\"http://evil.example\",\"美日同盟\")的威胁。",
        "+威胁来自外部。",
        "-威胁并非来自盟友。",
        "@威胁一词常见。",
        "美日同盟的延伸威慑承诺坚如磐石。",
    ];
    fs::write(corpus.join("formulas.txt"), lines.join("\n\n")).unwrap();
    let out = tmp.path().join("out");
    assert_status(&index(&corpus, &out, &["--excel"]), 0);
    let passages = fs::read(out.join("passages.csv")).unwrap();
    assert!(passages.starts_with(b"\xEF\xBB\xBF"), "no byte-order mark");
    let mut reader = csv::Reader::from_reader(&passages[3..]);
    let headers = reader.headers().unwrap().clone();
    let text_col = headers.iter().position(|h| h == "text").unwrap();
    let texts: Vec<String> = reader
        .records()
        .map(|r| r.unwrap()[text_col].to_string())
        .collect();
    for start in ["=HYPERLINK", "+威胁", "-威胁", "@威胁"] {
        assert!(
            texts.iter().any(|t| t.starts_with(&format!("'{start}"))),
            "{start} not guarded: {texts:?}"
        );
    }
    // No cell in any CSV starts with a formula character unguarded.
    for (name, bytes) in csvs(&out) {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(&bytes[3..]);
        for record in reader.records() {
            for cell in record.unwrap().iter() {
                let risky = cell.starts_with(['=', '+', '@', '\t', '\r'])
                    || (cell.starts_with('-') && cell.parse::<f64>().is_err());
                assert!(!risky, "{name}: unguarded cell {cell:?}");
            }
        }
    }
    // Without --excel the text is left as written.
    let plain = tmp.path().join("plain");
    assert_status(&index(&corpus, &plain, &[]), 0);
    let passages = fs::read_to_string(plain.join("passages.csv")).unwrap();
    assert!(passages.contains("\n") && !passages.contains("'+威胁"));
}

// ---------------------------------------------------------------------------------------------
// Determinism

#[test]
fn csvs_are_byte_identical_across_runs_and_thread_counts() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = seed_corpus(tmp.path(), 5);
    let runs: Vec<(&str, Vec<&str>)> = vec![
        ("j1", vec!["-j", "1"]),
        ("j4", vec!["-j", "4"]),
        ("j4-again", vec!["-j", "4"]),
    ];
    let mut results = Vec::new();
    for (name, extra) in &runs {
        let out = tmp.path().join(name);
        assert_status(&index(&corpus, &out, extra), 0);
        results.push((name, csvs(&out)));
    }
    let (first_name, first) = &results[0];
    assert_eq!(first.len(), 6, "{:?}", first.keys());
    for (name, other) in &results[1..] {
        for (file, bytes) in first {
            assert!(
                other[file] == *bytes,
                "{file} differs between {first_name} and {name}"
            );
        }
    }
}
