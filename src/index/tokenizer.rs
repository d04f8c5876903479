//! The bridge between the pipeline's jieba tokens and tantivy. Text is never segmented twice:
//! the annotation's tokens reach the index as a *pre-cut* string (`encode_cut`), which the
//! tokenizer replays, and the same tokenizer cuts a query with the same `Segmenter`, so that a
//! query and a sentence are segmented alike and a multi-token word becomes a phrase over
//! consecutive positions.
//!
//! A pre-cut string is `PRECUT` followed by the text with `NEXT` before every token after the
//! first (and after it, when whitespace follows). It is what the index stores, so a stored sentence
//! gives back both its text and its tokens (`decode_cut`). The `sub` field's value puts `SAME`
//! between the search-mode sub-words of one token, which share its position (`encode_sub`). The
//! three marks are control characters, which `corpus::decode` removes from every text (and
//! `encode_cut` from any other), so they cannot clash with the text.
//!
//! Token texts are lowercased on both sides (`NATO` finds `nato`); Chinese is unaffected.
//! Positions are token ordinals; whitespace between tokens takes none.

use std::ops::Range;

use tantivy::tokenizer::{Token as TantivyToken, TokenStream, Tokenizer};

use crate::model::Token;
use crate::segment::Segmenter;

/// Starts a pre-cut value: the tokenizer replays its cut instead of segmenting it.
pub const PRECUT: char = '\u{2}';
/// Ends a token; the next one takes the next position.
pub const NEXT: char = '\u{1f}';
/// Ends a token; the next one takes the same position (a sub-word of the same token).
pub const SAME: char = '\u{1e}';

fn is_mark(c: char) -> bool {
    matches!(c, PRECUT | NEXT | SAME)
}

/// The pre-cut form of `text` and its `tokens` (in text order, not overlapping, whitespace between
/// them). Marks already in `text` are dropped, and so are tokens not on its character boundaries.
pub fn encode_cut(text: &str, tokens: &[Token]) -> String {
    let mut out = String::with_capacity(text.len() + tokens.len() + 2);
    out.push(PRECUT);
    let mut at = 0;
    for t in tokens {
        let (from, to) = (t.byte_start as usize, t.byte_end as usize);
        if from < at || text.get(from..to).is_none() {
            continue;
        }
        push_clean(&mut out, &text[at..from]);
        if at > 0 {
            out.push(NEXT);
        }
        push_clean(&mut out, &text[from..to]);
        at = to;
    }
    push_clean(&mut out, &text[at..]);
    out
}

fn push_clean(out: &mut String, text: &str) {
    if text.contains(is_mark) {
        out.extend(text.chars().filter(|&c| !is_mark(c)));
    } else {
        out.push_str(text);
    }
}

/// The pre-cut value of the `sub` field: each token of `text` with its search-mode sub-words
/// (`Segmenter::sub_words`) at the token's position. `scratch` is reused between calls.
pub fn encode_sub(
    text: &str,
    tokens: &[Token],
    segmenter: &Segmenter,
    scratch: &mut Vec<Range<usize>>,
) -> String {
    let mut out = String::with_capacity(text.len() + 2 * tokens.len() + 2);
    out.push(PRECUT);
    for (i, t) in tokens.iter().enumerate() {
        let Some(word) = text.get(t.byte_start as usize..t.byte_end as usize) else {
            continue;
        };
        if i > 0 {
            out.push(NEXT);
        }
        scratch.clear();
        segmenter.sub_words(word, scratch);
        for range in scratch.iter() {
            push_clean(&mut out, &word[range.clone()]);
            out.push(SAME);
        }
        push_clean(&mut out, word);
    }
    out
}

/// The text of a stored pre-cut value and its tokens (byte ranges in that text, lowercased texts,
/// positions as indexed). A value that is not pre-cut is returned as it is, without tokens.
pub fn decode_cut(stored: &str) -> (String, Vec<TantivyToken>) {
    let Some(body) = stored.strip_prefix(PRECUT) else {
        return (stored.to_string(), Vec::new());
    };
    let mut tokens = Vec::new();
    let mut stream = ReplayStream::new(body);
    // Each mark before a token is one byte the text does not have.
    let (mut marks, mut scanned) = (0, 0);
    while stream.advance() {
        let t = stream.token();
        marks += count_marks(&body.as_bytes()[scanned..t.offset_from]);
        scanned = t.offset_from;
        tokens.push(TantivyToken {
            offset_from: t.offset_from - marks,
            offset_to: t.offset_to - marks,
            ..t.clone()
        });
    }
    (plain(stored), tokens)
}

fn count_marks(bytes: &[u8]) -> usize {
    bytes
        .iter()
        .filter(|&&b| b == NEXT as u8 || b == SAME as u8)
        .count()
}

/// The text of a stored value without its marks.
pub fn plain(stored: &str) -> String {
    match stored.strip_prefix(PRECUT) {
        Some(body) => body.chars().filter(|&c| !is_mark(c)).collect(),
        None => stored.to_string(),
    }
}

/// The tokenizer registered as `schema::TOKENIZER` (accurate mode) and `schema::SUB_TOKENIZER`
/// (search mode, for `sub:` queries): replays a pre-cut value, segments anything else (a query)
/// with the `Segmenter`.
#[derive(Clone)]
pub struct MineTokenizer {
    segmenter: Segmenter,
    sub: bool,
}

impl MineTokenizer {
    /// Accurate-mode words (the `text`, `title` and `section` fields).
    pub fn words(segmenter: Segmenter) -> Self {
        MineTokenizer {
            segmenter,
            sub: false,
        }
    }

    /// Words and their search-mode sub-words (the `sub` field).
    pub fn sub_words(segmenter: Segmenter) -> Self {
        MineTokenizer {
            segmenter,
            sub: true,
        }
    }
}

impl Tokenizer for MineTokenizer {
    type TokenStream<'a> = MineTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> MineTokenStream<'a> {
        if let Some(body) = text.strip_prefix(PRECUT) {
            let mut replay = ReplayStream::new(body);
            replay.shift = PRECUT.len_utf8();
            return MineTokenStream::Replay(replay);
        }
        let tokens = self.segmenter.tokens(text);
        let cut = if self.sub {
            encode_sub(text, &tokens, &self.segmenter, &mut Vec::new())
        } else {
            encode_cut(text, &tokens)
        };
        MineTokenStream::Cut(CutStream {
            replay: ReplayStream::new(""),
            cut,
            at: PRECUT.len_utf8(),
        })
    }
}

/// The tokens of a pre-cut value or of a freshly cut query.
pub enum MineTokenStream<'a> {
    Replay(ReplayStream<'a>),
    Cut(CutStream),
}

impl TokenStream for MineTokenStream<'_> {
    fn advance(&mut self) -> bool {
        match self {
            MineTokenStream::Replay(r) => r.advance(),
            MineTokenStream::Cut(c) => c.advance(),
        }
    }

    fn token(&self) -> &TantivyToken {
        match self {
            MineTokenStream::Replay(r) => r.token(),
            MineTokenStream::Cut(c) => c.replay.token(),
        }
    }

    fn token_mut(&mut self) -> &mut TantivyToken {
        match self {
            MineTokenStream::Replay(r) => r.token_mut(),
            MineTokenStream::Cut(c) => c.replay.token_mut(),
        }
    }
}

/// A query cut into its own pre-cut string, replayed.
pub struct CutStream {
    replay: ReplayStream<'static>,
    cut: String,
    /// Byte offset in `cut` of the rest still to replay.
    at: usize,
}

impl CutStream {
    fn advance(&mut self) -> bool {
        // The replay borrows nothing: it is handed one piece at a time from `cut`.
        let Some((piece, same, next)) = next_piece(&self.cut, self.at) else {
            return false;
        };
        self.at = next;
        self.replay
            .emit(piece.0, piece.1, &self.cut[piece.0..piece.1], same);
        true
    }
}

/// Replays the pieces of a pre-cut body (the value after `PRECUT`).
pub struct ReplayStream<'a> {
    body: &'a str,
    at: usize,
    /// Added to every offset (the length of `PRECUT` when the stream reads a whole value).
    shift: usize,
    token: TantivyToken,
    /// The position the next `NEXT`-separated token takes.
    next_position: usize,
}

impl<'a> ReplayStream<'a> {
    fn new(body: &'a str) -> Self {
        ReplayStream {
            body,
            at: 0,
            shift: 0,
            token: TantivyToken::default(),
            next_position: 0,
        }
    }

    fn emit(&mut self, from: usize, to: usize, word: &str, same: bool) {
        let position = if same && self.next_position > 0 {
            self.next_position - 1
        } else {
            self.next_position += 1;
            self.next_position - 1
        };
        let t = &mut self.token;
        t.offset_from = from + self.shift;
        t.offset_to = to + self.shift;
        t.position = position;
        t.position_length = 1;
        t.text.clear();
        if word.is_ascii() {
            t.text.push_str(word);
            t.text.make_ascii_lowercase();
        } else if word.chars().any(has_case_upper) {
            t.text.push_str(&word.to_lowercase());
        } else {
            t.text.push_str(word);
        }
    }
}

impl TokenStream for ReplayStream<'_> {
    fn advance(&mut self) -> bool {
        let Some(((from, to), same, next)) = next_piece(self.body, self.at) else {
            return false;
        };
        self.at = next;
        let body = self.body;
        self.emit(from, to, &body[from..to], same);
        true
    }

    fn token(&self) -> &TantivyToken {
        &self.token
    }

    fn token_mut(&mut self) -> &mut TantivyToken {
        &mut self.token
    }
}

/// Whether `c` is an upper-case letter. CJK characters and punctuation (U+3000 to U+9FFF), most of
/// a Chinese text, have no case and skip the Unicode table.
fn has_case_upper(c: char) -> bool {
    !('\u{3000}'..='\u{9fff}').contains(&c) && c.is_uppercase()
}

/// The next non-empty piece of `body` from byte `at`: its byte range (whitespace trimmed), whether
/// a `SAME` mark came right before it, and where the search goes on. Pieces are separated by
/// `NEXT` or `SAME`; a piece of only whitespace is skipped (and the mark before the next piece
/// decides its position).
fn next_piece(body: &str, mut at: usize) -> Option<((usize, usize), bool, usize)> {
    let bytes = body.as_bytes();
    while at < bytes.len() {
        let same = at > 0 && bytes[at - 1] == SAME as u8;
        // The marks are ASCII bytes, which never occur inside a multi-byte UTF-8 character.
        let end =
            memchr::memchr2(NEXT as u8, SAME as u8, &bytes[at..]).map_or(bytes.len(), |i| at + i);
        let piece = &body[at..end];
        let next = if end < bytes.len() { end + 1 } else { end };
        let trimmed = piece.trim_start();
        let from = at + (piece.len() - trimmed.len());
        let to = from + trimmed.trim_end().len();
        if from < to {
            return Some(((from, to), same, next));
        }
        at = next;
        if end == bytes.len() {
            break;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexicon::LexiconSet;

    fn segmenter() -> Segmenter {
        Segmenter::new(&LexiconSet::default(), None).expect("placeholder segmenter")
    }

    fn stream_of(tokenizer: &mut MineTokenizer, text: &str) -> Vec<(usize, String)> {
        let mut stream = tokenizer.token_stream(text);
        let mut seen = Vec::new();
        while stream.advance() {
            let t = stream.token();
            seen.push((t.position, t.text.clone()));
        }
        seen
    }

    #[test]
    fn a_query_is_cut_into_consecutive_positions() {
        let text = "美国的延伸威慑承诺";
        let seen = stream_of(&mut MineTokenizer::words(segmenter()), text);
        let positions: Vec<usize> = seen.iter().map(|(p, _)| *p).collect();
        assert_eq!(positions, (0..seen.len()).collect::<Vec<_>>());
        let words: String = seen.iter().map(|(_, w)| w.as_str()).collect();
        assert_eq!(words, text);
    }

    #[test]
    fn a_pre_cut_value_replays_the_annotation_tokens_not_a_new_cut() {
        let seg = segmenter();
        let text = "美国 的延伸威慑承诺";
        let tokens = seg.tokens(text);
        let encoded = encode_cut(text, &tokens);
        let mut tokenizer = MineTokenizer::words(seg.clone());
        let replayed = stream_of(&mut tokenizer, &encoded);
        let expected: Vec<(usize, String)> = tokens
            .iter()
            .enumerate()
            .map(|(i, t)| (i, t.text(text).to_string()))
            .collect();
        assert_eq!(replayed, expected);
        // Replayed, not re-cut: a made-up cut of two one-character tokens stays two tokens.
        let odd = [
            Token {
                byte_start: 0,
                byte_end: 3,
                char_start: 0,
                char_end: 1,
            },
            Token {
                byte_start: 3,
                byte_end: 6,
                char_start: 1,
                char_end: 2,
            },
        ];
        let replayed = stream_of(&mut tokenizer, &encode_cut("美国", &odd));
        assert_eq!(replayed, vec![(0, "美".into()), (1, "国".into())]);
    }

    #[test]
    fn a_stored_value_decodes_to_its_text_and_token_ranges() {
        let seg = segmenter();
        let text = "NATO 的延伸威慑\u{1f}承诺";
        let clean = "NATO 的延伸威慑承诺";
        let (decoded, tokens) = decode_cut(&encode_cut(clean, &seg.tokens(clean)));
        assert_eq!(decoded, clean);
        let words: Vec<&str> = tokens
            .iter()
            .map(|t| &decoded[t.offset_from..t.offset_to])
            .collect();
        let expected: Vec<&str> = seg.tokens(clean).iter().map(|t| t.text(clean)).collect();
        assert_eq!(words, expected);
        assert_eq!(tokens[0].text, "nato");
        // A mark inside a text (only possible outside the parser) is dropped, never a token break.
        assert_eq!(plain(&encode_cut(text, &[])), clean);
        assert_eq!(decode_cut("plain"), ("plain".to_string(), Vec::new()));
    }

    #[test]
    fn sub_words_sit_at_the_position_of_their_token() {
        let text = "中华人民共和国成立";
        let seg = segmenter();
        let tokens = seg.tokens(text);
        let encoded = encode_sub(text, &tokens, &seg, &mut Vec::new());
        let subs = stream_of(&mut MineTokenizer::sub_words(seg.clone()), &encoded);
        let at = |w: &str| subs.iter().find(|(_, t)| t == w).map(|(p, _)| *p);
        assert_eq!(at("中华人民共和国"), Some(0));
        assert_eq!(at("人民"), Some(0));
        assert_eq!(at("共和国"), Some(0));
        assert_eq!(at("成立"), Some(1));
        assert!(subs.windows(2).all(|w| w[0].0 <= w[1].0));
        // A `sub:` query is cut the same way.
        assert_eq!(stream_of(&mut MineTokenizer::sub_words(seg), text), subs);
    }
}
