//! Rules of the assembly on tiny documents (each submodule tests its own rules).

use super::*;
use crate::model::{DocMeta, Zone};

fn doc(text: &str) -> Document {
    parse(text, DocMeta::default())
}

fn sentence_with<'a>(d: &'a Document, needle: &str) -> &'a Sentence {
    d.sentences
        .iter()
        .find(|s| s.text.contains(needle))
        .unwrap_or_else(|| panic!("no sentence contains {needle}"))
}

#[test]
fn page_break_inside_a_sentence_is_rejoined() {
    let d = doc(
        "# 标题\n\n正文开始。在特朗普2.0时期,继续强调美日韩三边安\n\n全合作的重要性,日韩两国也以增加投资交换承诺。\n",
    );
    let s = sentence_with(&d, "三边安全合作的重要性");
    assert_eq!(s.zone, Zone::Body);
    assert!(s.text.ends_with("交换承诺。"));
    assert!(
        d.repairs
            .iter()
            .any(|r| r.rule == "rejoin_page_break" && r.line == 5)
    );
    assert_eq!(
        d.paragraphs.iter().filter(|p| p.zone == Zone::Body).count(),
        1
    );
}

#[test]
fn footnote_block_inside_a_sentence_is_moved_out() {
    let d = doc(
        "题目\n\n作为美国在亚太地区最重要的两个\n\n^① “South Korea-Japan Rapprochement”, The Brookings, March 17, 2023.\n\n盟友，日本与韩国都表现得较为积极。^①\n",
    );
    let s = sentence_with(&d, "最重要的两个盟友，日本与韩国");
    assert_eq!(s.zone, Zone::Body);
    assert_eq!(s.note_refs, vec!["①".to_string()]);
    assert_eq!(d.notes.len(), 1);
    assert_eq!(d.notes[0].dates, vec!["2023-03-17".parse().unwrap()]);
    assert!(d.repairs.iter().any(|r| r.rule == "move_footnote"));
    // the note is its own paragraph after the body paragraph that it interrupted
    let note_para = d.paragraphs.iter().find(|p| p.zone == Zone::Note).unwrap();
    assert!(note_para.id > s.paragraph);
}

#[test]
fn repeated_circled_labels_link_to_the_block_of_their_page() {
    let text = "题目\n\n甲说了一句话。^①乙也说了。^②\n\n① 第一页注一，2019年3月25日。\n\n② 第一页注二。\n\n丙又说了一句。^①\n\n① 第二页注一，2020年1月2日。\n";
    let d = doc(text);
    let ids: Vec<&str> = d.notes.iter().map(|n| n.id.as_str()).collect();
    assert_eq!(ids, vec!["①", "②", "①#2"]);
    assert_eq!(sentence_with(&d, "甲说").note_refs, vec!["①"]);
    assert_eq!(sentence_with(&d, "乙也").note_refs, vec!["②"]);
    assert_eq!(sentence_with(&d, "丙又").note_refs, vec!["①#2"]);
}

#[test]
fn markup_never_reaches_sentence_text() {
    let d = doc(
        "# 题目<sup>\\*</sup>\n\n**[摘要]** 摘要文字。\n\n正文**强调**部分<sup>[12]</sup>，价格 \\$10。^{3}\n\n[12] 注释，2023-08-18。\n",
    );
    let s = sentence_with(&d, "正文强调部分");
    assert_eq!(s.text, "正文强调部分，价格 $10。");
    assert_eq!(s.note_refs, vec!["12".to_string(), "3".to_string()]);
    assert_eq!(d.paragraphs[0].zone, Zone::Title);
    assert_eq!(d.meta.title, "题目");
    assert_eq!(d.sentences[0].note_refs, vec!["*".to_string()]);
    assert_eq!(sentence_with(&d, "摘要文字").zone, Zone::Front);
}

#[test]
fn offsets_index_the_paragraph_text() {
    let d = doc("题目\n\n第一句。 第二句“引文。”第三句！\n");
    for s in &d.sentences {
        let p = &d.paragraphs[s.paragraph as usize];
        let slice: String = p
            .text
            .chars()
            .skip(s.char_start)
            .take(s.char_end - s.char_start)
            .collect();
        assert_eq!(slice, s.text);
    }
    assert_eq!(
        d.sentences.iter().map(|s| s.id).collect::<Vec<_>>(),
        vec![0, 1, 2, 3]
    );
}

#[test]
fn sections_nest_by_numbering() {
    let d = doc(
        "题目\n\n作者甲\n\n一、问题\n\n正文。\n\n（一）视角\n\n正文。\n\n1. 时期\n\n(1) 日本增加分担。自特朗普执政以来，美国施压。\n\n二、结论\n\n正文。\n",
    );
    let got: Vec<(u8, Option<u32>, &str)> = d
        .sections
        .iter()
        .map(|s| (s.level, s.parent, s.title.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            (1, None, "问题"),
            (2, Some(0), "视角"),
            (3, Some(1), "时期"),
            (4, Some(2), "日本增加分担"),
            (1, None, "结论")
        ]
    );
    let s = sentence_with(&d, "自特朗普执政以来");
    assert_eq!((s.zone, s.section), (Zone::Body, Some(3)));
    assert_eq!(
        d.section_path(Some(3)),
        "一 问题 > （一） 视角 > 1 时期 > (1) 日本增加分担"
    );
    assert_eq!(d.meta.authors, vec!["作者甲".to_string()]);
}

#[test]
fn photo_captions_and_credits_are_dropped_and_the_sentence_rejoined() {
    let d = doc(
        "题目\n\n正文。多边会议期间安排\n\n2023年4月7日，美日韩三国外交人员在韩国首尔举行三方会谈。\n\n(POOL/彭博影像/IC photo图片)\n\n双边首脑会晤6次。\n",
    );
    assert!(sentence_with(&d, "多边会议期间安排双边首脑会晤6次。").zone == Zone::Body);
    let reasons: Vec<&str> = d.dropped.iter().map(|x| x.reason.as_str()).collect();
    assert_eq!(reasons, vec!["photo caption", "photo credit"]);
}

#[test]
fn english_back_matter_after_the_end_matter_is_zone_back() {
    let d = doc(
        "题目\n\n正文。\n\n（责任编辑：王锦）\n\nalliance with Russia and strengthening cooperation with China.\n\n**Keywords:**\n\n中文的另一篇文章摘要。\n",
    );
    assert_eq!(sentence_with(&d, "alliance with Russia").zone, Zone::Back);
    assert_eq!(sentence_with(&d, "另一篇文章").zone, Zone::Back);
    assert_eq!(d.dropped[0].reason, "editor line");
}

#[test]
fn broken_note_entries_are_joined() {
    let d = doc(
        "题目\n\n正文。\n\n注\n\n- [36] Goh E. Worldviews[J]. *Contemporary Politics*,\n- 2020, 26(4): 380.\n- [37] Hofmann. Business as usual[J]. 2015, 21(2): 384.\n",
    );
    assert_eq!(d.notes.len(), 2);
    assert_eq!(
        d.notes[0].text,
        "Goh E. Worldviews[J]. Contemporary Politics, 2020, 26(4): 380."
    );
    assert_eq!(d.notes[0].kind, crate::model::NoteKind::Footnote);
}

#[test]
fn list_items_are_not_headings() {
    let d = doc(
        "题目\n\n措施如下：\n\n1. 加强合作\n\n2. 扩大交流\n\n正文。\n1. 紧接的列表项\n2. 第二项\n\n二、真正的标题\n\n正文。\n",
    );
    let titles: Vec<&str> = d.sections.iter().map(|s| s.title.as_str()).collect();
    assert_eq!(titles, vec!["真正的标题"]);
    assert_eq!(sentence_with(&d, "扩大交流").text, "2. 扩大交流");
    assert_eq!(sentence_with(&d, "加强合作").zone, Zone::Body);
}

#[test]
fn a_file_that_opens_with_running_text_has_no_title_line() {
    let d = doc(
        "美国强调延伸威慑坚如磐石，日本积极回应，韩国则担心被抛弃并要求更多保证，这一态势在二〇二三年更加明显。第二句。\n\n## 一、结论\n\n正文。\n",
    );
    assert!(d.paragraphs.iter().all(|p| p.zone != Zone::Title));
    // No title line, no title: neither the first heading nor the first sentence stands in.
    assert_eq!(d.meta.title, "");
    assert_eq!(d.sentences[0].zone, Zone::Body);
    let d = doc(
        "美国强调延伸威慑坚如磐石，日本积极回应，韩国则担心被抛弃并要求更多保证，这一态势在二〇二三年更加明显。第二句。\n",
    );
    assert_eq!(d.meta.title, "");
}

#[test]
fn reference_lists_are_zone_reference() {
    let d = doc(
        "题目\n\n正文[1]。\n\n## 结 语\n\n正文。\n\n参考文献\n\n[1] 高程. 美国对华战略竞争[J]. 当代世界, 2023(11): 45.\n",
    );
    assert_eq!(d.notes[0].kind, crate::model::NoteKind::Reference);
    assert_eq!(d.notes[0].dates, vec!["2023".parse().unwrap()]);
    assert_eq!(sentence_with(&d, "高程").zone, Zone::Reference);
    assert_eq!(sentence_with(&d, "正文").note_refs, vec!["1"]);
    assert_eq!(d.dropped[0].reason, "heading of the reference list");
    assert!(d.repairs.iter().any(|r| r.rule == "close_heading_gaps"));
    assert_eq!(d.sections[0].title, "结语");
}

#[test]
fn a_comment_over_several_lines_is_dropped_and_the_paragraph_goes_on() {
    let d = doc(concat!(
        "# 标题\n\n",
        "美日韩三边安全合作的重要性在于<!-- 第 12 页\n",
        "页眉：国际问题研究\n",
        "-->协调各方立场。同盟关系不断加强。\n\n",
        "<!--\n",
        "抓取时间 2025-06-22\n",
        "--> \n",
        "特朗普政府的威胁论调持续升温。\n",
    ));
    let s = sentence_with(&d, "重要性在于协调各方立场");
    assert_eq!(s.zone, Zone::Body);
    assert!(
        sentence_with(&d, "特朗普政府的威胁论调")
            .text
            .ends_with("升温。")
    );
    for gone in ["页眉", "第 12 页", "抓取时间"] {
        assert!(
            d.sentences.iter().all(|s| !s.text.contains(gone)),
            "{gone} is still in a sentence"
        );
    }
    let dropped: Vec<(usize, &str)> = d
        .dropped
        .iter()
        .filter(|x| x.reason == "HTML comment")
        .map(|x| (x.line, x.text.as_str()))
        .collect();
    assert_eq!(
        dropped,
        vec![
            (3, "<!-- 第 12 页"),
            (4, "页眉：国际问题研究"),
            (5, "-->"),
            (7, "<!--"),
            (8, "抓取时间 2025-06-22"),
            (9, "-->"),
        ]
    );
}

#[test]
fn a_stray_comment_opening_does_not_swallow_the_rest() {
    let mut text = String::from("# 标题\n\n正文里有一个没有闭合的<!--标记。\n\n");
    for i in 0..(MAX_COMMENT_LINES + 5) {
        text.push_str(&format!("第{i}段说明同盟关系。\n\n"));
    }
    text.push_str("最后一段-->之后的文字。\n");
    let d = doc(&text);
    assert!(d.dropped.iter().all(|x| x.reason != "HTML comment"));
    sentence_with(&d, "第0段说明同盟关系");
    sentence_with(&d, "之后的文字");
}

#[test]
fn a_document_on_one_line_is_body_text() {
    // A scraped article without line breaks, opening like an abstract: every sentence counts.
    let line = "【内容提要】美国强调延伸威慑。日本积极回应。".repeat(50);
    let d = doc(&line);
    assert_eq!(d.sentences.len(), 100);
    assert!(d.sentences.iter().all(|s| s.zone == Zone::Body));
    assert_eq!(d.sentences[1].text, "日本积极回应。");
    assert_eq!(d.meta.title, "");
    // A `#` line far longer than any heading is running text, not a title or section.
    let d = doc(&format!(
        "# {}\n\n正文。\n",
        "美国强调延伸威慑。".repeat(40)
    ));
    assert!(d.sections.is_empty());
    assert!(d.meta.title.chars().count() <= 80, "{}", d.meta.title);
}
