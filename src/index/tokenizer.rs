//! The bridge between the pipeline's jieba tokens and tantivy: annotation tokens (byte offsets into
//! a sentence) become tantivy tokens with positions = token ordinals, and `JiebaTokenizer` cuts a
//! query with the same `Segmenter`, so that a query and a sentence are segmented alike and a
//! multi-token word becomes a phrase over consecutive positions.
//!
//! Token texts are lowercased on both sides (`NATO` finds `nato`); Chinese is unaffected.

use tantivy::tokenizer::{Token as TantivyToken, TokenStream, Tokenizer};

use crate::model::Token;
use crate::segment::Segmenter;

/// Tantivy tokens of `text` from its annotation tokens. A token whose offsets do not fall on
/// character boundaries of `text` is left out (the writer rejects such annotations before this).
pub fn to_tantivy_tokens(text: &str, tokens: &[Token]) -> Vec<TantivyToken> {
    tokens
        .iter()
        .filter_map(|t| {
            let (from, to) = (t.byte_start as usize, t.byte_end as usize);
            text.get(from..to).map(|word| (from, to, word))
        })
        .enumerate()
        .map(|(position, (from, to, word))| TantivyToken {
            offset_from: from,
            offset_to: to,
            position,
            text: word.to_lowercase(),
            position_length: 1,
        })
        .collect()
}

/// Search-mode sub-words of `text` (`search_tokens`, which include the accurate tokens
/// themselves), each at the ordinal of the accurate token it starts in, so that a phrase of
/// sub-words matches across consecutive tokens as it does in the `text` field.
pub fn to_sub_tokens(text: &str, tokens: &[Token], search_tokens: &[Token]) -> Vec<TantivyToken> {
    let mut out: Vec<TantivyToken> = search_tokens
        .iter()
        .filter_map(|s| {
            let word = text.get(s.byte_start as usize..s.byte_end as usize)?;
            // `tokens` are in text order and do not overlap: a binary search, since a linear one
            // per sub-word is quadratic in a sentence's length (a PDF extraction can leave a
            // "sentence" of megabytes with no full stop).
            let after = tokens.partition_point(|t| t.byte_start <= s.byte_start);
            let position = after.checked_sub(1)?;
            if s.byte_start >= tokens[position].byte_end {
                return None;
            }
            Some(TantivyToken {
                offset_from: s.byte_start as usize,
                offset_to: s.byte_end as usize,
                position,
                text: word.to_lowercase(),
                position_length: 1,
            })
        })
        .collect();
    // Tantivy wants positions in order.
    out.sort_by_key(|t| (t.position, t.offset_from, t.offset_to));
    out
}

/// Token byte offsets as stored in the `tokens` field: `u32` start and end, little-endian.
pub fn encode_offsets(tokens: &[TantivyToken]) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(tokens.len() * 8);
    for t in tokens {
        for offset in [t.offset_from, t.offset_to] {
            let offset = u32::try_from(offset).expect("a sentence is shorter than 4 GiB");
            bytes.extend_from_slice(&offset.to_le_bytes());
        }
    }
    bytes
}

/// The tokens of `text` from stored offsets (the inverse of `encode_offsets`), with their
/// lowercased texts as indexed. Offsets that do not fit `text` are left out.
pub fn decode_offsets(text: &str, bytes: &[u8]) -> Vec<TantivyToken> {
    let word = |chunk: &[u8]| {
        let mut b = [0u8; 4];
        b.copy_from_slice(chunk);
        u32::from_le_bytes(b) as usize
    };
    bytes
        .chunks_exact(8)
        .filter_map(|pair| {
            let (from, to) = (word(&pair[..4]), word(&pair[4..]));
            text.get(from..to).map(|w| (from, to, w))
        })
        .enumerate()
        .map(|(position, (from, to, w))| TantivyToken {
            offset_from: from,
            offset_to: to,
            position,
            text: w.to_lowercase(),
            position_length: 1,
        })
        .collect()
}

/// The tokenizer registered as `schema::TOKENIZER`: accurate-mode jieba through `Segmenter`.
#[derive(Clone)]
pub struct JiebaTokenizer {
    segmenter: Segmenter,
}

impl JiebaTokenizer {
    pub fn new(segmenter: Segmenter) -> Self {
        JiebaTokenizer { segmenter }
    }
}

impl Tokenizer for JiebaTokenizer {
    type TokenStream<'a> = JiebaTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> JiebaTokenStream {
        JiebaTokenStream {
            tokens: to_tantivy_tokens(text, &self.segmenter.tokens(text)),
            next: 0,
        }
    }
}

/// The tokenizer registered as `schema::SUB_TOKENIZER`: search-mode sub-words for `sub:` queries.
#[derive(Clone)]
pub struct JiebaSubTokenizer {
    segmenter: Segmenter,
}

impl JiebaSubTokenizer {
    pub fn new(segmenter: Segmenter) -> Self {
        JiebaSubTokenizer { segmenter }
    }
}

impl Tokenizer for JiebaSubTokenizer {
    type TokenStream<'a> = JiebaTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> JiebaTokenStream {
        let tokens = self.segmenter.tokens(text);
        let search = self.segmenter.search_tokens(text);
        JiebaTokenStream {
            tokens: to_sub_tokens(text, &tokens, &search),
            next: 0,
        }
    }
}

/// The tokens of one text, handed out one by one.
pub struct JiebaTokenStream {
    tokens: Vec<TantivyToken>,
    /// Index of the token after the current one (0 before the first `advance`).
    next: usize,
}

impl TokenStream for JiebaTokenStream {
    fn advance(&mut self) -> bool {
        if self.next < self.tokens.len() {
            self.next += 1;
            true
        } else {
            false
        }
    }

    fn token(&self) -> &TantivyToken {
        &self.tokens[self.next - 1]
    }

    fn token_mut(&mut self) -> &mut TantivyToken {
        &mut self.tokens[self.next - 1]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexicon::LexiconSet;

    fn segmenter() -> Segmenter {
        Segmenter::new(&LexiconSet::default(), None).expect("placeholder segmenter")
    }

    #[test]
    fn positions_are_token_ordinals_and_offsets_are_bytes() {
        let text = "美国的延伸威慑承诺";
        let mut tokenizer = JiebaTokenizer::new(segmenter());
        let mut stream = tokenizer.token_stream(text);
        let mut seen = Vec::new();
        while stream.advance() {
            let t = stream.token();
            assert_eq!(&text[t.offset_from..t.offset_to], t.text);
            seen.push((t.position, t.text.clone()));
        }
        let positions: Vec<usize> = seen.iter().map(|(p, _)| *p).collect();
        assert_eq!(positions, (0..seen.len()).collect::<Vec<_>>());
        let words: String = seen.iter().map(|(_, w)| w.as_str()).collect();
        assert_eq!(words, text);
    }

    #[test]
    fn sub_words_sit_at_the_position_of_their_token() {
        let text = "中华人民共和国成立";
        let seg = segmenter();
        let tokens = seg.tokens(text);
        let subs = to_sub_tokens(text, &tokens, &seg.search_tokens(text));
        let at = |w: &str| subs.iter().find(|t| t.text == w).map(|t| t.position);
        assert_eq!(at("中华人民共和国"), Some(0));
        assert_eq!(at("人民"), Some(0));
        assert_eq!(at("共和国"), Some(0));
        assert_eq!(at("成立"), Some(1));
        assert!(subs.windows(2).all(|w| w[0].position <= w[1].position));
    }

    #[test]
    fn stored_offsets_round_trip() {
        let text = "美国的延伸威慑承诺";
        let tokens = to_tantivy_tokens(text, &segmenter().tokens(text));
        assert_eq!(decode_offsets(text, &encode_offsets(&tokens)), tokens);
        // Offsets past the end of a (changed) text are dropped, not a panic.
        assert!(decode_offsets("美", &encode_offsets(&tokens)).is_empty());
    }

    #[test]
    fn ascii_is_lowercased_and_bad_offsets_are_left_out() {
        let text = "NATO的";
        let tokens = [
            Token {
                byte_start: 0,
                byte_end: 4,
                char_start: 0,
                char_end: 4,
            },
            // Inside the three bytes of 的: not a character boundary.
            Token {
                byte_start: 5,
                byte_end: 7,
                char_start: 4,
                char_end: 5,
            },
        ];
        let out = to_tantivy_tokens(text, &tokens);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].text, "nato");
    }
}
