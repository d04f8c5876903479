//! `mine search` end to end: an index built through the library API from the seed papers (cut into
//! sentences naively here; the real pipeline lands with `mine index`), then the real binary run on
//! it: formats, filters, counts, exit codes and a closed pipe.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use mine::index::SentenceIndex;
use mine::lexicon::{Category, Entry, LexiconSet, ModifierRule};
use mine::model::{
    AnnotatedDocument, DocMeta, Document, Hit, PeriodCall, PeriodSource, Sentence,
    SentenceAnnotation, Token, Zone,
};
use mine::segment::Segmenter;
use tempfile::TempDir;

const TERM: &str = "延伸威慑";

fn segmenter() -> Segmenter {
    Segmenter::new(&LexiconSet::default(), None).expect("placeholder segmenter")
}

fn lexicons() -> LexiconSet {
    LexiconSet::new(
        vec![Category {
            name: "assurance_commitment".into(),
            subcategories: vec!["deterrence".into()],
            entries: vec![Entry {
                term: TERM.into(),
                ..Entry::default()
            }],
            ..Category::default()
        }],
        ModifierRule::default(),
    )
}

/// A naive period call, enough to give the seeds sentences in several periods.
fn period_of(text: &str) -> &'static str {
    if text.contains("拜登") {
        "biden"
    } else if text.contains("特朗普2.0") || text.contains("特朗普第二") {
        "trump2"
    } else if text.contains("特朗普") {
        "trump1"
    } else if text.contains("奥巴马") {
        "obama"
    } else {
        "unattributed"
    }
}

/// Where the token sequence of `word` occurs in `tokens` (as the lexicon tagger matches).
fn occurrences(text: &str, tokens: &[Token], word: &[String]) -> Vec<(usize, usize)> {
    tokens
        .windows(word.len())
        .filter(|w| w.iter().zip(word).all(|(t, x)| t.text(text) == x))
        .map(|w| (w[0].byte_start as usize, w[w.len() - 1].byte_end as usize))
        .collect()
}

fn seed_document(path: &Path, seg: &Segmenter) -> AnnotatedDocument {
    let raw = std::fs::read_to_string(path).expect("seed readable");
    let id = path
        .file_stem()
        .expect("stem")
        .to_string_lossy()
        .to_string();
    let term: Vec<String> = seg
        .tokens(TERM)
        .iter()
        .map(|t| t.text(TERM).to_string())
        .collect();
    let mut sentences = Vec::new();
    let mut annotations = Vec::new();
    for (p, line) in raw.lines().filter(|l| !l.trim().is_empty()).enumerate() {
        for piece in line.split_inclusive(['。', '！', '？']) {
            let text = piece.trim();
            if text.is_empty() {
                continue;
            }
            let tokens = seg.tokens(text);
            let hits = occurrences(text, &tokens, &term)
                .into_iter()
                .map(|(s, e)| Hit {
                    category: 0,
                    subcategory: 0,
                    entry: 0,
                    byte_start: s as u32,
                    byte_end: e as u32,
                    char_start: text[..s].chars().count() as u32,
                    char_end: text[..e].chars().count() as u32,
                    modifier: None,
                })
                .collect();
            sentences.push(Sentence {
                id: sentences.len() as u32,
                zone: Zone::Body,
                section: None,
                paragraph: p as u32,
                text: text.to_string(),
                char_start: 0,
                char_end: text.chars().count(),
                note_refs: Vec::new(),
            });
            annotations.push(SentenceAnnotation {
                tokens,
                hits,
                period: PeriodCall {
                    period: period_of(text).to_string(),
                    source: PeriodSource::Sentence,
                    evidence: String::new(),
                    mentioned: Vec::new(),
                },
            });
        }
    }
    AnnotatedDocument {
        doc: Document {
            meta: DocMeta {
                id: id.clone(),
                file: format!("{id}.txt"),
                title: id.replace('_', " "),
                ..DocMeta::default()
            },
            encoding: "UTF-8".into(),
            content_hash: blake3::hash(raw.as_bytes()).to_hex().to_string(),
            sections: Vec::new(),
            paragraphs: Vec::new(),
            sentences,
            notes: Vec::new(),
            repairs: Vec::new(),
            dropped: Vec::new(),
        },
        annotations,
    }
}

struct Fixture {
    tmp: TempDir,
    docs: Vec<AnnotatedDocument>,
}

impl Fixture {
    fn out(&self) -> PathBuf {
        self.tmp.path().join("output")
    }

    /// Runs `mine search ARGS --out <out> --lexicons <missing>`.
    fn search(&self, args: &[&str]) -> Output {
        self.command(args).output().expect("run mine")
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_mine"));
        cmd.arg("search")
            .args(args)
            .arg("--out")
            .arg(self.out())
            .arg("--lexicons")
            .arg(self.tmp.path().join("no-lexicons"));
        cmd
    }

    /// `(doc, sentence_id)` of the sentences the tagger found `TERM` in, in `period`.
    fn tagged(&self, period: &str) -> Vec<(String, u64)> {
        let mut v: Vec<(String, u64)> = self
            .docs
            .iter()
            .flat_map(|d| {
                d.doc
                    .sentences
                    .iter()
                    .zip(&d.annotations)
                    .filter(|(_, a)| !a.hits.is_empty() && a.period.period == period)
                    .map(|(s, _)| (d.doc.meta.id.clone(), u64::from(s.id)))
            })
            .collect();
        v.sort();
        v
    }
}

fn fixture() -> Fixture {
    let tmp = TempDir::new().expect("temp dir");
    let seg = segmenter();
    let mut seeds: Vec<PathBuf> = std::fs::read_dir("corpus")
        .expect("corpus folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    seeds.sort();
    let docs: Vec<AnnotatedDocument> = seeds.iter().map(|p| seed_document(p, &seg)).collect();
    let index =
        SentenceIndex::create_or_open(&tmp.path().join("output/index"), seg).expect("create index");
    let mut writer = index.writer().expect("writer");
    for doc in &docs {
        writer.add(doc, &lexicons()).expect("add");
    }
    writer.commit().expect("commit");
    Fixture { tmp, docs }
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
    let out = f.search(&[
        TERM, "--period", "biden", "--format", "json", "--limit", "1000",
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
    // Every tagged sentence of every period is found by searching the term.
    let all = f.search(&[TERM, "--format", "json", "--limit", "1000"]);
    let mut tagged: Vec<(String, u64)> = ["biden", "trump1", "trump2", "obama", "unattributed"]
        .iter()
        .flat_map(|p| f.tagged(p))
        .collect();
    tagged.sort();
    assert_eq!(keys(&json_lines(&all)), tagged);
}

#[test]
fn the_table_shows_ranked_rows_with_the_match_marked_and_no_colour_in_a_pipe() {
    let f = fixture();
    let out = f.search(&[TERM, "--period", "biden"]);
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
            "kwic"
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
    let out = f.search(&[TERM, "--count", "--format", "csv"]);
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
    let doc = &f.docs[0].doc.meta.id;
    let out = f.search(&["*", "--doc", doc, "--format", "json", "--limit", "5"]);
    let rows = json_lines(&out);
    assert_eq!(rows.len(), 5);
    assert!(rows.iter().all(|r| r["doc"] == doc.as_str()));
    let out = f.search(&["*", "--zone", "note"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "the fixture has only body sentences"
    );
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
        .arg("--lexicons")
        .arg(tmp.path().join("none"))
        .output()
        .expect("run mine");
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("run `mine index CORPUS` first"));
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
