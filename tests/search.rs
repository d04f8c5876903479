//! `mine search` end to end: the real `mine index` run on the shipped corpus into a temporary
//! output folder, then the real binary searching it: formats, filters, counts, exit codes and a
//! closed pipe. `hits.csv` of the same run is the ground truth: every sentence it lists for an
//! entry must be found by searching that entry's matched text.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;

use mine::index::{SearchRequest, SentenceIndex};
use mine::lexicon::LexiconSet;
use mine::segment::Segmenter;
use tempfile::TempDir;

const TERM: &str = "延伸威慑";

struct Fixture {
    dir: PathBuf,
    /// From hits.csv: (doc, sentence_id, period, entry, matched) of every hit.
    hits: Vec<(String, u64, String, String, String)>,
}

impl Fixture {
    fn out(&self) -> PathBuf {
        self.dir.join("output")
    }

    /// The fixture's index, opened in this process with the shipped lexicons.
    fn index(&self) -> SentenceIndex {
        let lexicons = LexiconSet::load(Path::new("lexicons")).expect("shipped lexicons");
        let userdict = Path::new("lexicons/userdict.txt");
        let segmenter = Segmenter::new(&lexicons, Some(userdict)).expect("segmenter");
        SentenceIndex::open(&self.out().join("index"), segmenter).expect("open index")
    }

    /// Runs `mine search ARGS --out <out>`.
    fn search(&self, args: &[&str]) -> Output {
        self.command(args).output().expect("run mine")
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_mine"));
        cmd.arg("search").args(args).arg("--out").arg(self.out());
        cmd
    }

    /// `(doc, sentence_id)` of the sentences hits.csv lists with `TERM` itself as the matched text
    /// in `period` (a variant such as 扩大遏制 counts for the entry but is another word to search).
    fn tagged(&self, period: &str) -> Vec<(String, u64)> {
        let set: BTreeSet<(String, u64)> = self
            .hits
            .iter()
            .filter(|h| h.3 == TERM && h.4 == TERM && h.2 == period)
            .map(|h| (h.0.clone(), h.1))
            .collect();
        set.into_iter().collect()
    }
}

/// One index of the shipped corpus for every test of this file (built once: the tests only read
/// it), in cargo's scratch folder for integration tests.
fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(build_fixture)
}

fn build_fixture() -> Fixture {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("search-fixture");
    if dir.exists() {
        std::fs::remove_dir_all(&dir).expect("remove the previous fixture");
    }
    std::fs::create_dir_all(&dir).expect("fixture folder");
    let out = dir.join("output");
    let run = Command::new(env!("CARGO_BIN_EXE_mine"))
        .args(["index", "corpus", "--out"])
        .arg(&out)
        .output()
        .expect("run mine index");
    assert!(
        run.status.success(),
        "mine index failed: {}",
        String::from_utf8_lossy(&run.stderr)
    );
    let mut reader = csv::Reader::from_path(out.join("hits.csv")).expect("hits.csv");
    let header = reader.headers().expect("header").clone();
    let col = |name: &str| header.iter().position(|h| h == name).expect(name);
    let (doc, sid, period, entry, matched) = (
        col("doc"),
        col("sentence_id"),
        col("period"),
        col("entry"),
        col("matched"),
    );
    let hits = reader
        .records()
        .map(|r| {
            let r = r.expect("a hits.csv record");
            (
                r[doc].to_string(),
                r[sid].parse().expect("sentence id"),
                r[period].to_string(),
                r[entry].to_string(),
                r[matched].to_string(),
            )
        })
        .collect();
    Fixture { dir, hits }
}

#[test]
fn every_sentence_hits_csv_lists_for_an_entry_is_found_by_searching_it() {
    let f = fixture();
    let index = f.index();
    let mut by_form: BTreeMap<&str, BTreeSet<(String, u64)>> = BTreeMap::new();
    for h in &f.hits {
        by_form
            .entry(h.4.as_str())
            .or_default()
            .insert((h.0.clone(), h.1));
    }
    assert!(by_form.len() > 50, "the seeds hit many lexicon forms");
    for (form, expected) in by_form {
        let mut request = SearchRequest::new(format!("\"{form}\""));
        request.limit = 10_000;
        let found: BTreeSet<(String, u64)> = index
            .search(&request)
            .unwrap_or_else(|e| panic!("searching {form}: {e}"))
            .hits
            .into_iter()
            .map(|h| (h.doc, u64::from(h.sentence_id)))
            .collect();
        let missing: Vec<_> = expected.difference(&found).collect();
        assert!(missing.is_empty(), "{form}: not found {missing:?}");
    }
}

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("utf-8 output")
}

fn json_lines(o: &Output) -> Vec<serde_json::Value> {
    stdout(o)
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect()
}

fn keys(rows: &[serde_json::Value]) -> Vec<(String, u64)> {
    let mut v: Vec<(String, u64)> = rows
        .iter()
        .map(|r| {
            (
                r["doc"].as_str().expect("doc").to_string(),
                r["sentence_id"].as_u64().expect("sentence_id"),
            )
        })
        .collect();
    v.sort();
    v
}

#[test]
fn the_term_in_the_biden_years_finds_exactly_the_tagged_sentences() {
    let f = fixture();
    let expected = f.tagged("biden");
    assert!(
        !expected.is_empty(),
        "the seeds speak of {TERM} under Biden"
    );
    // Whole words: the tagged sentences exactly (by default the entry's variants and longer
    // words holding the term are found too, after these).
    let out = f.search(&[
        TERM,
        "--period",
        "biden",
        "--format",
        "json",
        "--limit",
        "1000",
        "--whole-word",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let rows = json_lines(&out);
    assert_eq!(keys(&rows), expected);
    for row in &rows {
        assert_eq!(row["period"], "biden");
        assert!(row["text"].as_str().expect("text").contains(TERM));
        assert!(
            row["kwic"]
                .as_str()
                .expect("kwic")
                .contains(&format!("【{TERM}】")),
            "{row}"
        );
        assert!(row["score"].as_f64().expect("score") > 0.0);
    }
    // Searching the term finds every sentence tagged with it, whatever its period.
    let all = keys(&json_lines(
        &f.search(&[TERM, "--format", "json", "--limit", "1000"]),
    ));
    for period in [
        "earlier",
        "obama",
        "trump1",
        "biden",
        "trump2",
        "unattributed",
    ] {
        for key in f.tagged(period) {
            assert!(all.contains(&key), "{key:?} ({period})");
        }
    }
}

#[test]
fn the_table_shows_ranked_rows_with_the_match_marked_and_no_colour_in_a_pipe() {
    let f = fixture();
    let out = f.search(&[TERM, "--period", "biden", "--whole-word"]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert!(
        !text.contains('\x1b'),
        "no ANSI codes when stdout is a pipe"
    );
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].contains("matching sentences"), "{text}");
    let n = f.tagged("biden").len();
    assert_eq!(lines.len(), 1 + 2 * n.min(20), "{text}");
    assert!(lines[1].trim_start().starts_with("1  "));
    assert!(lines[1].contains("biden"));
    // The matches line up: every KWIC line has its first 【 at the same display column.
    let columns: Vec<usize> = lines[1..]
        .iter()
        .skip(1)
        .step_by(2)
        .map(|l| unicode_width::UnicodeWidthStr::width(&l[..l.find('【').expect("marked")]))
        .collect();
    assert!(
        columns.windows(2).all(|w| w[0] == w[1]),
        "{columns:?}\n{text}"
    );
}

#[test]
fn csv_has_the_passages_header_and_the_same_rows_as_json() {
    let f = fixture();
    let out = f.search(&[TERM, "--format", "csv", "--limit", "1000"]);
    assert_eq!(out.status.code(), Some(0));
    let mut reader = csv::Reader::from_reader(out.stdout.as_slice());
    let header: Vec<String> = reader
        .headers()
        .expect("header")
        .iter()
        .map(str::to_string)
        .collect();
    assert_eq!(
        header,
        [
            "doc",
            "sentence_id",
            "zone",
            "section",
            "paragraph",
            "period",
            "title",
            "date",
            "text",
            "score",
            "kwic",
            "whole_word"
        ]
    );
    let mut rows: Vec<(String, u64)> = reader
        .records()
        .map(|r| {
            let r = r.expect("a CSV record");
            (r[0].to_string(), r[1].parse().expect("sentence id"))
        })
        .collect();
    rows.sort();
    let json = f.search(&[TERM, "--format", "json", "--limit", "1000"]);
    assert_eq!(rows, keys(&json_lines(&json)));
}

#[test]
fn count_prints_matches_per_period() {
    let f = fixture();
    let out = f.search(&[TERM, "--count", "--format", "csv", "--whole-word"]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("period,count"));
    for line in lines {
        let (period, count) = line.split_once(',').expect("two columns");
        assert_eq!(
            count.parse::<usize>().expect("a count"),
            f.tagged(period).len(),
            "{period}"
        );
    }
    assert!(text.contains(&format!("biden,{}", f.tagged("biden").len())));
}

#[test]
fn filters_by_doc_and_zone() {
    let f = fixture();
    let doc = "peng_2023";
    let out = f.search(&["*", "--doc", doc, "--format", "json", "--limit", "5"]);
    let rows = json_lines(&out);
    assert_eq!(rows.len(), 5);
    assert!(rows.iter().all(|r| r["doc"] == doc));
    let out = f.search(&["*", "--zone", "note", "--format", "json", "--limit", "50"]);
    let rows = json_lines(&out);
    assert!(!rows.is_empty());
    assert!(rows.iter().all(|r| r["zone"] == "note"));
    let out = f.search(&["*", "--zone", "body", "--doc", "no_such_doc"]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "a document the index does not have"
    );
    assert!(stderr(&out).contains("no_such_doc"), "{}", stderr(&out));
    let out = f.search(&["*", "--zone", "nowhere"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn exit_codes_say_found_nothing_or_error() {
    let f = fixture();
    let none = f.search(&["不存在的词语组合xyz"]);
    assert_eq!(none.status.code(), Some(1));
    let bad = f.search(&["nosuchfield:威胁"]);
    assert_eq!(bad.status.code(), Some(2));
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(
        err.contains("cannot read the query") && err.contains("nosuchfield"),
        "{err}"
    );
    let tmp = TempDir::new().expect("temp dir");
    let missing = Command::new(env!("CARGO_BIN_EXE_mine"))
        .args(["search", TERM, "--out"])
        .arg(tmp.path())
        .output()
        .expect("run mine");
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("run `mine index CORPUS` first"));
}

#[test]
fn queries_are_cut_with_the_dictionary_the_index_recorded_not_the_lexicon_folder() {
    let f = fixture();
    let all = json_lines(&f.search(&[TERM, "--format", "json", "--limit", "1000"]));
    assert!(all.len() > 10, "{}", all.len());
    // From another folder, with no lexicon folder at all: the index's own record cuts 延伸威慑
    // as the one word it was indexed as (plain jieba would cut 延伸 + 威慑 and find nothing).
    let elsewhere = TempDir::new().expect("temp dir");
    let moved = f
        .command(&[TERM, "--format", "json", "--limit", "1000"])
        .current_dir(elsewhere.path())
        .output()
        .expect("run mine");
    assert_eq!(moved.status.code(), Some(0), "{}", stdout(&moved));
    assert_eq!(keys(&json_lines(&moved)), keys(&all));
    // A lexicon folder that has changed since (here: one without any category) is not used.
    let lexicons = elsewhere.path().join("lexicons");
    std::fs::create_dir(&lexicons).expect("lexicon folder");
    let lexicons = lexicons.to_str().expect("a UTF-8 temp path");
    let with_other = f.search(&[
        TERM,
        "--format",
        "json",
        "--limit",
        "1000",
        "--lexicons",
        lexicons,
    ]);
    assert_eq!(with_other.status.code(), Some(0));
    assert_eq!(keys(&json_lines(&with_other)), keys(&all));
    // --count lists the periods of the scheme the index was built with, in its order.
    let counts = f
        .command(&[TERM, "--count", "--format", "csv"])
        .current_dir(elsewhere.path())
        .output()
        .expect("run mine");
    let periods: Vec<String> = stdout(&counts)
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap_or_default().to_string())
        .collect();
    assert_eq!(
        periods,
        [
            "earlier",
            "obama",
            "trump1",
            "biden",
            "trump2",
            "unattributed"
        ]
    );
}

#[test]
fn a_closed_pipe_ends_quietly() {
    let f = fixture();
    let mut child = f
        .command(&["*", "--limit", "100000", "--format", "json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn mine");
    let mut first = [0u8; 64];
    child
        .stdout
        .as_mut()
        .expect("stdout")
        .read_exact(&mut first)
        .expect("some output");
    drop(child.stdout.take());
    let mut err = String::new();
    child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut err)
        .expect("stderr");
    let status = child.wait().expect("wait");
    assert_eq!(status.code(), Some(0), "{err}");
    assert!(!err.contains("Broken pipe"), "{err}");
}

#[test]
fn a_deep_page_is_the_same_slice_of_the_full_ranking() {
    let f = fixture();
    let index = f.index();
    // A common word, every sentence (equal scores: doc id and sentence id decide), a filter
    // alone, and a boolean query with scores of many sizes.
    for query in ["美国", "*", "category:threat_narrative", "同盟 OR 威慑"] {
        let mut request = SearchRequest::new(query);
        request.limit = usize::MAX;
        let full = index.search(&request).expect("the full ranking");
        let total = full.total;
        assert_eq!(full.hits.len(), total, "{query}");
        assert!(
            total > 100,
            "{query}: {total} matches, too few to page through"
        );
        // The full ranking is whole-word matches first, then score descending, then doc id,
        // then sentence id.
        let mut resorted = full.hits.clone();
        resorted.sort_by(|a, b| {
            b.whole_word
                .cmp(&a.whole_word)
                .then_with(|| b.score.total_cmp(&a.score))
                .then_with(|| a.doc.cmp(&b.doc))
                .then_with(|| a.sentence_id.cmp(&b.sentence_id))
        });
        assert_eq!(resorted, full.hits, "{query}: not in ranking order");
        for (offset, limit) in [(1, 7), (20, 20), (total / 2, 13), (total - 3, 10)] {
            request.offset = offset;
            request.limit = limit;
            let page = index.search(&request).expect("a page");
            assert_eq!(page.total, total, "{query}");
            let end = (offset + limit).min(total);
            assert_eq!(
                page.hits,
                full.hits[offset..end],
                "{query}: page at {offset}"
            );
        }
        // The counts per period add up to the same matches.
        let counts = index
            .count_by_period(&SearchRequest::new(query))
            .expect("counts");
        let mut expected: BTreeMap<String, usize> = BTreeMap::new();
        for hit in &full.hits {
            *expected.entry(hit.period.clone()).or_insert(0) += 1;
        }
        assert_eq!(counts, expected, "{query}");
    }
}
