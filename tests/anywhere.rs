//! The real binary as a user runs it after `cargo install --path .`: from a folder with no
//! `lexicons/` (the built-in lexicons), with `--lexicons`, `MINE_LEXICONS` and `mine lexicon
//! init`; on a hostile corpus run from its own folder; the search help's and README's examples;
//! complete csv/json output; every user mistake named; and the provenance of `mine export`.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;
use tempfile::TempDir;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `mine` run in `cwd`, with no `MINE_LEXICONS` from the environment.
fn mine_in(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mine"))
        .current_dir(cwd)
        .env_remove("MINE_LEXICONS")
        .args(args)
        .output()
        .expect("run mine")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn ok(o: &Output) {
    assert!(
        o.status.success(),
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        o.status.code(),
        stdout(o),
        stderr(o)
    );
}

fn manifest(out: &Path) -> Value {
    serde_json::from_str(&fs::read_to_string(out.join("manifest.json")).expect("manifest"))
        .expect("manifest JSON")
}

/// A temporary folder holding a copy of the shipped corpus as `corpus/`.
fn with_corpus() -> (TempDir, PathBuf) {
    let tmp = TempDir::new().expect("temp dir");
    let corpus = tmp.path().join("corpus");
    fs::create_dir_all(&corpus).expect("corpus folder");
    for entry in fs::read_dir(root().join("corpus")).expect("shipped corpus") {
        let path = entry.expect("entry").path();
        let name = path.file_name().expect("name").to_owned();
        if name != "README.md" {
            fs::copy(&path, corpus.join(name)).expect("copy");
        }
    }
    (tmp, corpus)
}

#[test]
fn every_command_works_in_another_folder_with_no_flags() {
    let (tmp, _) = with_corpus();
    let dir = tmp.path();
    assert!(!dir.join("lexicons").exists());
    let o = mine_in(dir, &["index", "corpus"]);
    ok(&o);
    assert!(
        stdout(&o).contains("lexicons: built-in lexicons (blake3 "),
        "{}",
        stdout(&o)
    );
    let m = manifest(&dir.join("output"));
    assert_eq!(m["lexicons"]["source"], "built-in");
    assert_eq!(m["lexicons"]["folder"], Value::Null);
    assert_eq!(m["lexicons"]["blake3"].as_str().map(str::len), Some(64));
    assert!(
        m["config_files"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["path"] == "<built-in>/periods.toml"),
        "{m}"
    );
    ok(&mine_in(dir, &["search", "延伸威慑", "--period", "biden"]));
    ok(&mine_in(dir, &["report"]));
    ok(&mine_in(
        dir,
        &["inspect", "corpus/li_tan_2025_time_frame.txt"],
    ));
    let check = mine_in(dir, &["lexicon", "check"]);
    ok(&check);
    assert!(
        stdout(&check).starts_with("checking built-in lexicons"),
        "{}",
        stdout(&check)
    );
    // The same counts as with the repository's folder: the built-in set is that folder.
    let with_folder = mine_in(
        dir,
        &[
            "index",
            "corpus",
            "--out",
            "out2",
            "--lexicons",
            root().join("lexicons").to_str().unwrap(),
        ],
    );
    ok(&with_folder);
    for csv in ["passages.csv", "period_frequencies.csv", "hits.csv"] {
        assert!(
            fs::read(dir.join("output").join(csv)).unwrap()
                == fs::read(dir.join("out2").join(csv)).unwrap(),
            "{csv} differs between the built-in lexicons and lexicons/"
        );
    }
    assert_eq!(manifest(&dir.join("out2"))["lexicons"]["source"], "folder");
}

#[test]
fn lexicon_init_writes_the_defaults_and_the_flag_and_variable_choose_a_folder() {
    let tmp = TempDir::new().expect("temp dir");
    let dir = tmp.path();
    let o = mine_in(dir, &["lexicon", "init", "mylex"]);
    ok(&o);
    for file in [
        "periods.toml",
        "modifiers.toml",
        "userdict.txt",
        "README.md",
    ] {
        assert!(dir.join("mylex").join(file).is_file(), "{file}");
    }
    // A second init refuses to overwrite the copy a user may have edited.
    let again = mine_in(dir, &["lexicon", "init", "mylex"]);
    assert_eq!(again.status.code(), Some(2));
    assert!(stderr(&again).contains("--force"), "{}", stderr(&again));

    let from_env = Command::new(env!("CARGO_BIN_EXE_mine"))
        .current_dir(dir)
        .env("MINE_LEXICONS", "mylex")
        .args(["lexicon", "check"])
        .output()
        .unwrap();
    ok(&from_env);
    assert!(
        stdout(&from_env).starts_with("checking lexicons in mylex (from MINE_LEXICONS)"),
        "{}",
        stdout(&from_env)
    );
    // Errors name the path tried and what chose it.
    let o = mine_in(dir, &["lexicon", "check", "--lexicons", "nosuch"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("nosuch: cannot read the lexicon folder")
            && stderr(&o).contains("--lexicons"),
        "{}",
        stderr(&o)
    );
    fs::write(dir.join("x.txt"), "美日同盟。").unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_mine"))
        .current_dir(dir)
        .env("MINE_LEXICONS", "gone")
        .args(["inspect", "x.txt"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("gone: cannot read the lexicon folder"),
        "{}",
        stderr(&o)
    );
    assert!(stderr(&o).contains("MINE_LEXICONS"), "{}", stderr(&o));
}

#[test]
fn a_hostile_corpus_run_from_its_own_folder_indexes_the_good_files_and_lists_the_rest() {
    let (_tmp, corpus) = with_corpus();
    let data = root().join("tests/data");
    let put = |name: &str, bytes: &[u8]| fs::write(corpus.join(name), bytes).unwrap();
    let copy = |from: &str, name: &str| fs::copy(data.join(from), corpus.join(name)).unwrap();
    put("empty.txt", b"");
    copy("broken/binary.txt", "random.txt");
    copy("broken/fake_pdf.txt", "scan.txt");
    copy("broken/invalid_utf8.txt", "invalid_utf8.txt");
    copy("encodings/passage_gb18030.gb18030.txt", "gb18030.txt");
    copy("encodings/passage.utf16le-bom.txt", "utf16.txt");
    put(
        "markup.txt",
        b"<html><body><p></p><div>&nbsp;</div></body></html>\n",
    );
    put(
        "美日 同盟 报道.txt",
        "美日同盟的延伸威慑承诺是坚如磐石的。".as_bytes(),
    );
    std::os::unix::fs::symlink(".", corpus.join("loop")).unwrap();
    // Prose without a line break, opening like an abstract (2 MB here; the 20 MB case is a
    // benchmark, benches/oneline.sh): body text, every sentence counted, no title.
    let prose = fs::read_to_string(corpus.join("li_tan_2025_time_frame.txt")).unwrap();
    let paragraph: String = prose
        .lines()
        .filter(|l| l.contains('。') && !l.starts_with('#'))
        .collect();
    let line = format!(
        "【内容提要】{}",
        paragraph.repeat(2_000_000 / paragraph.len() + 1)
    );
    put("one_line.txt", line.as_bytes());

    // Run from the corpus folder with no flags: the output goes to ./output, inside the corpus.
    let o = mine_in(&corpus, &["index", "."]);
    ok(&o);
    let m = manifest(&corpus.join("output"));
    let skipped: Vec<&str> = m["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["file"].as_str().unwrap())
        .collect();
    assert_eq!(
        skipped,
        [
            "empty.txt",
            "invalid_utf8.txt",
            "loop/",
            "markup.txt",
            "random.txt",
            "scan.txt"
        ]
    );
    let inputs: Vec<&str> = m["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["file"].as_str().unwrap())
        .collect();
    for good in [
        "gb18030.txt",
        "utf16.txt",
        "美日 同盟 报道.txt",
        "one_line.txt",
    ] {
        assert!(inputs.contains(&good), "{good} in {inputs:?}");
    }
    let passages = fs::read_to_string(corpus.join("output/passages.csv")).unwrap();
    let one_line_body = passages
        .lines()
        .filter(|l| l.starts_with("one_line,") && l.contains(",body,"))
        .count();
    assert!(one_line_body > 10_000, "{one_line_body} body sentences");
    // Its index rows (made on the writer thread for a document this long) are searchable.
    let found = mine_in(
        &corpus,
        &["search", "延伸威慑", "--doc", "one_line", "--format", "csv"],
    );
    ok(&found);
    assert!(stdout(&found).lines().count() > 100, "{}", stdout(&found));
    // The output folder, there from the second run on, is left out of the corpus, and said so.
    let again = mine_in(&corpus, &["index", "."]);
    ok(&again);
    assert!(
        stderr(&again).contains("note: output/ is the output folder"),
        "{}",
        stderr(&again)
    );
    let m = manifest(&corpus.join("output"));
    assert_eq!(m["excluded"], serde_json::json!(["output/"]));
    assert!(
        !m["inputs"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["file"].as_str().unwrap().starts_with("output/")),
        "{m}"
    );
}

/// The example command lines of `mine search --help` and of the README that search.
fn search_examples(help: &str, readme: &str) -> Vec<String> {
    let mut examples: Vec<String> = help
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with("mine search "))
        .map(str::to_string)
        .collect();
    for line in readme.lines().map(str::trim) {
        if let Some(rest) = line.strip_prefix("cargo run --release -- search ") {
            examples.push(format!("mine search {rest}"));
        } else if line.starts_with("mine search ") {
            examples.push(line.to_string());
        }
    }
    examples
}

#[test]
fn the_search_examples_of_the_help_and_the_readme_find_sentences() {
    let (tmp, _) = with_corpus();
    let dir = tmp.path();
    ok(&mine_in(dir, &["index", "corpus"]));
    let help = stdout(&mine_in(dir, &["search", "--help"]));
    let readme = fs::read_to_string(root().join("README.md")).unwrap();
    let examples = search_examples(&help, &readme);
    assert!(examples.len() >= 7, "{examples:?}");
    let bin = tmp.path().join("bin");
    fs::create_dir_all(&bin).unwrap();
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_mine"), bin.join("mine")).unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    for example in examples {
        // Examples with another --out name a folder this test does not have.
        let example = example.replace("--out runs/2025 ", "");
        let o = Command::new("bash")
            .current_dir(dir)
            .env("PATH", &path)
            .env_remove("MINE_LEXICONS")
            .args(["-o", "pipefail", "-c", &example])
            .output()
            .unwrap();
        // `| head` may close the pipe early: mine ends quietly with 0 then.
        assert!(
            o.status.success(),
            "`{example}` exited {:?}: {}",
            o.status.code(),
            stderr(&o)
        );
        let printed = stdout(&o);
        let written = fs::read_to_string(dir.join("threats.csv")).unwrap_or_default();
        assert!(
            printed.contains("【") || printed.contains("total") || written.contains("【"),
            "`{example}` found nothing:\n{printed}"
        );
    }
}

#[test]
fn machine_formats_hold_every_match_and_a_table_says_how_many_more() {
    let (tmp, _) = with_corpus();
    let dir = tmp.path();
    ok(&mine_in(dir, &["index", "corpus"]));
    let count = stdout(&mine_in(dir, &["search", "威胁 OR 挑战", "--count"]));
    let total: usize = count
        .lines()
        .find_map(|l| l.strip_prefix("total"))
        .and_then(|n| n.trim().parse().ok())
        .expect("a total line");
    assert!(total > 20, "{total}");
    let csv = stdout(&mine_in(
        dir,
        &["search", "威胁 OR 挑战", "--format", "csv"],
    ));
    let rows = csv::Reader::from_reader(csv.as_bytes()).records().count();
    assert_eq!(rows, total);
    let json = stdout(&mine_in(
        dir,
        &["search", "威胁 OR 挑战", "--format", "json"],
    ));
    assert_eq!(json.lines().count(), total);
    let limited = stdout(&mine_in(
        dir,
        &["search", "威胁 OR 挑战", "--format", "csv", "--limit", "5"],
    ));
    assert_eq!(limited.lines().count(), 6);
    let all = stdout(&mine_in(
        dir,
        &["search", "威胁 OR 挑战", "--format", "json", "--limit", "0"],
    ));
    assert_eq!(all.lines().count(), total);
    let table = stdout(&mine_in(dir, &["search", "威胁 OR 挑战"]));
    assert!(
        table.contains(&format!("1–20 shown; {} more (--offset 20", total - 20)),
        "{table}"
    );
    // Whole-word matches first: the csv's whole_word column never goes false then true.
    let header: Vec<String> = csv
        .lines()
        .next()
        .unwrap()
        .split(',')
        .map(String::from)
        .collect();
    assert_eq!(header.last().map(String::as_str), Some("whole_word"));
    let flags: Vec<bool> = csv::Reader::from_reader(csv.as_bytes())
        .records()
        .map(|r| &r.unwrap()[header.len() - 1] == "true")
        .collect();
    assert!(flags.windows(2).all(|w| w[0] || !w[1]), "{flags:?}");
    // Words inside words by default; --whole-word for the strict semantics.
    let inside = stdout(&mine_in(dir, &["search", "军费", "--format", "csv"]));
    let strict = stdout(&mine_in(
        dir,
        &["search", "军费", "--format", "csv", "--whole-word"],
    ));
    assert!(inside.lines().count() > strict.lines().count());
    assert!(inside.contains("军费开支"), "{inside}");
}

#[test]
fn user_mistakes_are_errors_or_warnings_that_name_them() {
    let (tmp, corpus) = with_corpus();
    let dir = tmp.path();
    // Filter typos.
    ok(&mine_in(dir, &["index", "corpus"]));
    for (flag, value, valid) in [
        ("--period", "bidn", "biden"),
        ("--category", "threat", "threat_narrative"),
        ("--doc", "nosuch", "li_tan_2025"),
        ("--zone", "bdy", "body"),
    ] {
        let o = mine_in(dir, &["search", "威胁", flag, value]);
        assert_eq!(o.status.code(), Some(2), "{flag} {value}");
        assert!(
            stderr(&o).contains(value) && stderr(&o).contains(valid),
            "{flag} {value}: {}",
            stderr(&o)
        );
    }
    // A missing corpus folder creates nothing.
    let o = mine_in(dir, &["index", "nosuchdir", "--out", "x1"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("nosuchdir"), "{}", stderr(&o));
    assert!(!dir.join("x1").exists());
    // A metadata row naming no file, one by case only.
    let metadata = fs::read_to_string(corpus.join("metadata.csv")).unwrap();
    let renamed = metadata.replace("peng_2023_cost_sharing.txt", "Peng_2023_Cost_Sharing.txt");
    fs::write(
        corpus.join("metadata.csv"),
        format!("{renamed}typo.txt,,,,,,,\n"),
    )
    .unwrap();
    let o = mine_in(dir, &["index", "corpus", "--out", "x2"]);
    ok(&o);
    let warnings = stderr(&o);
    assert!(
        warnings.contains("row for `Peng_2023_Cost_Sharing.txt` matches no corpus file")
            && warnings.contains("`peng_2023_cost_sharing.txt`, which differs only in case"),
        "{warnings}"
    );
    assert!(warnings.contains("row for `typo.txt`"), "{warnings}");
    assert!(stdout(&o).contains("2 row(s) of metadata.csv name no corpus file"));
    let m = manifest(&dir.join("x2"));
    assert_eq!(m["metadata_unmatched"].as_array().unwrap().len(), 2);
    assert_eq!(
        m["metadata_unmatched"][0]["case_of"],
        "peng_2023_cost_sharing.txt"
    );
    let o = mine_in(dir, &["index", "corpus", "--out", "x3", "--strict"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("Peng_2023_Cost_Sharing.txt"),
        "{}",
        stderr(&o)
    );
    assert!(!dir.join("x3").exists());
}

#[test]
fn a_single_file_is_indexed_with_its_folders_metadata() {
    let (tmp, corpus) = with_corpus();
    let o = mine_in(
        tmp.path(),
        &["index", "corpus/li_tan_2025_time_frame.txt", "--out", "one"],
    );
    ok(&o);
    let passages = fs::read_to_string(tmp.path().join("one/passages.csv")).unwrap();
    assert!(passages.contains("时间框架与美日韩安全合作的升级"));
    assert!(passages.contains(",2025-10-04"), "the metadata date");
    drop(corpus);
}

#[test]
fn an_export_records_itself_and_renders_the_report_again() {
    let (tmp, _) = with_corpus();
    let dir = tmp.path();
    let out = dir.join("output");
    ok(&mine_in(dir, &["index", "corpus"]));
    ok(&mine_in(dir, &["report"]));
    let before = fs::read_to_string(out.join("report.md")).unwrap();
    let o = mine_in(dir, &["export", "--zones", "body,front,note"]);
    ok(&o);
    assert!(
        stdout(&o).contains("rendered again from the new counts"),
        "{}",
        stdout(&o)
    );
    let after = fs::read_to_string(out.join("report.md")).unwrap();
    assert_ne!(before, after, "the report follows the new counts");
    let m = manifest(&out);
    let command: Vec<&str> = m["command_line"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(&command[1..], ["export", "--zones", "body,front,note"]);
    assert_eq!(m["derived_from"]["command_line"][1], "index");
    assert!(!m["finished"].as_str().unwrap().is_empty());
    assert_eq!(
        m["export"]["counted_zones"],
        serde_json::json!(["front", "body", "note"])
    );
    // A report whose categories the export no longer has is removed, not left stale.
    let mut edited = m.clone();
    edited["report"]["assurance_category"] = "gone".into();
    fs::write(out.join("manifest.json"), edited.to_string()).unwrap();
    let o = mine_in(dir, &["export"]);
    ok(&o);
    assert!(stdout(&o).contains("removed"), "{}", stdout(&o));
    assert!(!out.join("report.md").exists() && !out.join("rates.svg").exists());
}
