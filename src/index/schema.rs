//! The tantivy schema of the sentence index, with every field option in one place: one tantivy
//! document per sentence, its place in the paper, its period and lexicon hits (as exact-match
//! strings to filter on), the document's metadata (a JSON field, so that the schema does not depend
//! on the corpus) and the text, indexed from the annotation's own jieba tokens.
//!
//! Takes nothing; gives back the `Schema` and a `Fields` handle naming each field.

use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, JsonObjectOptions, STORED, STRING, Schema,
    TextFieldIndexing, TextOptions,
};

/// Bumped whenever a field is added, removed or changes its options: an index written with another
/// version is rebuilt, never read with the wrong field meanings.
pub const SCHEMA_VERSION: u32 = 3;

/// Name under which the query-side jieba tokenizer is registered (see `tokenizer.rs`).
pub const TOKENIZER: &str = "mine_jieba";

/// Name of the search-mode tokenizer of the recall field `sub` (see `tokenizer.rs`).
pub const SUB_TOKENIZER: &str = "mine_jieba_sub";

/// Field names as a user types them in a query (`period:biden`, `category:threat_narrative`).
pub mod name {
    pub const DOC: &str = "doc";
    pub const TITLE: &str = "title";
    pub const DATE: &str = "date";
    pub const ZONE: &str = "zone";
    pub const SECTION: &str = "section";
    pub const PARAGRAPH: &str = "paragraph";
    pub const SENTENCE_ID: &str = "sentence_id";
    pub const PERIOD: &str = "period";
    pub const PERIOD_SOURCE: &str = "period_source";
    pub const PERIOD_EVIDENCE: &str = "period_evidence";
    pub const CATEGORY: &str = "category";
    pub const ENTRY: &str = "entry";
    pub const META: &str = "meta";
    pub const DOC_HASH: &str = "doc_hash";
    pub const TEXT: &str = "text";
    pub const SUB: &str = "sub";
}

/// Handles of every field of the schema.
#[derive(Clone, Copy, Debug)]
pub struct Fields {
    /// Document id: exact match, fast (ordering and `indexed_docs`).
    pub doc: Field,
    /// Title, segmented with the jieba tokenizer so that `title:同盟` works; stored pre-cut.
    pub title: Field,
    /// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, empty when unknown.
    pub date: Field,
    pub zone: Field,
    /// Heading path (`3 拜登政府时期 > （一）强化安全承诺`), segmented and stored like the title.
    pub section: Field,
    pub paragraph: Field,
    /// Sentence id within the document: fast (ordering).
    pub sentence_id: Field,
    /// Period id or `unattributed`: exact match, fast (counts per period).
    pub period: Field,
    pub period_source: Field,
    pub period_evidence: Field,
    /// Multi-valued: every category hit in the sentence, once each.
    pub category: Field,
    /// Multi-valued: `category/term` of every entry hit, once each.
    pub entry: Field,
    /// The document's metadata columns as a JSON object (`meta.journal:国际问题研究`).
    pub meta: Field,
    /// blake3 of the source file, on the first row of each document only: only a fast field,
    /// read back by `indexed_docs` for incremental reruns. Never searched or shown, so neither indexed nor stored: as a term and a stored
    /// value it cost every sentence row 64 bytes twice more and a term dictionary entry per
    /// document.
    pub doc_hash: Field,
    /// The sentence, indexed from its annotation tokens (positions = token ordinals), stored in
    /// its pre-cut form (`tokenizer::encode_cut`), which gives back the text and the very tokens
    /// that were indexed, for highlights.
    pub text: Field,
    /// Recall field, not stored: jieba's search-mode sub-words of each token (威慑 inside
    /// 延伸威慑, `Segmenter::sub_words`), each at the position of the token it lies in. Queried only when a user writes
    /// `sub:威慑`.
    pub sub: Field,
}

/// Exact-match string: indexed as one term, stored.
fn exact() -> TextOptions {
    STRING | STORED
}

/// Segmented text: the jieba tokenizer, positions for phrase queries, stored.
fn segmented() -> TextOptions {
    TextOptions::default()
        .set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(TOKENIZER)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        )
        .set_stored()
}

/// Builds the schema and the handles of its fields.
pub fn build() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let fields = Fields {
        doc: builder.add_text_field(name::DOC, exact() | FAST),
        title: builder.add_text_field(name::TITLE, segmented()),
        date: builder.add_text_field(name::DATE, exact()),
        zone: builder.add_text_field(name::ZONE, exact()),
        section: builder.add_text_field(name::SECTION, segmented()),
        paragraph: builder.add_u64_field(name::PARAGRAPH, INDEXED | STORED),
        sentence_id: builder.add_u64_field(name::SENTENCE_ID, INDEXED | STORED | FAST),
        period: builder.add_text_field(name::PERIOD, exact() | FAST),
        period_source: builder.add_text_field(name::PERIOD_SOURCE, exact()),
        period_evidence: builder.add_text_field(name::PERIOD_EVIDENCE, STORED),
        category: builder.add_text_field(name::CATEGORY, exact()),
        entry: builder.add_text_field(name::ENTRY, exact()),
        meta: builder.add_json_field(
            name::META,
            JsonObjectOptions::default()
                .set_stored()
                .set_indexing_options(
                    TextFieldIndexing::default()
                        .set_tokenizer("raw")
                        .set_index_option(IndexRecordOption::Basic),
                ),
        ),
        doc_hash: builder.add_text_field(name::DOC_HASH, FAST),
        // Fed pre-cut values at index time, which the tokenizer replays; a query it cuts
        // exactly as the annotation cut the sentence.
        text: builder.add_text_field(name::TEXT, segmented()),
        sub: builder.add_text_field(
            name::SUB,
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(SUB_TOKENIZER)
                    .set_index_option(IndexRecordOption::WithFreqsAndPositions),
            ),
        ),
    };
    (builder.build(), fields)
}

/// The handles of a schema read back from disk, `None` when a field is missing.
pub fn fields_of(schema: &Schema) -> Option<Fields> {
    let f = |n: &str| schema.get_field(n).ok();
    Some(Fields {
        doc: f(name::DOC)?,
        title: f(name::TITLE)?,
        date: f(name::DATE)?,
        zone: f(name::ZONE)?,
        section: f(name::SECTION)?,
        paragraph: f(name::PARAGRAPH)?,
        sentence_id: f(name::SENTENCE_ID)?,
        period: f(name::PERIOD)?,
        period_source: f(name::PERIOD_SOURCE)?,
        period_evidence: f(name::PERIOD_EVIDENCE)?,
        category: f(name::CATEGORY)?,
        entry: f(name::ENTRY)?,
        meta: f(name::META)?,
        doc_hash: f(name::DOC_HASH)?,
        text: f(name::TEXT)?,
        sub: f(name::SUB)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_read_back_from_the_schema_they_were_built_with() {
        let (schema, fields) = build();
        let back = fields_of(&schema).expect("every field present");
        assert_eq!(back.text, fields.text);
        assert_eq!(back.doc_hash, fields.doc_hash);
        assert_eq!(schema.get_field_name(fields.entry), name::ENTRY);
        let entry = schema.get_field_entry(fields.text);
        assert!(entry.is_indexed() && entry.is_stored());
        assert!(schema.get_field_entry(fields.period).is_fast());
        let hash = schema.get_field_entry(fields.doc_hash);
        assert!(hash.is_fast() && !hash.is_indexed() && !hash.is_stored());
    }

    #[test]
    fn a_schema_without_the_text_field_is_not_ours() {
        let mut builder = Schema::builder();
        builder.add_text_field("body", STRING);
        assert!(fields_of(&builder.build()).is_none());
    }
}
