//! The codebook: ONE table of every CSV the exports write (file, columns, type, unit, meaning),
//! built from the lexicons (the per-category columns of `passages.csv`) and the extra metadata
//! columns. The writers take their headers from it and `codebook.md` is rendered from it, so the
//! documentation and the files cannot drift apart.

use std::fmt::Write as _;

use crate::lexicon::LexiconSet;

/// The type of a column as a statistics package should read it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColumnKind {
    /// Free text; the only kind `--excel` guards against formula injection.
    Text,
    /// A non-negative whole number.
    Integer,
    /// A decimal number with fixed decimals (or scientific notation for p-values).
    Decimal,
    /// `true` or `false`.
    Boolean,
    /// An ISO 8601 date `YYYY-MM-DD`, or as precise as known (`YYYY`, `YYYY-MM`); empty if unknown.
    Date,
}

impl ColumnKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ColumnKind::Text => "text",
            ColumnKind::Integer => "integer",
            ColumnKind::Decimal => "decimal",
            ColumnKind::Boolean => "boolean",
            ColumnKind::Date => "date",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Column {
    pub name: String,
    pub kind: ColumnKind,
    /// Unit of a number (`tokens`, `hits per 10,000 tokens`), empty when it has none.
    pub unit: String,
    pub meaning: String,
}

/// One CSV file and its columns, in order.
#[derive(Clone, Debug, PartialEq)]
pub struct CsvTable {
    pub file: &'static str,
    /// One row per ...
    pub rows: &'static str,
    pub columns: Vec<Column>,
}

impl CsvTable {
    pub fn header(&self) -> Vec<&str> {
        self.columns.iter().map(|c| c.name.as_str()).collect()
    }
}

pub const PASSAGES: &str = "passages.csv";
pub const HITS: &str = "hits.csv";
pub const PERIOD_FREQUENCIES: &str = "period_frequencies.csv";
pub const PERIOD_CATEGORIES: &str = "period_categories.csv";
pub const DOC_PERIOD_FREQUENCIES: &str = "doc_period_frequencies.csv";
pub const KEYNESS: &str = "keyness.csv";
pub const CODEBOOK: &str = "codebook.md";
pub const VALIDATION: &str = "validation.csv";

fn col(
    name: impl Into<String>,
    kind: ColumnKind,
    unit: &str,
    meaning: impl Into<String>,
) -> Column {
    Column {
        name: name.into(),
        kind,
        unit: unit.to_string(),
        meaning: meaning.into(),
    }
}

use ColumnKind::{Boolean, Date, Decimal, Integer, Text};

fn period_columns() -> Vec<Column> {
    vec![
        col(
            "period",
            Text,
            "",
            "Period id from the period scheme (scheme order), or `unattributed`.",
        ),
        col(
            "period_start",
            Date,
            "",
            "First day of the period; empty for an open start and for `unattributed`.",
        ),
        col(
            "period_end",
            Date,
            "",
            "Last day of the period; empty for an open end and for `unattributed`.",
        ),
    ]
}

fn hit_count_columns(scope: &str) -> Vec<Column> {
    vec![
        col(
            "hits",
            Integer,
            "hits",
            format!("Lexicon hits of {scope}, whatever their modifier."),
        ),
        col(
            "hits_plain",
            Integer,
            "hits",
            format!("Hits of {scope} with no negator or diminisher in scope."),
        ),
        col(
            "hits_negated",
            Integer,
            "hits",
            format!("Hits of {scope} governed by a negator (不, 未, 并未 ...)."),
        ),
        col(
            "hits_diminished",
            Integer,
            "hits",
            format!("Hits of {scope} governed by a diminisher (削弱, 动摇, 怀疑 ...)."),
        ),
        col(
            "sentences_with_hit",
            Integer,
            "sentences",
            format!("Counted sentences with at least one hit of {scope} (any modifier)."),
        ),
    ]
}

fn denominator_columns() -> Vec<Column> {
    vec![
        col(
            "tokens",
            Integer,
            "tokens",
            "Word tokens (jieba accurate mode; a word token has a letter or a CJK character, so punctuation and digit-only tokens are not counted) of the counted text of the period (a clause that speaks of another period counts there): the denominator of every rate.",
        ),
        col(
            "sentences",
            Integer,
            "sentences",
            "Counted sentences of the period.",
        ),
        col(
            "docs",
            Integer,
            "documents",
            "Documents with at least one counted sentence in the period.",
        ),
    ]
}

fn rate_column() -> Column {
    col(
        "rate_per_10k",
        Decimal,
        "hits per 10,000 tokens",
        "`hits_plain * 10000 / tokens`, 4 decimals; 0 when `tokens` is 0.",
    )
}

fn entry_columns() -> Vec<Column> {
    vec![
        col(
            "category",
            Text,
            "",
            "Lexicon category id (the category file's name).",
        ),
        col(
            "subcategory",
            Text,
            "",
            "Subcategory id within the category.",
        ),
        col(
            "entry",
            Text,
            "",
            "The lexicon entry's canonical term (variants count for it).",
        ),
    ]
}

/// Every CSV the exporter writes, with its columns, for these lexicons and extra metadata columns.
pub fn tables(lexicons: &LexiconSet, extra_columns: &[String]) -> Vec<CsvTable> {
    vec![
        passages(lexicons, extra_columns),
        hits(),
        period_frequencies(),
        period_categories(),
        doc_period_frequencies(),
        keyness(),
    ]
}

pub fn passages(lexicons: &LexiconSet, extra_columns: &[String]) -> CsvTable {
    let mut columns = vec![
        col("doc", Text, "", "Document id (`metadata.csv` `id`)."),
        col(
            "sentence_id",
            Integer,
            "",
            "Sentence number within the document, from 0, in reading order.",
        ),
        col(
            "zone",
            Text,
            "",
            "title, front, heading, body, note, reference or back.",
        ),
        col(
            "section",
            Text,
            "",
            "Heading path, outermost first, joined with ` > `; empty outside any section.",
        ),
        col(
            "paragraph",
            Integer,
            "",
            "Paragraph number within the document.",
        ),
        col(
            "text",
            Text,
            "",
            "Clean sentence text: no markup, no note anchors.",
        ),
        col(
            "note_refs",
            Text,
            "",
            "Ids of the notes the sentence cites, `;`-joined; empty when none.",
        ),
        col(
            "tokens",
            Integer,
            "tokens",
            "Word tokens of the sentence (jieba accurate mode; punctuation, whitespace and digit-only tokens are not counted): the unit of every rate.",
        ),
        col(
            "tokens_all",
            Integer,
            "tokens",
            "Every token of the sentence, punctuation and digits included (what the index holds).",
        ),
    ];
    for cat in &lexicons.categories {
        let c = &cat.name;
        columns.extend([
            col(
                format!("n_{c}"),
                Integer,
                "hits",
                format!("Hits of category `{c}` in the sentence, whatever their modifier."),
            ),
            col(
                format!("n_{c}_plain"),
                Integer,
                "hits",
                format!("Hits of `{c}` with no negator or diminisher in scope."),
            ),
            col(
                format!("n_{c}_negated"),
                Integer,
                "hits",
                format!("Hits of `{c}` governed by a negator."),
            ),
            col(
                format!("n_{c}_diminished"),
                Integer,
                "hits",
                format!("Hits of `{c}` governed by a diminisher."),
            ),
        ]);
    }
    columns.extend([
        col(
            "period",
            Text,
            "",
            "Period the sentence speaks of (period id or `unattributed`).",
        ),
        col(
            "period_source",
            Text,
            "",
            "Where the period came from: sentence, paragraph, heading, citation, document, manual or none.",
        ),
        col(
            "period_evidence",
            Text,
            "",
            "The marker text that decided the period; empty when none.",
        ),
        col(
            "periods_mentioned",
            Text,
            "",
            "Every period the sentence itself names, `;`-joined in scheme order.",
        ),
        col("title", Text, "", "Document title."),
        col("authors", Text, "", "Document authors, `;`-joined."),
        col(
            "journal",
            Text,
            "",
            "Journal of the document; empty if unknown.",
        ),
        col(
            "date",
            Date,
            "",
            "Publication date, as precise as known (YYYY, YYYY-MM or YYYY-MM-DD); empty if unknown.",
        ),
    ]);
    for extra in extra_columns {
        columns.push(col(
            extra.clone(),
            Text,
            "",
            "Extra metadata column carried over from `metadata.csv`.",
        ));
    }
    CsvTable {
        file: PASSAGES,
        rows: "sentence of every zone, in document then sentence order",
        columns,
    }
}

pub fn hits() -> CsvTable {
    let mut columns = vec![
        col("doc", Text, "", "Document id."),
        col(
            "sentence_id",
            Integer,
            "",
            "Sentence number within the document (joins `passages.csv`).",
        ),
        col("zone", Text, "", "Zone of the sentence."),
        col(
            "period",
            Text,
            "",
            "Period of the hit: that of the clause it stands in (a sentence whose clauses speak of different times, `…；然而…`, gives each clause its own), else the sentence's.",
        ),
        col(
            "period_source",
            Text,
            "",
            "Where the hit's period came from (as `passages.csv` `period_source`).",
        ),
        col(
            "period_evidence",
            Text,
            "",
            "The marker, date or rule that decided the hit's period.",
        ),
    ];
    columns.extend(entry_columns());
    columns.extend([
        col(
            "matched",
            Text,
            "",
            "The text that matched, as it stands in the sentence.",
        ),
        col(
            "modifier",
            Text,
            "",
            "`negated`, `diminished`, or empty for a plain hit.",
        ),
        col(
            "modifier_word",
            Text,
            "",
            "The negator or diminisher as it stands in the sentence; empty for a plain hit.",
        ),
        col(
            "char_start",
            Integer,
            "characters",
            "Offset of the match in the sentence text, in characters from 0.",
        ),
        col(
            "char_end",
            Integer,
            "characters",
            "End of the match (exclusive), in characters.",
        ),
        col(
            "left",
            Text,
            "",
            "Up to 20 grapheme clusters of the same sentence before the match.",
        ),
        col(
            "right",
            Text,
            "",
            "Up to 20 grapheme clusters of the same sentence after the match.",
        ),
        col(
            "counted",
            Boolean,
            "",
            "true if the sentence's zone is among the counted zones (`--zones`), i.e. the hit is in the frequency files.",
        ),
    ]);
    CsvTable {
        file: HITS,
        rows: "lexicon hit in any zone, in document, sentence and offset order",
        columns,
    }
}

pub fn period_frequencies() -> CsvTable {
    let mut columns = period_columns();
    columns.extend(entry_columns());
    columns.extend(hit_count_columns("this entry in the period"));
    columns.push(col(
        "docs_with_hit",
        Integer,
        "documents",
        "Documents with at least one hit of this entry in the period.",
    ));
    columns.extend(denominator_columns());
    columns.push(rate_column());
    CsvTable {
        file: PERIOD_FREQUENCIES,
        rows: "period × entry (every period, every entry, zeros included); counted zones only",
        columns,
    }
}

pub fn period_categories() -> CsvTable {
    let mut columns = period_columns();
    columns.push(col("category", Text, "", "Lexicon category id."));
    columns.extend(hit_count_columns("the category in the period"));
    columns.push(col(
        "docs_with_hit",
        Integer,
        "documents",
        "Documents with at least one hit of the category in the period.",
    ));
    columns.extend(denominator_columns());
    columns.extend([
        rate_column(),
        col(
            "rate_ci_low",
            Decimal,
            "hits per 10,000 tokens",
            "Lower end of the 95% interval of `rate_per_10k` (2.5% quantile of the cluster bootstrap; see Methods).",
        ),
        col(
            "rate_ci_high",
            Decimal,
            "hits per 10,000 tokens",
            "Upper end of the 95% interval of `rate_per_10k` (97.5% quantile).",
        ),
        col(
            "ci_method",
            Text,
            "",
            "`cluster_bootstrap`; `single_document` or `no_documents` when the period has 1 or 0 documents and the interval is the point rate; `not_computed` with 0 replicates.",
        ),
        col(
            "bootstrap_reps",
            Integer,
            "replicates",
            "Bootstrap replicates drawn for the interval.",
        ),
        col(
            "share_sentences_with_hit",
            Decimal,
            "proportion",
            "`sentences_with_hit / sentences`, 4 decimals; 0 when the period has no sentences.",
        ),
    ]);
    CsvTable {
        file: PERIOD_CATEGORIES,
        rows: "period × category; counted zones only",
        columns,
    }
}

pub fn doc_period_frequencies() -> CsvTable {
    let mut columns = vec![col("doc", Text, "", "Document id.")];
    columns.push(col("period", Text, "", "Period id or `unattributed`."));
    columns.push(col("category", Text, "", "Lexicon category id."));
    columns.extend(hit_count_columns(
        "the category in this document and period",
    ));
    columns.extend([
        col(
            "tokens",
            Integer,
            "tokens",
            "Word tokens of the document's counted sentences in the period.",
        ),
        col(
            "sentences",
            Integer,
            "sentences",
            "The document's counted sentences in the period.",
        ),
        rate_column(),
    ]);
    CsvTable {
        file: DOC_PERIOD_FREQUENCIES,
        rows: "document × period × category, for each period in which the document has counted sentences",
        columns,
    }
}

pub fn keyness() -> CsvTable {
    let mut columns = vec![
        col(
            "period_1",
            Text,
            "",
            "The earlier period of the pair (scheme order).",
        ),
        col("period_2", Text, "", "The later period of the pair."),
    ];
    columns.extend(entry_columns());
    columns.extend([
        col(
            "hits_plain_1",
            Integer,
            "hits",
            "Plain hits of the entry in period_1 (counted zones).",
        ),
        col("tokens_1", Integer, "tokens", "Tokens of period_1."),
        col(
            "hits_plain_2",
            Integer,
            "hits",
            "Plain hits of the entry in period_2.",
        ),
        col("tokens_2", Integer, "tokens", "Tokens of period_2."),
        col(
            "rate_per_10k_1",
            Decimal,
            "hits per 10,000 tokens",
            "Rate in period_1, 4 decimals.",
        ),
        col(
            "rate_per_10k_2",
            Decimal,
            "hits per 10,000 tokens",
            "Rate in period_2, 4 decimals.",
        ),
        col(
            "g2",
            Decimal,
            "",
            "Dunning's log-likelihood G² (Rayson's two-cell form), 4 decimals; 0 when either period has no tokens.",
        ),
        col(
            "p_value",
            Decimal,
            "",
            "Chi-square (1 df) upper-tail p of `g2`, in scientific notation; not corrected for multiple comparisons.",
        ),
        col(
            "log_ratio",
            Decimal,
            "log2 of a ratio",
            "Hardie's log ratio log2((hits_plain_1/tokens_1)/(hits_plain_2/tokens_2)), zero counts taken as 0.5; 0 when both counts are 0; 4 decimals.",
        ),
        col(
            "overused_in",
            Text,
            "",
            "The period with the higher relative frequency, or `none` when they are equal.",
        ),
    ]);
    CsvTable {
        file: KEYNESS,
        rows: "pair of scheme periods (i < j, `unattributed` excluded) × entry",
        columns,
    }
}

/// `validation.csv`, written by `mine validate score` (not by the exports, but documented with
/// them so that a researcher finds every file of the folder here).
pub fn validation() -> CsvTable {
    CsvTable {
        file: VALIDATION,
        rows: "group of sentences × variable × metric",
        columns: vec![
            col(
                "by",
                Text,
                "",
                "`all`, or the metadata column scored by (`mine validate score --by`).",
            ),
            col("group", Text, "", "`all`, or the column's value."),
            col(
                "variable",
                Text,
                "",
                "`period`; `period_document_date` (the baseline: each sentence's period from its document's date); a category C (the sentence has a hit of C); `C_weakened` (every hit of C is negated or diminished, on sentences coded C = 1).",
            ),
            col(
                "metric",
                Text,
                "",
                "`precision`, `recall`, `f1`, `accuracy` (against the gold codes, weighted by the sampling weight), `alpha` (Krippendorff's α, nominal, between coders) or `agreement` (share of agreeing coder pairs).",
            ),
            col(
                "value",
                Decimal,
                "proportion",
                "The figure, 4 decimals; empty when undefined (no sentence in its denominator).",
            ),
            col(
                "ci_low",
                Decimal,
                "proportion",
                "Lower end of the 95% interval: Wilson with Kish's effective n for proportions, a bootstrap over sentences for F1 and α; empty when undefined.",
            ),
            col(
                "ci_high",
                Decimal,
                "proportion",
                "Upper end of the 95% interval.",
            ),
            col(
                "n",
                Integer,
                "sentences",
                "Sentences behind the figure: the denominator (tool positives for precision, coded positives for recall, scored sentences for F1 and accuracy, sentences coded by at least two coders for α and agreement).",
            ),
        ],
    }
}

/// `codebook.md`: the methods, every column of every table, and the lexicon categories.
pub fn render_markdown(
    tables: &[CsvTable],
    lexicons: &LexiconSet,
    counted_zones: &[String],
    bootstrap_reps: usize,
    seed: u64,
    excel: bool,
) -> String {
    let mut md = String::new();
    let zones = counted_zones.join(", ");
    // Writing into a String cannot fail.
    let _ = writeln!(md, "# Codebook of the `mine` exports\n");
    let _ = writeln!(
        md,
        "Generated by `mine` {} from the same table the writers take their headers from.\n",
        env!("CARGO_PKG_VERSION")
    );
    let _ = writeln!(md, "## Conventions\n");
    let _ = writeln!(
        md,
        "- UTF-8{}, RFC 4180 (CRLF line ends, fields quoted when needed), one header row, \
         snake_case names, long (tidy) format, no index column.\n\
         - NA-free: counts are 0 when there is nothing to count; an unknown date is an empty cell.\n\
         - Counted zones (frequency files): **{zones}**. `passages.csv` and `hits.csv` hold every \
         zone; `hits.csv` says in `counted` whether a hit is in the frequency files.\n\
         - Rates count *plain* hits (no negator or diminisher in scope): a negated or weakened \
         assurance is evidence against assurance, not for it. The modified hits have their own \
         columns.\n\
         - Every count in the frequency files can be recomputed from `hits.csv` rows with \
         `counted = true` and `passages.csv` rows of the counted zones.{}\n",
        if excel { " with a byte-order mark" } else { "" },
        if excel {
            "\n- Written with `--excel`: text cells that begin with `=`, `+`, `-`, `@`, a tab or a \
             carriage return are prefixed with `'` so that spreadsheets do not run them as \
             formulas. Number columns are never changed."
        } else {
            ""
        }
    );
    let _ = writeln!(md, "## Methods\n");
    let _ = writeln!(
        md,
        "- **Rate**: `hits_plain * 10000 / tokens` (hits per 10,000 tokens), 4 decimals.\n\
         - **Interval of a rate** (`period_categories.csv`): cluster bootstrap over documents. \
         For each period, {bootstrap_reps} replicates each draw as many documents as the period \
         has, with replacement, from the documents with counted sentences in that period; a \
         replicate's rate is the sum of their plain hits per 10,000 of their tokens. The 95% \
         interval is the 2.5% and 97.5% quantiles of the replicates (linear interpolation, R's \
         `type = 7`). The generator is ChaCha8 seeded with {seed} (`--seed`), with stream number \
         = the period's position, and one draw of documents serves every category of the \
         period, so the output is reproducible byte for byte. Resampling whole documents keeps \
         the clustering of hits within a paper honest. With one document the interval is that \
         document's rate (`ci_method = single_document`); with none, 0 (`no_documents`).\n\
         - **Keyness** (`keyness.csv`): for each pair of scheme periods and each entry, plain \
         hits compared with Dunning's log-likelihood G² in Rayson's two-cell form: \
         `E1 = N1 (a + b) / (N1 + N2)`, `E2 = N2 (a + b) / (N1 + N2)`, \
         `G² = 2 (a ln(a/E1) + b ln(b/E2))` with `0 ln 0 = 0`; p-value from chi-square with 1 \
         df, `erfc(sqrt(G²/2))`; effect size Hardie's log ratio, `log2((a/N1)/(b/N2))` with a \
         zero count replaced by 0.5. G² and p are uncorrected for multiple comparisons.\n"
    );
    for table in tables {
        let _ = writeln!(md, "## `{}`\n", table.file);
        let _ = writeln!(md, "One row per {}.\n", table.rows);
        let _ = writeln!(md, "| column | type | unit | meaning |");
        let _ = writeln!(md, "|---|---|---|---|");
        for c in &table.columns {
            let _ = writeln!(
                md,
                "| `{}` | {} | {} | {} |",
                c.name,
                c.kind.as_str(),
                c.unit,
                c.meaning.replace('|', "\\|")
            );
        }
        let _ = writeln!(md);
    }
    let _ = writeln!(md, "## Lexicon categories\n");
    for cat in &lexicons.categories {
        let _ = writeln!(md, "### `{}`\n", cat.name);
        if !cat.description.is_empty() {
            let _ = writeln!(md, "{}\n", cat.description.trim());
        }
        let _ = writeln!(md, "| subcategory | entries |");
        let _ = writeln!(md, "|---|---|");
        for (i, sub) in cat.subcategories.iter().enumerate() {
            let terms: Vec<&str> = cat
                .entries
                .iter()
                .filter(|e| e.subcategory == i)
                .map(|e| e.term.as_str())
                .collect();
            let _ = writeln!(md, "| `{sub}` | {} |", terms.join("、"));
        }
        let _ = writeln!(md);
    }
    md
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexicon::{Category, ModifierRule};

    #[test]
    fn passages_gain_four_columns_per_category_and_the_extras_last() {
        let lex = LexiconSet::new(
            vec![Category {
                name: "threat_narrative".into(),
                ..Category::default()
            }],
            ModifierRule::default(),
        );
        let t = passages(&lex, &["region".to_string()]);
        let h = t.header();
        let at = h.iter().position(|c| *c == "n_threat_narrative").unwrap();
        assert_eq!(
            &h[at..at + 4],
            [
                "n_threat_narrative",
                "n_threat_narrative_plain",
                "n_threat_narrative_negated",
                "n_threat_narrative_diminished"
            ]
        );
        assert_eq!(h.last(), Some(&"region"));
    }

    #[test]
    fn column_names_are_unique_snake_case_in_every_table() {
        let lex = LexiconSet::new(
            vec![Category {
                name: "assurance_commitment".into(),
                ..Category::default()
            }],
            ModifierRule::default(),
        );
        for t in tables(&lex, &[]) {
            let h = t.header();
            let mut sorted = h.clone();
            sorted.sort();
            sorted.dedup();
            assert_eq!(sorted.len(), h.len(), "duplicate column in {}", t.file);
            for name in h {
                assert!(
                    name.chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
                    "{name} in {}",
                    t.file
                );
            }
        }
    }
}
