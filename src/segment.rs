//! Segmentation (placeholder until the lexicon work lands): jieba-rs accurate mode without a user
//! dictionary.

use std::path::Path;
use std::sync::Arc;

use jieba_rs::Jieba;

use crate::error::ConfigError;
use crate::lexicon::LexiconSet;
use crate::model::Token;

#[derive(Clone)]
pub struct Segmenter {
    jieba: Arc<Jieba>,
}

impl Segmenter {
    pub fn new(_lexicons: &LexiconSet, _userdict: Option<&Path>) -> Result<Segmenter, ConfigError> {
        Ok(Segmenter {
            jieba: Arc::new(Jieba::new()),
        })
    }

    /// Accurate-mode tokens of `text`, whitespace dropped.
    pub fn tokens(&self, text: &str) -> Vec<Token> {
        to_tokens(self.jieba.cut(text, false))
    }

    /// Search-mode sub-tokens of `text`.
    pub fn search_tokens(&self, text: &str) -> Vec<Token> {
        to_tokens(self.jieba.cut_for_search(text, false))
    }
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
