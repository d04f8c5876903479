//! Tests of the period stage: date and marker recognition on short strings, the cascade on small
//! hand-built documents, overrides, configuration errors, and real seed sentences.

use std::path::{Path, PathBuf};

use super::*;
use crate::model::{
    DocMeta, Document, Fallback, Note, NoteKind, Paragraph, PeriodCall, PeriodSource, Section,
    Sentence, Zone,
};

fn shipped_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("lexicons/periods.toml")
}

fn shipped() -> PeriodScheme {
    PeriodScheme::load(&shipped_path()).expect("the shipped scheme loads")
}

/// A tiny document builder: headings and paragraphs of sentences, in reading order.
struct DocBuilder {
    doc: Document,
    section: Option<u32>,
}

impl DocBuilder {
    fn new(date: Option<&str>) -> Self {
        DocBuilder {
            doc: Document {
                meta: DocMeta {
                    id: "doc".into(),
                    title: "标题".into(),
                    date: date.map(|d| d.parse().expect("test date")),
                    ..DocMeta::default()
                },
                encoding: "UTF-8".into(),
                ..Document::default()
            },
            section: None,
        }
    }

    /// Opens a heading under `parent` (a section id) and makes it current.
    fn heading(mut self, parent: Option<u32>, title: &str) -> Self {
        let id = self.doc.sections.len() as u32;
        let level = parent.map_or(1, |p| self.doc.sections[p as usize].level + 1);
        self.doc.sections.push(Section {
            id,
            parent,
            level,
            number: String::new(),
            title: title.into(),
            line: 0,
        });
        self.section = Some(id);
        self
    }

    fn paragraph(self, sentences: &[&str]) -> Self {
        self.paragraph_citing(sentences, &[])
    }

    /// A paragraph whose sentences cite notes: `refs[i]` are the note ids of sentence i.
    fn paragraph_citing(mut self, sentences: &[&str], refs: &[&[&str]]) -> Self {
        let pid = self.doc.paragraphs.len() as u32;
        self.doc.paragraphs.push(Paragraph {
            id: pid,
            zone: Zone::Body,
            section: self.section,
            text: sentences.concat(),
            line: 0,
        });
        for (k, text) in sentences.iter().enumerate() {
            let id = self.doc.sentences.len() as u32;
            self.doc.sentences.push(Sentence {
                id,
                zone: Zone::Body,
                section: self.section,
                paragraph: pid,
                text: (*text).into(),
                char_start: 0,
                char_end: text.chars().count(),
                note_refs: refs
                    .get(k)
                    .map(|r| r.iter().map(|s| s.to_string()).collect())
                    .unwrap_or_default(),
            });
        }
        self
    }

    fn note(mut self, id: &str, dates: &[&str]) -> Self {
        self.doc.notes.push(Note {
            id: id.into(),
            kind: NoteKind::Footnote,
            text: String::new(),
            dates: dates
                .iter()
                .map(|d| d.parse().expect("test date"))
                .collect(),
            line: 0,
        });
        self
    }

    fn build(self) -> Document {
        self.doc
    }
}

/// The call of a one-sentence document dated `date`.
fn call_of(scheme: &PeriodScheme, text: &str, date: Option<&str>) -> PeriodCall {
    let doc = DocBuilder::new(date).paragraph(&[text]).build();
    scheme.attribute(&doc, Fallback::None).remove(0)
}

/// (period, mentioned) of a one-sentence document.
fn periods(text: &str, date: Option<&str>) -> (String, Vec<String>) {
    let c = call_of(&shipped(), text, date);
    (c.period, c.mentioned)
}

fn ids(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

// ---------------------------------------------------------------------------------------------
// Dates

#[test]
fn dates_in_every_form_of_the_seeds() {
    let cases = [
        ("2023年8月,美日韩三国领导人在戴维营", "biden"),
        ("2023 年 8 月 18 日,三国发表声明", "biden"),
        ("2022年,韩国新政府上台", "biden"),
        ("2016年,日韩签署协定", "obama"),
        ("2019年7月,日本实施出口管制", "trump1"),
        ("三边合作机制化阶段(2021~2024年)", "biden"),
        ("三边合作机制化阶段(2021-2024年)", "biden"),
        ("三边合作起步阶段(二战后至 1980 年代)", "earlier"),
        ("1990年代,朝核问题浮现", "earlier"),
        ("20 世纪 50 年代,美国与日韩结盟", "earlier"),
        ("二十世纪五十年代,美国与日韩结盟", "earlier"),
        ("21世纪初,随着第二次朝核危机", "earlier"),
        ("上世纪90年代,朝核危机爆发", "earlier"),
        ("80年代末,东欧剧变", "earlier"),
        ("2010年代中期,日韩关系恶化", "obama"),
        ("2019年至2022年,日韩关系低迷", "trump1"),
        ("冷战时期,美国在东亚构建轴辐体系", "earlier"),
        ("第二次世界大战结束后,日韩两国相继成为美国盟友", "earlier"),
        ("美国国防部于2025-06-20发布报告", "trump2"),
        ("2025年6月20日,在特朗普政府的推动下", "trump2"),
    ];
    for (text, want) in cases {
        assert_eq!(periods(text, Some("2025-12")).0, want, "{text}");
    }
}

#[test]
fn a_year_of_a_journal_issue_is_not_a_date() {
    let c = call_of(
        &shipped(),
        "参见《国际问题研究》2023年第6期的讨论",
        Some("2025"),
    );
    // The sentence has no time of its own: it takes the document's date, not the issue's year.
    assert_eq!(c.source, PeriodSource::Document, "{c:?}");
    assert_eq!(c.period, "trump2");
    let c = call_of(
        &shipped(),
        "《当代亚太》2025 年第 3 期,第 99 页",
        Some("2025"),
    );
    assert_eq!(c.source, PeriodSource::Document, "{c:?}");
    let c = call_of(&shipped(), "参见《国际问题研究》2023年第6期的讨论", None);
    assert_eq!(c.period, UNATTRIBUTED);
}

#[test]
fn the_access_date_of_a_web_reference_is_not_a_date_spoken_of() {
    // li_tan_2025, reference [49]: published 2023-08-19, read 2025-06-05.
    let c = call_of(
        &shipped(),
        "KCRA News. US, Japan and South Korea agree to expand security ties at summit[N/OL]. 2023-08-19[2025-06-05]. https://www.kcra.com/article/x.",
        Some("2025-10"),
    );
    assert_eq!(
        (c.period.as_str(), c.evidence.as_str()),
        ("biden", "2023-08-19")
    );
    assert_eq!(c.mentioned, ids(&["biden"]));
    // A bracketed date on its own is still a date.
    assert_eq!(periods("会议纪要[2025-06-05]", Some("2025-10")).0, "trump2");
}

#[test]
fn a_range_mentions_the_periods_it_substantially_covers() {
    // trump1 holds 19 days of 2021~2024: below `min_share`, so not mentioned.
    assert_eq!(
        periods("机制化阶段(2021~2024年)", Some("2025")),
        ("biden".into(), ids(&["biden"]))
    );
    assert_eq!(
        periods("有限的三边合作阶段(1990年代至2020年)", Some("2025")),
        ("earlier".into(), ids(&["earlier", "obama", "trump1"]))
    );
}

#[test]
fn dates_after_the_document_date_are_plans_not_periods() {
    // A 2023 paper on a plan running to 2027: the year is a target, not the time spoken of.
    // The plan is made at the time of writing: the named actor (日本) dates it to the document.
    let c = call_of(&shipped(), "日本计划到2027年将防卫费提高", Some("2023-06"));
    assert_eq!(
        (c.period.as_str(), c.source),
        ("biden", PeriodSource::Document)
    );
    assert!(!c.mentioned.contains(&"trump2".to_string()), "{c:?}");
    assert_eq!(periods("日本计划到2027年将防卫费提高", None).0, "trump2");
}

#[test]
fn since_runs_to_the_document_date() {
    // 2019..2023-06 in a 2023 paper: trump1 and biden both, primary the latest.
    assert_eq!(
        periods("2019年以来,日韩关系持续恶化", Some("2023-06")),
        ("biden".into(), ids(&["trump1", "biden"]))
    );
}

#[test]
fn period_of_date_takes_the_period_covering_most_of_it() {
    let s = shipped();
    let id = |d: &str| s.period_of_date(d.parse().unwrap()).map(|p| p.id.as_str());
    assert_eq!(id("2021"), Some("biden"));
    assert_eq!(id("2021-01"), Some("trump1"));
    assert_eq!(id("2021-01-20"), Some("biden"));
    assert_eq!(id("2017-01-19"), Some("obama"));
    assert_eq!(id("1965"), Some("earlier"));
    assert_eq!(id("2030"), Some("trump2"));
    let (primary, all) = s
        .periods_of_range("2021".parse().unwrap(), "2024".parse().unwrap())
        .unwrap();
    assert_eq!(primary.id, "biden");
    assert_eq!(all.len(), 1);
}

// ---------------------------------------------------------------------------------------------
// Markers

#[test]
fn administration_markers_name_their_period() {
    let cases = [
        ("首先,拜登政府同步加强对日韩的防卫承诺", "biden", "拜登政府"),
        ("奥巴马政府推行亚太再平衡战略", "obama", "奥巴马政府"),
        // A span to the present speaks of the present (the document's date).
        ("美国重返亚太以来", "trump2", "重返亚太 (to 2025)"),
        ("特朗普第一任期内,美韩关系紧张", "trump1", "特朗普第一任期"),
        ("特朗普1.0时期的同盟政策", "trump1", "特朗普1.0"),
        (
            "特朗普 2.0 时期,美日韩三边安全合作面临调整",
            "trump2",
            "特朗普 2.0",
        ),
        (
            "特朗普第二次执政以来",
            "trump2",
            "特朗普第二次执政 (to 2025)",
        ),
        ("随着特朗普再次入主白宫", "trump2", "特朗普再次入主白宫"),
    ];
    for (text, want, evidence) in cases {
        let c = call_of(&shipped(), text, Some("2025"));
        assert_eq!(
            (c.period.as_str(), c.source, c.evidence.as_str()),
            (want, PeriodSource::Sentence, evidence),
            "{text}"
        );
    }
}

#[test]
fn office_holders_map_to_their_terms() {
    let cases = [
        ("岸田文雄访韩期间", "biden"),
        ("石破茂在国会发表施政演说", "trump2"),
        ("高市早苗上台后", "trump2"),
        ("尹锡悦政府上台后", "biden"),
        ("李在明政府表示", "trump2"),
        ("朴槿惠政府时期", "obama"),
        ("布林肯访问首尔", "biden"),
        ("蓬佩奥访问东京", "trump1"),
        ("美国国务卿鲁比奥在会谈中", "trump2"),
        ("赫格塞斯出席香格里拉对话", "trump2"),
    ];
    for (text, want) in cases {
        assert_eq!(periods(text, Some("2025-12")).0, want, "{text}");
    }
}

#[test]
fn a_term_spanning_two_periods_is_resolved_by_context() {
    // 文在寅 (2017-05..2022-05) falls in trump1 and biden.
    assert_eq!(
        periods("文在寅政府与特朗普第一任期的分歧", Some("2025")).0,
        "trump1"
    );
    assert_eq!(periods("文在寅与拜登举行首次会晤", Some("2025")).0, "biden");
    // No context: the document date (2023) picks the latest term begun by then.
    assert_eq!(periods("文在寅政府提出", Some("2023")).0, "biden");
}

#[test]
fn names_are_weaker_than_dates_and_administrations() {
    let c = call_of(
        &shipped(),
        "坎贝尔和沙利文于2019年便在《外交事务》上发文指出",
        Some("2025"),
    );
    assert_eq!(
        (c.period.as_str(), c.evidence.as_str()),
        ("trump1", "2019年")
    );
    assert_eq!(c.mentioned, ids(&["trump1", "biden"]));
    // Alone, a name decides.
    assert_eq!(periods("沙利文指出", Some("2025")).0, "biden");
}

#[test]
fn two_ambiguous_markers_settle_each_other() {
    // 特朗普 (trump1|trump2) and 文在寅 (trump1|biden) share trump1, whatever the document date.
    let c = call_of(
        &shipped(),
        "尽管特朗普一再打压中国的“一带一路”倡议,文在寅政府仍然积极寻求与该倡议的对接。",
        Some("2023"),
    );
    assert_eq!(c.period, "trump1");
    assert_eq!(c.evidence, "特朗普 (by 文在寅政府)");
}

#[test]
fn dated_events() {
    assert_eq!(periods("戴维营峰会标志着", Some("2025")).0, "biden");
    assert_eq!(periods("美日韩发表金边声明", Some("2025")).0, "biden");
    assert_eq!(periods("美韩发表华盛顿宣言", Some("2025")).0, "biden");
}

#[test]
fn ignored_phrases_hide_markers() {
    // Without a time of their own, the sentences take the document's date, not the Cold War.
    for text in ["反对阵营对抗与冷战格局", "摒弃冷战思维"] {
        let c = call_of(&shipped(), text, Some("2025"));
        assert_eq!(c.source, PeriodSource::Document, "{text}: {c:?}");
        assert_eq!(
            call_of(&shipped(), text, None).period,
            UNATTRIBUTED,
            "{text}"
        );
    }
    // 克里米亚 is not Kerry: the sentence names Russia and speaks of the time of writing.
    let c = call_of(&shipped(), "俄罗斯吞并克里米亚", Some("2025"));
    assert_eq!(
        (c.period.as_str(), c.source),
        ("trump2", PeriodSource::Document)
    );
}

#[test]
fn bare_trump_follows_a_term_marker_in_the_same_sentence() {
    let c = call_of(
        &shipped(),
        "早在第一任期,特朗普就要求盟友承担更大责任",
        Some("2025"),
    );
    assert_eq!(
        (c.period.as_str(), c.mentioned),
        ("trump1", ids(&["trump1"]))
    );
}

#[test]
fn bare_trump_follows_the_document_date() {
    let c = call_of(
        &shipped(),
        "特朗普政府要求韩国大幅增加分担费用",
        Some("2023-03"),
    );
    assert_eq!(c.period, "trump1");
    assert_eq!(c.evidence, "特朗普政府 (by document date 2023-03)");
    assert_eq!(
        call_of(
            &shipped(),
            "特朗普政府要求韩国大幅增加分担费用",
            Some("2025")
        )
        .period,
        "trump2"
    );
    // No date at all: the first candidate the scheme lists.
    assert_eq!(
        call_of(&shipped(), "特朗普政府要求韩国大幅增加分担费用", None).period,
        "trump1"
    );
}

#[test]
fn bare_trump_follows_a_date_nearby() {
    assert_eq!(
        periods("2019年,特朗普政府要求韩国大幅增加分担费用", Some("2025")).0,
        "trump1"
    );
}

#[test]
fn several_periods_make_the_latest_primary() {
    let c = call_of(
        &shipped(),
        "相较于拜登政府,特朗普政府将安全承诺视作可交易对象",
        Some("2025"),
    );
    assert_eq!(c.period, "trump2");
    assert_eq!(c.mentioned, ids(&["biden", "trump2"]));
    let c = call_of(
        &shipped(),
        "从奥巴马政府的亚太再平衡到拜登政府的印太战略",
        Some("2023"),
    );
    assert_eq!(
        (c.period.as_str(), c.evidence.as_str()),
        ("biden", "拜登政府")
    );
    assert_eq!(c.mentioned, ids(&["obama", "biden"]));
}

#[test]
fn the_first_rule_takes_the_first_named() {
    let text = std::fs::read_to_string(shipped_path())
        .unwrap()
        .replace("primary = \"latest\"", "primary = \"first\"");
    let scheme = PeriodScheme::parse(Path::new("first.toml"), &text).unwrap();
    let c = call_of(
        &scheme,
        "从奥巴马政府的亚太再平衡到拜登政府的印太战略",
        Some("2023"),
    );
    assert_eq!(
        (c.period.as_str(), c.evidence.as_str()),
        ("obama", "奥巴马政府")
    );
}

#[test]
fn ids_are_in_scheme_order_with_unattributed_last() {
    let s = shipped();
    assert_eq!(s.ids(), ["earlier", "obama", "trump1", "biden", "trump2"]);
    assert_eq!(s.ids_with_unattributed().last(), Some(&UNATTRIBUTED));
}

// ---------------------------------------------------------------------------------------------
// The cascade

fn sources(calls: &[PeriodCall]) -> Vec<(&str, PeriodSource)> {
    calls
        .iter()
        .map(|c| (c.period.as_str(), c.source))
        .collect()
}

#[test]
fn cascade_sentence_then_preceding_then_following_sentence() {
    let doc = DocBuilder::new(Some("2025"))
        .paragraph(&[
            "这一时期同盟关系趋于紧张。",
            "拜登政府上台后修复同盟。",
            "三国举行多次会谈。",
            "奥巴马政府曾推动和解。",
            "此后关系有所缓和。",
        ])
        .build();
    let calls = shipped().attribute(&doc, Fallback::None);
    assert_eq!(
        sources(&calls),
        [
            ("biden", PeriodSource::Paragraph), // no preceding: the paragraph's later markers
            ("biden", PeriodSource::Sentence),
            ("biden", PeriodSource::Paragraph), // nearest preceding
            ("obama", PeriodSource::Sentence),
            ("obama", PeriodSource::Paragraph), // nearest preceding, not the first
        ]
    );
    assert_eq!(calls[0].evidence, "拜登政府");
    assert!(
        calls[0].mentioned.is_empty(),
        "inherited periods are not mentioned"
    );
}

#[test]
fn markers_never_leak_into_the_next_paragraph() {
    let doc = DocBuilder::new(Some("2025"))
        .paragraph(&["拜登政府推动三边合作。"])
        .paragraph(&["同盟关系的理论有多种解释。"])
        .build();
    let calls = shipped().attribute(&doc, Fallback::None);
    assert_eq!(calls[1], PeriodCall::unattributed());
}

#[test]
fn cascade_heading_covers_its_subsections() {
    let b = DocBuilder::new(Some("2025")).heading(None, "特朗普2.0时期美日韩安全合作的演变趋势");
    let top = b.section;
    let doc = b
        .paragraph(&["三国延续了既有安全合作机制。"])
        .heading(top, "(一)同盟的调整")
        .paragraph(&["日韩的对冲动机增强。"])
        .build();
    let calls = shipped().attribute(&doc, Fallback::None);
    assert_eq!(
        sources(&calls),
        [
            ("trump2", PeriodSource::Heading),
            ("trump2", PeriodSource::Heading)
        ]
    );
    assert_eq!(calls[1].evidence, "特朗普2.0");
}

#[test]
fn the_nearest_heading_wins() {
    let b = DocBuilder::new(Some("2023")).heading(None, "美韩同盟的实证考察");
    let top = b.section;
    let doc = b
        .heading(top, "特朗普政府时期的美韩同盟")
        .paragraph(&["美方要求韩方增加分担。"])
        .heading(top, "拜登政府时期的美韩同盟")
        .paragraph(&["两国关系迅速修复。"])
        .build();
    let calls = shipped().attribute(&doc, Fallback::None);
    assert_eq!(
        sources(&calls),
        [
            ("trump1", PeriodSource::Heading),
            ("biden", PeriodSource::Heading)
        ]
    );
}

#[test]
fn a_heading_range_resolves_bare_trump_beneath_it() {
    // In a 2025 paper bare 特朗普 would be trump2; the heading's span says trump1.
    let doc = DocBuilder::new(Some("2025"))
        .heading(None, "（二）有限的三边合作阶段（1990年代至2020年）")
        .paragraph(&["特朗普政府时期要求日韩承担更多责任。"])
        .build();
    let c = &shipped().attribute(&doc, Fallback::None)[0];
    assert_eq!(
        (c.period.as_str(), c.source),
        ("trump1", PeriodSource::Sentence)
    );
    assert_eq!(c.evidence, "特朗普政府 (by 1990年代至2020年)");
}

#[test]
fn the_title_is_not_a_heading() {
    let mut doc = DocBuilder::new(Some("2025"))
        .heading(None, "特朗普第二次执政以来美日韩三边合作走势")
        .paragraph(&["同盟理论有多种解释。"])
        .build();
    doc.meta.title = "特朗普第二次执政以来美日韩 三边合作走势".into();
    assert_eq!(
        shipped().attribute(&doc, Fallback::None)[0],
        PeriodCall::unattributed()
    );
}

#[test]
fn cascade_citation_then_document_then_none() {
    let doc = DocBuilder::new(Some("2023-05"))
        .paragraph_citing(&["学界对此多有讨论。"], &[&["3"]])
        .paragraph(&["同盟理论有多种解释。"])
        .note("3", &["2019-07-01"])
        .build();
    let s = shipped();
    // An analytic text: the dated event its note cites, then nothing.
    let calls = s.attribute(&doc, Fallback::None);
    assert_eq!(
        sources(&calls),
        [
            ("trump1", PeriodSource::Citation),
            ("unattributed", PeriodSource::None)
        ]
    );
    assert_eq!(calls[0].evidence, "note 3: 2019-07-01");
    // A contemporaneous text: its date, for every sentence.
    let calls = s.attribute(&doc, Fallback::Document);
    assert_eq!(
        sources(&calls),
        [
            ("biden", PeriodSource::Document),
            ("biden", PeriodSource::Document)
        ]
    );
    assert_eq!(calls[1].evidence, "document date 2023-05");
}

// ---------------------------------------------------------------------------------------------
// Overrides

fn overrides(text: &str) -> Result<Overrides, crate::error::ConfigError> {
    Overrides::parse(Path::new("corpus/overrides.csv"), text, &shipped())
}

fn two_sentence_doc() -> Document {
    DocBuilder::new(Some("2025"))
        .paragraph(&["拜登政府推动三边合作。", "同盟 理论有多种解释。"])
        .build()
}

#[test]
fn overrides_apply_last_as_manual() {
    let doc = two_sentence_doc();
    let mut calls = shipped().attribute(&doc, Fallback::None);
    let o = overrides(
        "doc,sentence,period,note\n# a comment\ndoc,同盟理论,unattributed,theory\ndoc,0,obama,\n",
    )
    .unwrap();
    o.apply(&doc, &mut calls).unwrap();
    assert_eq!(
        calls[1],
        PeriodCall {
            period: UNATTRIBUTED.into(),
            source: PeriodSource::Manual,
            evidence: "theory".into(),
            mentioned: vec![],
        }
    );
    assert_eq!(
        (calls[0].period.as_str(), calls[0].source),
        ("obama", PeriodSource::Manual)
    );
    assert_eq!(calls[0].evidence, "override row 4");
    assert_eq!(
        calls[0].mentioned,
        ids(&["biden"]),
        "what the sentence names stays"
    );
}

#[test]
fn an_override_snippet_matching_nothing_or_twice_is_an_error_naming_the_row() {
    let doc = two_sentence_doc();
    let mut calls = shipped().attribute(&doc, Fallback::None);
    let e = overrides("doc,sentence,period,note\ndoc,不存在的句子,biden,\n")
        .unwrap()
        .apply(&doc, &mut calls)
        .unwrap_err();
    assert!(
        e.to_string()
            .starts_with("corpus/overrides.csv:2: snippet `不存在的句子` matches no sentence"),
        "{e}"
    );
    let e = overrides("doc,sentence,period,note\n\ndoc,。,biden,\n")
        .unwrap()
        .apply(&doc, &mut calls)
        .unwrap_err();
    assert!(
        e.to_string()
            .starts_with("corpus/overrides.csv:3: snippet `。` matches 2 sentences"),
        "{e}"
    );
    let e = overrides("doc,sentence,period,note\ndoc,7,biden,\n")
        .unwrap()
        .apply(&doc, &mut calls)
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "corpus/overrides.csv:2: document `doc` has no sentence 7"
    );
}

#[test]
fn an_override_with_an_unknown_period_fails_at_load() {
    let e = overrides("doc,sentence,period,note\ndoc,0,bush,\n").unwrap_err();
    assert!(
        e.to_string()
            .starts_with("corpus/overrides.csv:2: unknown period `bush`"),
        "{e}"
    );
    let e = overrides("doc,period\n").unwrap_err();
    assert!(e.to_string().contains("missing column `sentence`"), "{e}");
}

#[test]
fn overrides_naming_unknown_documents_are_reported() {
    let o = overrides("doc,sentence,period,note\ndoc,0,biden,\nghost,0,biden,\n").unwrap();
    let unused = o.unused(&["doc"]);
    assert_eq!(unused.len(), 1);
    assert_eq!(
        unused[0].to_string(),
        "corpus/overrides.csv:3: document `ghost` is not in the corpus"
    );
}

#[test]
fn the_override_fixture_loads() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/periods/overrides.csv");
    let o = Overrides::load(&path, &shipped()).unwrap();
    assert_eq!(o.rows.len(), 2);
}

// ---------------------------------------------------------------------------------------------
// Configuration errors

fn load_error(text: &str) -> String {
    PeriodScheme::parse(Path::new("periods.toml"), text)
        .unwrap_err()
        .to_string()
}

const TWO: &str = "[[period]]\nid = \"a\"\nend = \"2000-12-31\"\n\n[[period]]\nid = \"b\"\nstart = \"2001-01-01\"\n";

#[test]
fn config_errors_name_file_line_and_column() {
    assert_eq!(
        load_error(&TWO.replace("2001-01-01", "2000-06-01")),
        "periods.toml:7:9: period `b` starts on or before the end of the previous period (2000-12-31): periods must be in order and not overlap"
    );
    assert_eq!(
        load_error(&format!(
            "{TWO}\n[[marker]]\nperiod = \"c\"\nterms = [\"x\"]\n"
        )),
        "periods.toml:10:10: unknown period `c` (expected one of: a, b)"
    );
    assert_eq!(
        load_error(&format!(
            "{TWO}\n[[event]]\ndate = \"2000-13\"\nterms = [\"x\"]\n"
        )),
        "periods.toml:10:8: expected a date: `2000-13`: month 13 is not 01..12"
    );
    assert!(load_error("[[period]]\nid = \"a\"\nend = \n").starts_with("periods.toml:3:"));
    assert!(
        load_error(&format!("{TWO}\n[[marker]]\nterms = [\"x\"]\n"))
            .starts_with("periods.toml:10:9: expected exactly one of")
    );
    assert!(
        load_error(&format!(
            "{TWO}\n[[marker]]\nperiod = \"a\"\nterms = [\"x\", \"x\"]\n"
        ))
        .contains("term `x` is listed twice")
    );
    assert!(
        load_error(
            "[[period]]\nid = \"a\"\nend = \"2000\"\n[[period]]\nid = \"b\"\nend = \"2002\"\n"
        )
        .starts_with("periods.toml:5:6: period `b` needs a `start`")
    );
}

#[test]
fn a_custom_scheme_needs_no_code() {
    let text = format!(
        "{TWO}\n[[marker]]\nperiod = \"a\"\nterms = [\"旧时代\"]\n[[holder]]\nterms = [\"张三\"]\nfrom = \"2005-01-01\"\n"
    );
    let s = PeriodScheme::parse(Path::new("custom.toml"), &text).unwrap();
    assert_eq!(call_of(&s, "旧时代的政策", None).period, "a");
    assert_eq!(call_of(&s, "张三上任后", None).period, "b");
    assert_eq!(call_of(&s, "1999年,政策调整", None).period, "a");
}

// ---------------------------------------------------------------------------------------------
// Seed sentences, copied verbatim from corpus/li_tan_2025_time_frame.txt

#[test]
fn seed_trump2_section_first_term_sentence_is_trump1() {
    let doc = DocBuilder::new(Some("2025"))
        .heading(None, "特朗普2.0时期美日韩安全合作的演变趋势")
        .paragraph(&[
            "首先,特朗普2.0时期将安全合作升级与关税谈判等议题绑定,可能无法进一步提高日韩的收益贴现,使后者的对冲动机增强。",
            "相较于拜登政府,特朗普政府将安全承诺视作可交易对象,明确要求日韩提高军费、负担安全成本以使“盟友国家获得的利益与贡献相一致”。",
            "早在第一任期,特朗普就要求盟友承担更大责任",
        ])
        .build();
    let calls = shipped().attribute(&doc, Fallback::None);
    assert_eq!(
        sources(&calls),
        [
            ("trump2", PeriodSource::Sentence),
            ("trump2", PeriodSource::Sentence),
            ("trump1", PeriodSource::Sentence),
        ]
    );
    assert_eq!(calls[2].evidence, "第一任期");
}

#[test]
fn seed_unmarked_sentence_under_the_trump2_heading_is_trump2() {
    let doc = DocBuilder::new(Some("2025"))
        .heading(None, "特朗普2.0时期美日韩安全合作的演变趋势")
        .paragraph(&["当前,日本展现了一定的对冲意愿与行为实践,包括强化与印度的双边防务关系、扩大官方安全援助(OSA)机制,以及重启和推动清迈倡议多边化(CMIM)等区域金融稳定平台,表现出对美主导联盟架构的谨慎对冲姿态。"])
        .build();
    let c = &shipped().attribute(&doc, Fallback::None)[0];
    // 当前 opens the sentence: the time of writing, before the heading.
    assert_eq!(
        (c.period.as_str(), c.source, c.evidence.as_str()),
        ("trump2", PeriodSource::Sentence, "当前 (2025)")
    );
}

#[test]
fn seed_biden_sentence() {
    let c = call_of(
        &shipped(),
        "首先,拜登政府同步加强对日韩的防卫承诺,加强了日韩关于推进合作的机会认知。",
        Some("2025"),
    );
    assert_eq!(
        (c.period.as_str(), c.source, c.evidence.as_str()),
        ("biden", PeriodSource::Sentence, "拜登政府")
    );
}

#[test]
fn seed_theory_sentence_is_unattributed() {
    let doc = DocBuilder::new(Some("2025"))
        .heading(None, "时间框架与美日韩三边安全关系的变迁")
        .paragraph(&[
            "国家对于未来收益与风险的判断,会随着威胁紧迫性和安全保证程度的变化而动态调整。",
            "在面临高度不确定性时,国家往往倾向延迟决策以规避潜在风险;而当收益的确定性提高或未来风险加剧时,则更可能提前兑现决策。",
        ])
        .build();
    let calls = shipped().attribute(&doc, Fallback::None);
    assert_eq!(calls, vec![PeriodCall::unattributed(); 2]);
}

// ---------------------------------------------------------------------------------------------
// Seeds through the structure parser.

fn parse_seed(file: &str, date: &str) -> Document {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("corpus")
        .join(file);
    let text = std::fs::read_to_string(path).expect("seed file");
    let meta = DocMeta {
        id: file.trim_end_matches(".txt").into(),
        file: file.into(),
        date: Some(date.parse().expect("seed date")),
        ..DocMeta::default()
    };
    crate::corpus::structure::parse(&text, meta)
}

fn call_containing<'a>(doc: &Document, calls: &'a [PeriodCall], snippet: &str) -> &'a PeriodCall {
    let i = doc
        .sentences
        .iter()
        .position(|s| s.text.contains(snippet))
        .unwrap_or_else(|| panic!("no sentence contains {snippet}"));
    &calls[i]
}

#[test]
fn seeds_time_frame_paper() {
    let doc = parse_seed("li_tan_2025_time_frame.txt", "2025");
    let calls = shipped().attribute(&doc, Fallback::None);
    let c = call_containing(&doc, &calls, "首先,拜登政府同步加强对日韩的防卫承诺");
    assert_eq!(
        (c.period.as_str(), c.source),
        ("biden", PeriodSource::Sentence)
    );
    let c = call_containing(&doc, &calls, "早在第一任期,特朗普就要求盟友承担更大责任");
    assert_eq!(
        (c.period.as_str(), c.source),
        ("trump1", PeriodSource::Sentence)
    );
    // Under `4 特朗普2.0时期…`, naming no period itself.
    let c = call_containing(&doc, &calls, "日本展现了一定的对冲意愿与行为实践");
    assert_eq!(
        (c.period.as_str(), c.evidence.as_str()),
        ("trump2", "当前 (2025)")
    );
    let c = call_containing(&doc, &calls, "国家对于未来收益与风险的判断");
    assert_eq!(c, &PeriodCall::unattributed());
}

#[test]
fn seeds_every_sentence_gets_a_call_with_evidence() {
    for (file, date) in [
        ("dong_2023_alliance_strengthening.txt", "2023"),
        ("li_tan_2025_time_frame.txt", "2025"),
        ("peng_2023_cost_sharing.txt", "2023"),
        ("yao_zhou_2023_trilateral_mechanism.txt", "2023"),
        ("zhao_wang_2025_trump_second_term.txt", "2025"),
    ] {
        let doc = parse_seed(file, date);
        let calls = shipped().attribute(&doc, Fallback::None);
        assert_eq!(calls.len(), doc.sentences.len(), "{file}");
        for c in &calls {
            assert_eq!(
                c.source == PeriodSource::None,
                c.evidence.is_empty(),
                "{file}: {c:?}"
            );
        }
        let attributed = calls
            .iter()
            .filter(|c| c.source != PeriodSource::None)
            .count();
        assert!(
            attributed * 2 > calls.len(),
            "{file}: only {attributed} of {} attributed",
            calls.len()
        );
    }
}

// ---------------------------------------------------------------------------------------------
// The cases of text nobody tuned the rules to: each a regression test named for it.

/// Calls of a document cut by a real segmenter (markers must stand on token boundaries).
fn attribute_cut(doc: &Document, fallback: Fallback) -> Vec<crate::model::SentencePeriods> {
    static SEG: std::sync::OnceLock<crate::segment::Segmenter> = std::sync::OnceLock::new();
    let seg = SEG.get_or_init(|| {
        crate::segment::Segmenter::new(&crate::lexicon::LexiconSet::default(), None).unwrap()
    });
    let readings: Vec<_> = doc.sentences.iter().map(|s| seg.read(&s.text)).collect();
    let views: Vec<(&str, &[crate::model::Token])> = readings
        .iter()
        .map(|r| (r.text.as_ref(), r.tokens.as_slice()))
        .collect();
    shipped().attribute_with(doc, fallback, PeriodSteps::ALL, Some(&views))
}

fn news(date: &str, sentences: &[&str]) -> Vec<PeriodCall> {
    let doc = DocBuilder::new(Some(date)).paragraph(sentences).build();
    shipped().attribute(&doc, Fallback::Document)
}

#[test]
fn news_a_background_date_in_the_paragraph_does_not_move_the_days_events() {
    let calls = news(
        "2019-02-28",
        &["2012年,双方曾签署协议。", "两国领导人今天在河内举行会谈。"],
    );
    assert_eq!(calls[0].period, "obama");
    assert_eq!(
        (calls[1].period.as_str(), calls[1].source),
        ("trump1", PeriodSource::Document)
    );
}

#[test]
fn news_cold_war_product_said_of_a_present_alliance_is_the_present() {
    let c = &news("2018-06-12", &["他称美韩同盟是冷战的产物。"])[0];
    assert_eq!(
        (c.period.as_str(), c.source),
        ("trump1", PeriodSource::Document)
    );
}

#[test]
fn news_a_since_span_is_the_present() {
    let c = &news("2023-06-01", &["自2010年以来,两国关系不断加强。"])[0];
    assert_eq!(c.period, "biden");
    let c = &news(
        "2021-06-01",
        &["拜登2021年1月执政以来,中美两国领导人已5次通话。"],
    )[0];
    assert_eq!(c.period, "biden");
}

#[test]
fn news_a_foreign_minister_quoted_in_2016_is_not_his_later_premiership() {
    let c = &news("2016-05-10", &["岸田文雄表示,日方将继续推进合作。"])[0];
    assert_eq!(c.period, "obama");
    let doc = DocBuilder::new(Some("2016-05"))
        .paragraph(&["岸田外相表示,日方将继续推进合作。"])
        .build();
    assert_eq!(shipped().attribute(&doc, Fallback::None)[0].period, "obama");
}

#[test]
fn a_president_named_before_the_presidency_is_not_that_presidency() {
    // 特朗普 as president-elect, three days before the inauguration.
    let c = &news("2017-01-17", &["当选总统特朗普当天发表讲话。"])[0];
    assert_eq!(c.period, "obama");
    let doc = DocBuilder::new(Some("2017-01-17"))
        .paragraph(&["当选总统特朗普当天发表讲话。"])
        .build();
    assert_eq!(shipped().attribute(&doc, Fallback::None)[0].period, "obama");
    // 拜登 as vice-president.
    let doc = DocBuilder::new(Some("2015"))
        .paragraph(&["副总统拜登访问日本。"])
        .build();
    assert_eq!(shipped().attribute(&doc, Fallback::None)[0].period, "obama");
    let c = call_of(
        &shipped(),
        "早在2016年担任副总统时,拜登就主张加强同盟。",
        Some("2023"),
    );
    assert_eq!(c.period, "obama");
}

#[test]
fn li_tan_an_example_in_a_theory_paragraph_does_not_spread() {
    let doc = DocBuilder::new(Some("2025"))
        .paragraph(&[
            "联盟领导国往往通过建构威胁叙事动员盟友。",
            "比如在奥巴马政府时期,美国强调朝鲜的核威胁。",
            "这种叙事提高了盟友对未来风险的感知。",
        ])
        .build();
    let calls = shipped().attribute(&doc, Fallback::None);
    assert_eq!(calls[1].period, "obama");
    assert_eq!(calls[2], PeriodCall::unattributed());
}

#[test]
fn a_scholarly_citation_does_not_date_a_sentence() {
    // Olson & Zeckhauser (1966), prospect theory (1979): publications, not events.
    let doc = DocBuilder::new(Some("2023-11"))
        .paragraph_citing(&["集体行动理论认为小国倾向于搭便车。"], &[&["5"]])
        .note("5", &["1966"])
        .build();
    assert_eq!(
        shipped().attribute(&doc, Fallback::None)[0],
        PeriodCall::unattributed()
    );
}

#[test]
fn abe_s_second_tenure_is_not_trump_s_second_term() {
    for text in [
        "安倍第二次执政以来,日本加快修宪步伐。",
        "安倍晋三第二任期内,日美关系密切。",
    ] {
        let c = call_of(&shipped(), text, Some("2025"));
        assert_ne!(c.period, "trump2", "{text}: {c:?}");
    }
    // With Trump in the sentence the generic word counts.
    assert_eq!(
        call_of(&shipped(), "特朗普在第二任期内加征关税。", Some("2025")).period,
        "trump2"
    );
}

#[test]
fn names_inside_other_words_are_not_names() {
    let doc = DocBuilder::new(Some("2023"))
        .paragraph(&["克里夫兰的工厂关闭了。"])
        .paragraph(&["此举可谓石破天惊。"])
        .build();
    let calls = attribute_cut(&doc, Fallback::None);
    // Neither name is found: both sentences take the document's date (2023), not a marker.
    for c in &calls {
        assert_eq!(c.sentence.source, PeriodSource::Document, "{c:?}");
    }
    assert_ne!(calls[0].sentence.period, "obama", "{:?}", calls[0]);
}

#[test]
fn trump_on_the_eve_of_his_return_speaks_of_the_time_of_writing() {
    let c = call_of(
        &shipped(),
        "特朗普上台后可能要求日韩分担更多防务费用。",
        Some("2024-12-01"),
    );
    assert_ne!(c.period, "trump1", "{c:?}");
}

#[test]
fn relative_time_is_read_from_the_document_date() {
    let c = call_of(&shipped(), "当前,日韩关系有所改善。", Some("2025-10-04"));
    assert_eq!(
        (c.period.as_str(), c.evidence.as_str()),
        ("trump2", "当前 (2025-10-04)")
    );
    let c = &news("2017-03-05", &["去年,双方举行了多次会谈。"])[0];
    assert_eq!(
        (c.period.as_str(), c.evidence.as_str()),
        ("obama", "去年 (2016)")
    );
    // 当前 qualifying a noun dates nothing.
    let c = call_of(&shipped(), "行为体会抓住当前合作机会。", Some("2025"));
    assert_eq!(c, PeriodCall::unattributed());
}

#[test]
fn peng_s261_each_clause_of_a_contrast_keeps_its_own_period() {
    let text =
        "特朗普政府未能给予美日同盟充分的战略承诺；然而，拜登政府给予了美日同盟充分的战略承诺。";
    let doc = DocBuilder::new(Some("2023-11")).paragraph(&[text]).build();
    let p = &shipped().attribute_with(&doc, Fallback::None, PeriodSteps::ALL, None)[0];
    assert_eq!(p.sentence.period, "biden");
    assert_eq!(p.clauses.len(), 2);
    assert_eq!(p.clauses[0].period.period, "trump1");
    assert_eq!(p.clauses[1].period.period, "biden");
    // The first clause ends after the semicolon, in characters.
    let first_end = text.chars().position(|c| c == '；').unwrap() as u32 + 1;
    assert_eq!(p.clauses[0].char_end, first_end);
}
