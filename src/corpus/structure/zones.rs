//! Line classifiers, in and out: each takes the text of one line and says whether it is front
//! matter (abstract, keywords, author notes, funding, contact), an author line, English back
//! matter, or text to drop (page furniture, captions, tables, editor lines), and why.

use std::sync::LazyLock;

use regex::Regex;

fn re(p: &str) -> Regex {
    Regex::new(p).expect("the zone patterns are valid")
}

static FRONT_MARKER: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^[\s*]*[【\[［(（]?\s*(?:内容提要|内容摘要|摘\s*要|提\s*要|关键词|关键字|作者简介|作者介绍|作者单位|基金项目|收稿日期|中图分类号|文献标识码|文章编号)\s*[】\]］)）]?[\s*]*[:：]?",
    )
});
static AUTHOR_NOTE: LazyLock<Regex> =
    LazyLock::new(|| re(r"^(?:作者系|作者[:：]|联系方式|通讯作者|E-?mail\s*[:：]|Email\s*[:：])"));
static FUNDING: LazyLock<Regex> = LazyLock::new(|| {
    re(r"^[\[【［(（]?\s*(?:本文系|本文为|本文是|基金项目)[^\n]*(?:项目|基金|课题)")
});
static EDITOR: LazyLock<Regex> =
    LazyLock::new(|| re(r"^[（(【\[［]?\s*(?:责任编辑|责任校对|编辑)\s*[:：]"));
static RULE: LazyLock<Regex> = LazyLock::new(|| re(r"^(?:[-*_]\s*){3,}$"));
static PAGE_NUMBER: LazyLock<Regex> =
    LazyLock::new(|| re(r"^[-—–·\s]*(?:第\s*)?\d{1,4}(?:\s*页)?[-—–·\s]*$"));
static PHOTO_CREDIT: LazyLock<Regex> =
    LazyLock::new(|| re(r"^[（(][^()（）]*(?:图片|摄影|供图|photo|Photo)[^()（）]*[)）]$"));
static CAPTION_START: LazyLock<Regex> =
    LazyLock::new(|| re(r"^\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日"));
static TABLE_CAPTION: LazyLock<Regex> = LazyLock::new(|| re(r"^(?:表|Table)\s*\d+(?:[-.]\d+)?\s"));
static FIGURE_CAPTION: LazyLock<Regex> =
    LazyLock::new(|| re(r"^(?:图|Figure|Fig\.)\s*\d+(?:[-.]\d+)?\s"));
static SOURCE_LINE: LazyLock<Regex> = LazyLock::new(|| re(r"^(?:资料来源|数据来源|来源)\s*[:：]"));
static NOTES_HEADER: LazyLock<Regex> =
    LazyLock::new(|| re(r"^[#\s*]*(?:注|注释|注\s*释|尾注|Notes?)[#\s*:：]*$"));
static REFERENCES_HEADER: LazyLock<Regex> =
    LazyLock::new(|| re(r"^[#\s*]*(?:参考文献|参考资料|References|Bibliography)[#\s*:：]*$"));
static BACK_WORDS: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?i)\b(?:abstract|keywords|key words|authors?'?s?'? information|about the authors?)\b")
});
static INSTITUTION: LazyLock<Regex> = LazyLock::new(|| {
    re(r"大学|学院|研究院|研究所|研究中心|中心|学会|部$|院$|所$|University|Institute|College")
});

/// Why a line is left out of every zone, if it is.
pub fn drop_reason(line: &str) -> Option<&'static str> {
    if EDITOR.is_match(line) {
        Some("editor line")
    } else if RULE.is_match(line) {
        Some("horizontal rule")
    } else if PAGE_NUMBER.is_match(line) {
        Some("page number")
    } else if PHOTO_CREDIT.is_match(line) {
        Some("photo credit")
    } else if is_table_row(line) {
        Some("table row (cells are not running prose)")
    } else if TABLE_CAPTION.is_match(line) && line.chars().count() <= 60 {
        Some("table caption")
    } else if FIGURE_CAPTION.is_match(line) && line.chars().count() <= 60 {
        Some("figure caption")
    } else if SOURCE_LINE.is_match(line) && line.chars().count() <= 120 {
        Some("source line of a table or figure")
    } else {
        None
    }
}

/// A row of a Markdown pipe table or of a tab-separated table.
pub fn is_table_row(line: &str) -> bool {
    let pipes = line.starts_with('|') && line.ends_with('|') && line.len() > 2;
    let tabs = line.split('\t').filter(|c| !c.trim().is_empty()).count() >= 2;
    pipes || tabs
}

pub fn is_editor_line(line: &str) -> bool {
    EDITOR.is_match(line)
}

pub fn is_rule(line: &str) -> bool {
    RULE.is_match(line)
}

pub fn is_photo_credit(line: &str) -> bool {
    PHOTO_CREDIT.is_match(line)
}

/// A photo caption: a short dated line printed next to a photo credit.
pub fn looks_like_caption(line: &str) -> bool {
    CAPTION_START.is_match(line) && line.chars().count() <= 80
}

pub fn is_notes_header(line: &str) -> bool {
    NOTES_HEADER.is_match(line)
}

pub fn is_references_header(line: &str) -> bool {
    REFERENCES_HEADER.is_match(line)
}

/// Abstract, keywords, author notes, funding notes, contact lines.
pub fn is_front_matter(clean: &str) -> bool {
    FRONT_MARKER.is_match(clean) || AUTHOR_NOTE.is_match(clean) || FUNDING.is_match(clean)
}

pub fn is_funding(clean: &str) -> bool {
    FUNDING.is_match(clean)
        || (clean.contains("本文系") || clean.contains("本文为"))
            && (clean.contains("项目") || clean.contains("基金"))
}

/// Words that open English back matter (`Abstract`, `Keywords`, `Authors' Information`).
pub fn has_back_words(clean: &str) -> bool {
    BACK_WORDS.is_match(clean)
}

/// Mostly Latin letters: an English abstract, title or author line.
pub fn is_english(clean: &str) -> bool {
    let letters = clean.chars().filter(|c| c.is_ascii_alphabetic()).count();
    let cjk = clean.chars().filter(|c| is_cjk(*c)).count();
    letters >= 4 && letters * 10 >= (letters + cjk) * 6
}

pub fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '\u{3040}'..='\u{30FF}' | '\u{AC00}'..='\u{D7AF}' | '\u{1100}'..='\u{11FF}')
}

/// The author names on a line after the title (`董向荣`, `姚寰宇 周文星`, `彭 博`,
/// `对外经济贸易大学 国际关系学院 李宏洲`), or `None` when the line does not read as one.
pub fn author_names(clean: &str) -> Option<Vec<String>> {
    if clean.chars().count() > 40 || clean.contains(['。', '，', ',', '：', ':', '；', '【', '['])
    {
        return None;
    }
    let tokens: Vec<&str> = clean
        .split_whitespace()
        .filter(|t| !INSTITUTION.is_match(t))
        .collect();
    if tokens.is_empty()
        || !tokens
            .iter()
            .all(|t| t.chars().all(|c| is_cjk(c) || c == '·'))
    {
        return None;
    }
    // `彭 博`: a two- or three-character name printed with a space between its characters.
    if tokens.len() <= 3 && tokens.iter().all(|t| t.chars().count() == 1) {
        return Some(vec![tokens.concat()]);
    }
    if tokens.iter().all(|t| (2..=5).contains(&t.chars().count())) {
        return Some(tokens.iter().map(|t| t.to_string()).collect());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_markers_in_the_seed_styles() {
        for line in [
            "【内容提要】近年来，受国内政权更迭",
            "[摘要] 近年来,美日韩三边安全合作",
            "内容提要：自特朗普和拜登两任政府以来",
            "关键词：联盟成本分担 利益攸关认知",
            "[作者介绍] 姚寰宇,中国人民大学国际关系学院博士研究生",
            "作者简介:李宏洲 男 汉族",
            "作者系中国社会科学院亚太与全球战略研究院研究员",
            "[本文为2024年国家社会科学基金年度青年项目“美国人工智能武器化及对策研究”阶段研究成果。]",
        ] {
            assert!(is_front_matter(line), "{line}");
        }
        assert!(!is_front_matter(
            "美日同盟和美韩同盟是美国亚太同盟体系的两大支柱。"
        ));
    }

    #[test]
    fn dropped_lines_and_their_reasons() {
        assert_eq!(drop_reason("(责任编辑:李广悦)"), Some("editor line"));
        assert_eq!(drop_reason("（责任编辑：王锦）"), Some("editor line"));
        assert_eq!(drop_reason("---"), Some("horizontal rule"));
        assert_eq!(
            drop_reason("(POOL/彭博影像/IC photo图片)"),
            Some("photo credit")
        );
        assert_eq!(
            drop_reason("高\t高\t收益贴现上升 风险贴现下降\t提前兑现").map(|r| &r[..9]),
            Some("table row")
        );
        assert_eq!(drop_reason("| a | b |"), drop_reason("x\ty"));
        assert_eq!(
            drop_reason("表1 国家选择升级安全关系的四种态势"),
            Some("table caption")
        );
        assert_eq!(
            drop_reason("图 1 联盟成本分担对联盟凝聚力的作用机制"),
            Some("figure caption")
        );
        assert_eq!(
            drop_reason("资料来源：笔者自制"),
            Some("source line of a table or figure")
        );
        assert_eq!(drop_reason("— 45 —"), Some("page number"));
        assert_eq!(drop_reason("美日同盟是美国在亚太地区最重要的支柱。"), None);
    }

    #[test]
    fn english_back_matter_is_recognised() {
        assert!(is_english("Li Hongzhou (Male)"));
        assert!(is_english(
            "Abstract: In recent years, trilateral security cooperation"
        ));
        assert!(!is_english("美日韩三边安全合作(TSCF)的制度化"));
        assert!(has_back_words("Keywords: Trump Administration"));
    }

    #[test]
    fn author_lines() {
        assert_eq!(author_names("董向荣"), Some(vec!["董向荣".to_string()]));
        assert_eq!(author_names("彭 博"), Some(vec!["彭博".to_string()]));
        assert_eq!(
            author_names("姚寰宇 周文星"),
            Some(vec!["姚寰宇".to_string(), "周文星".to_string()])
        );
        assert_eq!(
            author_names("对外经济贸易大学 国际关系学院 李宏洲"),
            Some(vec!["李宏洲".to_string()])
        );
        assert_eq!(author_names("【关键词】美日韩 美日同盟"), None);
        assert_eq!(author_names("近年来，美日韩关系出现新变化。"), None);
    }
}
