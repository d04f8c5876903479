//! Inline markup of PDF-to-Markdown extractions, in and out: takes the raw text of one line and
//! gives back clean text (no note anchors, HTML tags, emphasis marks, Markdown escapes or links,
//! whitespace collapsed) together with every note anchor it removed and the character offset in
//! the clean text where the anchor stood, so that a sentence can keep its links to its notes.

use std::sync::LazyLock;

use regex::Regex;

/// Circled-number note labels: ①..⑳, ㉑..㉟, ㊱..㊿.
pub const CIRCLED: &str = r"\x{2460}-\x{2473}\x{3251}-\x{325F}\x{32B1}-\x{32BF}";

/// A note anchor removed from the text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Anchor {
    /// Character offset in the clean text where the anchor stood.
    pub at: usize,
    /// The label as printed, without its wrapping (`12`, `①`, `*`).
    pub label: String,
}

/// A line after markup removal.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Cleaned {
    pub text: String,
    pub anchors: Vec<Anchor>,
    /// What was removed, counted by kind, for the repair log (kind, count), in a stable order.
    pub removed: Vec<(&'static str, usize)>,
}

impl Cleaned {
    /// One line for the repair log, e.g. `2 note anchors, 1 HTML tag`; empty when nothing changed.
    pub fn summary(&self) -> String {
        self.removed
            .iter()
            .filter(|(_, n)| *n > 0)
            .map(|(kind, n)| format!("{n} {kind}"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

static INLINE: LazyLock<Regex> = LazyLock::new(|| {
    let c = CIRCLED;
    Regex::new(&format!(
        concat!(
            r"<sup>\s*(?P<sa>[^<]{{1,24}}?)\s*</sup>",
            r"|\^\{{\s*(?P<a2>\\?\*|\d{{1,3}}|[{c}])\s*\}}",
            r"|\^\[(?P<a3>\d{{1,3}})\]",
            r"|\[\^(?P<a4>[^\]\s]{{1,8}})\]",
            r"|\^(?P<a5>[{c}]|\d{{1,3}}|\*)",
            r"|\[(?P<lt>[^\]\[]*)\]\((?P<lu>[^)\s]+)\)",
            r"|<(?P<al>https?://[^>\s]+)>",
            r"|\[(?P<ba>\d{{1,3}}(?:\s*[-–,，]\s*\d{{1,3}})*)\]",
            // HTML comments and declarations (`<!-- -->`, `<!DOCTYPE html>`) are tags too.
            r"|(?P<tag></?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>|<!--.*?-->|<![A-Za-z][^<>]*>)",
            r"|\\+(?P<esc>[\\`*_{{}}\[\]()#+\-.!$<>|~^])",
            r"|&(?P<ent>nbsp|amp|lt|gt|quot|apos|#39|#x27);",
            r"|(?P<bold>\*\*|__)",
            r"|\*(?P<it>[^*\s][^*]*?)\*",
            r"|(?P<end>■\s*$)",
            r"|(?P<bc>[{c}])",
        ),
        c = c
    ))
    .expect("the inline markup pattern is valid")
});

static ESCAPE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\\+(?P<c>[\\`*_{}\[\]()#+\-.!$<>|~^])").expect("the escape pattern is valid")
});

/// Block markers at the start of a line: quotation `>` and bullets.
static BLOCK_PREFIX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:>\s*)+|^[-*+•·]\s+").expect("the block prefix pattern is valid")
});

/// A list of note labels as printed inside `<sup>`: `12`, `[12]`, `①`, `*`, `1,2`, `[3-5]`.
static LABEL_LIST: LazyLock<Regex> = LazyLock::new(|| {
    let c = CIRCLED;
    Regex::new(&format!(
        r"^(?:\d{{1,3}}|[{c}]|\*)(?:\s*[-–,，、]\s*(?:\d{{1,3}}|[{c}]))*$"
    ))
    .expect("the label list pattern is valid")
});

/// The labels of an anchor that may cite several notes (`1,2`, `3-5`); ranges of up to 20
/// numbers are expanded.
fn labels_of(list: &str) -> Vec<String> {
    let mut labels = Vec::new();
    for part in list.split([',', '，', '、']) {
        let part = part.trim();
        if let Some((a, b)) = part.split_once(['-', '–'])
            && let (Ok(a), Ok(b)) = (a.trim().parse::<u32>(), b.trim().parse::<u32>())
            && a <= b
            && b - a <= 20
        {
            labels.extend((a..=b).map(|n| n.to_string()));
        } else if !part.is_empty() {
            labels.push(part.to_string());
        }
    }
    labels
}

/// A circled number printed bare in running text is a note anchor when it follows the end of a
/// sentence or clause, or comes before punctuation or the end of the line; `包括：①安全；②经济`
/// is an enumeration.
fn bare_circled_is_anchor(prev: Option<char>, next: Option<char>) -> bool {
    let Some(prev) = prev else { return false };
    if matches!(prev, '：' | '；' | ':' | ';' | '（' | '(' | '、' | ' ') {
        return false;
    }
    matches!(prev, '。' | '！' | '？' | '”' | '」' | '）' | ')' | '，')
        || next.is_none_or(|n| n.is_whitespace() || "，。；：、”」）),.;:".contains(n))
}

/// Removes inline markup from one line of extracted text.
pub fn clean_inline(raw: &str) -> Cleaned {
    let mut out = String::with_capacity(raw.len());
    let mut anchors = Vec::new();
    let (mut n_anchor, mut n_tag, mut n_emph, mut n_esc, mut n_link, mut n_end) =
        (0, 0, 0, 0, 0, 0);
    let mut n_block = 0;
    let body = match BLOCK_PREFIX.find(raw) {
        Some(m) => {
            n_block += 1;
            &raw[m.end()..]
        }
        None => raw,
    };
    // The character length of `out` is kept up to date as it grows (bytes counted so far, their
    // characters): counting it from the start at every anchor was quadratic in a long line.
    let mut counted = (0usize, 0usize);
    let mut add_anchor = |out: &String, label: &str, anchors: &mut Vec<Anchor>| {
        counted.1 += out[counted.0..].chars().count();
        counted.0 = out.len();
        anchors.push(Anchor {
            at: counted.1,
            label: label.trim_start_matches('\\').to_string(),
        });
    };
    let mut last = 0;
    for caps in INLINE.captures_iter(body) {
        let m = caps.get(0).expect("group 0 always matches");
        out.push_str(&body[last..m.start()]);
        last = m.end();
        let label = ["a2", "a3", "a4", "a5"].iter().find_map(|g| caps.name(g));
        if let Some(inner) = caps.name("sa") {
            let list = inner.as_str().replace(['\\', '[', ']'], "");
            let list = list.trim();
            if LABEL_LIST.is_match(list) {
                for l in labels_of(list) {
                    n_anchor += 1;
                    add_anchor(&out, &l, &mut anchors);
                }
            } else {
                // `8<sup>th</sup>`: superscript text, not an anchor.
                n_tag += 2;
                out.push_str(inner.as_str());
            }
        } else if let Some(label) = label {
            n_anchor += 1;
            add_anchor(&out, label.as_str(), &mut anchors);
        } else if let Some(list) = caps.name("ba") {
            for l in labels_of(list.as_str()) {
                n_anchor += 1;
                add_anchor(&out, &l, &mut anchors);
            }
        } else if let Some(text) = caps.name("lt") {
            n_link += 1;
            out.push_str(&ESCAPE.replace_all(text.as_str(), "$c"));
        } else if let Some(url) = caps.name("al") {
            n_link += 1;
            out.push_str(url.as_str());
        } else if caps.name("tag").is_some() {
            n_tag += 1;
        } else if let Some(ch) = caps.name("esc") {
            n_esc += 1;
            out.push_str(ch.as_str());
        } else if let Some(ent) = caps.name("ent") {
            n_esc += 1;
            out.push_str(match ent.as_str() {
                "nbsp" => " ",
                "amp" => "&",
                "lt" => "<",
                "gt" => ">",
                "quot" => "\"",
                _ => "'",
            });
        } else if caps.name("bold").is_some() {
            n_emph += 1;
        } else if let Some(text) = caps.name("it") {
            n_emph += 1;
            out.push_str(text.as_str());
        } else if caps.name("end").is_some() {
            n_end += 1;
        } else if let Some(circled) = caps.name("bc") {
            let prev = out.trim_end().chars().last();
            let prev = if out.ends_with(' ') && prev.is_some() {
                Some(' ')
            } else {
                prev
            };
            let next = body[m.end()..].chars().next();
            if bare_circled_is_anchor(prev, next) {
                n_anchor += 1;
                add_anchor(&out, circled.as_str(), &mut anchors);
            } else {
                out.push_str(circled.as_str());
            }
        }
    }
    out.push_str(&body[last..]);
    let (text, anchors) = collapse_whitespace(&out, anchors);
    Cleaned {
        text,
        anchors,
        removed: vec![
            ("note anchors", n_anchor),
            ("HTML tags", n_tag),
            ("emphasis marks", n_emph),
            ("Markdown escapes and entities", n_esc),
            ("links unwrapped", n_link),
            ("end marks (■)", n_end),
            ("block markers (> or bullet)", n_block),
        ],
    }
}

/// Collapses runs of whitespace (tabs, NBSP, ideographic spaces included) to one ASCII space and
/// trims the ends, moving anchor offsets along with the text.
fn collapse_whitespace(text: &str, mut anchors: Vec<Anchor>) -> (String, Vec<Anchor>) {
    let mut out = String::with_capacity(text.len());
    // Anchors in order of their old offset, each moved when the walk reaches it (an index of
    // every character's new offset cost 8 bytes a character, 160 MB for a 20 MB line).
    let mut order: Vec<usize> = (0..anchors.len()).collect();
    order.sort_by_key(|&k| anchors[k].at);
    let mut pending = order.into_iter().peekable();
    let mut count = 0usize;
    let mut in_space = false;
    for (i, ch) in text.chars().enumerate() {
        while let Some(&k) = pending.peek().filter(|&&k| anchors[k].at <= i) {
            anchors[k].at = count;
            pending.next();
        }
        if ch.is_whitespace() {
            if !in_space && count > 0 {
                out.push(' ');
                count += 1;
            }
            in_space = true;
        } else {
            out.push(ch);
            count += 1;
            in_space = false;
        }
    }
    for k in pending {
        anchors[k].at = count;
    }
    if out.ends_with(' ') {
        out.pop();
        count -= 1;
    }
    for a in &mut anchors {
        a.at = a.at.min(count);
    }
    (out, anchors)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_comments_and_doctype_are_removed_as_tags() {
        let c = clean_inline("<!DOCTYPE html><!-- 抓取 -->美日同盟<!---->。");
        assert_eq!(c.text, "美日同盟。");
        assert_eq!(clean_inline("<!-- -->").text, "");
    }

    fn labels(c: &Cleaned) -> Vec<(usize, &str)> {
        c.anchors.iter().map(|a| (a.at, a.label.as_str())).collect()
    }

    #[test]
    fn sup_bracket_anchor_is_removed_and_kept_as_link() {
        let c = clean_inline("共享协议。”<sup>[1]</sup>这表明");
        assert_eq!(c.text, "共享协议。”这表明");
        assert_eq!(labels(&c), vec![(6, "1")]);
    }

    #[test]
    fn sup_circled_and_escaped_star_anchors() {
        let c = clean_inline("婚姻咨询师”。<sup>②</sup>这说明");
        assert_eq!(c.text, "婚姻咨询师”。这说明");
        assert_eq!(labels(&c), vec![(7, "②")]);
        let c = clean_inline("# 动向及影响<sup>\\*</sup>");
        assert_eq!(c.text, "# 动向及影响");
        assert_eq!(labels(&c), vec![(7, "*")]);
    }

    #[test]
    fn caret_anchors_in_all_forms() {
        let c = clean_inline("演化^{*}");
        assert_eq!((c.text.as_str(), labels(&c)), ("演化", vec![(2, "*")]));
        let c = clean_inline("还价的结果。^① 联盟内");
        assert_eq!(c.text, "还价的结果。 联盟内");
        assert_eq!(labels(&c), vec![(6, "①")]);
        let c = clean_inline("见上文^[12]。");
        assert_eq!(labels(&c), vec![(3, "12")]);
    }

    #[test]
    fn emphasis_escapes_links_and_tags_are_stripped() {
        let c = clean_inline("**[摘要]** 近年来");
        assert_eq!(c.text, "[摘要] 近年来");
        let c = clean_inline("Trump Says US Ally Would Pay \\$10 Billion");
        assert_eq!(c.text, "Trump Says US Ally Would Pay $10 Billion");
        let c = clean_inline("[https://a.kr/news\\\\_view.htm](https://a.kr/news_view.htm).");
        assert_eq!(c.text, "https://a.kr/news_view.htm.");
        let c =
            clean_inline("Victor D. Cha, *Alignment despite Antagonism*, 1999, <https://x.org/a>.");
        assert_eq!(
            c.text,
            "Victor D. Cha, Alignment despite Antagonism, 1999, https://x.org/a."
        );
        let c = clean_inline("一段<span class=\"x\">文字</span><br/>结束");
        assert_eq!(c.text, "一段文字结束");
        assert!(c.summary().contains("3 HTML tags"), "{}", c.summary());
    }

    #[test]
    fn anchor_lists_bracket_anchors_and_superscript_text() {
        let c = clean_inline("有研究<sup>[3-5]</sup>指出，另见<sup>1,2</sup>。");
        assert_eq!(c.text, "有研究指出，另见。");
        let got: Vec<&str> = c.anchors.iter().map(|a| a.label.as_str()).collect();
        assert_eq!(got, vec!["3", "4", "5", "1", "2"]);
        let c = clean_inline("收益贴现上升[12]。见[J]和[EB/OL]");
        assert_eq!(c.text, "收益贴现上升。见[J]和[EB/OL]");
        assert_eq!(labels(&c), vec![(6, "12")]);
        let c = clean_inline("the 8<sup>th</sup> Forum &amp; more");
        assert_eq!(c.text, "the 8th Forum & more");
    }

    #[test]
    fn bare_circled_numbers_anchor_or_enumerate() {
        let c = clean_inline("这是结果。①下一句认为①，包括：①安全；②经济");
        assert_eq!(c.text, "这是结果。下一句认为，包括：①安全；②经济");
        assert_eq!(labels(&c), vec![(5, "①"), (10, "①")]);
    }

    #[test]
    fn block_quote_and_bullet_markers_are_removed() {
        assert_eq!(clean_inline("> 引文内容。").text, "引文内容。");
        assert_eq!(clean_inline("- 列表项目").text, "列表项目");
    }

    #[test]
    fn end_mark_and_whitespace_are_normalised() {
        let c = clean_inline("  外部动力可能弱化。■ ");
        assert_eq!(c.text, "外部动力可能弱化。");
        let c = clean_inline("a\u{3000}\u{a0} b\tc");
        assert_eq!(c.text, "a b c");
    }

    #[test]
    fn anchor_offsets_follow_whitespace_collapse() {
        let c = clean_inline("  甲乙  <sup>①</sup>  丙");
        assert_eq!(c.text, "甲乙 丙");
        assert_eq!(labels(&c), vec![(3, "①")]);
    }
}
