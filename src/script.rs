//! Script normalisation: Traditional Chinese is read through its Simplified form, so that the
//! lexicons (written in Simplified characters), the modifier words and the period markers match
//! 安全承諾, 延伸威懾 or 拜登政府 as they match 安全承诺. The conversion is OpenCC's `t2s`
//! (phrases, then characters) through the `ferrous-opencc` crate; the text itself is stored, shown
//! and quoted as written, only the matching sees the Simplified form.
//!
//! The converted text always has the same characters in the same number: `t2s` maps characters
//! one to one (checked over every CJK character when the table is built), and a phrase conversion
//! that changed the length would be replaced by the character-by-character one. So a token or a
//! hit found in the Simplified form has the same character offsets in the text as written.
//! Sentences without a Traditional character (most of a Simplified corpus) are not converted at
//! all: one table look-up per character decides.

use std::borrow::Cow;
use std::sync::OnceLock;

use ferrous_opencc::OpenCC;
use ferrous_opencc::config::BuiltinConfig;

/// The CJK blocks whose characters may have a Simplified form: Extension A, the Unified
/// Ideographs and the Compatibility Ideographs.
const BLOCKS: [std::ops::Range<u32>; 3] = [0x3400..0x4DC0, 0x4E00..0xA000, 0xF900..0xFB00];

/// OpenCC's Traditional-to-Simplified conversion with a table of the characters it changes.
pub struct Simplifier {
    cc: OpenCC,
    /// One bit per code point below U+10000: set when `t2s` changes the character alone.
    traditional: Vec<u64>,
}

impl std::fmt::Debug for Simplifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Simplifier").finish_non_exhaustive()
    }
}

impl Simplifier {
    /// The converter, built once per process (about 4 ms).
    pub fn shared() -> &'static Simplifier {
        static SHARED: OnceLock<Simplifier> = OnceLock::new();
        SHARED.get_or_init(Simplifier::build)
    }

    fn build() -> Simplifier {
        let cc = OpenCC::from_config(BuiltinConfig::T2s)
            .expect("the built-in t2s configuration of ferrous-opencc loads");
        let mut traditional = vec![0u64; 0x10000 / 64];
        let mut buf = [0u8; 4];
        for block in BLOCKS {
            for cp in block {
                let Some(c) = char::from_u32(cp) else {
                    continue;
                };
                let one = c.encode_utf8(&mut buf);
                let converted = cc.convert(one);
                if converted != *one && converted.chars().count() == 1 {
                    traditional[cp as usize / 64] |= 1 << (cp % 64);
                }
            }
        }
        Simplifier { cc, traditional }
    }

    /// Whether `c` has a Simplified form of its own.
    pub fn is_traditional(&self, c: char) -> bool {
        let cp = c as u32;
        cp < 0x10000 && self.traditional[cp as usize / 64] & (1 << (cp % 64)) != 0
    }

    /// `text` in Simplified characters, with exactly the characters of `text` in number and
    /// position; borrowed when there is nothing to convert.
    pub fn simplify<'a>(&self, text: &'a str) -> Cow<'a, str> {
        if !text.chars().any(|c| self.is_traditional(c)) {
            return Cow::Borrowed(text);
        }
        let converted = self.cc.convert(text);
        if converted.chars().count() == text.chars().count() {
            return Cow::Owned(converted);
        }
        // A phrase changed the length: convert character by character instead.
        let mut out = String::with_capacity(text.len());
        let mut buf = [0u8; 4];
        for c in text.chars() {
            if self.is_traditional(c) {
                out.push_str(&self.cc.convert(c.encode_utf8(&mut buf)));
            } else {
                out.push(c);
            }
        }
        Cow::Owned(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traditional_text_reads_as_simplified_with_the_same_characters() {
        let s = Simplifier::shared();
        for (traditional, simplified) in [
            (
                "美國對韓國的安全承諾堅如磐石",
                "美国对韩国的安全承诺坚如磐石",
            ),
            ("延伸威懾", "延伸威慑"),
            ("臺灣外交部強烈譴責", "台湾外交部强烈谴责"),
            ("乾燥", "干燥"),
        ] {
            let out = s.simplify(traditional);
            assert_eq!(out, simplified);
            assert_eq!(out.chars().count(), traditional.chars().count());
        }
        // OpenCC keeps characters that are also Simplified: 乾隆 stays, 著名 stays.
        assert_eq!(s.simplify("乾隆年間"), "乾隆年间");
        assert!(matches!(
            s.simplify("美国对韩国的安全承诺，2023年。"),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn the_table_holds_traditional_characters_only() {
        let s = Simplifier::shared();
        for c in ['國', '諾', '懾', '臺', '們'] {
            assert!(s.is_traditional(c), "{c}");
        }
        for c in ['国', '诺', '慑', '台', '们', 'a', '，', '𠵱'] {
            assert!(!s.is_traditional(c), "{c}");
        }
    }
}
