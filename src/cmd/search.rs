//! `mine search QUERY`: full-text search over the sentences of `<out>/index`, printed as a ranked
//! keyword-in-context table (colour on a terminal only), JSON Lines or CSV, or as counts per
//! period. Exit status 0 with results, 1 with none; an error (a bad query, no index) is returned.

use std::collections::BTreeMap;
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::Serialize;
use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

use super::Exit;
use mine::annotate::Pipeline;
use mine::index::{Kwic, SearchHit, SearchRequest, SentenceIndex};
use mine::lexicon::LexiconFiles;
use mine::model::{UNATTRIBUTED, Zone};
use mine::segment::Segmenter;

pub const EXAMPLES: &str = "\
Query language (tantivy's, over the jieba-segmented sentence text):
  延伸威慑                  a word; if jieba cuts it into several tokens it must match as that word
  威慑                      also inside longer words (延伸威慑), whole-word matches ranked first;
                            --whole-word for whole words only
  美国 延伸威慑             both words anywhere in the sentence (words are joined by AND)
  \"安全 承诺\"               a phrase: 安全 directly followed by 承诺, or the word 安全承诺
  威胁 OR 挑战              any of these words
  威胁 AND NOT 朝鲜         exclusion (also: 威胁 -朝鲜); parentheses group
  同盟承诺                  a lexicon form also finds its entry's other forms (联盟承诺)
  fields: period:biden  category:threat_narrative  entry:\"threat_narrative/威胁\"
          zone:note  doc:ID  title:同盟  section:拜登  meta.COLUMN:VALUE  sub:威慑
  *                         every sentence (with filters)

Examples:
  mine search 延伸威慑 --period biden
  mine search '威胁 OR 挑战' --format csv > threats.csv
  mine search '\"安全 承诺\"' --zone body --limit 5 --offset 5
  mine search 威慑 --whole-word
  mine search '*' --category assurance_commitment --count
  mine search 承诺 --format json | head";

/// Width of the context printed on each side of a match in the table and in `kwic`.
const CONTEXT_COLUMNS: usize = 30;
/// Widest title or section shown in the table before it is cut with an ellipsis.
const LABEL_COLUMNS: usize = 36;

#[derive(Debug, clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    /// The query (several arguments are joined with spaces). Quote phrases and operators for the
    /// shell: '"安全 承诺"', '威胁 OR 挑战'.
    #[arg(required = true, num_args = 1..)]
    pub query: Vec<String>,
    /// The output folder `mine index` wrote (the index is `<OUT>/index`).
    #[arg(long, default_value = "output")]
    pub out: PathBuf,
    /// Only sentences attributed to this period (`obama`, `trump1`, `biden`, `trump2`, `earlier`,
    /// `unattributed`).
    #[arg(long)]
    pub period: Option<String>,
    /// Only sentences with a hit of this lexicon category (`threat_narrative`, ...).
    #[arg(long)]
    pub category: Option<String>,
    /// Only sentences of this document id.
    #[arg(long)]
    pub doc: Option<String>,
    /// Only sentences of this zone (title, front, heading, body, note, reference, back).
    #[arg(long)]
    pub zone: Option<Zone>,
    /// How many results to print [default: 20 in a table, every match in csv and json; 0 for
    /// every match].
    #[arg(long)]
    pub limit: Option<usize>,
    /// How many ranked results to skip first (for paging).
    #[arg(long, default_value_t = 0)]
    pub offset: usize,
    /// Output format: an aligned table, JSON Lines or CSV with a header.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Print only the number of matching sentences per period.
    #[arg(long)]
    pub count: bool,
    /// Match whole words only: 威慑 then does not find 延伸威慑, and a lexicon form does not find
    /// its entry's other forms.
    #[arg(long)]
    pub whole_word: bool,
    /// The lexicon folder the index was built with, read only for an index made by an older
    /// mine: an index records the dictionary its sentences were cut with, and queries are cut
    /// with that [default: $MINE_LEXICONS, else ./lexicons if it exists, else the built-in set].
    #[arg(long)]
    pub lexicons: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Json,
    Csv,
}

/// One result as scripts see it: the names of `passages.csv`, plus `score` and `kwic`.
#[derive(Debug, Serialize)]
struct ResultRow<'a> {
    doc: &'a str,
    sentence_id: u32,
    zone: &'a str,
    section: &'a str,
    paragraph: u32,
    period: &'a str,
    title: &'a str,
    date: &'a str,
    text: &'a str,
    score: f64,
    kwic: String,
    whole_word: bool,
}

#[derive(Debug, Serialize)]
struct CountRow<'a> {
    period: &'a str,
    count: usize,
}

pub fn run(args: Args) -> anyhow::Result<Exit> {
    let dir = args.out.join("index");
    // Queries are cut with the segmenter the index records; an index from an older mine records
    // none, and the lexicon folder stands in for it.
    let (index, recorded_periods) = match SentenceIndex::open_recorded(&dir)? {
        // A writer that was not told the periods (a library user's) records none.
        Some((index, record)) => (index, Some(record.periods).filter(|p| !p.is_empty())),
        None => (
            SentenceIndex::open(&dir, query_segmenter(args.lexicons.as_deref())?)?,
            None,
        ),
    };
    let request = SearchRequest {
        query: args.query.join(" "),
        period: args.period.clone(),
        category: args.category.clone(),
        doc: args.doc.clone(),
        zone: args.zone,
        limit: match (args.limit, args.format) {
            (Some(0), _) | (None, Format::Json | Format::Csv) => usize::MAX,
            (Some(n), _) => n,
            (None, Format::Table) => TABLE_LIMIT,
        },
        offset: args.offset,
        whole_word: args.whole_word,
    };
    let mut out = io::stdout().lock();
    if args.count {
        let counts = index.count_by_period(&request)?;
        let scheme = match recorded_periods {
            Some(periods) => periods,
            None => scheme_periods(args.lexicons.as_deref())?,
        };
        let order = period_order(scheme, &counts);
        print_counts(&mut out, args.format, &order, &counts)?;
        return Ok(if counts.is_empty() {
            Exit::NoMatch
        } else {
            Exit::Success
        });
    }
    let results = index.search(&request)?;
    match args.format {
        Format::Table => {
            let colour = io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            print_entries(&mut out, &results.entries, args.whole_word)?;
            print_table(&mut out, &results.hits, results.total, args.offset, colour)?;
        }
        Format::Json => {
            for hit in &results.hits {
                writeln!(out, "{}", serde_json::to_string(&row_of(hit))?)?;
            }
        }
        Format::Csv => {
            let mut csv = csv::Writer::from_writer(&mut out);
            if results.hits.is_empty() {
                csv.write_record(RESULT_HEADER).map_err(csv_error)?;
            }
            for hit in &results.hits {
                csv.serialize(row_of(hit)).map_err(csv_error)?;
            }
            csv.flush()?;
        }
    }
    out.flush()?;
    Ok(if results.total == 0 {
        Exit::NoMatch
    } else {
        Exit::Success
    })
}

/// The segmenter a query is cut with, for an index that does not record its own: the one the
/// lexicons `--lexicons` (or the default choice) give.
pub fn query_segmenter(lexicon_dir: Option<&Path>) -> anyhow::Result<Segmenter> {
    // The query must be cut with the dictionary the index was built with, or a lexicon term
    // could be split differently on the two sides and never match.
    let pipeline = Pipeline::from_lexicons(
        LexiconFiles::resolve(lexicon_dir)?,
        None,
        mine::model::Fallback::None,
    )
    .context("cannot load the lexicons this index was built with (pass --lexicons DIR)")?;
    Ok(pipeline.segmenter)
}

/// Results a table shows unless `--limit` says otherwise.
const TABLE_LIMIT: usize = 20;

/// Says which lexicon entries the query was widened with, and how to search one alone.
fn print_entries(
    out: &mut impl Write,
    entries: &[mine::index::RecordedEntry],
    whole_word: bool,
) -> io::Result<()> {
    if whole_word {
        return Ok(());
    }
    for entry in entries {
        let others: Vec<&str> = entry.forms.iter().skip(1).map(String::as_str).collect();
        if others.is_empty() {
            continue;
        }
        writeln!(
            out,
            "lexicon entry {} (forms {}, {}): sentences with any of its forms are found; \
             --whole-word for the word as typed",
            entry.key,
            entry.forms[0],
            others.join(", ")
        )?;
    }
    Ok(())
}

const RESULT_HEADER: [&str; 12] = [
    "doc",
    "sentence_id",
    "zone",
    "section",
    "paragraph",
    "period",
    "title",
    "date",
    "text",
    "score",
    "kwic",
    "whole_word",
];

fn row_of(hit: &SearchHit) -> ResultRow<'_> {
    ResultRow {
        doc: &hit.doc,
        sentence_id: hit.sentence_id,
        zone: &hit.zone,
        section: &hit.section,
        paragraph: hit.paragraph,
        period: &hit.period,
        title: &hit.title,
        date: &hit.date,
        text: &hit.text,
        // Four decimals: enough to rank by, and stable in a diff.
        score: (f64::from(hit.score) * 1e4).round() / 1e4,
        kwic: Kwic::new(&hit.text, &hit.highlights, CONTEXT_COLUMNS, CONTEXT_COLUMNS)
            .render("【", "】"),
        whole_word: hit.whole_word,
    }
}

/// Keeps an io error (a closed pipe) an io error, so that `main` can end quietly on it.
fn csv_error(err: csv::Error) -> anyhow::Error {
    match err.into_kind() {
        csv::ErrorKind::Io(io) => io.into(),
        other => anyhow::anyhow!("cannot write CSV: {other:?}"),
    }
}

/// The period ids of the lexicons' `periods.toml`, for an index that records none.
fn scheme_periods(lexicon_dir: Option<&Path>) -> anyhow::Result<Vec<String>> {
    let pipeline = Pipeline::from_lexicons(
        LexiconFiles::resolve(lexicon_dir)?,
        None,
        mine::model::Fallback::None,
    )?;
    Ok(pipeline
        .periods
        .ids()
        .into_iter()
        .map(str::to_string)
        .collect())
}

/// Periods in scheme order, then any other period the index holds, then `unattributed`.
fn period_order(mut order: Vec<String>, counts: &BTreeMap<String, usize>) -> Vec<String> {
    let others: Vec<String> = counts
        .keys()
        .filter(|p| !order.contains(p) && p.as_str() != UNATTRIBUTED)
        .cloned()
        .collect();
    order.extend(others);
    order.push(UNATTRIBUTED.to_string());
    order
}

fn print_counts(
    out: &mut impl Write,
    format: Format,
    order: &[String],
    counts: &BTreeMap<String, usize>,
) -> anyhow::Result<()> {
    let rows: Vec<CountRow> = order
        .iter()
        .map(|p| CountRow {
            period: p,
            count: counts.get(p).copied().unwrap_or(0),
        })
        .collect();
    match format {
        Format::Table => {
            let width = rows.iter().map(|r| r.period.width()).max().unwrap_or(0);
            for row in &rows {
                writeln!(out, "{}  {:>7}", pad(row.period, width), row.count)?;
            }
            let total: usize = rows.iter().map(|r| r.count).sum();
            writeln!(out, "{}  {:>7}", pad("total", width), total)?;
        }
        Format::Json => {
            for row in &rows {
                writeln!(out, "{}", serde_json::to_string(row)?)?;
            }
        }
        Format::Csv => {
            let mut csv = csv::Writer::from_writer(out);
            for row in &rows {
                csv.serialize(row).map_err(csv_error)?;
            }
            csv.flush()?;
        }
    }
    Ok(())
}

/// Two lines per result: rank, document, date, period, sentence id, title and section in
/// columns aligned by display width, then the keyword in context with the matches of all rows in
/// one column.
fn print_table(
    out: &mut impl Write,
    hits: &[SearchHit],
    total: usize,
    offset: usize,
    colour: bool,
) -> anyhow::Result<()> {
    if hits.is_empty() {
        writeln!(out, "{total} matching sentences")?;
        return Ok(());
    }
    let shown_to = offset + hits.len();
    if shown_to < total {
        writeln!(
            out,
            "{total} matching sentences, {}–{shown_to} shown; {} more (--offset {shown_to}, or \
             --limit 0 for all)",
            offset + 1,
            total - shown_to
        )?;
    } else {
        writeln!(
            out,
            "{total} matching sentences, {}–{shown_to} shown",
            offset + 1
        )?;
    }
    let (open, close) = if colour {
        ("\x1b[1;31m", "\x1b[0m")
    } else {
        ("【", "】")
    };
    let rank_w = (offset + hits.len()).to_string().len();
    let col = |f: fn(&SearchHit) -> String| hits.iter().map(|h| f(h).width()).max().unwrap_or(0);
    let doc_w = col(|h| h.doc.clone());
    let date_w = col(|h| h.date.clone());
    let period_w = col(|h| h.period.clone());
    let sentence_w = col(|h| format!("s{}", h.sentence_id));
    for (i, hit) in hits.iter().enumerate() {
        let mut label = if hit.section.is_empty() {
            truncate(&hit.title, LABEL_COLUMNS)
        } else {
            format!(
                "{} › {}",
                truncate(&hit.title, LABEL_COLUMNS),
                truncate(&hit.section, LABEL_COLUMNS)
            )
        };
        if !hit.whole_word {
            label.push_str("  (not a whole-word match)");
        }
        writeln!(
            out,
            "{:>rank_w$}  {}  {}  {}  {}  {}",
            offset + i + 1,
            pad(&hit.doc, doc_w),
            pad(&hit.date, date_w),
            pad(&hit.period, period_w),
            pad(&format!("s{}", hit.sentence_id), sentence_w),
            label
        )?;
        let kwic = Kwic::new(&hit.text, &hit.highlights, CONTEXT_COLUMNS, CONTEXT_COLUMNS);
        // The ellipsis takes a column of the left budget.
        let indent = rank_w + 2 + (CONTEXT_COLUMNS + 1).saturating_sub(kwic.left_width());
        // A stray line break or tab in a sentence would break the table's rows.
        let line = kwic.render(open, close).replace(['\n', '\r', '\t'], " ");
        writeln!(out, "{}{line}", " ".repeat(indent))?;
    }
    Ok(())
}

/// `text` padded with spaces to `width` display columns.
fn pad(text: &str, width: usize) -> String {
    let mut s = text.to_string();
    s.push_str(&" ".repeat(width.saturating_sub(text.width())));
    s
}

/// `text` cut to at most `width` display columns at a grapheme boundary, with an ellipsis.
fn truncate(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_string();
    }
    let mut s = String::new();
    let mut used = 1; // the ellipsis
    for g in text.graphemes(true) {
        used += g.width();
        if used > width {
            break;
        }
        s.push_str(g);
    }
    s.push('…');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncation_and_padding_count_display_columns() {
        assert_eq!(truncate("拜登政府时期", 12), "拜登政府时期");
        assert_eq!(truncate("拜登政府时期", 7), "拜登政…");
        assert_eq!(truncate("拜登政府时期", 8), "拜登政…");
        assert_eq!(pad("拜登", 6), "拜登  ");
        assert_eq!(pad("ab", 1), "ab");
    }
}
