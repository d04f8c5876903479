//! Property tests (proptest) for every parser that reads user input: decoding, structure parsing
//! and repair (which runs sentence splitting, note-marker and date recognition), period
//! attribution and lexicon tagging, the lexicon, modifier, periods, overrides and metadata file
//! parsers, and the search query parser. The property is first of all "no panic on any input",
//! plus the invariants the later stages rely on (normalised text, byte ranges on character
//! boundaries, configuration errors pointing inside the file).
//!
//! Inputs are built from vocabularies of the things these parsers look for (markers, headings,
//! dates, markup, TOML and CSV punctuation) mixed with arbitrary characters, and from random edits
//! of the shipped configuration files, which reaches much deeper than uniform random strings.
//!
//! Bounded: `MINE_PROPTEST_CASES` cases per property (default 64, CI's budget); run longer with
//! e.g. `MINE_PROPTEST_CASES=5000 cargo test --test properties` (see docs/hardening.md). Inputs
//! that once broke something are kept under `tests/data/fuzz/<target>/` and replayed by the
//! `regression_*` tests on every run.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use proptest::prelude::*;
use proptest::sample::Index;

use mine::annotate::Pipeline;
use mine::corpus::decode::decode;
use mine::corpus::{metadata, structure};
use mine::error::ConfigError;
use mine::index::SentenceIndex;
use mine::index::search::SearchRequest;
use mine::lexicon::format::parse_category;
use mine::lexicon::modifiers::ModifierRule;
use mine::model::{AnnotatedDocument, Fallback, Zone};
use mine::period::{Overrides, PeriodScheme};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn cases() -> u32 {
    std::env::var("MINE_PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(64)
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: cases(),
        // Found inputs are kept by hand as fixtures under tests/data/fuzz/, not in
        // proptest-regressions files next to the sources.
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// The shipped configuration, loaded once: jieba's dictionary takes a while.
fn pipeline() -> &'static Pipeline {
    static PIPELINE: OnceLock<Pipeline> = OnceLock::new();
    PIPELINE.get_or_init(|| {
        Pipeline::load(&root().join("lexicons"), None, Fallback::Document)
            .expect("the shipped configuration loads")
    })
}

// ---------------------------------------------------------------------------------------------
// Generators

/// Pieces of text the structure parser, sentence splitter and date recogniser react to.
const TEXT_PIECES: &[&str] = &[
    "美日同盟",
    "威胁",
    "延伸威慑",
    "安全承诺",
    "并非威胁",
    "坚如磐石",
    "。",
    "！",
    "？",
    "；",
    "……",
    ". ",
    "!",
    "\n",
    "\n\n",
    " ",
    "\u{3000}",
    "\t",
    "①",
    "②",
    "⑳",
    "㉑",
    "[1]",
    "[12]",
    "［3］",
    "〔4〕",
    "^1",
    "[^2]",
    "[^2]: ",
    "注释",
    "注释：",
    "参考文献",
    "参考文献：\n",
    "# ",
    "## ",
    "### ",
    "**",
    "*",
    "_",
    "`",
    "<br>",
    "<p>",
    "</p>",
    "<sup>1</sup>",
    "&amp;",
    "&nbsp;",
    "&#x4e00;",
    "&#99999999;",
    "&#;",
    "一、",
    "二、",
    "（一）",
    "(1)",
    "1.",
    "1.1 ",
    "第一章",
    "第三节",
    "2017年1月20日",
    "2021年",
    "1月",
    "20日",
    "2025年13月40日",
    "99999999999年",
    "2023-01-02",
    "2019/7/1",
    "拜登政府",
    "特朗普第二任期",
    "奥巴马时期",
    "冷战时期",
    "https://www.example.com/2023/01/02/x.html",
    "(2019)",
    "pp. 12-13",
    "摘要：",
    "关键词：",
    "作者简介：",
    "收稿日期：2023-01-02",
    "基金项目：",
    "| a | b |",
    "---",
    "图1 ",
    "表1 ",
    "“",
    "”",
    "《",
    "》",
    "\u{FFFD}",
    "𠀀",
    "😀",
    "e\u{301}",
    "The ",
    "Trump ",
    "Jan. 20, 2021",
    "U.S.",
    "Vol. 3",
];

fn text_piece() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => proptest::sample::select(TEXT_PIECES).prop_map(str::to_owned),
        1 => any::<char>().prop_map(String::from),
    ]
}

/// A document-like text of up to `max` pieces.
fn document_text(max: usize) -> impl Strategy<Value = String> {
    proptest::collection::vec(text_piece(), 0..max).prop_map(|pieces| pieces.concat())
}

/// Bytes that look like a corpus file: text in some encoding, with a BOM or not, with random
/// bytes spliced in, or random bytes alone.
fn file_bytes() -> impl Strategy<Value = Vec<u8>> {
    let boms: &[&[u8]] = &[b"", b"\xEF\xBB\xBF", b"\xFF\xFE", b"\xFE\xFF"];
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..2048),
        (
            proptest::sample::select(boms),
            document_text(200),
            0..4usize,
            proptest::collection::vec((any::<Index>(), any::<u8>()), 0..8),
        )
            .prop_map(|(bom, text, encoding, noise)| {
                let mut bytes = bom.to_vec();
                match encoding {
                    0 => bytes.extend(text.as_bytes()),
                    1 => bytes.extend(encoding_rs::GB18030.encode(&text).0.iter()),
                    2 => bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes)),
                    _ => bytes.extend(text.encode_utf16().flat_map(u16::to_be_bytes)),
                }
                for (at, byte) in noise {
                    let at = at.index(bytes.len() + 1);
                    bytes.insert(at, byte);
                }
                bytes
            }),
    ]
}

/// Pieces that break TOML and CSV files in the ways hand edits do.
const CONFIG_PIECES: &[&str] = &[
    "\"",
    "'",
    "[",
    "]",
    "[[",
    "]]",
    "=",
    "\n",
    "#",
    ",",
    ";",
    "0",
    "-1",
    "1e999",
    "2021-13-40",
    "2021-02-30",
    "9999-01-01",
    "0000-00-00",
    "é",
    "汉",
    "{",
    "}",
    "\\",
    "\"\"\"",
    "true",
    "\t",
    " ",
    "\u{FEFF}",
    "\r\n",
    "term",
    "subcategory",
    "rationale",
    "pattern",
    "(",
    ")",
    "*",
    "?",
    "start",
    "end",
    "id",
    "file",
    "date",
    "period",
    "sentence",
    "doc",
];

#[derive(Clone, Debug)]
enum Edit {
    Insert(Index, &'static str),
    InsertChar(Index, char),
    Delete(Index, usize),
    /// Duplicates a line (a copy-paste slip).
    DuplicateLine(Index),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        3 => (any::<Index>(), proptest::sample::select(CONFIG_PIECES))
            .prop_map(|(at, piece)| Edit::Insert(at, piece)),
        1 => (any::<Index>(), any::<char>()).prop_map(|(at, c)| Edit::InsertChar(at, c)),
        3 => (any::<Index>(), 1..12usize).prop_map(|(at, n)| Edit::Delete(at, n)),
        1 => any::<Index>().prop_map(Edit::DuplicateLine),
    ]
}

/// Applies `edits` to `source`, on characters so that the result stays a valid `str`.
fn edited(source: &str, edits: &[Edit]) -> String {
    let mut chars: Vec<char> = source.chars().collect();
    for e in edits {
        match e {
            Edit::Insert(at, piece) => {
                let at = at.index(chars.len() + 1);
                chars.splice(at..at, piece.chars());
            }
            Edit::InsertChar(at, c) => {
                let at = at.index(chars.len() + 1);
                chars.insert(at, *c);
            }
            Edit::Delete(at, n) => {
                if !chars.is_empty() {
                    let at = at.index(chars.len());
                    let end = (at + n).min(chars.len());
                    chars.drain(at..end);
                }
            }
            Edit::DuplicateLine(at) => {
                let text: String = chars.iter().collect();
                let lines: Vec<&str> = text.split_inclusive('\n').collect();
                if !lines.is_empty() {
                    let i = at.index(lines.len());
                    let mut out = lines[..=i].concat();
                    out.push_str(lines[i]);
                    out.push_str(&lines[i + 1..].concat());
                    chars = out.chars().collect();
                }
            }
        }
    }
    chars.into_iter().collect()
}

/// A shipped (or fixture) configuration file with up to 6 random edits.
fn edited_file(rel: &'static str) -> impl Strategy<Value = String> {
    let source = fs::read_to_string(root().join(rel)).expect("the shipped file is readable");
    proptest::collection::vec(edit(), 0..6).prop_map(move |edits| edited(&source, &edits))
}

// ---------------------------------------------------------------------------------------------
// Checks, shared by the properties and the regression replays

/// Decoding never panics; decoded text is normalised as documented.
fn check_decode(bytes: &[u8]) {
    if let Ok(decoded) = decode(bytes) {
        assert!(!decoded.text.trim().is_empty(), "decoded to blank text");
        assert!(
            !decoded
                .text
                .chars()
                .any(|c| c.is_control() && c != '\n' && c != '\t'),
            "a control character survived normalisation: {:?}",
            decoded.text
        );
        assert!(!decoded.text.contains('\u{FEFF}'));
    }
}

/// Parsing, segmenting, tagging and attributing never panic; every range later stages slice by
/// lies on character boundaries of its sentence; every sentence gets one period call.
fn check_document(text: &str) -> AnnotatedDocument {
    let meta = metadata::default_meta("fuzz_2023_input.txt");
    let doc = structure::parse(text, meta);
    for s in &doc.sentences {
        assert!(s.char_start <= s.char_end, "{s:?}");
        assert!(!s.text.is_empty(), "an empty sentence: {s:?}");
    }
    let annotated = pipeline()
        .annotate(doc)
        .expect("no overrides, so annotation cannot fail");
    assert_eq!(annotated.annotations.len(), annotated.doc.sentences.len());
    let ids = pipeline().periods.ids_with_unattributed();
    for (sentence, annotation) in annotated.doc.sentences.iter().zip(&annotated.annotations) {
        let text = &sentence.text;
        let ranges = annotation
            .tokens
            .iter()
            .map(|t| (t.byte_start, t.byte_end))
            .chain(annotation.hits.iter().map(|h| (h.byte_start, h.byte_end)));
        for (start, end) in ranges {
            let (start, end) = (start as usize, end as usize);
            assert!(
                start <= end && end <= text.len(),
                "{start}..{end} in {text:?}"
            );
            assert!(
                text.is_char_boundary(start) && text.is_char_boundary(end),
                "{start}..{end} in {text:?}"
            );
        }
        assert!(
            ids.contains(&annotation.period.period.as_str()),
            "unknown period {:?}",
            annotation.period
        );
    }
    annotated
}

/// A configuration error points at a line of the file (or says it does not know: 0).
fn check_location(source: &str, err: &ConfigError) {
    let lines = source.split('\n').count();
    assert!(
        err.line <= lines + 1,
        "{err} but the file has {lines} lines"
    );
    if err.line > 0 && err.column > 0 {
        let line = source.split('\n').nth(err.line - 1).unwrap_or("");
        assert!(
            err.column <= line.chars().count() + 1,
            "{err}: column past the end of {line:?}"
        );
    }
    assert!(!err.message.is_empty());
}

fn check_category(source: &str) {
    let parsed = parse_category(Path::new("threat_narrative.toml"), source);
    for problem in &parsed.problems {
        check_location(source, problem);
    }
}

fn check_modifiers(source: &str) {
    if let Err(e) = ModifierRule::parse(Path::new("modifiers.toml"), source) {
        check_location(source, &e);
    }
}

fn check_periods(source: &str) {
    match PeriodScheme::parse(Path::new("periods.toml"), source) {
        Ok(scheme) => {
            // Any scheme that loads can attribute a date without panicking.
            for year in [1900, 2009, 2017, 2021, 2025, 2100] {
                let _ = scheme.period_of_date(mine::model::PartialDate::ymd(year, 1, 20));
            }
        }
        Err(e) => check_location(source, &e),
    }
}

fn check_overrides(source: &str) {
    if let Err(e) = Overrides::parse(Path::new("overrides.csv"), source, &pipeline().periods) {
        check_location(source, &e);
    }
}

fn check_metadata(source: &str) {
    if let Err(e) = metadata::parse(Path::new("metadata.csv"), source) {
        check_location(source, &e);
    }
}

/// A small index built once from a real paper's opening, for the query parser.
fn search_index() -> &'static SentenceIndex {
    static INDEX: OnceLock<(tempfile::TempDir, SentenceIndex)> = OnceLock::new();
    let (_, index) = INDEX.get_or_init(|| {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let seed = fs::read_to_string(root().join("corpus/dong_2023_alliance_strengthening.txt"))
            .expect("the seed is readable");
        let opening: String = seed.chars().take(6000).collect();
        let doc = check_document(&opening);
        let index = SentenceIndex::create_or_open(dir.path(), pipeline().segmenter.clone())
            .expect("a new index");
        let mut writer = index.writer().expect("a writer");
        writer
            .add(&doc, &pipeline().lexicons)
            .expect("the document is indexed");
        writer.commit().expect("the commit succeeds");
        (dir, index)
    });
    index
}

const QUERY_PIECES: &[&str] = &[
    "威慑",
    "延伸威慑",
    "美国",
    "同盟",
    "AND",
    "OR",
    "NOT",
    "(",
    ")",
    "\"",
    "*",
    ":",
    "text:",
    "sub:",
    "period:",
    "doc:",
    "zone:",
    "^2",
    "^",
    "~",
    "~2",
    "[",
    "]",
    " TO ",
    "{",
    "}",
    "-",
    "+",
    " ",
    "\\",
    "/",
    "'",
    "IN",
    ">",
    "<=",
    "",
];

fn query() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            4 => proptest::sample::select(QUERY_PIECES).prop_map(str::to_owned),
            1 => any::<char>().prop_map(String::from),
        ],
        0..12,
    )
    .prop_map(|pieces| pieces.concat())
}

fn check_query(query: &str, period: Option<String>, zone: Option<Zone>, offset: usize) {
    let request = SearchRequest {
        period,
        zone,
        offset,
        limit: 5,
        ..SearchRequest::new(query)
    };
    let index = search_index();
    if let Ok(results) = index.search(&request) {
        assert!(results.hits.len() <= 5);
        for hit in &results.hits {
            for range in &hit.highlights {
                assert!(range.start <= range.end && range.end <= hit.text.len());
                assert!(
                    hit.text.is_char_boundary(range.start) && hit.text.is_char_boundary(range.end),
                    "{range:?} in {:?}",
                    hit.text
                );
            }
        }
    }
    let _ = index.count_by_period(&request);
}

// ---------------------------------------------------------------------------------------------
// Properties

proptest! {
    #![proptest_config(config())]

    #[test]
    fn decoding_any_bytes_never_panics(bytes in file_bytes()) {
        check_decode(&bytes);
    }

    #[test]
    fn parsing_and_annotating_any_text_never_panics(text in document_text(160)) {
        check_document(&text);
    }

    #[test]
    fn repeated_markers_and_headings_never_panic(
        piece in proptest::sample::select(TEXT_PIECES),
        times in 1..400usize,
        tail in document_text(20),
    ) {
        check_document(&format!("{}{tail}", piece.repeat(times)));
    }

    #[test]
    fn a_decoded_file_parses(bytes in file_bytes()) {
        if let Ok(decoded) = decode(&bytes) {
            check_document(&decoded.text);
        }
    }

    #[test]
    fn edited_category_files_never_panic(source in edited_file("lexicons/threat_narrative.toml")) {
        check_category(&source);
    }

    #[test]
    fn random_category_files_never_panic(source in document_text(40)) {
        check_category(&source);
    }

    #[test]
    fn edited_modifier_files_never_panic(source in edited_file("lexicons/modifiers.toml")) {
        check_modifiers(&source);
    }

    #[test]
    fn edited_period_files_never_panic(source in edited_file("lexicons/periods.toml")) {
        check_periods(&source);
    }

    #[test]
    fn edited_overrides_never_panic(source in edited_file("tests/data/periods/overrides.csv")) {
        check_overrides(&source);
    }

    #[test]
    fn edited_metadata_never_panics(source in edited_file("tests/data/fuzz/metadata/seed.csv")) {
        check_metadata(&source);
    }

    #[test]
    fn any_query_never_panics(
        query in query(),
        period in proptest::option::of(prop_oneof![
            Just("biden".to_string()),
            Just("unattributed".to_string()),
            ".{0,6}",
        ]),
        zone in proptest::option::of(proptest::sample::select(vec![Zone::Body, Zone::Note, Zone::Title])),
        offset in 0..40usize,
    ) {
        check_query(&query, period, zone, offset);
    }
}

// ---------------------------------------------------------------------------------------------
// Regression inputs: every file under tests/data/fuzz/<target>/ is replayed on every run.

fn fixtures(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = root().join("tests/data/fuzz").join(target);
    let mut files: Vec<_> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("a readable folder entry").path())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no fixtures in {}", dir.display());
    files
        .into_iter()
        .map(|path| {
            let bytes = fs::read(&path).expect("a readable fixture");
            (path, bytes)
        })
        .collect()
}

fn text_fixtures(target: &str) -> Vec<String> {
    fixtures(target)
        .into_iter()
        .map(|(path, bytes)| {
            String::from_utf8(bytes).unwrap_or_else(|_| panic!("{} is not UTF-8", path.display()))
        })
        .collect()
}

#[test]
fn regression_decode() {
    for (_, bytes) in fixtures("decode") {
        check_decode(&bytes);
        if let Ok(decoded) = decode(&bytes) {
            check_document(&decoded.text);
        }
    }
}

#[test]
fn regression_structure() {
    for text in text_fixtures("structure") {
        check_document(&text);
    }
}

#[test]
fn regression_config_files() {
    for text in text_fixtures("lexicon") {
        check_category(&text);
        check_modifiers(&text);
    }
    for text in text_fixtures("periods") {
        check_periods(&text);
    }
    for text in text_fixtures("metadata") {
        check_metadata(&text);
        check_overrides(&text);
    }
}

#[test]
fn regression_queries() {
    for text in text_fixtures("query") {
        for query in text.lines() {
            check_query(query, None, None, 0);
            check_query(query, Some("biden".into()), Some(Zone::Body), 3);
        }
    }
}

/// Broke: `PeriodScheme::attribute` searched the paragraph for each sentence's neighbours, which
/// is quadratic in the paragraph's length; a 20 MB line of prose (one paragraph of 260 000
/// sentences) did not finish in ten minutes. With the fix this runs in about a second; without
/// it, it does not finish in any reasonable time.
#[test]
fn regression_a_paragraph_of_100000_sentences_is_attributed() {
    let text = format!("{}拜登政府。\n", "甲乙。".repeat(100_000));
    let doc = structure::parse(&text, metadata::default_meta("long_2023_line.txt"));
    assert!(doc.sentences.len() > 100_000, "{}", doc.sentences.len());
    let calls = pipeline().periods.attribute(&doc, Fallback::None);
    assert_eq!(calls.len(), doc.sentences.len());
    // Every sentence takes the period of the one sentence that names it, its paragraph neighbour.
    assert!(calls.iter().all(|c| c.period == "biden"), "{:?}", calls[0]);
}

/// Broke: the sub-words of a sentence were placed by a linear search for their token, quadratic
/// in a sentence's length; a 2 MB "sentence" without a full stop took minutes in the index writer.
/// Now they are derived token by token (`encode_sub`) and replayed; a stored value is decoded in
/// one pass (`decode_cut`).
#[test]
fn regression_sub_words_of_a_sentence_of_200000_tokens() {
    use mine::index::tokenizer::{MineTokenizer, decode_cut, encode_cut, encode_sub};
    use tantivy::tokenizer::{TokenStream, Tokenizer};
    let text = "延伸威慑".repeat(100_000);
    let segmenter = &pipeline().segmenter;
    let tokens = segmenter.tokens(&text);
    let search = segmenter.search_tokens(&text);
    assert!(tokens.len() >= 100_000);
    let encoded = encode_sub(&text, &tokens, segmenter, &mut Vec::new());
    let mut tokenizer = MineTokenizer::sub_words(segmenter.clone());
    let mut stream = tokenizer.token_stream(&encoded);
    let mut subs = Vec::new();
    while stream.advance() {
        subs.push(stream.token().clone());
    }
    assert_eq!(subs.len(), search.len());
    // Each sub-word sits at the ordinal of the accurate token it lies in.
    assert_eq!(subs.last().map(|t| t.position), Some(tokens.len() - 1));
    assert!(subs.windows(2).all(|w| w[0].position <= w[1].position));
    let (decoded, replayed) = decode_cut(&encode_cut(&text, &tokens));
    assert_eq!(decoded, text);
    assert_eq!(replayed.len(), tokens.len());
}
