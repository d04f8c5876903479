//! The corpus: discovering files under a folder (`discover`), reading `metadata.csv`
//! (`metadata`), decoding bytes to text (`decode`), and parsing text into a structured `Document`
//! with zones, sections, paragraphs, sentences and notes (`structure`).

pub mod decode;
pub mod discover;
pub mod metadata;
pub mod structure;
