//! Segmentation: takes sentence text, gives back `Token`s (byte and character offsets into the
//! text) from jieba-rs in accurate mode, with a user dictionary made of every lexicon term and
//! variant plus `lexicons/userdict.txt`. The `Jieba` is built once and shared (`Arc`); the tokens
//! that are counted are the tokens that are indexed.
//!
//! Whitespace-only tokens are dropped; punctuation is kept as tokens, because the modifier rule
//! needs the clause breaks (，；：、) and the index needs stable positions.
//!
//! Two measured choices (figures in `lexicons/README.md`): HMM new-word discovery is off, and user
//! words get jieba's `suggest_freq` (the smallest frequency that keeps the word whole) raised to at
//! least `MIN_USER_FREQ`. A user word without a frequency would be read as frequency 0 and never
//! preferred.

use std::borrow::Cow;
use std::path::Path;
use std::sync::{Arc, Mutex, OnceLock};
use std::thread::JoinHandle;

use jieba_rs::Jieba;
use serde::{Deserialize, Serialize};

use crate::error::ConfigError;
use crate::lexicon::LexiconSet;
use crate::model::Token;

/// The jieba-rs version in `Cargo.lock` (a test keeps the two in step).
pub const JIEBA_RS_VERSION: &str = "0.11.0";

/// Floor of the frequency given to user words without one.
pub const MIN_USER_FREQ: usize = 2000;

/// How user words without a frequency are weighted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum UserFrequency {
    /// `max(suggest_freq(word), MIN_USER_FREQ)`.
    Suggested,
    /// The same fixed frequency for every word.
    Fixed(usize),
}

/// Segmenter choices; `Default` is the shipped, measured setting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SegmenterOptions {
    pub hmm: bool,
    pub frequency: UserFrequency,
}

impl Default for SegmenterOptions {
    fn default() -> Self {
        SegmenterOptions {
            hmm: false,
            frequency: UserFrequency::Suggested,
        }
    }
}

/// What the manifest records about segmentation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SegmenterSettings {
    /// Always `accurate`: the tokens counted and indexed; the index's `sub` field derives
    /// search-mode sub-words from the same tokens (`Segmenter::sub_words`).
    pub mode: &'static str,
    pub hmm: bool,
    /// Distinct words added to jieba's default dictionary.
    pub user_words: usize,
    pub user_frequency: UserFrequency,
    pub jieba_rs_version: &'static str,
}

/// The words a segmenter added to jieba's default dictionary, each with the frequency it was
/// given, in the order they were added, and the HMM setting: enough to build the very same
/// segmenter again without the lexicon folder (`Segmenter::from_record`). `mine index` keeps it
/// with each commit of the index, so that `mine search` cuts queries as the sentences were cut.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SegmenterRecord {
    pub hmm: bool,
    pub user_words: Vec<(String, usize)>,
}

/// A jieba dictionary, and the user words it was given.
struct Built {
    jieba: Jieba,
    user_words: Vec<(String, usize)>,
}

/// A jieba dictionary being built on another thread, then kept.
struct LazyJieba {
    jieba: OnceLock<Built>,
    build: Mutex<Option<JoinHandle<Built>>>,
}

#[derive(Clone)]
pub struct Segmenter {
    jieba: Arc<LazyJieba>,
    options: SegmenterOptions,
    user_words: usize,
}

impl std::fmt::Debug for Segmenter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Segmenter")
            .field("settings", &self.settings())
            .finish()
    }
}

impl Segmenter {
    /// The shipped segmenter: every lexicon term and variant plus the words of `userdict`.
    pub fn new(lexicons: &LexiconSet, userdict: Option<&Path>) -> Result<Segmenter, ConfigError> {
        Segmenter::with_options(lexicons, userdict, SegmenterOptions::default())
    }

    pub fn with_options(
        lexicons: &LexiconSet,
        userdict: Option<&Path>,
        options: SegmenterOptions,
    ) -> Result<Segmenter, ConfigError> {
        let user_words = match userdict {
            Some(path) => read_userdict(path)?,
            None => Vec::new(),
        };
        Ok(Segmenter::from_words(lexicons, user_words, options))
    }

    /// The shipped segmenter with user-dictionary words already read (`parse_userdict`).
    pub fn with_user_words(
        lexicons: &LexiconSet,
        user_words: Vec<(String, Option<usize>)>,
    ) -> Segmenter {
        Segmenter::from_words(lexicons, user_words, SegmenterOptions::default())
    }

    /// Every lexicon term and variant, then `user_words`.
    fn from_words(
        lexicons: &LexiconSet,
        user_words: Vec<(String, Option<usize>)>,
        options: SegmenterOptions,
    ) -> Segmenter {
        let mut words: Vec<(String, Option<usize>)> =
            lexicons.words().map(|w| (w.to_string(), None)).collect();
        words.extend(user_words);
        Segmenter::build(words, options)
    }

    /// The segmenter `record` describes: the same words with the same frequencies, added in the
    /// same order, so it cuts every text as the one that made the record did.
    pub fn from_record(record: &SegmenterRecord) -> Segmenter {
        let words: Vec<(String, Option<usize>)> = record
            .user_words
            .iter()
            .map(|(word, freq)| (word.clone(), Some(*freq)))
            .collect();
        let options = SegmenterOptions {
            hmm: record.hmm,
            ..SegmenterOptions::default()
        };
        Segmenter::build(words, options)
    }

    /// Adds `words` to jieba's default dictionary (a word without a frequency gets one by
    /// `options.frequency`).
    fn build(words: Vec<(String, Option<usize>)>, options: SegmenterOptions) -> Segmenter {
        let user_words = words
            .iter()
            .map(|(w, _)| w.as_str())
            .collect::<std::collections::HashSet<_>>()
            .len();
        // Building jieba's dictionary takes about 0.15 s: it goes on in the background while the
        // run checks its other files and plans, and the first cut waits for it.
        let build = std::thread::spawn(move || {
            let mut jieba = Jieba::new();
            let mut added = Vec::with_capacity(words.len());
            for (word, freq) in words {
                let freq = freq.unwrap_or_else(|| match options.frequency {
                    UserFrequency::Suggested => jieba.suggest_freq(&word).max(MIN_USER_FREQ),
                    UserFrequency::Fixed(f) => f,
                });
                jieba.add_word(&word, Some(freq), None);
                added.push((word, freq));
            }
            Built {
                jieba,
                user_words: added,
            }
        });
        Segmenter {
            jieba: Arc::new(LazyJieba {
                jieba: OnceLock::new(),
                build: Mutex::new(Some(build)),
            }),
            options,
            user_words,
        }
    }

    /// What `from_record` needs to build this segmenter again (waits for the dictionary).
    pub fn record(&self) -> SegmenterRecord {
        SegmenterRecord {
            hmm: self.options.hmm,
            user_words: self.built().user_words.clone(),
        }
    }

    /// Waits until the dictionary is built (the first cut waits anyway): for timing start-up.
    pub fn ready(&self) {
        self.jieba();
    }

    fn jieba(&self) -> &Jieba {
        &self.built().jieba
    }

    fn built(&self) -> &Built {
        let lazy = &self.jieba;
        lazy.jieba.get_or_init(|| {
            let build = lazy
                .build
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .take()
                .expect("the dictionary is built once");
            build
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        })
    }

    /// Accurate-mode tokens of `text`, whitespace dropped, punctuation kept, cut from its
    /// Simplified form (`script`), with offsets into `text` as written.
    pub fn tokens(&self, text: &str) -> Vec<Token> {
        let reading = self.read(text);
        let converted = matches!(reading.text, Cow::Owned(_));
        let mut tokens = reading.tokens;
        if converted {
            rebase(
                text,
                tokens
                    .iter_mut()
                    .map(|t| (t.char_start, &mut t.byte_start, t.char_end, &mut t.byte_end)),
            );
        }
        tokens
    }

    /// `text` as the lexicons read it: its Simplified form (borrowed when it has no Traditional
    /// character) and the accurate-mode tokens of that form, with offsets into it. The character
    /// offsets are also those of `text`, since the conversion keeps every character in place.
    pub fn read<'a>(&self, text: &'a str) -> Reading<'a> {
        let simplified = crate::script::Simplifier::shared().simplify(text);
        let tokens = to_tokens(self.jieba().cut(&simplified, self.options.hmm));
        Reading {
            text: simplified,
            tokens,
        }
    }

    /// jieba-rs's own search mode (a second cut, overlapping sub-tokens): the pipeline never calls
    /// it; it is the reference `sub_words` is checked against.
    pub fn search_tokens(&self, text: &str) -> Vec<Token> {
        to_tokens(self.jieba().cut_for_search(text, self.options.hmm))
    }

    /// The search-mode sub-words of one accurate-mode token `word`, as byte ranges within it, in
    /// the order jieba-rs's `cut_for_search` gives them (the token itself not included): the
    /// parts of an alphanumeric compound joined by `.`, `_` or `-` that have a letter and at least
    /// two bytes, then every 2-character substring that is a dictionary word, then every
    /// 3-character one (2-grams only in words of over two characters, 3-grams in words of over
    /// three). Derived from the accurate cut with dictionary look-ups, so a sentence is segmented
    /// once; a test checks the result against `cut_for_search` on the seed papers.
    pub fn sub_words(&self, word: &str, out: &mut Vec<std::ops::Range<usize>>) {
        if word.bytes().any(is_connector) {
            let mut offset = 0;
            for part in word.split(|c: char| c.is_ascii() && is_connector(c as u8)) {
                if part.len() >= 2 && part.bytes().any(|b| b.is_ascii_alphabetic()) {
                    out.push(offset..offset + part.len());
                }
                offset += part.len() + 1;
            }
        }
        let chars = word.chars().count();
        if chars <= 2 {
            return;
        }
        // Byte offset of every character, and the end.
        let bounds: Vec<usize> = word
            .char_indices()
            .map(|(i, _)| i)
            .chain([word.len()])
            .collect();
        let jieba = self.jieba();
        for len in [2, 3] {
            if chars <= len {
                break;
            }
            for i in 0..=chars - len {
                let range = bounds[i]..bounds[i + len];
                if jieba.has_word(&word[range.clone()]) {
                    out.push(range);
                }
            }
        }
    }

    pub fn settings(&self) -> SegmenterSettings {
        SegmenterSettings {
            mode: "accurate",
            hmm: self.options.hmm,
            user_words: self.user_words,
            user_frequency: self.options.frequency,
            jieba_rs_version: JIEBA_RS_VERSION,
        }
    }

    /// jieba's part-of-speech tag of `word` (`n`, `v`, `nr` ...): the dictionary's tag when the
    /// word is cut as one token, empty for a user word added without one, and jieba's guess for a
    /// word it does not know.
    pub fn pos(&self, word: &str) -> String {
        match self.jieba().tag(word, self.options.hmm).as_slice() {
            [one] => one.tag.to_string(),
            _ => String::new(),
        }
    }

    /// Whether jieba's dictionary (default plus user words) holds `word`.
    pub fn knows(&self, word: &str) -> bool {
        self.jieba().has_word(word)
    }
}

/// Whether a token is a word, the unit rates are counted in: it has a letter or a CJK character
/// (Unicode alphabetic). Punctuation, symbols and digit-only tokens (`2023`, `，`) are tokens of
/// the index but not words.
pub fn is_word(token: &str) -> bool {
    // The common CJK ideographs first: they are all alphabetic, and the general look-up of a
    // non-ASCII character is a table search.
    token
        .chars()
        .any(|c| ('\u{4E00}'..='\u{9FEF}').contains(&c) || c.is_alphabetic())
}

/// A sentence as the lexicons read it (`Segmenter::read`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reading<'a> {
    /// The Simplified form of the text.
    pub text: Cow<'a, str>,
    /// Tokens of `text`; their character offsets hold for the text as written too.
    pub tokens: Vec<Token>,
}

impl Reading<'_> {
    /// Whether the text as written differs from the form read (it had Traditional characters).
    pub fn converted(&self) -> bool {
        matches!(self.text, Cow::Owned(_))
    }
}

/// Sets byte offsets into `original` from character offsets, for spans found in a converted form
/// of it with the same characters in the same places: each item is (char start, byte start,
/// char end, byte end).
pub fn rebase<'a>(
    original: &str,
    spans: impl Iterator<Item = (u32, &'a mut u32, u32, &'a mut u32)>,
) {
    // Byte offset of every character of the original, and its end.
    let bounds: Vec<u32> = original
        .char_indices()
        .map(|(i, _)| i as u32)
        .chain([original.len() as u32])
        .collect();
    for (char_start, byte_start, char_end, byte_end) in spans {
        *byte_start = bounds[char_start as usize];
        *byte_end = bounds[char_end as usize];
    }
}

/// Reads a user dictionary: one `word [frequency] [tag]` per line, `#` starts a comment line.
pub fn read_userdict(path: &Path) -> Result<Vec<(String, Option<usize>)>, ConfigError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| ConfigError::new(path, 0, format!("cannot read the user dictionary: {e}")))?;
    parse_userdict(path, &text)
}

/// `read_userdict` on text already read; `path` is only used in messages.
pub fn parse_userdict(
    path: &Path,
    text: &str,
) -> Result<Vec<(String, Option<usize>)>, ConfigError> {
    let mut words = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim().trim_start_matches('\u{feff}');
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut parts = line.split_whitespace();
        let word = parts.next().expect("a non-empty line has a first field");
        let freq = match parts.next() {
            Some(f) => Some(f.parse::<usize>().map_err(|_| {
                ConfigError::new(
                    path,
                    i + 1,
                    format!("`{f}` is not a frequency (expected `word [frequency] [tag]`)"),
                )
            })?),
            None => None,
        };
        words.push((word.to_string(), freq));
    }
    Ok(words)
}

/// The bytes that join the parts of an alphanumeric compound (jieba-rs's skip connectors).
fn is_connector(b: u8) -> bool {
    matches!(b, b'.' | b'_' | b'-')
}

fn to_tokens(words: Vec<jieba_rs::Token<'_>>) -> Vec<Token> {
    words
        .into_iter()
        .filter(|w| !w.word.trim().is_empty())
        .map(|w| Token {
            byte_start: w.byte_start as u32,
            byte_end: w.byte_end as u32,
            char_start: w.start as u32,
            char_end: w.end as u32,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(seg: &Segmenter, text: &str) -> Vec<String> {
        seg.tokens(text)
            .iter()
            .map(|t| t.text(text).to_string())
            .collect()
    }

    #[test]
    fn a_segmenter_is_shared_across_threads() {
        fn shared<T: Clone + Send + Sync>() {}
        shared::<Segmenter>();
    }

    #[test]
    fn the_recorded_jieba_version_is_the_locked_one() {
        let lock = include_str!("../Cargo.lock");
        let needle = format!("name = \"jieba-rs\"\nversion = \"{JIEBA_RS_VERSION}\"");
        assert!(lock.contains(&needle), "update JIEBA_RS_VERSION");
    }

    #[test]
    fn whitespace_is_dropped_and_punctuation_kept_with_offsets() {
        let seg = Segmenter::new(&LexiconSet::default(), None).unwrap();
        let text = "美国 承诺，坚定";
        let toks = seg.tokens(text);
        let got = words(&seg, text);
        assert_eq!(got, vec!["美国", "承诺", "，", "坚定"]);
        assert_eq!((toks[2].char_start, toks[2].char_end), (5, 6));
        assert_eq!(
            &text[toks[2].byte_start as usize..toks[2].byte_end as usize],
            "，"
        );
    }

    #[test]
    fn user_dictionary_words_stay_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("userdict.txt");
        std::fs::write(&path, "# names\n尹锡悦\n戴维营峰会\n").unwrap();
        let plain = Segmenter::new(&LexiconSet::default(), None).unwrap();
        let seg = Segmenter::new(&LexiconSet::default(), Some(&path)).unwrap();
        let text = "尹锡悦出席戴维营峰会";
        assert_ne!(words(&plain, text), vec!["尹锡悦", "出席", "戴维营峰会"]);
        assert_eq!(words(&seg, text), vec!["尹锡悦", "出席", "戴维营峰会"]);
        assert_eq!(seg.settings().user_words, 2);
    }

    #[test]
    fn a_segmenter_built_from_its_record_cuts_the_seeds_alike() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let lexicons = LexiconSet::load(&root.join("lexicons")).unwrap();
        let seg = Segmenter::new(&lexicons, Some(&root.join("lexicons/userdict.txt"))).unwrap();
        let record = seg.record();
        assert!(record.user_words.len() >= seg.settings().user_words);
        let again = Segmenter::from_record(&record);
        assert_eq!(again.record(), record);
        assert_eq!(again.settings(), seg.settings());
        let plain = Segmenter::new(&LexiconSet::default(), None).unwrap();
        let (mut lines, mut differ_from_plain) = (0, 0);
        for entry in std::fs::read_dir(root.join("corpus")).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "txt") {
                continue;
            }
            for line in std::fs::read_to_string(&path).unwrap().lines() {
                assert_eq!(again.tokens(line), seg.tokens(line), "{line}");
                differ_from_plain += usize::from(plain.tokens(line) != seg.tokens(line));
                lines += 1;
            }
        }
        assert!(lines > 1_000, "{lines}");
        // The record is what makes the difference: without the user words many lines cut apart.
        assert!(differ_from_plain > 100, "{differ_from_plain}");
    }

    #[test]
    fn sub_words_are_what_cut_for_search_gives() {
        let seg = Segmenter::new(&LexiconSet::default(), None).unwrap();
        let mut compared = 0;
        let mut subs = Vec::new();
        for entry in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/corpus")).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "txt") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for raw in text.lines().chain(["WES-5.4.5 的 a_b-c.d 中华人民共和国"]) {
                // Cut as the lexicons read it (a seed has 整備 for 整备).
                let line: &str = &crate::script::Simplifier::shared().simplify(raw);
                let mut derived = Vec::new();
                for token in seg.tokens(line) {
                    let word = token.text(line);
                    subs.clear();
                    seg.sub_words(word, &mut subs);
                    let at = token.byte_start as usize;
                    derived.extend(subs.iter().map(|r| (at + r.start, at + r.end)));
                    derived.push((at, token.byte_end as usize));
                }
                let expected: Vec<(usize, usize)> = seg
                    .search_tokens(line)
                    .iter()
                    .map(|t| (t.byte_start as usize, t.byte_end as usize))
                    .collect();
                assert_eq!(derived, expected, "{line}");
                compared += expected.len();
            }
        }
        assert!(compared > 50_000, "{compared}");
    }

    #[test]
    fn words_have_a_letter_or_a_cjk_character() {
        for w in ["威胁", "G7", "THAAD", "2023年", "萨德"] {
            assert!(is_word(w), "{w}");
        }
        for t in ["，", "2023", "。", "“", "%", "3.5"] {
            assert!(!is_word(t), "{t}");
        }
        // The ideograph fast path says what the Unicode property says.
        for c in '\u{4E00}'..='\u{9FEF}' {
            assert!(c.is_alphabetic(), "{c}");
        }
    }

    #[test]
    fn a_bad_frequency_names_the_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("userdict.txt");
        std::fs::write(&path, "尹锡悦 100\n戴维营峰会 many\n").unwrap();
        let err = read_userdict(&path).unwrap_err();
        assert!(
            err.to_string().ends_with(
                "userdict.txt:2: `many` is not a frequency (expected `word [frequency] [tag]`)"
            ),
            "{err}"
        );
    }
}
