//! Sentence splitting, in and out: takes the clean text of one paragraph and gives back the
//! character ranges of its sentences (whitespace between sentences belongs to none of them).
//!
//! The rules, decided for these papers:
//! - A sentence ends at 。！？ (and `!`/`?`, which extractions often put in Chinese text), together
//!   with any run of further terminators and the closing quotes and brackets that follow
//!   (”’」』）)】》): `……三方合作。”然而` ends after `”`.
//! - In English back matter (`english_stops`), `. ` also ends a sentence when a lowercase letter
//!   or digit comes before it and a capital letter after it (`U.S. Department` stays whole).
//!   Notes keep their citations whole: `The White House. FACT SHEET …` is one entry.
//! - `；` does not end a sentence: in these papers it separates the items of one enumerated
//!   argument (`一是……；二是……`), which must be counted and attributed together.
//! - An ellipsis (`…`, `……`) does not end a sentence: it marks an omission inside a quotation
//!   far more often than the end of one.
//! - Inside a quotation (“…”, ‘…’, 「…」, 『…』) or full-width brackets （…）, a terminator ends
//!   nothing unless the quotation closes right after it: the quotation's inner sentences stay in
//!   the outer sentence. If the quotes of a paragraph do not balance (a damaged extraction), the
//!   paragraph is split again ignoring quotes, so that one stray `“` cannot swallow a whole page.

/// Character ranges `[start, end)` of the sentences of `text`, and whether the quotes balanced.
pub fn split(text: &str, english_stops: bool) -> (Vec<(usize, usize)>, bool) {
    let chars: Vec<char> = text.chars().collect();
    let (ranges, balanced) = split_chars(&chars, true, english_stops);
    if balanced {
        (ranges, true)
    } else {
        (split_chars(&chars, false, english_stops).0, false)
    }
}

fn is_terminator(c: char) -> bool {
    matches!(c, '。' | '！' | '？' | '!' | '?')
}

fn is_closer(c: char) -> bool {
    matches!(
        c,
        '”' | '’' | '」' | '』' | '）' | ')' | '】' | '》' | '"' | '\''
    )
}

fn opens(c: char) -> bool {
    matches!(c, '“' | '‘' | '「' | '『' | '（')
}

fn closes(c: char) -> bool {
    matches!(c, '”' | '’' | '」' | '』' | '）')
}

fn split_chars(
    chars: &[char],
    respect_quotes: bool,
    english_stops: bool,
) -> (Vec<(usize, usize)>, bool) {
    let mut ranges = Vec::new();
    let mut depth: i32 = 0;
    let mut start = 0;
    let mut i = 0;
    let mut balanced = true;
    while i < chars.len() {
        let c = chars[i];
        if opens(c) {
            depth += 1;
        } else if closes(c) {
            // An apostrophe (’) in English text closes nothing it opened.
            depth = (depth - 1).max(0);
        }
        // ASCII ? and ! end a sentence only before a space, a non-ASCII character or the end,
        // so that URLs (`?section=`) stay whole.
        let ascii_ok = !matches!(c, '!' | '?')
            || chars
                .get(i + 1)
                .is_none_or(|n| n.is_whitespace() || !n.is_ascii());
        let english_stop = english_stops
            && c == '.'
            && i > 0
            && (chars[i - 1].is_ascii_lowercase() || chars[i - 1].is_ascii_digit())
            && chars.get(i + 1).is_some_and(|n| *n == ' ')
            && chars.get(i + 2).is_some_and(|n| n.is_ascii_uppercase());
        if (is_terminator(c) && ascii_ok) || english_stop {
            let mut j = i + 1;
            while j < chars.len() && is_terminator(chars[j]) {
                j += 1;
            }
            let mut d = depth;
            let mut closed_any = false;
            while j < chars.len() && is_closer(chars[j]) {
                if closes(chars[j]) {
                    d = (d - 1).max(0);
                }
                closed_any = true;
                j += 1;
            }
            // Inside a quotation, end only where the quotation itself closes after the terminator
            // and brings us back to the outer level.
            if !respect_quotes || d == 0 && (depth == 0 || closed_any) {
                push_trimmed(chars, start, j, &mut ranges);
                start = j;
                depth = d;
                i = j;
                continue;
            }
            depth = d;
            i = j;
            continue;
        }
        i += 1;
    }
    if depth != 0 {
        balanced = false;
    }
    push_trimmed(chars, start, chars.len(), &mut ranges);
    (ranges, balanced)
}

fn push_trimmed(
    chars: &[char],
    mut start: usize,
    mut end: usize,
    ranges: &mut Vec<(usize, usize)>,
) {
    while start < end && chars[start].is_whitespace() {
        start += 1;
    }
    while end > start && chars[end - 1].is_whitespace() {
        end -= 1;
    }
    if start < end {
        ranges.push((start, end));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str) -> Vec<String> {
        let chars: Vec<char> = text.chars().collect();
        split(text, true)
            .0
            .into_iter()
            .map(|(s, e)| chars[s..e].iter().collect())
            .collect()
    }

    #[test]
    fn splits_on_chinese_terminators() {
        assert_eq!(texts("甲。乙！丙？丁"), vec!["甲。", "乙！", "丙？", "丁"]);
    }

    #[test]
    fn closing_quote_stays_with_its_sentence() {
        assert_eq!(
            texts("拜登指出，“我们还要深化合作。”然而，目标不止于此。"),
            vec!["拜登指出，“我们还要深化合作。”", "然而，目标不止于此。"]
        );
    }

    #[test]
    fn inner_sentences_of_a_quotation_do_not_end_the_outer_one() {
        assert_eq!(
            texts("他说：“可能性很大。我认为可以分阶段讨论。”随后离开。"),
            vec!["他说：“可能性很大。我认为可以分阶段讨论。”", "随后离开。"]
        );
        // The quotation closes mid-sentence: the outer sentence goes on to its own 。
        assert_eq!(
            texts("他称“这是威胁。也是挑战”，并要求行动。下一句。"),
            vec!["他称“这是威胁。也是挑战”，并要求行动。", "下一句。"]
        );
    }

    #[test]
    fn semicolon_and_ellipsis_do_not_split() {
        assert_eq!(texts("一是甲；二是乙。"), vec!["一是甲；二是乙。"]);
        assert_eq!(texts("会谈破裂……毫无收获。"), vec!["会谈破裂……毫无收获。"]);
    }

    #[test]
    fn ascii_question_mark_splits_but_not_inside_urls() {
        assert_eq!(
            texts("逻辑是什么? 本文认为如此。"),
            vec!["逻辑是什么?", "本文认为如此。"]
        );
        assert_eq!(
            texts("见 https://a.kr/v?section=1 。"),
            vec!["见 https://a.kr/v?section=1 。"]
        );
    }

    #[test]
    fn english_sentences_split_at_full_stops() {
        assert_eq!(
            texts("In recent years, cooperation grew. The U.S. Department of State agreed. Next."),
            vec![
                "In recent years, cooperation grew.",
                "The U.S. Department of State agreed.",
                "Next."
            ]
        );
    }

    #[test]
    fn unbalanced_quote_falls_back_to_plain_split() {
        let (ranges, balanced) = split("他说“甲。乙。丙。", false);
        assert!(!balanced);
        assert_eq!(ranges.len(), 3);
    }

    #[test]
    fn offsets_are_characters_and_skip_spaces() {
        let (ranges, _) = split("美国。 日本。", false);
        assert_eq!(ranges, vec![(0, 3), (4, 7)]);
    }
}
