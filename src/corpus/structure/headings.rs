//! Headings, in and out: recognises a heading line in every numbering style the papers use
//! (Markdown `#`, `一、`, `一 `, `（一）`/`(一)`, `1.`, `1 `, `3.1`, `(1)`, `第一章`) and gives back its
//! number as printed, its title and its style; `Levels` turns the sequence of styles into a level
//! hierarchy.
//!
//! Levels come from the numbering, not from the count of `#`: extractions print `## 2` next to
//! `### 2.1` and `## 2.2`, and `#### 4` after `#### 3.1`. The first style seen is level 1, a new
//! style one level deeper than the current one, a style seen before goes back to its level.
//! Unnumbered Markdown headings use the count of `#` as their style; an unnumbered conclusion
//! (`结语`, `结论`, `余论` ...) is always level 1.
//!
//! False headings are kept out: a numbered line without `#` is a heading only when it is short,
//! has no sentence punctuation and does not end like a clause (`，`、`：`); `1. 本文认为……。` is a
//! body sentence. `(1) 标题。正文……` is a run-in heading: the short first clause is the heading and
//! the rest of the line is a body paragraph.

use std::sync::LazyLock;

use regex::Regex;

/// The numbering style of a heading.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// `第一章`, `第二节`, `第三部分`
    Chapter,
    /// `一、`, `一 `
    Cjk,
    /// `（一）`, `(一)`
    ParenCjk,
    /// `1.`, `1 ` (depth 1), `3.1` (depth 2), `3.1.2` (depth 3)
    Decimal(u8),
    /// `(1)`, `（1）`
    ParenArabic,
    /// No number; the count of `#` when the line was a Markdown heading.
    Unnumbered(u8),
}

/// A recognised heading.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Heading {
    pub style: Style,
    /// The number as printed (`一`, `（二）`, `3.1`); empty when unnumbered.
    pub number: String,
    pub title: String,
    /// Body text after a run-in heading (`(1) 标题。正文……`).
    pub run_in: Option<String>,
}

static MD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(#{1,6})\s+(.*?)\s*#*\s*$").expect("the Markdown heading pattern is valid")
});

const CJK_NUM: &str = "[一二三四五六七八九十百零〇]+";

static NUMBERED: LazyLock<Vec<(Style, Regex)>> = LazyLock::new(|| {
    let n = CJK_NUM;
    let r = |p: String| Regex::new(&p).expect("the heading patterns are valid");
    vec![
        (Style::Chapter, r(format!(r"^(第{n}[章节部分]+)\s*(.*)$"))),
        (Style::Cjk, r(format!(r"^({n})\s*[、，,．.]\s*(.+)$"))),
        (
            Style::ParenCjk,
            r(format!(r"^([（(]\s*{n}\s*[）)])\s*(.+)$")),
        ),
        (
            Style::Decimal(2),
            r(r"^(\d{1,2}(?:\.\d{1,2})+)\.?\s*(\D.*)$".to_string()),
        ),
        (
            Style::Decimal(1),
            r(r"^(\d{1,2})\s*[.．、]\s*(\D.*)$".to_string()),
        ),
        (
            Style::ParenArabic,
            r(r"^([（(]\s*\d{1,2}\s*[）)])\s*(.+)$".to_string()),
        ),
    ]
});

/// `一 标题` and `1 标题` (a space and no punctuation) count only in Markdown headings.
static SPACED: LazyLock<Vec<(Style, Regex)>> = LazyLock::new(|| {
    let r = |p: String| Regex::new(&p).expect("the heading patterns are valid");
    vec![
        (Style::Cjk, r(format!(r"^({CJK_NUM})\s+(\S.*)$"))),
        (Style::Decimal(1), r(r"^(\d{1,2})\s+(\D.*)$".to_string())),
    ]
});

static RUN_IN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^([（(]\s*\d{1,2}\s*[）)])\s*([^。，,；;：:！？]{2,24})。\s*(\S.*)$")
        .expect("the run-in heading pattern is valid")
});

const CONCLUSIONS: [&str; 8] = [
    "结语",
    "结论",
    "结束语",
    "余论",
    "引言",
    "导论",
    "前言",
    "参考文献",
];

/// Longest Markdown heading (`# …`), in characters.
pub const MAX_MARKDOWN_HEADING: usize = 200;

/// Longest title (in characters) of a heading line without `#`.
const MAX_PLAIN_TITLE: usize = 30;

/// The Markdown level and text of a `#` line.
pub fn markdown(line: &str) -> Option<(u8, &str)> {
    // Called on every line, several times: most lines are not headings. A `#` line longer than
    // any heading is running text (a whole scraped article on one line), whose copy as a section
    // path on every sentence would grow with the square of its length.
    if !line.starts_with('#')
        || line.len() > 4 * MAX_MARKDOWN_HEADING && line.chars().count() > MAX_MARKDOWN_HEADING
    {
        return None;
    }
    let caps = MD.captures(line)?;
    let level = caps.get(1).map_or(1, |m| m.as_str().len()) as u8;
    let text = caps.get(2).map_or("", |m| m.as_str());
    (!text.is_empty()).then_some((level, text))
}

/// Removes the spaces that PDF line wrapping leaves between two Han characters of a heading
/// (`结 语`, `美日韩 三边合作`), keeping spaces next to Latin letters and digits.
pub fn close_han_gaps(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    for (i, &c) in chars.iter().enumerate() {
        if c == ' '
            && i > 0
            && i + 1 < chars.len()
            && is_hanlike(chars[i - 1])
            && is_hanlike(chars[i + 1])
        {
            continue;
        }
        out.push(c);
    }
    out
}

fn is_hanlike(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '“' | '”' | '《' | '》' | '：' | '，' | '、')
}

/// Splits a heading's clean text (`#` removed) into number, title and style. `from_markdown`
/// allows the space-separated forms and unnumbered titles.
pub fn parse(text: &str, markdown_level: Option<u8>) -> Option<Heading> {
    let text = text.trim();
    if let Some(caps) = RUN_IN.captures(text) {
        return Some(Heading {
            style: Style::ParenArabic,
            number: caps[1].to_string(),
            title: close_han_gaps(caps[2].trim()),
            run_in: Some(caps[3].to_string()),
        });
    }
    let mut found = NUMBERED
        .iter()
        .find_map(|(style, re)| re.captures(text).map(|c| (*style, c)));
    if found.is_none() && markdown_level.is_some() {
        found = SPACED
            .iter()
            .find_map(|(style, re)| re.captures(text).map(|c| (*style, c)));
    }
    let heading = match found {
        Some((style, caps)) => {
            let number = caps[1].to_string();
            let style = match style {
                Style::Decimal(_) => Style::Decimal(number.split('.').count() as u8),
                s => s,
            };
            Heading {
                style,
                number,
                title: close_han_gaps(caps[2].trim()),
                run_in: None,
            }
        }
        None => Heading {
            style: Style::Unnumbered(markdown_level?),
            number: String::new(),
            title: close_han_gaps(text),
            run_in: None,
        },
    };
    if heading.title.is_empty() {
        return None;
    }
    if markdown_level.is_none() && !plain_title_ok(&heading.title) {
        return None;
    }
    Some(heading)
}

/// A title printed without `#` must look like a title, not like a sentence or a list item.
fn plain_title_ok(title: &str) -> bool {
    title.chars().count() <= MAX_PLAIN_TITLE
        && !title.contains(['。', '！', '？', '；', ';'])
        && !title.ends_with(['，', ',', '、', '：', ':'])
        && title
            .chars()
            .any(|c| c > '\u{2E80}' || c.is_ascii_alphabetic())
}

/// Tracks the styles seen so far and gives each heading its level.
#[derive(Debug, Default)]
pub struct Levels {
    stack: Vec<Style>,
}

impl Levels {
    pub fn level_of(&mut self, heading: &Heading) -> u8 {
        let conclusion = CONCLUSIONS.contains(&heading.title.as_str());
        if matches!(heading.style, Style::Unnumbered(_)) && conclusion {
            self.stack.clear();
            self.stack.push(heading.style);
            return 1;
        }
        if let Some(pos) = self.stack.iter().position(|s| *s == heading.style) {
            self.stack.truncate(pos + 1);
        } else {
            self.stack.push(heading.style);
        }
        self.stack.len().min(u8::MAX as usize) as u8
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(text: &str, md: Option<u8>) -> Option<(String, String, Style)> {
        parse(text, md).map(|h| (h.number, h.title, h.style))
    }

    #[test]
    fn every_numbering_style() {
        assert_eq!(
            h("一、问题的提出", None),
            Some(("一".into(), "问题的提出".into(), Style::Cjk))
        );
        assert_eq!(
            h("（一）博弈论视角", None),
            Some(("（一）".into(), "博弈论视角".into(), Style::ParenCjk))
        );
        assert_eq!(
            h("(四) 理论机制与研究假设", None).map(|x| x.2),
            Some(Style::ParenCjk)
        );
        assert_eq!(
            h("1. 特朗普政府时期的美日同盟", None).map(|x| x.2),
            Some(Style::Decimal(1))
        );
        assert_eq!(
            h("3.1 安全保证与日韩的收益贴现", Some(4)).map(|x| (x.0, x.2)),
            Some(("3.1".into(), Style::Decimal(2)))
        );
        assert_eq!(
            h("(1) 日本利益攸关认知降低", None).map(|x| x.2),
            Some(Style::ParenArabic)
        );
        assert_eq!(
            h("一 美日韩合作发展历程", Some(2)).map(|x| x.0),
            Some("一".into())
        );
        assert_eq!(h("5 结 语", Some(2)).map(|x| x.1), Some("结语".into()));
        assert_eq!(
            h("美日韩关系强化的主要表现", Some(2)).map(|x| x.2),
            Some(Style::Unnumbered(2))
        );
    }

    #[test]
    fn spaced_forms_and_unnumbered_lines_need_markdown() {
        assert_eq!(h("一 美日韩合作发展历程", None), None);
        assert_eq!(h("美日韩关系强化的主要表现", None), None);
    }

    #[test]
    fn body_sentences_are_not_headings() {
        assert_eq!(
            h(
                "1. 美国认为同盟是其全球战略的基石，并要求盟友承担更多责任。",
                None
            ),
            None
        );
        assert_eq!(
            h(
                "（1）两个同盟在特朗普政府与拜登政府时期的演化过程，均能够对照本文理论框架",
                None
            ),
            None
        );
        assert_eq!(h("第一，美日、美韩两个双边同盟明显增强。", None), None);
        assert_eq!(
            h(
                "2023年4月7日，美日韩三国外交人员在韩国首尔举行三方会谈。",
                None
            ),
            None
        );
    }

    #[test]
    fn run_in_heading_splits_off_the_body() {
        let head = parse(
            "(1) 日本增加联盟成本分担。自特朗普执政以来，美国施压。",
            None,
        )
        .unwrap();
        assert_eq!(head.title, "日本增加联盟成本分担");
        assert_eq!(head.run_in.as_deref(), Some("自特朗普执政以来，美国施压。"));
    }

    #[test]
    fn levels_follow_numbering_not_hashes() {
        let mut levels = Levels::default();
        let seq = [
            ("1 甲", 3),
            ("2 乙", 2),
            ("2.1 丙", 3),
            ("2.2 丁", 2),
            ("3 戊", 3),
            ("3.1 己", 4),
            ("4 庚", 4),
        ];
        let got: Vec<u8> = seq
            .iter()
            .map(|(t, md)| levels.level_of(&parse(t, Some(*md)).unwrap()))
            .collect();
        assert_eq!(got, vec![1, 1, 2, 2, 1, 2, 1]);
        let mut levels = Levels::default();
        let seq = [
            "一、甲",
            "（一）乙",
            "1. 丙",
            "(1) 丁",
            "(2) 戊",
            "2. 己",
            "（二）庚",
            "二、辛",
        ];
        let got: Vec<u8> = seq
            .iter()
            .map(|t| levels.level_of(&parse(t, None).unwrap()))
            .collect();
        assert_eq!(got, vec![1, 2, 3, 4, 4, 3, 2, 1]);
        assert_eq!(levels.level_of(&parse("结 语", Some(2)).unwrap()), 1);
    }
}
