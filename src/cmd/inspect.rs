//! `mine inspect FILE`: reads one file, decodes, parses and annotates it exactly as `mine index`
//! does (metadata from the `metadata.csv` beside it, the lexicons and periods of `--lexicons`), and
//! prints what each stage made of it (meta, section tree, paragraphs with their sentences, each
//! sentence's period with its source and evidence and its lexicon hits, notes with dates, repairs,
//! dropped text, counts per zone) so that a researcher can audit it; `--json` prints the whole
//! `AnnotatedDocument` instead.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;

use mine::annotate::Pipeline;
use mine::corpus::{decode, metadata, structure};
use mine::lexicon::ContextVerdict;
use mine::lexicon::{LexiconFiles, LexiconSet};
use mine::model::{AnnotatedDocument, Document, Fallback, Zone};
use mine::period::PeriodSteps;
use mine::segment::Segmenter;

use super::Exit;

#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  mine inspect corpus/peng_2023_cost_sharing.txt           read the parse as text
  mine inspect corpus/peng_2023_cost_sharing.txt --json    the Document as JSON, for tools
  mine inspect paper.md | grep -A3 '^repairs'              what was repaired

Each sentence line shows its period, the step of the attribution cascade that decided it and the
evidence, e.g. `s12 body [biden <- sentence: 拜登政府]`; a sentence whose clauses speak of different
times lists each `clause` with its period; then its lexicon hits (with their clause's period),
and for entries with context rules (requires_any / excludes_any) whether the rule let the
candidate count: `context assurance_commitment/坚定不移 `坚定不移`: not counted: none of
requires_any within 6 tokens`.")]
pub struct Args {
    /// The text or Markdown file to parse.
    pub file: PathBuf,
    /// Print the annotated document (`{"doc": …, "annotations": […]}`) as JSON instead of the
    /// readable listing.
    #[arg(long)]
    pub json: bool,
    /// Folder with the category files, modifiers.toml, periods.toml and userdict.txt
    /// [default: $MINE_LEXICONS, else ./lexicons if it exists, else the built-in lexicons].
    #[arg(long)]
    pub lexicons: Option<PathBuf>,
    /// Period of undated sentences when the file has no metadata row saying otherwise.
    #[arg(long, value_enum, default_value = "none")]
    pub period_fallback: Fallback,
    /// Steps of the period cascade to use, as for `mine index`.
    #[arg(long, default_value = "sentence,paragraph,heading,citation,document")]
    pub period_steps: PeriodSteps,
    /// Count every hit as plain, as for `mine index`.
    #[arg(long)]
    pub no_modifiers: bool,
}

pub fn run(args: Args) -> anyhow::Result<Exit> {
    let bytes =
        fs::read(&args.file).with_context(|| format!("cannot read {}", args.file.display()))?;
    let decoded =
        decode::decode(&bytes).with_context(|| format!("cannot decode {}", args.file.display()))?;
    let corpus_dir = mine::corpus::folder_of(&args.file);
    let meta = lookup_meta(&args.file, &corpus_dir)?;
    let lexicons = LexiconFiles::resolve(args.lexicons.as_deref())?;
    let mut pipeline = Pipeline::from_lexicons(lexicons, Some(&corpus_dir), args.period_fallback)?;
    pipeline.period_steps = args.period_steps;
    pipeline.modifiers = !args.no_modifiers;
    let mut doc = structure::parse(&decoded.text, meta);
    doc.encoding = decoded.encoding.to_string();
    doc.content_hash = blake3::hash(&bytes).to_hex().to_string();
    let annotated = pipeline.annotate(doc)?;
    let stdout = io::stdout();
    let mut out = stdout.lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &annotated).context("cannot write JSON")?;
        writeln!(out)?;
    } else {
        print_document(
            &annotated,
            &pipeline.lexicons,
            &pipeline.segmenter,
            &mut out,
        )?;
    }
    out.flush()?;
    Ok(Exit::Success)
}

/// The file's row of the `metadata.csv` beside it, or the metadata guessed from its name.
fn lookup_meta(file: &Path, corpus_dir: &Path) -> anyhow::Result<mine::model::DocMeta> {
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let table = metadata::load(corpus_dir)?;
    Ok(table
        .and_then(|t| t.meta_for(&name))
        .unwrap_or_else(|| metadata::default_meta(&name)))
}

/// The readable listing of an annotated document.
pub fn print_document(
    annotated: &AnnotatedDocument,
    lexicons: &LexiconSet,
    segmenter: &Segmenter,
    out: &mut impl Write,
) -> io::Result<()> {
    let doc: &Document = &annotated.doc;
    let m = &doc.meta;
    writeln!(out, "document {}", m.id)?;
    writeln!(out, "  file      {}", m.file)?;
    writeln!(out, "  title     {}", m.title)?;
    writeln!(out, "  authors   {}", m.authors.join("; "))?;
    if let Some(journal) = &m.journal {
        writeln!(out, "  journal   {journal}")?;
    }
    if let Some(date) = &m.date {
        writeln!(out, "  date      {date}")?;
    }
    writeln!(out, "  encoding  {}", doc.encoding)?;
    writeln!(out, "  blake3    {}", doc.content_hash)?;
    for (key, value) in &m.extra {
        writeln!(out, "  {key}  {value}")?;
    }

    writeln!(out, "\nsections ({})", doc.sections.len())?;
    for s in &doc.sections {
        let indent = "  ".repeat(s.level as usize);
        let number = if s.number.is_empty() {
            String::new()
        } else {
            format!("{} ", s.number)
        };
        writeln!(
            out,
            "{indent}[{}] {number}{}  (level {}, line {})",
            s.id, s.title, s.level, s.line
        )?;
    }

    writeln!(
        out,
        "\nparagraphs ({}) and sentences ({})",
        doc.paragraphs.len(),
        doc.sentences.len()
    )?;
    let mut sentences = doc.sentences.iter().zip(&annotated.annotations).peekable();
    for p in &doc.paragraphs {
        let section = doc.section_path(p.section);
        writeln!(
            out,
            "\n¶{} {} line {}{}",
            p.id,
            p.zone,
            p.line,
            if section.is_empty() {
                String::new()
            } else {
                format!("  § {section}")
            }
        )?;
        while let Some((s, a)) = sentences.next_if(|(s, _)| s.paragraph == p.id) {
            let refs = if s.note_refs.is_empty() {
                String::new()
            } else {
                format!("  [notes: {}]", s.note_refs.join(", "))
            };
            let period = &a.period;
            let evidence = if period.evidence.is_empty() {
                String::new()
            } else {
                format!(": {}", period.evidence)
            };
            writeln!(
                out,
                "  s{} {} [{} <- {}{evidence}] {}{refs}",
                s.id,
                s.zone,
                period.period,
                period.source.as_str(),
                s.text
            )?;
            // Clauses that speak of different times, each with its period.
            for c in &a.clauses {
                let text: String = s
                    .text
                    .chars()
                    .skip(c.char_start as usize)
                    .take((c.char_end - c.char_start) as usize)
                    .collect();
                let evidence = if c.period.evidence.is_empty() {
                    String::new()
                } else {
                    format!(": {}", c.period.evidence)
                };
                writeln!(
                    out,
                    "      clause {}..{} [{} <- {}{evidence}] {text}",
                    c.char_start,
                    c.char_end,
                    c.period.period,
                    c.period.source.as_str()
                )?;
            }
            for hit in &a.hits {
                let category = &lexicons.categories[hit.category];
                let modifier = hit
                    .modifier
                    .as_ref()
                    .map(|m| format!(" ({} by {})", m.kind.as_str(), m.word))
                    .unwrap_or_default();
                let in_clause = if a.clauses.is_empty() {
                    String::new()
                } else {
                    format!(" [{}]", a.period_at(hit.char_start).period)
                };
                writeln!(
                    out,
                    "      hit {}/{} `{}`{modifier}{in_clause}",
                    category.name,
                    category.entries[hit.entry].term,
                    &s.text[hit.byte_start as usize..hit.byte_end as usize]
                )?;
            }
            // Entries with context rules: what the rules made of each candidate.
            let reading = segmenter.read(&s.text);
            for (c, e, form, verdict) in lexicons.context_report(&reading.text, &reading.tokens) {
                let category = &lexicons.categories[c];
                let entry = &category.entries[e];
                let why = match verdict {
                    ContextVerdict::Allowed(Some(word)) => format!("counted: `{word}` nearby"),
                    ContextVerdict::Allowed(None) => "counted".to_string(),
                    ContextVerdict::MissingRequired => format!(
                        "not counted: none of requires_any within {} tokens",
                        entry.window
                    ),
                    ContextVerdict::Excluded(word) => format!("not counted: `{word}` nearby"),
                };
                writeln!(
                    out,
                    "      context {}/{} `{form}`: {why}",
                    category.name, entry.term
                )?;
            }
        }
    }

    writeln!(out, "\nnotes ({})", doc.notes.len())?;
    for n in &doc.notes {
        let dates: Vec<String> = n.dates.iter().map(|d| d.to_string()).collect();
        writeln!(
            out,
            "  {} ({:?}, line {}) dates [{}]: {}",
            n.id,
            n.kind,
            n.line,
            dates.join(", "),
            n.text
        )?;
    }

    writeln!(out, "\nrepairs ({})", doc.repairs.len())?;
    for r in &doc.repairs {
        writeln!(out, "  line {} {}: {}", r.line, r.rule, r.detail)?;
    }

    writeln!(out, "\ndropped ({})", doc.dropped.len())?;
    for d in &doc.dropped {
        writeln!(out, "  line {} {}: {}", d.line, d.reason, d.text)?;
    }

    writeln!(out, "\nsentences per zone")?;
    for zone in Zone::ALL {
        let n = doc.sentences.iter().filter(|s| s.zone == zone).count();
        writeln!(out, "  {:<9} {n}", zone.as_str())?;
    }
    Ok(())
}
