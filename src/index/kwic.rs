//! Keyword in context over Chinese text: takes a sentence and the byte ranges of its matches (from
//! the indexed tokens' byte offsets), gives back a window of at most N display columns on each side
//! of the first match, cut at grapheme-cluster boundaries, so that a CJK character (two columns),
//! an emoji or a combining sequence is never split and slicing never panics (tantivy #1134, #2029).

use std::ops::Range;

use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

/// Printed where the window cuts the sentence.
pub const ELLIPSIS: &str = "…";

/// A window of a sentence around its first match.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Kwic<'a> {
    text: &'a str,
    /// Byte range of the sentence shown.
    window: Range<usize>,
    /// Byte offset of the first match (the point the table aligns on).
    anchor: usize,
    /// Matches wholly inside the window, sorted.
    highlights: Vec<Range<usize>>,
}

impl<'a> Kwic<'a> {
    /// At most `left_cols` display columns before the first highlight and `right_cols` after its
    /// end. Ranges that do not fall on character boundaries of `text` are ignored.
    pub fn new(
        text: &'a str,
        highlights: &[Range<usize>],
        left_cols: usize,
        right_cols: usize,
    ) -> Kwic<'a> {
        let mut valid: Vec<Range<usize>> = highlights
            .iter()
            .filter(|r| r.start < r.end && text.get(r.start..r.end).is_some())
            .cloned()
            .collect();
        valid.sort_by_key(|r| (r.start, r.end));
        let (anchor, anchor_end) = valid.first().map_or((0, 0), |r| (r.start, r.end));

        let mut start = anchor;
        let mut width = 0;
        for (offset, grapheme) in text[..anchor].grapheme_indices(true).rev() {
            width += grapheme.width();
            if width > left_cols {
                break;
            }
            start = offset;
        }
        let mut end = anchor_end;
        let mut width = 0;
        for (offset, grapheme) in text[anchor_end..].grapheme_indices(true) {
            width += grapheme.width();
            if width > right_cols {
                break;
            }
            end = anchor_end + offset + grapheme.len();
        }
        // A match the window would cut is shown as plain text rather than half marked.
        let highlights = valid
            .into_iter()
            .filter(|r| r.start >= start && r.end <= end)
            .collect();
        Kwic {
            text,
            window: start..end,
            anchor,
            highlights,
        }
    }

    /// The window as one line, each match between `open` and `close` (`【`/`】` for files, ANSI
    /// colour codes for a terminal), with an ellipsis where the sentence was cut.
    pub fn render(&self, open: &str, close: &str) -> String {
        let mut line = String::new();
        if self.window.start > 0 {
            line.push_str(ELLIPSIS);
        }
        let mut at = self.window.start;
        for r in &self.highlights {
            if r.start < at {
                // Overlapping matches: the part already shown stays as it is.
                continue;
            }
            line.push_str(&self.text[at..r.start]);
            line.push_str(open);
            line.push_str(&self.text[r.clone()]);
            line.push_str(close);
            at = r.end;
        }
        line.push_str(&self.text[at..self.window.end]);
        if self.window.end < self.text.len() {
            line.push_str(ELLIPSIS);
        }
        line
    }

    /// Display columns before the first match as `render` prints them (ellipsis included), so that
    /// a table can pad rows and align the matches in one column.
    pub fn left_width(&self) -> usize {
        let ellipsis = if self.window.start > 0 {
            ELLIPSIS.width()
        } else {
            0
        };
        ellipsis + self.text[self.window.start..self.anchor].width()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn range_of(text: &str, needle: &str) -> Range<usize> {
        let start = text.find(needle).expect("needle in text");
        start..start + needle.len()
    }

    #[test]
    fn a_short_sentence_is_shown_whole_with_its_match_marked() {
        let text = "美国强化延伸威慑承诺。";
        let k = Kwic::new(text, &[range_of(text, "延伸威慑")], 20, 20);
        assert_eq!(k.render("【", "】"), "美国强化【延伸威慑】承诺。");
        assert_eq!(k.left_width(), 8);
    }

    #[test]
    fn context_is_cut_by_display_columns_at_character_boundaries() {
        let text = "一二三四五六七八延伸威慑九十甲乙丙丁";
        let k = Kwic::new(text, &[range_of(text, "延伸威慑")], 6, 4);
        // Three CJK characters are six columns on the left, two are four on the right.
        assert_eq!(k.render("[", "]"), "…六七八[延伸威慑]九十…");
        assert_eq!(k.left_width(), 1 + 6);
        // An odd budget never takes half a character.
        let k = Kwic::new(text, &[range_of(text, "延伸威慑")], 5, 3);
        assert_eq!(k.render("[", "]"), "…七八[延伸威慑]九…");
    }

    #[test]
    fn sentences_starting_and_ending_with_emoji_and_multibyte_chars_never_split_them() {
        let text = "👨‍👩‍👧威慑😀";
        let k = Kwic::new(text, &[range_of(text, "威慑")], 1, 1);
        // The family emoji is one grapheme of width 2: it does not fit in one column, so it is
        // left out whole rather than cut.
        assert_eq!(k.render("[", "]"), "…[威慑]…");
        let k = Kwic::new(text, &[range_of(text, "威慑")], 2, 2);
        assert_eq!(k.render("[", "]"), "👨‍👩‍👧[威慑]😀");
        let text = "威慑，𠀀";
        let k = Kwic::new(text, &[range_of(text, "威慑"), range_of(text, "𠀀")], 0, 10);
        assert_eq!(k.render("[", "]"), "[威慑]，[𠀀]");
    }

    #[test]
    fn ranges_off_character_boundaries_are_ignored_not_a_panic() {
        let text = "延伸威慑";
        // 1..4 starts inside 延 (three bytes); 0..100 runs past the end.
        let k = Kwic::new(text, &[1..4, 0..100], 2, 2);
        assert_eq!(k.render("[", "]"), "延…");
        assert_eq!(Kwic::new("", &[], 5, 5).render("[", "]"), "");
    }

    #[test]
    fn a_match_cut_by_the_window_is_left_unmarked() {
        let text = "威慑甲乙丙丁威慑";
        let second = text.rfind("威慑").expect("second");
        let k = Kwic::new(text, &[second..text.len(), 0..6], 0, 10);
        // Ten columns after the first match take 甲乙丙丁 and 威: the window cuts the second
        // match, which stays unmarked rather than half marked.
        assert_eq!(k.render("[", "]"), "[威慑]甲乙丙丁威…");
    }
}
