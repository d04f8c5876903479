//! The exports on a tiny constructed corpus whose counts are computed by hand: every CSV read back
//! with the csv crate and checked against the codebook table, the sums across files, one G², the
//! bootstrap's seed, `--excel`, and byte-identical output for the same input.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use mine::export::{ExportOptions, ExportSummary, Exporter, codebook};
use mine::lexicon::{Category, Entry, LexiconSet, ModifierRule};
use mine::model::{
    AnnotatedDocument, DocMeta, Document, Hit, Modifier, ModifierKind, PartialDate, PeriodCall,
    PeriodSource, Sentence, SentenceAnnotation, Token, UNATTRIBUTED, Zone,
};
use mine::period::{PeriodDef, PeriodScheme};

const ASSURANCE: usize = 0;
const THREAT: usize = 1;

fn lexicons() -> LexiconSet {
    let entry = |term: &str, subcategory| Entry {
        term: term.into(),
        subcategory,
        ..Entry::default()
    };
    LexiconSet::new(
        vec![
            Category {
                name: "assurance_commitment".into(),
                description: "Security guarantees from an ally.".into(),
                subcategories: vec!["commitment".into(), "firmness".into()],
                entries: vec![entry("防卫承诺", 0), entry("坚如磐石", 1)],
                ..Category::default()
            },
            Category {
                name: "threat_narrative".into(),
                description: "Language that constructs a threat.".into(),
                subcategories: vec!["threat".into()],
                entries: vec![entry("威胁", 0)],
                ..Category::default()
            },
        ],
        ModifierRule::default(),
    )
}

fn scheme() -> PeriodScheme {
    PeriodScheme::with_periods(vec![
        PeriodDef {
            id: "obama".into(),
            label: "Obama".into(),
            start: Some(PartialDate::ymd(2009, 1, 20)),
            end: Some(PartialDate::ymd(2017, 1, 19)),
        },
        PeriodDef {
            id: "biden".into(),
            label: "Biden".into(),
            start: Some(PartialDate::ymd(2021, 1, 20)),
            end: None,
        },
    ])
}

/// A sentence to build: zone, text, period, token count, hits as (needle, category, entry,
/// modifier).
struct Line<'a> {
    zone: Zone,
    text: &'a str,
    period: &'a str,
    tokens: usize,
    hits: Vec<(&'a str, usize, usize, Option<ModifierKind>)>,
}

fn line<'a>(
    zone: Zone,
    text: &'a str,
    period: &'a str,
    tokens: usize,
    hits: Vec<(&'a str, usize, usize, Option<ModifierKind>)>,
) -> Line<'a> {
    Line {
        zone,
        text,
        period,
        tokens,
        hits,
    }
}

fn document(id: &str, title: &str, lines: Vec<Line>) -> AnnotatedDocument {
    let mut sentences = Vec::new();
    let mut annotations = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        sentences.push(Sentence {
            id: i as u32,
            zone: l.zone,
            section: None,
            paragraph: i as u32,
            text: l.text.to_string(),
            char_start: 0,
            char_end: l.text.chars().count(),
            note_refs: if i == 1 {
                vec!["1".into(), "2".into()]
            } else {
                vec![]
            },
        });
        let mut from = 0;
        let hits = l
            .hits
            .iter()
            .map(|(needle, category, entry, modifier)| {
                let start = from + l.text[from..].find(needle).expect("needle in text");
                from = start + needle.len();
                let char_start = l.text[..start].chars().count() as u32;
                Hit {
                    category: *category,
                    subcategory: 0,
                    entry: *entry,
                    byte_start: start as u32,
                    byte_end: (start + needle.len()) as u32,
                    char_start,
                    char_end: char_start + needle.chars().count() as u32,
                    modifier: modifier.map(|kind| Modifier {
                        kind,
                        word: match kind {
                            ModifierKind::Negated => "并未".into(),
                            ModifierKind::Diminished => "动摇".into(),
                        },
                    }),
                }
            })
            .collect();
        let period = if l.period == UNATTRIBUTED {
            PeriodCall::unattributed()
        } else {
            PeriodCall {
                period: l.period.into(),
                source: PeriodSource::Sentence,
                evidence: "政府".into(),
                mentioned: vec![l.period.into()],
            }
        };
        // `l.tokens` one-character word tokens (the text's letters, taken in turn), so that the
        // word-token denominators are the counts given.
        let letters: Vec<Token> = l
            .text
            .char_indices()
            .enumerate()
            .filter(|(_, (_, c))| c.is_alphabetic())
            .map(|(n, (b, c))| Token {
                byte_start: b as u32,
                byte_end: (b + c.len_utf8()) as u32,
                char_start: n as u32,
                char_end: n as u32 + 1,
            })
            .collect();
        let tokens: Vec<Token> = letters.iter().copied().cycle().take(l.tokens).collect();
        annotations.push(SentenceAnnotation {
            tokens,
            hits,
            period,
            clauses: Vec::new(),
        });
    }
    AnnotatedDocument {
        doc: Document {
            meta: DocMeta {
                id: id.into(),
                file: format!("{id}.txt"),
                title: title.into(),
                authors: vec!["李".into(), "谭".into()],
                journal: None,
                date: Some(PartialDate::year(2025)),
                period_fallback: None,
                extra: vec![("region".into(), "east".into())],
            },
            encoding: "UTF-8".into(),
            content_hash: String::new(),
            sections: vec![],
            paragraphs: vec![],
            sentences,
            notes: vec![],
            repairs: vec![],
            dropped: vec![],
        },
        annotations,
    }
}

const LONG: &str = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥威胁甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥。";

/// The corpus, with its counts by hand (body only):
/// - biden: a1 (6 tokens: 防卫承诺, 坚如磐石 plain), a2 (5: 威胁 plain), b0 (3: 威胁 ×2 plain)
///   → 14 tokens, 3 sentences, 2 docs; assurance 2 plain; threat 3 plain.
/// - obama: a3 (6: 防卫承诺 negated), b1 (4: 防卫承诺 diminished) → 10 tokens, 2 sentences,
///   2 docs; assurance 2 hits, 0 plain; threat 0.
/// - unattributed: b2 (10: 威胁 plain) → 10 tokens, 1 sentence, 1 doc.
/// - not counted: a0 (title), a4 (note with 威胁).
fn corpus() -> Vec<AnnotatedDocument> {
    use ModifierKind::*;
    vec![
        document(
            "a",
            "=标题",
            vec![
                line(Zone::Title, "=标题", UNATTRIBUTED, 1, vec![]),
                line(
                    Zone::Body,
                    "拜登政府的防卫承诺坚如磐石。",
                    "biden",
                    6,
                    vec![
                        ("防卫承诺", ASSURANCE, 0, None),
                        ("坚如磐石", ASSURANCE, 1, None),
                    ],
                ),
                line(
                    Zone::Body,
                    "朝鲜的威胁没有减弱。",
                    "biden",
                    5,
                    vec![("威胁", THREAT, 0, None)],
                ),
                line(
                    Zone::Body,
                    "奥巴马政府并未兑现防卫承诺。",
                    "obama",
                    6,
                    vec![("防卫承诺", ASSURANCE, 0, Some(Negated))],
                ),
                line(
                    Zone::Note,
                    "=1+1 威胁",
                    UNATTRIBUTED,
                    3,
                    vec![("威胁", THREAT, 0, None)],
                ),
            ],
        ),
        document(
            "b",
            "第二篇",
            vec![
                line(
                    Zone::Body,
                    "威胁威胁。",
                    "biden",
                    3,
                    vec![("威胁", THREAT, 0, None), ("威胁", THREAT, 0, None)],
                ),
                line(
                    Zone::Body,
                    "=SUM(A1) 动摇防卫承诺",
                    "obama",
                    4,
                    vec![("防卫承诺", ASSURANCE, 0, Some(Diminished))],
                ),
                line(
                    Zone::Body,
                    LONG,
                    UNATTRIBUTED,
                    10,
                    vec![("威胁", THREAT, 0, None)],
                ),
            ],
        ),
    ]
}

fn export(out: &Path, options: ExportOptions) -> ExportSummary {
    let mut exporter = Exporter::new(
        out,
        &lexicons(),
        &scheme(),
        &["region".to_string()],
        options,
    )
    .unwrap();
    for doc in corpus() {
        exporter.add(&doc).unwrap();
    }
    exporter.finish().unwrap()
}

type Rows = Vec<BTreeMap<String, String>>;

fn read(out: &Path, file: &str) -> (Vec<String>, Rows) {
    let mut reader = csv::Reader::from_path(out.join(file)).unwrap();
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let rows = reader
        .records()
        .map(|r| {
            header
                .iter()
                .cloned()
                .zip(r.unwrap().iter().map(String::from))
                .collect()
        })
        .collect();
    (header, rows)
}

fn find<'a>(rows: &'a Rows, keys: &[(&str, &str)]) -> &'a BTreeMap<String, String> {
    let found: Vec<_> = rows
        .iter()
        .filter(|r| keys.iter().all(|(k, v)| r[*k] == *v))
        .collect();
    assert_eq!(found.len(), 1, "{keys:?}");
    found[0]
}

fn num(row: &BTreeMap<String, String>, col: &str) -> u64 {
    row[col]
        .parse()
        .unwrap_or_else(|_| panic!("{col} = {}", row[col]))
}

#[test]
fn every_csv_reads_back_with_the_codebook_columns() {
    let dir = tempfile::tempdir().unwrap();
    let summary = export(dir.path(), ExportOptions::default());
    let tables = codebook::tables(&lexicons(), &["region".to_string()]);
    assert_eq!(tables.len(), 6);
    for table in &tables {
        let (header, rows) = read(dir.path(), table.file);
        assert_eq!(header, table.header(), "{}", table.file);
        assert_eq!(
            summary.rows(table.file),
            Some(rows.len() as u64),
            "{}",
            table.file
        );
        for row in &rows {
            for c in &table.columns {
                let cell = &row[&c.name];
                assert_ne!(cell, "NA", "{} {}", table.file, c.name);
                match c.kind {
                    codebook::ColumnKind::Integer => {
                        assert!(
                            cell.parse::<u64>().is_ok(),
                            "{} {} {cell}",
                            table.file,
                            c.name
                        )
                    }
                    codebook::ColumnKind::Decimal => {
                        assert!(
                            cell.parse::<f64>().is_ok(),
                            "{} {} {cell}",
                            table.file,
                            c.name
                        )
                    }
                    codebook::ColumnKind::Boolean => {
                        assert!(cell == "true" || cell == "false")
                    }
                    _ => {}
                }
            }
        }
    }
    // The codebook documents every column of every table.
    let md = fs::read_to_string(dir.path().join("codebook.md")).unwrap();
    for table in &tables {
        for c in &table.columns {
            assert!(md.contains(&format!("| `{}` |", c.name)), "{}", c.name);
        }
    }
    assert!(md.contains("### `threat_narrative`") && md.contains("坚如磐石"));
    // RFC 4180 line ends, and no temporary file left behind.
    let bytes = fs::read(dir.path().join("hits.csv")).unwrap();
    assert!(bytes.windows(2).any(|w| w == b"\r\n"));
    let names: Vec<String> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.starts_with('.')), "{names:?}");
}

#[test]
fn passages_and_hits_hold_every_zone() {
    let dir = tempfile::tempdir().unwrap();
    export(dir.path(), ExportOptions::default());
    let (_, passages) = read(dir.path(), "passages.csv");
    assert_eq!(passages.len(), 8);
    let a1 = find(&passages, &[("doc", "a"), ("sentence_id", "1")]);
    assert_eq!(a1["n_assurance_commitment"], "2");
    assert_eq!(a1["n_assurance_commitment_plain"], "2");
    assert_eq!(a1["n_threat_narrative"], "0");
    assert_eq!(a1["note_refs"], "1;2");
    assert_eq!(a1["tokens"], "6");
    assert_eq!(a1["period"], "biden");
    assert_eq!(a1["authors"], "李;谭");
    assert_eq!(a1["date"], "2025");
    assert_eq!(a1["journal"], "");
    assert_eq!(a1["region"], "east");
    let b1 = find(&passages, &[("doc", "b"), ("sentence_id", "1")]);
    assert_eq!(b1["n_assurance_commitment_diminished"], "1");
    assert_eq!(b1["text"], "=SUM(A1) 动摇防卫承诺");

    let (_, hits) = read(dir.path(), "hits.csv");
    assert_eq!(hits.len(), 9);
    let note = find(&hits, &[("doc", "a"), ("zone", "note")]);
    assert_eq!(note["counted"], "false");
    let a2 = find(&hits, &[("doc", "a"), ("sentence_id", "2")]);
    assert_eq!(
        (
            a2["left"].as_str(),
            a2["matched"].as_str(),
            a2["right"].as_str()
        ),
        ("朝鲜的", "威胁", "没有减弱。")
    );
    assert_eq!(
        (a2["char_start"].as_str(), a2["char_end"].as_str()),
        ("3", "5")
    );
    assert_eq!(a2["counted"], "true");
    let neg = find(&hits, &[("doc", "a"), ("sentence_id", "3")]);
    assert_eq!(
        (neg["modifier"].as_str(), neg["modifier_word"].as_str()),
        ("negated", "并未")
    );
    assert_eq!(neg["subcategory"], "commitment");
    // Context is cut at 20 grapheme clusters and stays inside the sentence.
    let long = find(&hits, &[("doc", "b"), ("sentence_id", "2")]);
    assert_eq!(long["left"], "丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥");
    assert_eq!(long["right"], "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉");
}

#[test]
fn hand_computed_counts_and_rates() {
    let dir = tempfile::tempdir().unwrap();
    let summary = export(dir.path(), ExportOptions::default());
    assert_eq!(summary.counted_tokens, 14 + 10 + 10);
    assert_eq!(summary.tokens, 14 + 10 + 10 + 1 + 3);
    let (_, cats) = read(dir.path(), "period_categories.csv");
    // 3 periods × 2 categories, in scheme order then unattributed.
    let order: Vec<_> = cats
        .iter()
        .map(|r| (r["period"].clone(), r["category"].clone()))
        .collect();
    assert_eq!(
        order[0],
        ("obama".to_string(), "assurance_commitment".to_string())
    );
    assert_eq!(
        order[5],
        ("unattributed".to_string(), "threat_narrative".to_string())
    );

    let biden_a = find(
        &cats,
        &[("period", "biden"), ("category", "assurance_commitment")],
    );
    assert_eq!(
        [
            biden_a["hits"].as_str(),
            &biden_a["hits_plain"],
            &biden_a["tokens"],
            &biden_a["sentences"],
            &biden_a["docs"]
        ],
        ["2", "2", "14", "3", "2"]
    );
    assert_eq!(biden_a["period_start"], "2021-01-20");
    assert_eq!(biden_a["period_end"], "");
    // 2 * 10000 / 14 = 1428.571428...
    assert_eq!(biden_a["rate_per_10k"], "1428.5714");
    assert_eq!(biden_a["sentences_with_hit"], "1");
    assert_eq!(biden_a["docs_with_hit"], "1");
    // 1 of 3 sentences.
    assert_eq!(biden_a["share_sentences_with_hit"], "0.3333");
    assert_eq!(biden_a["ci_method"], "cluster_bootstrap");

    let biden_t = find(
        &cats,
        &[("period", "biden"), ("category", "threat_narrative")],
    );
    // 3 * 10000 / 14 = 2142.857142...
    assert_eq!(biden_t["rate_per_10k"], "2142.8571");
    assert_eq!(
        (
            num(biden_t, "sentences_with_hit"),
            num(biden_t, "docs_with_hit")
        ),
        (2, 2)
    );

    let obama_a = find(
        &cats,
        &[("period", "obama"), ("category", "assurance_commitment")],
    );
    assert_eq!(
        [
            obama_a["hits"].as_str(),
            &obama_a["hits_plain"],
            &obama_a["hits_negated"],
            &obama_a["hits_diminished"]
        ],
        ["2", "0", "1", "1"]
    );
    assert_eq!(obama_a["rate_per_10k"], "0.0000");

    let un = find(
        &cats,
        &[("period", "unattributed"), ("category", "threat_narrative")],
    );
    // One document: the interval is its point rate, 1 * 10000 / 10 = 1000.
    assert_eq!(un["ci_method"], "single_document");
    assert_eq!(
        (un["rate_ci_low"].as_str(), un["rate_ci_high"].as_str()),
        ("1000.0000", "1000.0000")
    );
    assert_eq!(un["period_start"], "");

    // Every period and every entry, zeros included: 3 periods × 3 entries.
    let (_, freq) = read(dir.path(), "period_frequencies.csv");
    assert_eq!(freq.len(), 9);
    let firm = find(&freq, &[("period", "obama"), ("entry", "坚如磐石")]);
    assert_eq!(
        (num(firm, "hits"), num(firm, "tokens"), num(firm, "docs")),
        (0, 10, 2)
    );
    assert_eq!(firm["subcategory"], "firmness");
    let threat_b = find(&freq, &[("period", "biden"), ("entry", "威胁")]);
    assert_eq!(
        (
            num(threat_b, "hits_plain"),
            num(threat_b, "sentences_with_hit")
        ),
        (3, 2)
    );

    // doc × period × category, only where the document has counted sentences.
    let (_, dpf) = read(dir.path(), "doc_period_frequencies.csv");
    // a: biden, obama; b: obama, biden, unattributed → 5 × 2 categories.
    assert_eq!(dpf.len(), 10);
    let b_biden = find(
        &dpf,
        &[
            ("doc", "b"),
            ("period", "biden"),
            ("category", "threat_narrative"),
        ],
    );
    assert_eq!((num(b_biden, "hits"), num(b_biden, "tokens")), (2, 3));
    // 2 * 10000 / 3 = 6666.666...
    assert_eq!(b_biden["rate_per_10k"], "6666.6667");
}

#[test]
fn keyness_matches_a_hand_computed_g2() {
    let dir = tempfile::tempdir().unwrap();
    export(dir.path(), ExportOptions::default());
    let (_, key) = read(dir.path(), "keyness.csv");
    // One pair (obama, biden) × 3 entries; unattributed is not a period to compare.
    assert_eq!(key.len(), 3);
    let threat = find(&key, &[("entry", "威胁")]);
    assert_eq!(
        (threat["period_1"].as_str(), threat["period_2"].as_str()),
        ("obama", "biden")
    );
    // a = 0 in 10 tokens, b = 3 in 14: E1 = 10 * 3 / 24 = 1.25, E2 = 14 * 3 / 24 = 1.75;
    // G² = 2 (0 + 3 ln(3 / 1.75)) = 6 ln(1.7142857) = 6 * 0.5389965 = 3.2339791.
    assert_eq!(threat["g2"], "3.2340");
    // erfc(sqrt(3.2339791 / 2)) = 0.0721 (chi-square 1 df).
    let p: f64 = threat["p_value"].parse().unwrap();
    assert!((p - 0.07211).abs() < 1e-4, "{p}");
    // log2((0.5 / 10) / (3 / 14)) = log2(0.2333333) = -2.0995; a number, never guarded.
    assert_eq!(threat["log_ratio"], "-2.0995");
    assert_eq!(threat["overused_in"], "biden");
}

#[test]
fn sums_agree_across_files() {
    let dir = tempfile::tempdir().unwrap();
    export(dir.path(), ExportOptions::default());
    let (_, cats) = read(dir.path(), "period_categories.csv");
    let (_, freq) = read(dir.path(), "period_frequencies.csv");
    let (_, hits) = read(dir.path(), "hits.csv");
    let (_, dpf) = read(dir.path(), "doc_period_frequencies.csv");
    for c in &cats {
        let key = |r: &BTreeMap<String, String>| {
            r["period"] == c["period"] && r["category"] == c["category"]
        };
        for col in ["hits", "hits_plain", "hits_negated", "hits_diminished"] {
            let from_freq: u64 = freq.iter().filter(|r| key(r)).map(|r| num(r, col)).sum();
            let from_docs: u64 = dpf.iter().filter(|r| key(r)).map(|r| num(r, col)).sum();
            assert_eq!(num(c, col), from_freq, "{col} {c:?}");
            assert_eq!(num(c, col), from_docs, "{col} {c:?}");
        }
        let counted_hits = hits
            .iter()
            .filter(|r| key(r) && r["counted"] == "true")
            .count() as u64;
        assert_eq!(num(c, "hits"), counted_hits, "{c:?}");
        let plain = hits
            .iter()
            .filter(|r| key(r) && r["counted"] == "true" && r["modifier"].is_empty())
            .count() as u64;
        assert_eq!(num(c, "hits_plain"), plain);
        let tokens: u64 = dpf
            .iter()
            .filter(|r| key(r))
            .map(|r| num(r, "tokens"))
            .sum();
        assert_eq!(num(c, "tokens"), tokens);
    }
}

#[test]
fn counted_zones_follow_the_option() {
    let dir = tempfile::tempdir().unwrap();
    let options = ExportOptions {
        zones: vec![Zone::Body, Zone::Note],
        ..ExportOptions::default()
    };
    export(dir.path(), options);
    let (_, cats) = read(dir.path(), "period_categories.csv");
    let un = find(
        &cats,
        &[("period", "unattributed"), ("category", "threat_narrative")],
    );
    // The note's 威胁 now counts too: 2 hits in 10 + 3 tokens, 2 documents.
    assert_eq!(
        (num(un, "hits"), num(un, "tokens"), num(un, "docs")),
        (2, 13, 2)
    );
    let (_, hits) = read(dir.path(), "hits.csv");
    assert!(hits.iter().all(|r| r["counted"] == "true"));
}

#[test]
fn same_input_gives_byte_identical_files_and_the_seed_decides_the_intervals() {
    let (one, two, other) = (
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
    );
    export(one.path(), ExportOptions::default());
    export(two.path(), ExportOptions::default());
    for table in codebook::tables(&lexicons(), &["region".to_string()]) {
        assert_eq!(
            fs::read(one.path().join(table.file)).unwrap(),
            fs::read(two.path().join(table.file)).unwrap(),
            "{}",
            table.file
        );
    }
    assert_eq!(
        fs::read(one.path().join("codebook.md")).unwrap(),
        fs::read(two.path().join("codebook.md")).unwrap()
    );
    // With another seed the counts stay and only the sampling could change: the point rates are
    // the same, and the codebook names the seed used.
    export(
        other.path(),
        ExportOptions {
            seed: 99,
            ..ExportOptions::default()
        },
    );
    let (_, a) = read(one.path(), "period_categories.csv");
    let (_, b) = read(other.path(), "period_categories.csv");
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x["rate_per_10k"], y["rate_per_10k"]);
    }
    assert!(
        fs::read_to_string(other.path().join("codebook.md"))
            .unwrap()
            .contains("seeded with 99")
    );
}

#[test]
fn excel_mode_writes_a_bom_and_guards_formula_text_only() {
    let dir = tempfile::tempdir().unwrap();
    export(
        dir.path(),
        ExportOptions {
            excel: true,
            ..ExportOptions::default()
        },
    );
    let bytes = fs::read(dir.path().join("passages.csv")).unwrap();
    assert!(bytes.starts_with("\u{feff}doc,".as_bytes()));
    let text = String::from_utf8(bytes).unwrap();
    assert!(text.contains(",'=SUM(A1) 动摇防卫承诺,"), "{text}");
    assert!(text.contains(",'=标题,"));
    assert!(!text.contains(",=SUM"));
    let (_, key) = read(dir.path(), "keyness.csv");
    // A negative number stays a number.
    assert_eq!(find(&key, &[("entry", "威胁")])["log_ratio"], "-2.0995");
    // Without --excel the text is left as it is.
    let plain = tempfile::tempdir().unwrap();
    export(plain.path(), ExportOptions::default());
    let text = fs::read_to_string(plain.path().join("passages.csv")).unwrap();
    assert!(text.starts_with("doc,") && text.contains(",=SUM(A1) 动摇防卫承诺,"));
}

#[test]
fn a_period_outside_the_scheme_is_an_error_naming_the_sentence() {
    let dir = tempfile::tempdir().unwrap();
    let mut exporter = Exporter::new(
        dir.path(),
        &lexicons(),
        &scheme(),
        &[],
        ExportOptions::default(),
    )
    .unwrap();
    let mut doc = corpus().remove(0);
    doc.annotations[2].period.period = "trump9".into();
    let err = exporter.add(&doc).unwrap_err().to_string();
    assert!(
        err.contains("a, sentence 2") && err.contains("trump9"),
        "{err}"
    );
}

#[test]
fn bootstrap_intervals_change_with_the_seed_and_not_without() {
    // Eight documents in one period with uneven rates, so replicates vary.
    let docs: Vec<AnnotatedDocument> = (0..8)
        .map(|i| {
            let hits = (0..i % 3).map(|_| ("威胁", THREAT, 0, None)).collect();
            let text = "威胁威胁。";
            document(
                &format!("d{i}"),
                "t",
                vec![line(Zone::Body, text, "biden", 10 + i, hits)],
            )
        })
        .collect();
    let run = |seed| {
        let dir = tempfile::tempdir().unwrap();
        let options = ExportOptions {
            seed,
            ..ExportOptions::default()
        };
        let mut exporter = Exporter::new(dir.path(), &lexicons(), &scheme(), &[], options).unwrap();
        for d in &docs {
            exporter.add(d).unwrap();
        }
        exporter.finish().unwrap();
        let (_, cats) = read(dir.path(), "period_categories.csv");
        let row = find(
            &cats,
            &[("period", "biden"), ("category", "threat_narrative")],
        )
        .clone();
        (
            row["rate_ci_low"].clone(),
            row["rate_ci_high"].clone(),
            row["rate_per_10k"].clone(),
        )
    };
    let (a, b, c) = (run(1), run(1), run(2));
    assert_eq!(a, b);
    assert_ne!((&a.0, &a.1), (&c.0, &c.1));
    assert_eq!(a.2, c.2);
    let (low, high, rate): (f64, f64, f64) = (
        a.0.parse().unwrap(),
        a.1.parse().unwrap(),
        a.2.parse().unwrap(),
    );
    assert!(low < rate && rate < high, "{low} {rate} {high}");
}

#[test]
fn the_report_reads_the_export_back_and_draws_the_chart() {
    let dir = tempfile::tempdir().unwrap();
    export(
        dir.path(),
        ExportOptions {
            excel: true,
            ..ExportOptions::default()
        },
    );
    let summary = mine::report::write(dir.path(), &mine::report::ReportOptions::default()).unwrap();
    assert_eq!(
        summary
            .framing
            .iter()
            .map(|r| r.period.as_str())
            .collect::<Vec<_>>(),
        ["obama", "biden"]
    );
    // Corpus rates: assurance 2 / 34 tokens = 588.2, threat 4 / 34 = 1176.5.
    // biden: assurance 1428.6 (high), threat 2142.9 (high) → 提前兑现; obama: 0 and 0 → 延迟兑现.
    assert_eq!(summary.framing[1].quadrant().unwrap().0, "提前兑现");
    assert_eq!(summary.framing[0].quadrant().unwrap().0, "延迟兑现");
    let md = fs::read_to_string(&summary.report).unwrap();
    assert!(md.contains("rates.svg") && md.contains("表1"), "{md}");
    let svg = fs::read_to_string(&summary.chart).unwrap();
    assert!(svg.starts_with("<svg") && svg.contains("threat_narrative") && svg.contains("biden"));
}
