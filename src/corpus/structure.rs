//! Structure (placeholder until the ingest work lands): one body paragraph and one sentence per
//! non-empty line.

use crate::model::{DocMeta, Document, Paragraph, Sentence, Zone};

pub fn parse(text: &str, meta: DocMeta) -> Document {
    let mut doc = Document {
        meta,
        encoding: String::new(),
        content_hash: String::new(),
        sections: Vec::new(),
        paragraphs: Vec::new(),
        sentences: Vec::new(),
        notes: Vec::new(),
        repairs: Vec::new(),
        dropped: Vec::new(),
    };
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let id = doc.paragraphs.len() as u32;
        doc.paragraphs.push(Paragraph {
            id,
            zone: Zone::Body,
            section: None,
            text: line.to_string(),
            line: i + 1,
        });
        doc.sentences.push(Sentence {
            id,
            zone: Zone::Body,
            section: None,
            paragraph: id,
            text: line.to_string(),
            char_start: 0,
            char_end: line.chars().count(),
            note_refs: Vec::new(),
        });
    }
    doc
}
