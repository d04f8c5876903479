//! `mine inspect` on the five seed papers and on a fixture with every markup form: the real
//! binary's output, and the parsed `Document`s checked against what the papers visibly contain.

use std::path::Path;
use std::process::Command;

use mine::corpus::{decode, metadata, structure};
use mine::model::{AnnotatedDocument, Document, PartialDate, Zone};

const SEEDS: [&str; 5] = [
    "dong_2023_alliance_strengthening",
    "li_tan_2025_time_frame",
    "peng_2023_cost_sharing",
    "yao_zhou_2023_trilateral_mechanism",
    "zhao_wang_2025_trump_second_term",
];

fn seed_path(stem: &str) -> String {
    format!("{}/corpus/{stem}.txt", env!("CARGO_MANIFEST_DIR"))
}

fn parse_file(path: &str, rel: &str) -> Document {
    let bytes = std::fs::read(path).expect("seed file is readable");
    let text = decode::decode(&bytes).expect("seed decodes").text;
    structure::parse(&text, metadata::default_meta(rel))
}

fn seed(stem: &str) -> Document {
    parse_file(&seed_path(stem), &format!("corpus/{stem}.txt"))
}

fn mine(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_mine"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the mine binary runs");
    (
        out.status.success(),
        String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    )
}

fn sentence<'a>(doc: &'a Document, needle: &str) -> &'a mine::model::Sentence {
    doc.sentences
        .iter()
        .find(|s| s.text.contains(needle))
        .unwrap_or_else(|| panic!("{}: no sentence contains {needle}", doc.meta.id))
}

fn date(s: &str) -> PartialDate {
    s.parse().expect("test dates are valid")
}

fn mostly_latin(text: &str) -> bool {
    let latin = text.chars().filter(|c| c.is_ascii_alphabetic()).count();
    let han = text
        .chars()
        .filter(|c| ('\u{4E00}'..='\u{9FFF}').contains(c))
        .count();
    latin > 20 && latin > 2 * han
}

#[test]
fn inspect_prints_every_part_of_the_parse() {
    let (ok, out, err) = mine(&["inspect", "corpus/peng_2023_cost_sharing.txt"]);
    assert!(ok, "{err}");
    for part in [
        "document peng_2023",
        "sections (32)",
        "notes (",
        "repairs (",
        "dropped (",
        "sentences per zone",
    ] {
        assert!(out.contains(part), "missing {part}");
    }
    assert!(out.contains("[1] 二 既有研究"), "section tree line");
    assert!(out.contains("rejoin_page_break: …地区最重要的两个 | 盟友，日本与韩国…"));
    assert!(out.contains("figure caption: 图 1 联盟成本分担对联盟凝聚力的作用机制"));
    assert!(!out.contains("<sup>") && !out.contains("^①"));
    // Each sentence line carries its period call; hits follow it.
    assert!(
        out.contains("[biden <- sentence: 拜登政府]"),
        "a sentence attributed by its own marker"
    );
    assert!(out.contains("      hit assurance_commitment/"));
}

#[test]
fn inspect_json_is_the_annotated_document_with_metadata_from_the_corpus() {
    let (ok, out, err) = mine(&[
        "inspect",
        "--json",
        "corpus/yao_zhou_2023_trilateral_mechanism.txt",
    ]);
    assert!(ok, "{err}");
    let annotated: AnnotatedDocument =
        serde_json::from_str(&out).expect("--json prints an AnnotatedDocument");
    let doc = annotated.doc;
    // The row of corpus/metadata.csv, as `mine index` would use it.
    assert_eq!(doc.meta.id, "yao_zhou_2023");
    assert_eq!(doc.meta.file, "yao_zhou_2023_trilateral_mechanism.txt");
    assert_eq!(doc.meta.journal.as_deref(), Some("现代国际关系"));
    assert_eq!(annotated.annotations.len(), doc.sentences.len());
    assert!(
        annotated
            .annotations
            .iter()
            .any(|a| a.period.period == "biden")
    );
    assert_eq!(doc.encoding, "UTF-8");
    assert_eq!(doc.content_hash.len(), 64);
    assert_eq!(doc.sections.len(), 5);
}

#[test]
fn inspect_fails_on_a_missing_file_naming_it() {
    let (ok, _, err) = mine(&["inspect", "corpus/no_such_paper.txt"]);
    assert!(!ok);
    assert!(err.contains("corpus/no_such_paper.txt"), "{err}");
}

#[test]
fn fixture_with_every_markup_form() {
    let (ok, out, err) = mine(&["inspect", "--json", "tests/data/structure/mixed_markup.md"]);
    assert!(ok, "{err}");
    let annotated: AnnotatedDocument = serde_json::from_str(&out).expect("JSON document");
    let doc = annotated.doc;
    assert_eq!(doc.meta.title, "同盟承诺与威胁叙事");
    assert_eq!(doc.meta.authors, vec!["张三", "李四"]);
    let s = sentence(&doc, "但韩国担心被抛弃");
    assert_eq!(s.text, "但韩国担心被抛弃，并要求更多保证。");
    assert_eq!(s.note_refs, vec!["3"]);
    assert_eq!(sentence(&doc, "延伸威慑").note_refs, vec!["1", "②"]);
    assert_eq!(
        sentence(&doc, "延伸威慑").text,
        "美国强调“延伸威慑坚如磐石”，日本积极回应。"
    );
    let reasons: Vec<&str> = doc.dropped.iter().map(|d| d.reason.as_str()).collect();
    assert_eq!(
        reasons
            .iter()
            .filter(|r| r.starts_with("running head"))
            .count(),
        3,
        "{reasons:?}"
    );
    assert_eq!(
        reasons
            .iter()
            .filter(|r| r.starts_with("table row"))
            .count(),
        3,
        "{reasons:?}"
    );
    assert!(reasons.contains(&"page number"));
    let dates: Vec<Vec<PartialDate>> = doc.notes.iter().map(|n| n.dates.clone()).collect();
    assert_eq!(
        dates,
        vec![
            vec![],
            vec![date("2023-08-18")],
            vec![date("2023-04-26")],
            vec![date("2021-03-24")]
        ]
    );
    assert_eq!(doc.notes[0].id, "*");
    assert_eq!(sentence(&doc, "本文系某某基金项目").zone, Zone::Front);
    assert_eq!(sentence(&doc, "本文讨论同盟承诺").zone, Zone::Front);
}

#[test]
fn no_markup_remnants_in_body_or_headings() {
    for stem in SEEDS {
        let doc = seed(stem);
        for s in doc
            .sentences
            .iter()
            .filter(|s| matches!(s.zone, Zone::Body | Zone::Heading | Zone::Title))
        {
            for bad in ["<sup>", "</", "^", "**", "\\$", "\\", "■", "#", "\t"] {
                assert!(
                    !s.text.contains(bad),
                    "{stem} s{}: {bad} in {}",
                    s.id,
                    s.text
                );
            }
            assert!(
                !s.text.contains('<') && !s.text.contains('>'),
                "{stem} s{}: tag remnant in {}",
                s.id,
                s.text
            );
        }
    }
}

#[test]
fn broken_sentences_come_out_whole() {
    let li = seed("li_tan_2025_time_frame");
    let s = sentence(&li, "美日韩三边安全合作的重要性");
    assert_eq!(s.zone, Zone::Body);
    assert!(
        s.text.starts_with(
            "在特朗普2.0时期,继续强调美日韩三边安全合作的重要性,日韩两国也以增加对美经济投资"
        ),
        "{}",
        s.text
    );
    assert!(s.text.ends_with("交换美国的安全承诺。"), "{}", s.text);

    let peng = seed("peng_2023_cost_sharing");
    let s = sentence(&peng, "最重要的两个盟友，日本与韩国");
    assert_eq!(s.zone, Zone::Body);
    assert!(s.text.starts_with("从特朗普政府时期到拜登政府时期，作为美国在亚太地区最重要的两个盟友，日本与韩国在联盟成本分担方面都表现得较为积极"), "{}", s.text);
    // The footnote printed inside it became a note of its own.
    let note = peng
        .notes
        .iter()
        .find(|n| n.text.contains("Rapprochement Creates New Opportunities"))
        .expect("note moved out");
    assert_eq!(note.dates, vec![date("2023-03-17")]);

    let dong = seed("dong_2023_alliance_strengthening");
    assert_eq!(
        sentence(&dong, "双边首脑会晤6次").text,
        "据初步统计，2021 年 11 月岸田文雄就任首相至 2023 年 6 月底，日美领导人实现 1 轮互访，进行过 4 次通话和 1 次视频会晤，共同出席 G7、G20、QUAD 峰会、北约峰会、美日韩首脑会晤等多边会议 27 次（包括 19 次线下会议和 8 次线上视频会议），多边会议期间安排双边首脑会晤6次。"
    );
    assert_eq!(sentence(&dong, "调整为“美、日、中、俄”").zone, Zone::Body);
    // Photo captions printed inside sentences are dropped, not counted.
    assert!(
        !dong
            .sentences
            .iter()
            .any(|s| s.text.contains("美日韩三国外交人员在韩国首尔举行三方会谈"))
    );
    assert_eq!(
        dong.dropped
            .iter()
            .filter(|d| d.reason == "photo caption")
            .count(),
        5
    );

    let yao = seed("yao_zhou_2023_trilateral_mechanism");
    assert_eq!(sentence(&yao, "这既是美国所乐见的结果").zone, Zone::Body);
}

#[test]
fn no_english_back_matter_in_the_body() {
    for stem in SEEDS {
        let doc = seed(stem);
        for s in doc.sentences.iter().filter(|s| s.zone == Zone::Body) {
            assert!(
                !mostly_latin(&s.text),
                "{stem} s{}: English in body: {}",
                s.id,
                s.text
            );
        }
    }
    let zhao = seed("zhao_wang_2025_trump_second_term");
    assert_eq!(
        sentence(&zhao, "Analysis on the Trend of US-Japan-ROK").zone,
        Zone::Back
    );
    let yao = seed("yao_zhou_2023_trilateral_mechanism");
    assert_eq!(
        sentence(&yao, "Russian Private Military Security Companies").zone,
        Zone::Back
    );
    assert_eq!(
        sentence(&yao, "alliance with Russia and strengthening").zone,
        Zone::Back
    );
    let li = seed("li_tan_2025_time_frame");
    assert_eq!(
        sentence(&li, "Time Frame and the Evolution").zone,
        Zone::Back
    );
    assert_eq!(sentence(&li, "Tan Zheng (Male)").zone, Zone::Back);
}

fn headings(doc: &Document) -> Vec<String> {
    doc.sections.iter().map(|s| s.title.clone()).collect()
}

#[test]
fn every_seed_has_the_headings_it_visibly_has() {
    let dong = seed("dong_2023_alliance_strengthening");
    assert_eq!(
        headings(&dong),
        vec![
            "美日韩强化同盟关系的背景与动机",
            "美日韩关系强化的主要表现",
            "美日韩同盟关系的未来前景"
        ]
    );

    let li = seed("li_tan_2025_time_frame");
    let numbered: Vec<(String, u8)> = li
        .sections
        .iter()
        .map(|s| (s.number.clone(), s.level))
        .collect();
    let expect = [
        ("1", 1),
        ("2", 1),
        ("2.1", 2),
        ("2.2", 2),
        ("3", 1),
        ("3.1", 2),
        ("3.2", 2),
        ("4", 1),
        ("5", 1),
    ];
    assert_eq!(
        numbered,
        expect
            .iter()
            .map(|(n, l)| (n.to_string(), *l))
            .collect::<Vec<_>>()
    );
    assert_eq!(li.sections[5].title, "安全保证与日韩的收益贴现");
    assert_eq!(li.sections[5].parent, Some(4));
    assert_eq!(li.sections[8].title, "结语");

    let peng = seed("peng_2023_cost_sharing");
    assert_eq!(peng.sections.len(), 32);
    let top: Vec<String> = peng
        .sections
        .iter()
        .filter(|s| s.level == 1)
        .map(|s| s.title.clone())
        .collect();
    assert_eq!(
        top,
        vec![
            "问题的提出",
            "既有研究",
            "理论框架",
            "美国亚太同盟体系凝聚力的实证考察",
            "结论"
        ]
    );
    assert_eq!(peng.sections.iter().filter(|s| s.level == 4).count(), 12);
    assert_eq!(
        peng.sections.iter().filter(|s| s.title == "小结").count(),
        2
    );
    let path = peng.section_path(Some(13));
    assert_eq!(
        path,
        "四 美国亚太同盟体系凝聚力的实证考察 > (一) 美日同盟 > 1 特朗普政府时期的美日同盟 > (1) 日本增加联盟成本分担"
    );
    // The run-in heading's body text stays body text in that section.
    assert_eq!(
        sentence(
            &peng,
            "自特朗普执政以来，美国在联盟成本分摊问题上对日本频频施压"
        )
        .section,
        Some(13)
    );

    let yao = seed("yao_zhou_2023_trilateral_mechanism");
    assert_eq!(
        headings(&yao),
        vec![
            "拜登政府打造“三边安全机制”的策略",
            "美日韩“三边安全机制”的进展",
            "美日韩打造“三边安全机制”动因",
            "美日韩“三边安全机制”的潜在影响",
            "美日韩“三边安全机制”的前景"
        ]
    );
    assert!(yao.sections.iter().all(|s| s.level == 1));

    let zhao = seed("zhao_wang_2025_trump_second_term");
    let got: Vec<(String, u8)> = zhao
        .sections
        .iter()
        .map(|s| (s.number.clone(), s.level))
        .collect();
    let expect = [
        ("一", 1),
        ("（一）", 2),
        ("（二）", 2),
        ("(三)", 2),
        ("二", 1),
        ("三", 1),
        ("四", 1),
        ("", 1),
    ];
    assert_eq!(
        got,
        expect
            .iter()
            .map(|(n, l)| (n.to_string(), *l))
            .collect::<Vec<_>>()
    );
    assert_eq!(zhao.sections[7].title, "结语");
    for doc in [&dong, &li, &peng, &yao, &zhao] {
        let heading_sentences = doc
            .sentences
            .iter()
            .filter(|s| s.zone == Zone::Heading)
            .count();
        assert_eq!(heading_sentences, doc.sections.len(), "{}", doc.meta.id);
    }
}

#[test]
fn titles_authors_and_front_matter() {
    let expect = [
        (
            "dong_2023_alliance_strengthening",
            "美日韩强化同盟关系：动机、表现与前景",
            vec!["董向荣"],
            "【内容提要】近年来",
        ),
        (
            "li_tan_2025_time_frame",
            "时间框架与美日韩安全合作的升级",
            vec!["李宏洲", "谭政"],
            "[摘要] 近年来",
        ),
        (
            "peng_2023_cost_sharing",
            "联盟成本分担与利益攸关认知：美国亚太同盟凝聚力的演化",
            vec!["彭博"],
            "内容提要：自特朗普",
        ),
        (
            "yao_zhou_2023_trilateral_mechanism",
            "美日韩“三边安全机制”的动向及影响",
            vec!["姚寰宇", "周文星"],
            "[内容提要] 拜登政府上台以来",
        ),
        (
            "zhao_wang_2025_trump_second_term",
            "特朗普第二次执政以来美日韩三边合作走势及其对地区局势的影响",
            vec!["赵海欣", "王俊生"],
            "【内容提要】美日韩三边合作",
        ),
    ];
    for (stem, title, authors, abstract_start) in expect {
        let doc = seed(stem);
        assert_eq!(doc.meta.title, title);
        assert_eq!(doc.meta.authors, authors);
        assert_eq!(doc.sentences[0].zone, Zone::Title);
        assert_eq!(sentence(&doc, abstract_start).zone, Zone::Front, "{stem}");
        assert!(
            doc.sentences.iter().any(|s| s.zone == Zone::Front
                && (s.text.contains("关键词") || s.text.contains("关键字"))),
            "{stem}"
        );
    }
    let li = seed("li_tan_2025_time_frame");
    assert_eq!(
        sentence(&li, "本文为2024年国家社会科学基金").zone,
        Zone::Front
    );
    assert_eq!(sentence(&li, "联系方式:Email:hzhli12").zone, Zone::Front);
    assert_eq!(sentence(&li, "作者简介:谭政").zone, Zone::Front);
    let dong = seed("dong_2023_alliance_strengthening");
    assert_eq!(sentence(&dong, "作者系中国社会科学院").zone, Zone::Front);
    let peng = seed("peng_2023_cost_sharing");
    assert_eq!(peng.sentences[0].note_refs, vec!["*"]);
}

#[test]
fn notes_are_parsed_with_their_dates_and_linked() {
    let li = seed("li_tan_2025_time_frame");
    assert_eq!(li.notes.len(), 86);
    let n75 = li.notes.iter().find(|n| n.id == "75").expect("note 75");
    assert_eq!(n75.dates, vec![date("2025-06-20")]);
    let n36 = li.notes.iter().find(|n| n.id == "36").expect("note 36");
    assert!(
        n36.text
            .ends_with("Contemporary Politics, 2020, 26(4): 380."),
        "{}",
        n36.text
    );
    assert_eq!(
        sentence(&li, "标志着三国安全合作的“制度化”").note_refs,
        vec!["4"]
    );

    let dong = seed("dong_2023_alliance_strengthening");
    assert_eq!(dong.notes.len(), 10);
    assert_eq!(dong.notes[6].dates, vec![date("2023-02-14")]);
    assert!(
        dong.notes[0].text.contains("핵공유 는 핵무기")
            || dong.notes[0].text.contains("핵공유는 핵무기")
    );
    assert_eq!(
        sentence(&dong, "我们不认为该宣言实际上是核共享协议").note_refs,
        vec!["1"]
    );

    let peng = seed("peng_2023_cost_sharing");
    let blinken = &peng.notes[1];
    assert_eq!(
        (blinken.id.as_str(), blinken.dates.clone()),
        ("①", vec![date("2021-03-24")])
    );
    // Circled labels restart on each page: the anchor after the first footnote block points to
    // the next block's ①.
    assert_eq!(sentence(&peng, "还价的结果。").note_refs, vec!["①#2"]);
    assert!(
        peng.notes
            .iter()
            .find(|n| n.id == "①#2")
            .expect("second ①")
            .text
            .starts_with("Stephen M. Walt, The Origins of Alliance")
    );

    let zhao = seed("zhao_wang_2025_trump_second_term");
    assert!(
        zhao.notes
            .iter()
            .any(|n| n.dates.contains(&date("2023-08-19")))
    );
    assert!(
        zhao.notes
            .iter()
            .any(|n| n.dates.contains(&date("2025-01-20")))
    );

    for stem in SEEDS {
        let doc = seed(stem);
        let linked: std::collections::HashSet<&str> = doc
            .sentences
            .iter()
            .flat_map(|s| s.note_refs.iter().map(|r| r.as_str()))
            .collect();
        for n in &doc.notes {
            assert!(
                linked.contains(n.id.as_str()),
                "{stem}: note {} is linked from no sentence",
                n.id
            );
        }
        let dated = doc.notes.iter().filter(|n| !n.dates.is_empty()).count();
        assert!(
            dated * 10 >= doc.notes.len() * 6,
            "{stem}: only {dated} of {} notes dated",
            doc.notes.len()
        );
        assert!(
            !doc.repairs.iter().any(|r| r.rule == "dangling_anchor"),
            "{stem}"
        );
    }
}

#[test]
fn dropped_text_is_recorded_with_its_reason() {
    let li = seed("li_tan_2025_time_frame");
    assert!(
        li.dropped
            .iter()
            .any(|d| d.reason == "editor line" && d.text == "(责任编辑:李广悦)")
    );
    assert_eq!(
        li.dropped
            .iter()
            .filter(|d| d.reason.starts_with("table row"))
            .count(),
        5
    );
    let yao = seed("yao_zhou_2023_trilateral_mechanism");
    assert!(yao.dropped.iter().any(|d| d.reason == "editor line"));
    // The footnote printed inside the table is still a note.
    assert!(yao.notes.iter().any(|n| n.line == 109));
    let zhao = seed("zhao_wang_2025_trump_second_term");
    assert!(zhao.dropped.iter().any(|d| d.reason == "horizontal rule"));
}

#[test]
fn ids_and_offsets_are_consistent() {
    for stem in SEEDS {
        let doc = seed(stem);
        for (i, p) in doc.paragraphs.iter().enumerate() {
            assert_eq!(p.id as usize, i);
        }
        for (i, s) in doc.sentences.iter().enumerate() {
            assert_eq!(s.id as usize, i);
            let p = &doc.paragraphs[s.paragraph as usize];
            assert_eq!((p.zone, p.section), (s.zone, s.section));
            let slice: String = p
                .text
                .chars()
                .skip(s.char_start)
                .take(s.char_end - s.char_start)
                .collect();
            assert_eq!(slice, s.text, "{stem} s{}", s.id);
        }
        // Reading order: sentences never go back to an earlier paragraph.
        assert!(
            doc.sentences
                .windows(2)
                .all(|w| w[0].paragraph <= w[1].paragraph)
        );
        assert!(Path::new(&seed_path(stem)).exists());
    }
}

#[test]
fn inspect_says_what_each_context_rule_made_of_its_candidate() {
    let (ok, out, err) = mine(&["inspect", "corpus/peng_2023_cost_sharing.txt"]);
    assert!(ok, "{err}");
    // 同盟 and its variants count as assurance only where a strengthening or cohesion word is in
    // the clause, and never beside a membership or theory word.
    assert!(
        out.contains("context assurance_commitment/同盟 `联盟`: counted: `凝聚力` nearby"),
        "{out}"
    );
    assert!(
        out.contains("context assurance_commitment/同盟 `联盟`: not counted: `成员` nearby"),
        "{out}"
    );
    assert!(out.contains(
        "context assurance_commitment/同盟 `美日同盟`: not counted: none of requires_any within 8 tokens"
    ));
    // A counted candidate is also a hit of the sentence; a refused one is not.
    let line = out
        .lines()
        .position(|l| l.contains("同盟 `联盟`: counted: `凝聚力` nearby"))
        .unwrap();
    let before: Vec<&str> = out.lines().take(line).collect();
    let sentence = before
        .iter()
        .rposition(|l| l.trim_start().starts_with('s'))
        .unwrap();
    assert!(
        before[sentence..]
            .iter()
            .any(|l| l.contains("hit assurance_commitment/同盟 `联盟`")),
        "{:?}",
        &before[sentence..]
    );
}
