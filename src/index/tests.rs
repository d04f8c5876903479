//! Library tests of the sentence index on tiny documents in temporary folders.

use std::collections::BTreeMap;
use std::path::Path;

use tempfile::TempDir;

use super::*;
use crate::lexicon::{Category, Entry, LexiconSet, ModifierRule};
use crate::model::{
    AnnotatedDocument, DocMeta, Document, Hit, PartialDate, PeriodCall, PeriodSource, Section,
    Sentence, SentenceAnnotation, Zone,
};

fn segmenter() -> Segmenter {
    Segmenter::new(&LexiconSet::default(), None).expect("placeholder segmenter")
}

fn lexicons() -> LexiconSet {
    let entry = |term: &str| Entry {
        term: term.to_string(),
        ..Entry::default()
    };
    LexiconSet::new(
        vec![
            Category {
                name: "assurance_commitment".into(),
                subcategories: vec!["deterrence".into()],
                entries: vec![entry("延伸威慑"), entry("承诺")],
                ..Category::default()
            },
            Category {
                name: "threat_narrative".into(),
                subcategories: vec!["threat".into()],
                entries: vec![entry("威胁")],
                ..Category::default()
            },
        ],
        ModifierRule::default(),
    )
}

/// A document whose sentences are `(text, period, zone)`, segmented with the placeholder
/// segmenter and tagged by plain substring search of the lexicon terms.
fn document(id: &str, hash: &str, sentences: &[(&str, &str, Zone)]) -> AnnotatedDocument {
    let seg = segmenter();
    let lex = lexicons();
    let mut doc = Document {
        meta: DocMeta {
            id: id.into(),
            file: format!("{id}.txt"),
            title: format!("{id} 的标题"),
            authors: vec!["李明".into()],
            journal: Some("国际问题研究".into()),
            date: Some(PartialDate::ymd(2023, 8, 18)),
            period_fallback: None,
            extra: vec![("source_type".into(), "journal".into())],
        },
        encoding: "UTF-8".into(),
        content_hash: hash.into(),
        sections: vec![
            Section {
                id: 0,
                parent: None,
                level: 1,
                number: "三".into(),
                title: "拜登政府时期".into(),
                line: 1,
            },
            Section {
                id: 1,
                parent: Some(0),
                level: 2,
                number: "（一）".into(),
                title: "强化安全承诺".into(),
                line: 2,
            },
        ],
        paragraphs: Vec::new(),
        sentences: Vec::new(),
        notes: Vec::new(),
        repairs: Vec::new(),
        dropped: Vec::new(),
    };
    let mut annotations = Vec::new();
    for (i, (text, period, zone)) in sentences.iter().enumerate() {
        doc.sentences.push(Sentence {
            id: i as u32,
            zone: *zone,
            section: Some(1),
            paragraph: i as u32 / 2,
            text: text.to_string(),
            char_start: 0,
            char_end: text.chars().count(),
            note_refs: Vec::new(),
        });
        let mut hits = Vec::new();
        for (c, category) in lex.categories.iter().enumerate() {
            for (e, entry) in category.entries.iter().enumerate() {
                for (start, m) in text.match_indices(entry.term.as_str()) {
                    hits.push(Hit {
                        category: c,
                        subcategory: 0,
                        entry: e,
                        byte_start: start as u32,
                        byte_end: (start + m.len()) as u32,
                        char_start: text[..start].chars().count() as u32,
                        char_end: text[..start + m.len()].chars().count() as u32,
                        modifier: None,
                    });
                }
            }
        }
        annotations.push(SentenceAnnotation {
            tokens: seg.tokens(text),
            hits,
            period: PeriodCall {
                period: period.to_string(),
                source: PeriodSource::Sentence,
                evidence: String::new(),
                mentioned: Vec::new(),
            },
            clauses: Vec::new(),
        });
    }
    AnnotatedDocument { doc, annotations }
}

fn alpha() -> AnnotatedDocument {
    document(
        "alpha",
        "hash-a1",
        &[
            ("美国向盟友提供延伸威慑。", "biden", Zone::Body),
            ("延伸到亚洲的威慑能力有限。", "biden", Zone::Body),
            ("中国被视为主要威胁。", "trump1", Zone::Body),
            ("美国的承诺坚如磐石。", "obama", Zone::Heading),
        ],
    )
}

fn beta() -> AnnotatedDocument {
    document(
        "beta",
        "hash-b1",
        &[
            ("朝鲜的威胁与美国的延伸威慑承诺。", "biden", Zone::Body),
            ("NATO 盟友担心被抛弃。", "trump2", Zone::Note),
        ],
    )
}

/// An index in a temporary folder holding `docs`, committed.
fn index_with(docs: &[AnnotatedDocument]) -> (TempDir, SentenceIndex) {
    let tmp = TempDir::new().expect("temp dir");
    let index = SentenceIndex::create_or_open(&tmp.path().join("index"), segmenter())
        .expect("create index");
    let mut writer = index.writer().expect("writer");
    for doc in docs {
        writer.add(doc, &lexicons()).expect("add");
    }
    writer.commit().expect("commit");
    (tmp, index)
}

fn found(index: &SentenceIndex, request: &SearchRequest) -> Vec<(String, u32)> {
    let mut request = request.clone();
    request.limit = 1000;
    index
        .search(&request)
        .expect("search")
        .hits
        .into_iter()
        .map(|h| (h.doc, h.sentence_id))
        .collect()
}

fn ids(pairs: &[(&str, u32)]) -> Vec<(String, u32)> {
    pairs.iter().map(|(d, s)| (d.to_string(), *s)).collect()
}

fn sorted(mut v: Vec<(String, u32)>) -> Vec<(String, u32)> {
    v.sort();
    v
}

#[test]
fn placeholder_segmenter_cuts_the_test_word_into_two_tokens() {
    // The phrase tests below only mean something if 延伸威慑 is more than one token here.
    let text = "美国向盟友提供延伸威慑。";
    let words: Vec<&str> = segmenter()
        .tokens(text)
        .iter()
        .map(|t| t.text(text))
        .collect();
    assert!(
        words.contains(&"延伸") && words.contains(&"威慑"),
        "{words:?}"
    );
}

#[test]
fn stored_fields_round_trip() {
    let (_tmp, index) = index_with(&[alpha()]);
    let hits = index
        .search(&SearchRequest::new("坚如磐石"))
        .expect("search")
        .hits;
    assert_eq!(hits.len(), 1);
    let hit = &hits[0];
    assert_eq!(hit.doc, "alpha");
    assert_eq!(hit.title, "alpha 的标题");
    assert_eq!(hit.date, "2023-08-18");
    assert_eq!(hit.period, "obama");
    assert_eq!(hit.zone, "heading");
    assert_eq!(hit.section, "三 拜登政府时期 > （一） 强化安全承诺");
    assert_eq!(hit.paragraph, 1);
    assert_eq!(hit.sentence_id, 3);
    assert_eq!(hit.text, "美国的承诺坚如磐石。");
    assert!(hit.score > 0.0);
    // Metadata columns, hits and the period source are searchable by field.
    let by_field = |q: &str| found(&index, &SearchRequest::new(q));
    assert_eq!(by_field("meta.source_type:journal").len(), 4);
    assert_eq!(
        by_field("entry:\"assurance_commitment/承诺\""),
        ids(&[("alpha", 3)])
    );
    assert_eq!(by_field("period_source:sentence").len(), 4);
    assert_eq!(by_field("title:标题").len(), 4);
}

#[test]
fn a_term_finds_the_sentences_holding_that_token() {
    let (_tmp, index) = index_with(&[alpha(), beta()]);
    assert_eq!(
        sorted(found(&index, &SearchRequest::new("威胁"))),
        ids(&[("alpha", 2), ("beta", 0)])
    );
    // Lowercased on both sides.
    assert_eq!(
        found(&index, &SearchRequest::new("nato")),
        ids(&[("beta", 1)])
    );
}

#[test]
fn a_multi_token_word_matches_only_as_that_word() {
    let (_tmp, index) = index_with(&[alpha(), beta()]);
    // alpha 1 holds 延伸 and 威慑 apart: not a match.
    for query in ["延伸威慑", "\"延伸威慑\"", "\"延伸 威慑\""] {
        assert_eq!(
            sorted(found(&index, &SearchRequest::new(query))),
            ids(&[("alpha", 0), ("beta", 0)]),
            "{query}"
        );
    }
    // The two words anywhere in the sentence: all three.
    assert_eq!(
        sorted(found(&index, &SearchRequest::new("延伸 威慑"))),
        ids(&[("alpha", 0), ("alpha", 1), ("beta", 0)])
    );
}

#[test]
fn boolean_queries_combine_words() {
    let (_tmp, index) = index_with(&[alpha(), beta()]);
    let q = |s: &str| sorted(found(&index, &SearchRequest::new(s)));
    assert_eq!(
        q("威胁 OR 坚如磐石"),
        ids(&[("alpha", 2), ("alpha", 3), ("beta", 0)])
    );
    // Words without an operator are joined by AND.
    assert_eq!(q("威胁 延伸威慑"), ids(&[("beta", 0)]));
    assert_eq!(q("威胁 AND 延伸威慑"), ids(&[("beta", 0)]));
    assert_eq!(q("威胁 AND NOT 朝鲜"), ids(&[("alpha", 2)]));
    assert_eq!(q("威胁 -朝鲜"), ids(&[("alpha", 2)]));
    assert_eq!(
        q("(威胁 OR 承诺) AND 美国"),
        ids(&[("alpha", 3), ("beta", 0)])
    );
}

#[test]
fn each_filter_narrows_the_results() {
    let (_tmp, index) = index_with(&[alpha(), beta()]);
    let base = SearchRequest::new("美国");
    assert_eq!(
        sorted(found(&index, &base)),
        ids(&[("alpha", 0), ("alpha", 3), ("beta", 0)])
    );
    let with = |f: &dyn Fn(&mut SearchRequest)| {
        let mut r = base.clone();
        f(&mut r);
        sorted(found(&index, &r))
    };
    assert_eq!(
        with(&|r| r.period = Some("biden".into())),
        ids(&[("alpha", 0), ("beta", 0)])
    );
    assert_eq!(
        with(&|r| r.category = Some("threat_narrative".into())),
        ids(&[("beta", 0)])
    );
    assert_eq!(
        with(&|r| r.doc = Some("alpha".into())),
        ids(&[("alpha", 0), ("alpha", 3)])
    );
    assert_eq!(
        with(&|r| r.zone = Some(Zone::Heading)),
        ids(&[("alpha", 3)])
    );
}

#[test]
fn a_filter_value_the_index_cannot_have_is_an_error_naming_the_valid_values() {
    let (_tmp, index) = index_with(&[alpha(), beta()]);
    let error = |f: &dyn Fn(&mut SearchRequest)| {
        let mut r = SearchRequest::new("美国");
        f(&mut r);
        index.search(&r).expect_err("a typo").to_string()
    };
    let e = error(&|r| r.period = Some("bidn".into()));
    assert!(
        e.starts_with("--period `bidn` is not a period of this index: one of "),
        "{e}"
    );
    assert!(e.contains("biden") && e.contains("unattributed"), "{e}");
    let e = error(&|r| r.category = Some("threat".into()));
    assert!(e.contains("threat_narrative"), "{e}");
    let e = error(&|r| r.doc = Some("Alpha".into()));
    assert!(e.contains("did you mean `alpha`?"), "{e}");
    // A counted search checks the same way.
    let mut r = SearchRequest::new("*");
    r.period = Some("bidn".into());
    assert!(index.count_by_period(&r).is_err());
}

#[test]
fn filters_do_not_change_scores() {
    let (_tmp, index) = index_with(&[alpha(), beta()]);
    let plain = index.search(&SearchRequest::new("美国")).expect("search");
    let mut filtered = SearchRequest::new("美国");
    filtered.period = Some("obama".into());
    let filtered = index.search(&filtered).expect("search");
    let score_of = |r: &SearchResults, s: u32| {
        r.hits
            .iter()
            .find(|h| h.doc == "alpha" && h.sentence_id == s)
            .map(|h| h.score)
    };
    assert_eq!(score_of(&plain, 3), score_of(&filtered, 3));
}

#[test]
fn highlights_are_the_matched_tokens_byte_ranges() {
    let (_tmp, index) = index_with(&[alpha(), beta()]);
    let hits = index
        .search(&SearchRequest::new("延伸威慑 OR 朝鲜"))
        .expect("search")
        .hits;
    let beta0 = hits.iter().find(|h| h.doc == "beta").expect("beta matches");
    let words: Vec<&str> = beta0
        .highlights
        .iter()
        .map(|r| &beta0.text[r.clone()])
        .collect();
    assert_eq!(words, ["朝鲜", "延伸威慑"]);
    // A phrase highlights where it occurs as a phrase, not its words elsewhere.
    let (_tmp, index) = index_with(&[document(
        "gamma",
        "h",
        &[("延伸威慑不是延伸。", "biden", Zone::Body)],
    )]);
    let hit = &index
        .search(&SearchRequest::new("延伸威慑"))
        .expect("search")
        .hits[0];
    assert_eq!(hit.highlights, vec![0.."延伸威慑".len()]);
    // Words under NOT are not highlighted.
    let hit = &index
        .search(&SearchRequest::new("延伸威慑 NOT 承诺"))
        .expect("search")
        .hits[0];
    assert_eq!(hit.highlights, vec![0.."延伸威慑".len()]);
}

#[test]
fn counts_per_period() {
    let (_tmp, index) = index_with(&[alpha(), beta()]);
    let counts = index
        .count_by_period(&SearchRequest::new("美国 OR 威胁"))
        .expect("count");
    let expected: BTreeMap<String, usize> = [("biden", 2), ("obama", 1), ("trump1", 1)]
        .into_iter()
        .map(|(p, n)| (p.to_string(), n))
        .collect();
    assert_eq!(counts, expected);
}

#[test]
fn paging_and_order_are_deterministic() {
    // Every sentence alike: equal scores, so the order is doc id then sentence id.
    let same = [("威胁。", "biden", Zone::Body); 3];
    let (_tmp, index) = index_with(&[document("zeta", "z", &same), document("eta", "e", &same)]);
    let all = found(&index, &SearchRequest::new("威胁"));
    assert_eq!(
        all,
        ids(&[
            ("eta", 0),
            ("eta", 1),
            ("eta", 2),
            ("zeta", 0),
            ("zeta", 1),
            ("zeta", 2)
        ])
    );
    let mut page = SearchRequest::new("威胁");
    page.offset = 2;
    page.limit = 3;
    let results = index.search(&page).expect("search");
    assert_eq!(results.total, 6);
    let got: Vec<(String, u32)> = results
        .hits
        .into_iter()
        .map(|h| (h.doc, h.sentence_id))
        .collect();
    assert_eq!(got, all[2..5].to_vec());
}

#[test]
fn bad_queries_say_what_is_wrong() {
    let (_tmp, index) = index_with(&[alpha()]);
    let err = |q: &str| {
        index
            .search(&SearchRequest::new(q))
            .expect_err("a bad query")
            .to_string()
    };
    assert!(err("nosuchfield:威胁").contains("no field `nosuchfield`"));
    assert!(err("   ").contains("empty"));
    let e = err("NOT 威胁");
    assert!(e.contains("NOT"), "{e}");
    for q in ["\"延伸威慑", "(威胁 OR 承诺", "威胁 AND"] {
        let e = err(q);
        assert!(
            e.starts_with(&format!("cannot read the query `{q}`: syntax error")),
            "{e}"
        );
        assert!(e.contains("quotes and parentheses are closed"), "{e}");
    }
}

#[test]
fn indexed_docs_lists_each_document_once_with_its_hash() {
    let (_tmp, index) = index_with(&[alpha(), beta()]);
    let docs = index.indexed_docs().expect("indexed docs");
    let expected: BTreeMap<String, String> = [("alpha", "hash-a1"), ("beta", "hash-b1")]
        .into_iter()
        .map(|(d, h)| (d.to_string(), h.to_string()))
        .collect();
    assert_eq!(docs, expected);
}

#[test]
fn replacing_one_document_changes_only_its_rows() {
    let (tmp, index) = index_with(&[alpha(), beta()]);
    let before_beta = found(&index, &SearchRequest::new("doc:beta"));
    let new_alpha = document(
        "alpha",
        "hash-a2",
        &[("新的威胁出现。", "trump2", Zone::Body)],
    );
    let mut writer = index.writer().expect("writer");
    writer.delete_doc("alpha");
    writer.add(&new_alpha, &lexicons()).expect("add");
    writer.commit().expect("commit");
    assert_eq!(
        found(&index, &SearchRequest::new("doc:alpha")),
        ids(&[("alpha", 0)])
    );
    assert_eq!(found(&index, &SearchRequest::new("doc:beta")), before_beta);
    assert_eq!(
        index
            .indexed_docs()
            .expect("docs")
            .get("alpha")
            .map(String::as_str),
        Some("hash-a2")
    );
    // A fresh handle on the folder sees the same.
    let reopened = SentenceIndex::open(&tmp.path().join("index"), segmenter()).expect("open");
    assert_eq!(
        sorted(found(&reopened, &SearchRequest::new("威胁"))),
        ids(&[("alpha", 0), ("beta", 0)])
    );
}

#[test]
fn nothing_changes_before_commit_and_a_dropped_writer_changes_nothing() {
    let (_tmp, index) = index_with(&[alpha(), beta()]);
    let before = sorted(found(&index, &SearchRequest::new("*")));
    {
        let mut writer = index.writer().expect("writer");
        writer.delete_all().expect("delete all");
        writer
            .add(
                &document("gamma", "g", &[("威胁。", "biden", Zone::Body)]),
                &lexicons(),
            )
            .expect("add");
        assert_eq!(sorted(found(&index, &SearchRequest::new("*"))), before);
        // Dropped without commit: an interrupted run.
    }
    assert_eq!(sorted(found(&index, &SearchRequest::new("*"))), before);
    let mut writer = index.writer().expect("writer after a dropped one");
    writer.delete_all().expect("delete all");
    writer
        .add(
            &document("gamma", "g", &[("威胁。", "biden", Zone::Body)]),
            &lexicons(),
        )
        .expect("add");
    writer.commit().expect("commit");
    assert_eq!(
        found(&index, &SearchRequest::new("*")),
        ids(&[("gamma", 0)])
    );
}

#[test]
fn a_second_writer_is_refused_with_a_clear_message() {
    let (tmp, index) = index_with(&[alpha()]);
    let _first = index.writer().expect("first writer");
    let other = SentenceIndex::open(&tmp.path().join("index"), segmenter()).expect("open");
    let err = other.writer().err().expect("second writer refused");
    assert!(matches!(err, IndexError::Locked { .. }), "{err:?}");
    assert!(
        err.to_string()
            .contains("another `mine index` is running on")
    );
    // Searching while the writer is held works.
    assert_eq!(
        found(&other, &SearchRequest::new("威胁")),
        ids(&[("alpha", 2)])
    );
}

#[test]
fn a_folder_that_is_not_an_index_is_refused() {
    let tmp = TempDir::new().expect("temp dir");
    std::fs::write(tmp.path().join("notes.txt"), "mine").expect("write");
    let err = SentenceIndex::create_or_open(tmp.path(), segmenter())
        .err()
        .expect("refused");
    assert!(matches!(err, IndexError::NotAnIndex { .. }), "{err:?}");
    assert!(err.to_string().contains("holds no mine index"));
    assert!(
        remove(tmp.path()).is_err(),
        "never deletes a foreign folder"
    );
    assert!(tmp.path().join("notes.txt").exists());
}

#[test]
fn opening_a_missing_index_says_to_run_mine_index() {
    let tmp = TempDir::new().expect("temp dir");
    let dir = tmp.path().join("index");
    let err = SentenceIndex::open(&dir, segmenter())
        .err()
        .expect("no index");
    assert_eq!(
        err.to_string(),
        format!(
            "no index in {}: run `mine index CORPUS` first",
            dir.display()
        )
    );
}

#[test]
fn another_schema_version_is_refused_and_can_be_removed() {
    let (tmp, index) = index_with(&[alpha()]);
    drop(index);
    let dir = tmp.path().join("index");
    std::fs::write(
        dir.join(MARKER_FILE),
        r#"{"format": "mine sentence index", "schema_version": 999}"#,
    )
    .expect("write marker");
    let err = SentenceIndex::open(&dir, segmenter())
        .err()
        .expect("refused");
    assert!(err.to_string().contains("schema version 999"), "{err}");
    remove(&dir).expect("remove our own index");
    assert!(!Path::new(&dir).exists());
    let index = SentenceIndex::create_or_open(&dir, segmenter()).expect("recreated");
    assert!(index.indexed_docs().expect("docs").is_empty());
}

#[test]
fn annotations_that_do_not_fit_the_text_are_rejected() {
    let tmp = TempDir::new().expect("temp dir");
    let index = SentenceIndex::create_or_open(tmp.path(), segmenter()).expect("create");
    let mut writer = index.writer().expect("writer");
    let mut doc = alpha();
    doc.annotations[0].tokens[0].byte_end = 1;
    let err = writer.add(&doc, &lexicons()).expect_err("bad token");
    assert!(err.to_string().contains("character boundaries"), "{err}");
    let mut doc = alpha();
    doc.annotations.pop();
    assert!(writer.add(&doc, &lexicons()).is_err());
}

#[test]
fn the_sub_field_finds_a_word_inside_a_longer_token() {
    let (_tmp, index) = index_with(&[document(
        "delta",
        "d",
        &[
            ("中华人民共和国成立。", "earlier", Zone::Body),
            ("人民的力量。", "earlier", Zone::Body),
        ],
    )]);
    // In `text` 共和国 is not a token of sentence 0 (中华人民共和国 is): only a search for
    // whole words misses it.
    let mut whole = SearchRequest::new("共和国");
    whole.whole_word = true;
    assert!(found(&index, &whole).is_empty());
    assert_eq!(
        found(&index, &SearchRequest::new("共和国")),
        ids(&[("delta", 0)])
    );
    assert_eq!(
        found(&index, &SearchRequest::new("sub:共和国")),
        ids(&[("delta", 0)])
    );
    assert_eq!(
        sorted(found(&index, &SearchRequest::new("sub:人民"))),
        ids(&[("delta", 0), ("delta", 1)])
    );
    // A phrase of sub-words across consecutive tokens.
    assert_eq!(
        found(&index, &SearchRequest::new("sub:\"共和国 成立\"")),
        ids(&[("delta", 0)])
    );
    let hit = &index
        .search(&SearchRequest::new("sub:共和国"))
        .expect("search")
        .hits[0];
    let words: Vec<&str> = hit
        .highlights
        .iter()
        .map(|r| &hit.text[r.clone()])
        .collect();
    assert_eq!(words, ["共和国"]);
}

#[test]
fn highlights_at_the_edges_of_sentences_with_emoji_and_rare_characters() {
    let (_tmp, index) = index_with(&[document(
        "emoji",
        "e",
        &[
            ("😀延伸威慑", "biden", Zone::Body),
            ("威胁👨‍👩‍👧", "biden", Zone::Body),
            ("𠀀威胁𠀀", "biden", Zone::Body),
        ],
    )]);
    let results = index
        .search(&SearchRequest::new("延伸威慑 OR 威胁"))
        .expect("search");
    assert_eq!(results.total, 3);
    for hit in &results.hits {
        assert_eq!(hit.highlights.len(), 1, "{hit:?}");
        let word = &hit.text[hit.highlights[0].clone()];
        assert!(word == "延伸威慑" || word == "威胁", "{word}");
        for (left, right) in [(0, 0), (1, 1), (2, 2), (3, 3), (40, 40)] {
            let line = Kwic::new(&hit.text, &hit.highlights, left, right).render("[", "]");
            assert!(line.contains(&format!("[{word}]")), "{line}");
        }
        let whole = Kwic::new(&hit.text, &hit.highlights, 40, 40).render("", "");
        assert_eq!(whole, hit.text);
    }
}

#[test]
fn pages_and_counts_are_exact_across_segments() {
    // One commit per document: three segments, visited in an order that is not the doc id
    // order, every sentence alike so that doc id and sentence id decide the order.
    let same = [("威胁。", "biden", Zone::Body); 3];
    let docs = [
        document("zeta", "z", &same),
        document("eta", "e", &same),
        document("theta", "t", &[("威胁。", "obama", Zone::Body); 2]),
    ];
    let tmp = TempDir::new().expect("temp dir");
    let index = SentenceIndex::create_or_open(&tmp.path().join("index"), segmenter())
        .expect("create index");
    for doc in &docs {
        let mut writer = index.writer().expect("writer");
        writer.add(doc, &lexicons()).expect("add");
        writer.commit().expect("commit");
    }
    index.reload().expect("reload");
    assert_eq!(index.reader.searcher().segment_readers().len(), 3);
    let all = found(&index, &SearchRequest::new("威胁"));
    assert_eq!(
        all,
        ids(&[
            ("eta", 0),
            ("eta", 1),
            ("eta", 2),
            ("theta", 0),
            ("theta", 1),
            ("zeta", 0),
            ("zeta", 1),
            ("zeta", 2)
        ])
    );
    for offset in 0..all.len() {
        for limit in 1..4 {
            let mut page = SearchRequest::new("威胁");
            page.offset = offset;
            page.limit = limit;
            let results = index.search(&page).expect("search");
            assert_eq!(results.total, 8);
            let got: Vec<(String, u32)> = results
                .hits
                .into_iter()
                .map(|h| (h.doc, h.sentence_id))
                .collect();
            let end = (offset + limit).min(all.len());
            assert_eq!(
                got,
                all[offset..end].to_vec(),
                "offset {offset}, limit {limit}"
            );
        }
    }
    let counts = index
        .count_by_period(&SearchRequest::new("*"))
        .expect("count");
    let expected: BTreeMap<String, usize> = [("biden", 6), ("obama", 2)]
        .into_iter()
        .map(|(p, n)| (p.to_string(), n))
        .collect();
    assert_eq!(counts, expected);
}

#[test]
fn a_commit_records_the_segmenter_and_periods_that_search_then_uses() {
    let tmp = TempDir::new().expect("temp dir");
    let dir = tmp.path().join("index");
    // A segmenter with the lexicon's words: 延伸威慑 is one token, as plain jieba never cuts it.
    let with_terms = Segmenter::new(&lexicons(), None).expect("segmenter");
    let index = SentenceIndex::create_or_open(&dir, with_terms.clone()).expect("create");
    let mut doc = alpha();
    for (sentence, annotation) in doc.doc.sentences.iter().zip(&mut doc.annotations) {
        annotation.tokens = with_terms.tokens(&sentence.text);
    }
    let mut writer = index.writer().expect("writer");
    writer.record_periods(vec!["obama".into(), "biden".into()]);
    writer.add(&doc, &lexicons()).expect("add");
    writer.commit().expect("commit");

    let (recorded, record) = SentenceIndex::open_recorded(&dir)
        .expect("open")
        .expect("the commit carries a record");
    assert_eq!(record.segmenter, with_terms.record());
    assert_eq!(record.periods, ["obama", "biden"]);
    let term = SearchRequest::new("延伸威慑");
    assert_eq!(found(&recorded, &term), found(&index, &term));
    assert!(!found(&recorded, &term).is_empty());
    // The placeholder segmenter cuts the query apart and misses the indexed word.
    let placeholder = SentenceIndex::open(&dir, segmenter()).expect("open");
    assert!(found(&placeholder, &term).is_empty());
}

#[test]
fn a_word_is_found_inside_longer_words_after_its_whole_word_matches() {
    let (_tmp, index) = index_with(&[document(
        "delta",
        "d",
        &[
            ("中华人民共和国成立。", "earlier", Zone::Body),
            ("共和国的历史。", "earlier", Zone::Body),
            ("中华人民共和国与共和国。", "earlier", Zone::Body),
        ],
    )]);
    let results = index.search(&SearchRequest::new("共和国")).expect("search");
    let ranked: Vec<(u32, bool)> = results
        .hits
        .iter()
        .map(|h| (h.sentence_id, h.whole_word))
        .collect();
    // Both whole-word matches first (in score order), then the one inside 中华人民共和国.
    assert_eq!(ranked.len(), 3);
    assert!(
        ranked[..2].iter().all(|&(id, whole)| whole && id != 0),
        "{ranked:?}"
    );
    assert_eq!(ranked[2], (0, false));
    assert!(results.hits[2].score < 100.0, "the bonus is not shown");
    assert_eq!(
        results.hits[2]
            .text
            .get(results.hits[2].highlights[0].clone()),
        Some("共和国")
    );
    let counts = index
        .count_by_period(&SearchRequest::new("共和国"))
        .expect("count");
    assert_eq!(counts.get("earlier"), Some(&3));
}

#[test]
fn a_phrase_finds_the_word_its_words_join_into_and_a_form_finds_its_entry() {
    let tmp = TempDir::new().expect("temp dir");
    let dir = tmp.path().join("index");
    let lex = LexiconSet::new(
        vec![Category {
            name: "assurance_commitment".into(),
            subcategories: vec!["commitment".into()],
            entries: vec![Entry {
                term: "同盟承诺".into(),
                variants: vec!["联盟承诺".into()],
                ..Entry::default()
            }],
            ..Category::default()
        }],
        ModifierRule::default(),
    );
    let seg = Segmenter::new(&lex, None).expect("segmenter");
    let index = SentenceIndex::create_or_open(&dir, seg.clone()).expect("create");
    let mut doc = document(
        "gamma",
        "g",
        &[
            ("美国重申同盟承诺。", "biden", Zone::Body),
            ("韩国怀疑联盟承诺。", "biden", Zone::Body),
        ],
    );
    for (i, (sentence, annotation)) in doc
        .doc
        .sentences
        .iter()
        .zip(&mut doc.annotations)
        .enumerate()
    {
        annotation.tokens = seg.tokens(&sentence.text);
        annotation.hits = lex.tag(&sentence.text, &annotation.tokens);
        assert_eq!(annotation.hits.len(), 1, "sentence {i} has its hit");
    }
    let mut writer = index.writer().expect("writer");
    writer.record_lexicons(&lex);
    writer.add(&doc, &lex).expect("add");
    writer.commit().expect("commit");
    let (index, record) = SentenceIndex::open_recorded(&dir)
        .expect("open")
        .expect("record");
    assert_eq!(record.categories, ["assurance_commitment"]);

    // 同盟承诺 is one token: the phrase of its two words finds it (and, being a form of an
    // entry, the variant after it), with --whole-word only it.
    let mut phrase = SearchRequest::new("\"同盟 承诺\"");
    assert_eq!(found(&index, &phrase), ids(&[("gamma", 0), ("gamma", 1)]));
    phrase.whole_word = true;
    assert_eq!(found(&index, &phrase), ids(&[("gamma", 0)]));

    // The form finds its variant too, after itself, and says through which entry.
    let results = index
        .search(&SearchRequest::new("同盟承诺"))
        .expect("search");
    let got: Vec<(u32, bool)> = results
        .hits
        .iter()
        .map(|h| (h.sentence_id, h.whole_word))
        .collect();
    assert_eq!(got, [(0, true), (1, false)]);
    assert_eq!(results.entries[0].key, "assurance_commitment/同盟承诺");
    let variant = &results.hits[1];
    assert_eq!(
        variant.text.get(variant.highlights[0].clone()),
        Some("联盟承诺")
    );
    let mut strict = SearchRequest::new("同盟承诺");
    strict.whole_word = true;
    assert_eq!(found(&index, &strict), ids(&[("gamma", 0)]));
}
