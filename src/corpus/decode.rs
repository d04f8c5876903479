//! Decoding: the raw bytes of one corpus file in, normalised UTF-8 text (and the name of the
//! encoding it came from) out, or a one-line reason why the file is not text.
//!
//! Encodings: UTF-8 with or without BOM, UTF-16 LE/BE with BOM (found by `encoding_rs`), and,
//! for files that are not UTF-8, GB18030 (GBK is its subset) and Big5, guessed by `chardetng` and
//! converted by `encoding_rs`. A few malformed sequences, as PDF extraction leaves them, are
//! tolerated (at most one per [`TOLERANCE_CHARS`] characters) and become U+FFFD; the encoding
//! name then ends in ` (lossy)`.
//!
//! Normalisation, applied to every encoding alike:
//! - line endings `\r\n` and `\r` (and U+2028/U+2029, form feed, vertical tab) become `\n`;
//! - full-width space U+3000 and no-break space U+00A0 at the start of a line are indentation and
//!   are removed (ASCII blanks there are kept, since Markdown gives them meaning);
//! - elsewhere U+3000, U+00A0 and the other Unicode space separators become one ASCII space: inside
//!   Chinese text a full-width space separates items (keywords, names) and must stay a separator;
//! - control characters other than `\n` and `\t` are removed, and so are the invisible U+FEFF,
//!   U+200B, U+2060 and soft hyphen U+00AD, which would split words for the segmenter.
//!
//! Skip reasons: `empty file`, `empty file (only whitespace)`, `binary file (PDF)` (and other
//! magic numbers), `binary file (NUL bytes)`, `binary file (control characters)`, and
//! `not decodable as UTF-8, UTF-16, GB18030 or Big5` (with chardetng's guess when it has one).

use encoding_rs::{BIG5, Encoding, GB18030, GBK, UTF_8};

/// Decoded text and the name of the encoding it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    pub text: String,
    pub encoding: &'static str,
}

/// Why a file could not be read as text; the message is the one-line skip reason.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{0}")]
pub struct DecodeError(pub String);

/// One malformed sequence is tolerated per this many decoded characters (so none in a file shorter
/// than that): enough for the odd broken byte of a PDF extraction, far too few for a wrong guess.
pub const TOLERANCE_CHARS: usize = 1000;

/// Magic numbers of binary formats people drop into corpus folders by mistake.
const MAGIC: &[(&[u8], &str)] = &[
    (b"%PDF-", "PDF"),
    (b"PK\x03\x04", "ZIP archive, e.g. .docx"),
    (
        b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1",
        "OLE document, e.g. .doc",
    ),
    (b"\x89PNG", "PNG image"),
    (b"\xFF\xD8\xFF", "JPEG image"),
    (b"GIF8", "GIF image"),
];

const UNDECODABLE: &str = "not decodable as UTF-8, UTF-16, GB18030 or Big5";

/// Decodes and normalises the bytes of one file; see the module documentation for the rules.
pub fn decode(bytes: &[u8]) -> Result<Decoded, DecodeError> {
    if bytes.is_empty() {
        return Err(DecodeError("empty file".into()));
    }
    let (text, encoding) = match Encoding::for_bom(bytes) {
        Some((enc, bom_len)) => {
            let (text, malformed) = decode_counting(enc, &bytes[bom_len..]);
            let name = within_tolerance(&text, malformed)
                .then(|| encoding_name(enc, malformed > 0))
                .ok_or_else(|| {
                    DecodeError(format!(
                        "not decodable as {}: {malformed} malformed sequences",
                        enc.name()
                    ))
                })?;
            (text, name)
        }
        None => decode_without_bom(bytes)?,
    };
    let control = text
        .chars()
        .filter(|&c| c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\x0b' | '\x0c'))
        .count();
    if control >= 3 && control * 100 > text.chars().count() {
        return Err(DecodeError("binary file (control characters)".into()));
    }
    let text = normalise(&text);
    if text.trim().is_empty() {
        return Err(DecodeError("empty file (only whitespace)".into()));
    }
    Ok(Decoded { text, encoding })
}

fn decode_without_bom(bytes: &[u8]) -> Result<(String, &'static str), DecodeError> {
    if let Some((_, kind)) = MAGIC.iter().find(|(magic, _)| bytes.starts_with(magic)) {
        return Err(DecodeError(format!("binary file ({kind})")));
    }
    // UTF-16 without a BOM is not supported: its NUL bytes make it indistinguishable from binary.
    if bytes.contains(&0) {
        return Err(DecodeError("binary file (NUL bytes)".into()));
    }
    let (text, malformed) = decode_counting(UTF_8, bytes);
    if malformed == 0 || within_tolerance(&text, malformed) {
        return Ok((text, encoding_name(UTF_8, malformed > 0)));
    }
    let mut detector = chardetng::EncodingDetector::new();
    detector.feed(bytes, true);
    let guess = detector.guess(None, false);
    if guess != GBK && guess != GB18030 && guess != BIG5 {
        return Err(DecodeError(format!(
            "{UNDECODABLE} (looks like {})",
            guess.name()
        )));
    }
    // encoding_rs decodes GBK with the full GB18030 decoder, so say GB18030.
    let enc = if guess == BIG5 { BIG5 } else { GB18030 };
    let (text, malformed) = decode_counting(enc, bytes);
    if within_tolerance(&text, malformed) {
        Ok((text, encoding_name(enc, malformed > 0)))
    } else {
        Err(DecodeError(UNDECODABLE.into()))
    }
}

/// Decodes with replacement and counts the malformed sequences (the U+FFFD that were not in the
/// input: every supported encoding but GB18030 cannot even spell U+FFFD, and a real one in a
/// GB18030 file merely costs some tolerance).
fn decode_counting(enc: &'static Encoding, bytes: &[u8]) -> (String, usize) {
    let (text, had_errors) = enc.decode_without_bom_handling(bytes);
    let malformed = if had_errors {
        text.chars().filter(|&c| c == '\u{FFFD}').count()
    } else {
        0
    };
    (text.into_owned(), malformed)
}

fn within_tolerance(text: &str, malformed: usize) -> bool {
    malformed <= text.chars().count() / TOLERANCE_CHARS
}

fn encoding_name(enc: &'static Encoding, lossy: bool) -> &'static str {
    match (enc.name(), lossy) {
        ("UTF-8", false) => "UTF-8",
        ("UTF-8", true) => "UTF-8 (lossy)",
        ("UTF-16LE", false) => "UTF-16LE",
        ("UTF-16LE", true) => "UTF-16LE (lossy)",
        ("UTF-16BE", false) => "UTF-16BE",
        ("UTF-16BE", true) => "UTF-16BE (lossy)",
        ("Big5", false) => "Big5",
        ("Big5", true) => "Big5 (lossy)",
        (_, false) => "GB18030",
        (_, true) => "GB18030 (lossy)",
    }
}

/// Line endings, spaces and control characters; see the module documentation.
fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at_line_start = true;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push('\n');
                at_line_start = true;
            }
            '\n' | '\u{2028}' | '\u{2029}' | '\x0b' | '\x0c' => {
                out.push('\n');
                at_line_start = true;
            }
            '\u{3000}' | '\u{00A0}' if at_line_start => {}
            ' ' | '\t' => out.push(c),
            '\u{FEFF}' | '\u{200B}' | '\u{2060}' | '\u{00AD}' => {}
            c if c.is_control() => {}
            c if c.is_whitespace() => {
                out.push(' ');
                at_line_start = false;
            }
            c => {
                out.push(c);
                at_line_start = false;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn fixture(rel: &str) -> Vec<u8> {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data")
            .join(rel);
        std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    fn decoded(rel: &str) -> Decoded {
        decode(&fixture(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    fn reason(rel: &str) -> String {
        match decode(&fixture(rel)) {
            Ok(d) => panic!("{rel} decoded as {}: {:?}", d.encoding, d.text),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn every_simplified_fixture_decodes_to_the_utf8_text() {
        let reference = decoded("encodings/passage.utf8.txt");
        assert_eq!(reference.encoding, "UTF-8");
        assert!(reference.text.contains("“短板”"));
        for (file, encoding) in [
            ("encodings/passage.utf8-bom.txt", "UTF-8"),
            ("encodings/passage.utf16le-bom.txt", "UTF-16LE"),
            ("encodings/passage.utf16be-bom.txt", "UTF-16BE"),
            ("encodings/passage.gbk.txt", "GB18030"),
            ("encodings/passage.crlf.txt", "UTF-8"),
        ] {
            let d = decoded(file);
            assert_eq!(d.encoding, encoding, "{file}");
            assert_eq!(d.text, reference.text, "{file}");
        }
    }

    #[test]
    fn gb18030_four_byte_sequences_decode() {
        let reference = decoded("encodings/passage_gb18030.utf8.txt");
        assert!(reference.text.contains("정보공유"));
        let d = decoded("encodings/passage_gb18030.gb18030.txt");
        assert_eq!(d.encoding, "GB18030");
        assert_eq!(d.text, reference.text);
    }

    #[test]
    fn big5_decodes_to_the_traditional_text() {
        let reference = decoded("encodings/passage_traditional.utf8.txt");
        let d = decoded("encodings/passage_traditional.big5.txt");
        assert_eq!(d.encoding, "Big5");
        assert_eq!(d.text, reference.text);
        assert!(d.text.contains("美國亞太同盟體系"));
    }

    #[test]
    fn crlf_fixture_has_no_carriage_return_left() {
        assert!(fixture("encodings/passage.crlf.txt").contains(&b'\r'));
        assert!(!decoded("encodings/passage.crlf.txt").text.contains('\r'));
    }

    #[test]
    fn broken_fixtures_are_skipped_with_their_reason() {
        assert_eq!(reason("broken/empty.txt"), "empty file");
        assert_eq!(
            reason("broken/whitespace_only.txt"),
            "empty file (only whitespace)"
        );
        assert_eq!(reason("broken/fake_pdf.txt"), "binary file (PDF)");
        assert_eq!(reason("broken/binary.txt"), "binary file (PNG image)");
        assert!(
            reason("broken/invalid_utf8.txt").starts_with(UNDECODABLE),
            "{}",
            reason("broken/invalid_utf8.txt")
        );
    }

    #[test]
    fn nul_bytes_without_a_bom_are_binary() {
        let utf16_without_bom: Vec<u8> = "美日同盟"
            .encode_utf16()
            .flat_map(|u| u.to_le_bytes())
            .chain([b'a', 0])
            .collect();
        assert_eq!(
            decode(&utf16_without_bom).unwrap_err().to_string(),
            "binary file (NUL bytes)"
        );
    }

    #[test]
    fn many_control_characters_are_binary() {
        let text = "同盟\x01\x02\x03\x04\x05".repeat(10);
        assert_eq!(
            decode(text.as_bytes()).unwrap_err().to_string(),
            "binary file (control characters)"
        );
    }

    #[test]
    fn a_stray_control_character_is_removed_not_fatal() {
        let text = format!("{}\x07同盟。\n", "美日韩三边安全合作。".repeat(20));
        let d = decode(text.as_bytes()).unwrap();
        assert!(d.text.ends_with("合作。同盟。\n"));
    }

    #[test]
    fn line_endings_are_normalised() {
        let d = decode("甲\r\n乙\r丙\n丁\u{2028}戊\x0c己".as_bytes()).unwrap();
        assert_eq!(d.text, "甲\n乙\n丙\n丁\n戊\n己");
    }

    #[test]
    fn full_width_indentation_is_dropped_and_inner_spaces_become_ascii() {
        let d =
            decode("\u{3000}\u{3000}美日同盟\u{3000}美韩同盟\n\u{00A0}韩国\u{00A0}日本".as_bytes())
                .unwrap();
        assert_eq!(d.text, "美日同盟 美韩同盟\n韩国 日本");
    }

    #[test]
    fn markdown_indentation_and_tabs_are_kept() {
        let d = decode("    代码\n表\t格".as_bytes()).unwrap();
        assert_eq!(d.text, "    代码\n表\t格");
    }

    #[test]
    fn invisible_characters_are_removed() {
        let d = decode("延伸\u{200B}威慑\u{FEFF}承\u{00AD}诺".as_bytes()).unwrap();
        assert_eq!(d.text, "延伸威慑承诺");
    }

    #[test]
    fn one_malformed_byte_in_a_long_utf8_file_is_tolerated() {
        let mut bytes = "美日韩三边安全合作呈现出加速机制化的趋势。"
            .repeat(60)
            .into_bytes();
        bytes.insert(30, 0xFF);
        let d = decode(&bytes).unwrap();
        assert_eq!(d.encoding, "UTF-8 (lossy)");
        assert_eq!(d.text.matches('\u{FFFD}').count(), 1);
    }

    #[test]
    fn a_malformed_byte_in_a_short_file_is_not_tolerated_as_utf8() {
        let mut bytes = "美日韩三边安全合作。".as_bytes().to_vec();
        bytes.push(0xFF);
        let result = decode(&bytes);
        assert!(
            result
                .as_ref()
                .map_or(true, |d| d.encoding != "UTF-8 (lossy)"),
            "{result:?}"
        );
    }

    #[test]
    fn the_seeds_decode_as_clean_utf8() {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("corpus");
        let mut seen = 0;
        for entry in std::fs::read_dir(&root).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "txt") {
                let d = decode(&std::fs::read(&path).unwrap()).unwrap();
                assert_eq!(d.encoding, "UTF-8", "{}", path.display());
                assert!(!d.text.contains('\r') && !d.text.contains('\u{3000}'));
                seen += 1;
            }
        }
        assert_eq!(seen, 5);
    }

    #[test]
    fn undecodable_reason_names_the_guess() {
        assert_eq!(
            reason("broken/invalid_utf8.txt"),
            format!("{UNDECODABLE} (looks like windows-1252)")
        );
    }
}
