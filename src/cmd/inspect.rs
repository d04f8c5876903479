//! `mine inspect FILE`: reads one file, decodes and parses it, and prints what the structure stage
//! made of it (meta, section tree, paragraphs with their sentences, notes with dates, repairs,
//! dropped text, counts per zone) so that a researcher can audit the parse; `--json` prints the
//! whole `Document` instead.

use std::fs;
use std::io::{self, Write};
use std::path::PathBuf;

use anyhow::Context;

use mine::corpus::{decode, metadata, structure};
use mine::model::{Document, Zone};

use super::Exit;

#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  mine inspect corpus/peng_2023_cost_sharing.txt           read the parse as text
  mine inspect corpus/peng_2023_cost_sharing.txt --json    the Document as JSON, for tools
  mine inspect paper.md | grep -A3 '^repairs'              what was repaired")]
pub struct Args {
    /// The text or Markdown file to parse.
    pub file: PathBuf,
    /// Print the parsed Document as JSON instead of the readable listing.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: Args) -> anyhow::Result<Exit> {
    let bytes =
        fs::read(&args.file).with_context(|| format!("cannot read {}", args.file.display()))?;
    let decoded =
        decode::decode(&bytes).with_context(|| format!("cannot decode {}", args.file.display()))?;
    let rel = args.file.to_string_lossy().replace('\\', "/");
    let meta = metadata::default_meta(&rel);
    let mut doc = structure::parse(&decoded.text, meta);
    doc.encoding = decoded.encoding.to_string();
    doc.content_hash = blake3::hash(&bytes).to_hex().to_string();
    let stdout = io::stdout();
    let mut out = stdout.lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &doc).context("cannot write JSON")?;
        writeln!(out)?;
    } else {
        print_document(&doc, &mut out)?;
    }
    out.flush()?;
    Ok(Exit::Success)
}

/// The readable listing of a parsed document.
pub fn print_document(doc: &Document, out: &mut impl Write) -> io::Result<()> {
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
    let mut sentences = doc.sentences.iter().peekable();
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
        while let Some(s) = sentences.next_if(|s| s.paragraph == p.id) {
            let refs = if s.note_refs.is_empty() {
                String::new()
            } else {
                format!("  [notes: {}]", s.note_refs.join(", "))
            };
            writeln!(out, "  s{} {} {}{refs}", s.id, s.zone, s.text)?;
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
