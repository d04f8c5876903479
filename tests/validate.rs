//! `mine validate` end to end on the seeds: a sample is reproducible, blind, drawn from the body,
//! with its neighbours as context and weights that add up to the population; scores are right
//! against sheets whose codes are known from `passages.csv`; a sentence whose id moved is found
//! again by its text; bad codes stop the run naming the sheet and line; the ablation switches of
//! `mine index` reach the outputs and the manifest; `mine report` states the validation.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use tempfile::TempDir;

fn mine(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mine"))
        .args(args)
        .output()
        .expect("run mine")
}

fn ok(o: Output) -> Output {
    assert!(
        o.status.success(),
        "mine failed: {}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    o
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// The seeds indexed once for the tests that only read the output folder.
fn seeds() -> &'static (TempDir, PathBuf) {
    static SEEDS: OnceLock<(TempDir, PathBuf)> = OnceLock::new();
    SEEDS.get_or_init(|| {
        let tmp = TempDir::new().expect("temp dir");
        let out = tmp.path().join("out");
        ok(mine(&["index", "corpus", "--out", s(&out)]));
        (tmp, out)
    })
}

/// A copy of the seeds' output folder that a test may write into.
fn seeds_copy() -> (TempDir, PathBuf) {
    let (_, out) = seeds();
    let tmp = TempDir::new().expect("temp dir");
    let copy = tmp.path().join("out");
    for entry in walk(out) {
        let rel = entry.strip_prefix(out).expect("inside");
        let target = copy.join(rel);
        fs::create_dir_all(target.parent().expect("parent")).expect("mkdir");
        fs::copy(&entry, &target).expect("copy");
    }
    (tmp, copy)
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in fs::read_dir(dir).expect("read dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

type Row = BTreeMap<String, String>;

fn read_csv(path: &Path) -> (Vec<String>, Vec<Row>) {
    let mut reader = csv::Reader::from_path(path).expect("csv");
    let header: Vec<String> = reader
        .headers()
        .expect("header")
        .iter()
        .map(str::to_string)
        .collect();
    let rows = reader
        .records()
        .map(|r| {
            header
                .iter()
                .cloned()
                .zip(r.expect("record").iter().map(str::to_string))
                .collect()
        })
        .collect();
    (header, rows)
}

fn write_csv(path: &Path, header: &[String], rows: &[Row]) {
    let mut w = csv::Writer::from_path(path).expect("write csv");
    w.write_record(header).expect("header");
    for r in rows {
        w.write_record(header.iter().map(|h| r.get(h).map_or("", String::as_str)))
            .expect("row");
    }
    w.flush().expect("flush");
}

const CATEGORIES: [&str; 3] = [
    "assurance_commitment",
    "threat_narrative",
    "transactional_burden",
];

/// A sheet coded exactly as the tool calls every sentence (from passages.csv).
fn coded_as_the_tool(sheet: &Path, out: &Path, coder: &str, target: &Path) -> Vec<Row> {
    let (_, passages) = read_csv(&out.join("passages.csv"));
    let tool: BTreeMap<(String, String), &Row> = passages
        .iter()
        .map(|r| ((r["doc"].clone(), r["sentence_id"].clone()), r))
        .collect();
    let (header, mut rows) = read_csv(sheet);
    for row in &mut rows {
        let t = tool[&(row["doc"].clone(), row["sentence_id"].clone())];
        row.insert("coder".into(), coder.into());
        row.insert("code_period".into(), t["period"].clone());
        for c in CATEGORIES {
            let n: u32 = t[&format!("n_{c}")].parse().unwrap();
            let plain: u32 = t[&format!("n_{c}_plain")].parse().unwrap();
            row.insert(format!("code_{c}"), u8::from(n > 0).to_string());
            if n > 0 {
                row.insert(
                    format!("code_{c}_weakened"),
                    u8::from(plain == 0).to_string(),
                );
            }
        }
    }
    write_csv(target, &header, &rows);
    rows
}

fn figures(out: &Path) -> BTreeMap<(String, String, String, String), (String, String)> {
    let (header, rows) = read_csv(&out.join("validation.csv"));
    assert_eq!(
        header,
        [
            "by", "group", "variable", "metric", "value", "ci_low", "ci_high", "n"
        ]
    );
    rows.into_iter()
        .map(|r| {
            (
                (
                    r["by"].clone(),
                    r["group"].clone(),
                    r["variable"].clone(),
                    r["metric"].clone(),
                ),
                (r["value"].clone(), r["n"].clone()),
            )
        })
        .collect()
}

fn value(
    f: &BTreeMap<(String, String, String, String), (String, String)>,
    variable: &str,
    metric: &str,
) -> String {
    f[&(
        "all".to_string(),
        "all".to_string(),
        variable.to_string(),
        metric.to_string(),
    )]
        .0
        .clone()
}

#[test]
fn a_sample_is_reproducible_blind_from_the_body_and_weighted_to_the_population() {
    let (_, out) = seeds();
    let tmp = TempDir::new().unwrap();
    let a = tmp.path().join("a.csv");
    let b = tmp.path().join("b.csv");
    for sheet in [&a, &b] {
        ok(mine(&[
            "validate",
            "sample",
            "--out",
            s(out),
            "--n",
            "60",
            "--per-period",
            "--enrich",
            "assurance_commitment:0.4",
            "--seed",
            "11",
            "-o",
            s(sheet),
        ]));
    }
    assert_eq!(fs::read(&a).unwrap(), fs::read(&b).unwrap());
    let other = tmp.path().join("c.csv");
    ok(mine(&[
        "validate",
        "sample",
        "--out",
        s(out),
        "--n",
        "60",
        "--seed",
        "12",
        "-o",
        s(&other),
    ]));
    assert_ne!(fs::read(&a).unwrap(), fs::read(&other).unwrap());

    let (header, rows) = read_csv(&a);
    assert_eq!(rows.len(), 60);
    // Blind: sentence, context, weight and empty code columns, nothing of the tool.
    assert_eq!(
        header.join(","),
        "doc,sentence_id,date,context_before,text,context_after,weight,coder,code_period,\
         code_assurance_commitment,code_assurance_commitment_weakened,code_threat_narrative,\
         code_threat_narrative_weakened,code_transactional_burden,code_transactional_burden_weakened,note"
    );
    assert!(
        rows.iter()
            .all(|r| header[7..].iter().all(|h| r[h].is_empty()))
    );

    let (_, passages) = read_csv(&out.join("passages.csv"));
    let body: Vec<&Row> = passages.iter().filter(|r| r["zone"] == "body").collect();
    let by_key: BTreeMap<(String, String), usize> = passages
        .iter()
        .enumerate()
        .map(|(i, r)| ((r["doc"].clone(), r["sentence_id"].clone()), i))
        .collect();
    // The weights stand for the population: they add up to the body's sentence count.
    let total: f64 = rows
        .iter()
        .map(|r| r["weight"].parse::<f64>().unwrap())
        .sum();
    assert!(
        (total - body.len() as f64).abs() < 0.01,
        "{total} vs {}",
        body.len()
    );
    // Every stratum named: each tool period is in the sample.
    let periods: BTreeSet<&str> = body.iter().map(|r| r["period"].as_str()).collect();
    let sampled: BTreeSet<&str> = rows
        .iter()
        .map(|r| passages[by_key[&(r["doc"].clone(), r["sentence_id"].clone())]]["period"].as_str())
        .collect();
    assert_eq!(periods, sampled);
    for r in &rows {
        let i = by_key[&(r["doc"].clone(), r["sentence_id"].clone())];
        let p = &passages[i];
        assert_eq!(p["zone"], "body");
        assert_eq!(r["text"], p["text"]);
        assert_eq!(r["date"], p["date"]);
        // Context: up to two sentences of the same paragraph on each side.
        let same = |j: usize| {
            passages
                .get(j)
                .filter(|q| q["doc"] == p["doc"] && q["paragraph"] == p["paragraph"])
                .map(|q| q["text"].clone())
        };
        let before: String = [i.checked_sub(2), i.checked_sub(1)]
            .into_iter()
            .flatten()
            .filter_map(same)
            .collect();
        let after: String = [i + 1, i + 2].into_iter().filter_map(same).collect();
        assert_eq!(r["context_before"], before, "{}", r["sentence_id"]);
        assert_eq!(r["context_after"], after, "{}", r["sentence_id"]);
    }
}

#[test]
fn sheets_coded_as_the_tool_score_perfectly_and_a_flipped_sheet_counts_its_flips() {
    let (tmp, out) = seeds_copy();
    let sheet = tmp.path().join("sheet.csv");
    ok(mine(&[
        "validate",
        "sample",
        "--out",
        s(&out),
        "--n",
        "80",
        "--enrich",
        "threat_narrative:0.5",
        "--seed",
        "5",
        "-o",
        s(&sheet),
    ]));
    let a = tmp.path().join("a.csv");
    let rows = coded_as_the_tool(&sheet, &out, "ann", &a);

    // Coder b disagrees on threat: the first four sentences the tool tags are coded 0.
    let (header, mut flipped) = read_csv(&a);
    let mut changed = Vec::new();
    for r in flipped.iter_mut() {
        if r["code_threat_narrative"] == "1" && changed.len() < 4 {
            r.insert("code_threat_narrative".into(), "0".into());
            r.insert("code_threat_narrative_weakened".into(), String::new());
            changed.push(r["weight"].parse::<f64>().unwrap());
        }
        r.insert("coder".into(), "bob".into());
    }
    assert_eq!(changed.len(), 4);
    let b = tmp.path().join("b.csv");
    write_csv(&b, &header, &flipped);

    // Against a's codes, the tool is perfect.
    let o = ok(mine(&[
        "validate",
        "score",
        "--out",
        s(&out),
        "--gold",
        s(&a),
        s(&a),
        s(&b),
    ]));
    let f = figures(&out);
    for c in CATEGORIES {
        for m in ["precision", "recall", "f1"] {
            let v = value(&f, c, m);
            assert!(v.is_empty() || v == "1.0000", "{c} {m} {v}");
        }
    }
    assert_eq!(value(&f, "threat_narrative", "precision"), "1.0000");
    assert_eq!(value(&f, "period", "accuracy"), "1.0000");
    // Agreement on threat: 4 of 80 units differ.
    assert_eq!(value(&f, "threat_narrative", "agreement"), "0.9500");
    assert_eq!(value(&f, "assurance_commitment", "agreement"), "1.0000");
    let printed = String::from_utf8_lossy(&o.stdout);
    assert!(printed.contains("Krippendorff's alpha"), "{printed}");

    // Against b's codes, four tool positives are false: weighted precision is
    // (W − w_flipped) / W over the tool's positives, recall stays 1.
    ok(mine(&[
        "validate",
        "score",
        "--out",
        s(&out),
        "--gold",
        s(&b),
        s(&a),
        s(&b),
    ]));
    let f = figures(&out);
    let positives: f64 = rows
        .iter()
        .filter(|r| r["code_threat_narrative"] == "1")
        .map(|r| r["weight"].parse::<f64>().unwrap())
        .sum();
    let expected = (positives - changed.iter().sum::<f64>()) / positives;
    let got: f64 = value(&f, "threat_narrative", "precision").parse().unwrap();
    assert!((got - expected).abs() < 5e-5, "{got} vs {expected}");
    assert_eq!(value(&f, "threat_narrative", "recall"), "1.0000");
    let md = fs::read_to_string(out.join("validation.md")).unwrap();
    assert!(
        md.contains("### threat_narrative: false positive (4)"),
        "{md}"
    );
    assert!(md.contains("entry `"), "{md}");
    assert!(md.contains("Settings scored: period steps sentence,paragraph,heading,citation,document; modifiers on"), "{md}");

    // Without --gold the majority decides; a and b tie on the four flipped sentences.
    ok(mine(&["validate", "score", "--out", s(&out), s(&a), s(&b)]));
    let md = fs::read_to_string(out.join("validation.md")).unwrap();
    assert!(md.contains("ties left out: threat_narrative 4"), "{md}");
}

#[test]
fn a_sentence_whose_id_moved_is_found_again_by_its_text() {
    let (tmp, out) = seeds_copy();
    let sheet = tmp.path().join("sheet.csv");
    ok(mine(&[
        "validate",
        "sample",
        "--out",
        s(&out),
        "--n",
        "20",
        "--seed",
        "3",
        "-o",
        s(&sheet),
    ]));
    let a = tmp.path().join("a.csv");
    coded_as_the_tool(&sheet, &out, "ann", &a);
    let (header, mut rows) = read_csv(&a);
    // As if the parser had split one more sentence earlier in the document.
    let old: u32 = rows[0]["sentence_id"].parse().unwrap();
    rows[0].insert("sentence_id".into(), (old + 1000).to_string());
    write_csv(&a, &header, &rows);
    ok(mine(&["validate", "score", "--out", s(&out), s(&a)]));
    let md = fs::read_to_string(out.join("validation.md")).unwrap();
    assert!(
        md.contains("Sentences scored: 20 (1 found again by their text"),
        "{md}"
    );
    assert_eq!(value(&figures(&out), "period", "accuracy"), "1.0000");
}

#[test]
fn bad_sheets_stop_the_scoring_naming_file_and_line() {
    let (tmp, out) = seeds_copy();
    let sheet = tmp.path().join("sheet.csv");
    ok(mine(&[
        "validate",
        "sample",
        "--out",
        s(&out),
        "--n",
        "5",
        "-o",
        s(&sheet),
    ]));
    let a = tmp.path().join("a.csv");
    coded_as_the_tool(&sheet, &out, "ann", &a);
    let (header, mut rows) = read_csv(&a);
    rows[2].insert("code_period".into(), "bidn".into());
    write_csv(&a, &header, &rows);
    let o = mine(&["validate", "score", "--out", s(&out), s(&a)]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("a.csv:4: code_period `bidn` is not a period of this run"),
        "{err}"
    );
    rows[2].insert("code_period".into(), "biden".into());
    rows[1].insert("code_threat_narrative".into(), "yes".into());
    write_csv(&a, &header, &rows);
    let err =
        String::from_utf8_lossy(&mine(&["validate", "score", "--out", s(&out), s(&a)]).stderr)
            .into_owned();
    assert!(
        err.contains("a.csv:3: column `code_threat_narrative`"),
        "{err}"
    );
    rows[1].insert("code_threat_narrative".into(), "1".into());
    write_csv(&a, &header, &rows);
    let o = mine(&[
        "validate",
        "score",
        "--out",
        s(&tmp.path().join("nothing")),
        s(&a),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("run `mine index CORPUS --out"));
    let o = mine(&[
        "validate",
        "sample",
        "--out",
        s(&out),
        "--enrich",
        "threat:0.5",
        "-o",
        s(&sheet),
    ]);
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("--enrich threat: no such category"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn ablation_switches_reach_the_outputs_and_the_manifest() {
    let tmp = TempDir::new().unwrap();
    let out = tmp.path().join("out");
    ok(mine(&[
        "index",
        "corpus",
        "--out",
        s(&out),
        "--period-steps",
        "sentence,document",
        "--no-modifiers",
    ]));
    let (_, passages) = read_csv(&out.join("passages.csv"));
    let sources: BTreeSet<&str> = passages
        .iter()
        .map(|r| r["period_source"].as_str())
        .collect();
    assert!(sources.contains("sentence"));
    for off in ["paragraph", "heading", "citation"] {
        assert!(!sources.contains(off), "{sources:?}");
    }
    let (_, hits) = read_csv(&out.join("hits.csv"));
    assert!(!hits.is_empty());
    assert!(hits.iter().all(|h| h["modifier"].is_empty()));
    let manifest: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(
        manifest["annotation"],
        serde_json::json!({"period_fallback": "none", "period_steps": ["sentence", "document"], "modifiers": false})
    );
    let o = mine(&[
        "index",
        "corpus",
        "--out",
        s(&out),
        "--period-steps",
        "sentence,paragrph",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("unknown period step `paragrph`"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn the_report_states_the_validation_or_its_absence() {
    let (tmp, out) = seeds_copy();
    let o = ok(mine(&["report", "--out", s(&out)]));
    assert!(String::from_utf8_lossy(&o.stdout).contains("validation: none"));
    let md = fs::read_to_string(out.join("report.md")).unwrap();
    assert!(
        md.contains("## Validation against human coding\n\nNone."),
        "{md}"
    );

    let sheet = tmp.path().join("sheet.csv");
    ok(mine(&[
        "validate",
        "sample",
        "--out",
        s(&out),
        "--n",
        "30",
        "-o",
        s(&sheet),
    ]));
    let a = tmp.path().join("a.csv");
    coded_as_the_tool(&sheet, &out, "ann", &a);
    ok(mine(&["validate", "score", "--out", s(&out), s(&a)]));
    ok(mine(&["report", "--out", s(&out)]));
    let md = fs::read_to_string(out.join("report.md")).unwrap();
    assert!(md.contains("on 30 hand-coded sentences"), "{md}");
    assert!(md.contains("Period accuracy: 1.0000"), "{md}");
}
