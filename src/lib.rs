//! `mine`: corpus annotation and text mining for Chinese-language political and
//! international-relations texts. The binary is a thin shell over these stages: `corpus` (files,
//! metadata, decoding, structure), `segment`, `lexicon`, `period`, `annotate` (one document through
//! all of them), `index` (tantivy), `export` (CSVs, manifest, codebook), `stats` and `report`; `validate` checks the counts against human coding.

pub mod annotate;
pub mod cache;
pub mod corpus;
pub mod error;
pub mod export;
pub mod index;
pub mod lexicon;
pub mod model;
pub mod output;
pub mod period;
pub mod report;
pub mod script;
pub mod segment;
pub mod stats;
pub mod validate;
