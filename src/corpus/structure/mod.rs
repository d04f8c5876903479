//! Structure and repair, in and out: takes the decoded text of one paper (`\n` line endings) and
//! its `DocMeta`, and gives back a `Document` with title, authors, zones, a section tree,
//! paragraphs and sentences with character offsets, notes with their dates, and a log of every
//! repair and every piece of dropped text (the caller fills `encoding` and `content_hash`).
//!
//! How a paper is read, line by line (submodules hold the rules):
//! - The first non-empty line is the title (zone `title`); short name lines after it are the
//!   authors; abstract, keywords, author notes, funding notes and contact lines are zone `front`
//!   wherever they stand (`zones`).
//! - Headings in every numbering style become zone `heading` and `Section`s with levels from the
//!   numbering (`headings`).
//! - Note and reference entries (`[12]`, `①`, `^①`, `<sup>①</sup>`, `^{*}` ...) become `Note`s and
//!   paragraphs of their own (zone `note`, or `reference` under a `参考文献` heading), wherever
//!   they are printed; an entry broken over two lines is joined again (`notes`).
//! - A paragraph that ends without sentence-final punctuation continues in the next text
//!   paragraph, over blank lines, footnote blocks, photo captions and dropped lines in between
//!   (`rejoin_page_break`, `move_footnote`).
//! - Inline markup is stripped; each note anchor is kept as a link from its sentence to the note
//!   it points to (`markup`). Circled labels restart on every page, so an anchor points to the
//!   first note with its label printed after it (the footnote block of its page), or else to the
//!   last one before it; note ids stay unique by suffixing repeats (`①`, `①#2`, `①#3` ...).
//! - English paragraphs are zone `back`; after the end matter (notes list, editor line, rule) an
//!   English heading or abstract switches the rest of the file to `back` (other articles'
//!   abstracts printed after the paper).
//! - Page furniture, photo credits and captions, tables, table and figure captions and editor
//!   lines are dropped with their reason. Tables are dropped, not counted: their cells are labels,
//!   not running prose; `mine inspect` shows them under "dropped".
//! - Paragraphs are split into sentences (`sentences`, whose module documentation states the rules
//!   for `；`, ellipses and quotations).

mod headings;
mod markup;
mod notes;
mod sentences;
mod zones;

use std::collections::HashMap;

use crate::model::{
    DocMeta, Document, Dropped, Note, NoteKind, Paragraph, Repair, Section, Sentence, Zone,
};

pub use markup::{Anchor, Cleaned, clean_inline};
pub use notes::dates_in;

/// A line is a running head when it repeats at least this often.
const RUNNING_HEAD_REPEATS: usize = 3;

/// One non-empty line of the input.
struct Unit<'a> {
    line: usize,
    text: &'a str,
    after_blank: bool,
    /// A blank line (or the end of the file) follows.
    before_blank: bool,
}

/// A paragraph being built; numbered in the order drafts are opened.
struct Draft {
    zone: Zone,
    section: Option<u32>,
    line: usize,
    text: String,
    /// Anchors: character offset in `text`, label, line where it was printed.
    anchors: Vec<(usize, String, usize)>,
}

struct NoteDraft {
    label: String,
    kind: NoteKind,
    line: usize,
    draft: usize,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Stage {
    Start,
    Front,
    Body,
    Back,
}

struct Parser {
    drafts: Vec<Draft>,
    notes: Vec<NoteDraft>,
    sections: Vec<Section>,
    repairs: Vec<Repair>,
    dropped: Vec<Dropped>,
    stage: Stage,
    /// The body paragraph that ended without sentence-final punctuation.
    open: Option<usize>,
    /// The note entry that the next line may continue.
    last_note: Option<usize>,
    end_matter_seen: bool,
    reference_list: bool,
    section: Option<u32>,
    levels: headings::Levels,
    /// Last section id at each level (index 0 = level 1).
    section_at_level: Vec<u32>,
    title: String,
    authors: Vec<String>,
    authors_done: bool,
    /// The numbering style of the list being read (after `……如下：`): further lines numbered in
    /// that style are items, not headings.
    list_style: Option<headings::Style>,
    /// The document is one line (a scraped article or a book without line breaks): that line is
    /// body text whatever it opens with, never a title, front matter or author line.
    one_line: bool,
}

/// Parses one decoded paper. Never fails: text that fits no rule becomes body text.
pub fn parse(text: &str, meta: DocMeta) -> Document {
    let (lines, comments) = strip_multiline_comments(text);
    let units: Vec<Unit> = {
        let mut units = Vec::new();
        let mut after_blank = true;
        for (i, line) in lines.into_iter().enumerate() {
            // A line wholly inside a comment is not there at all, not a blank line: the paragraph
            // around it goes on.
            let Some(line) = line else { continue };
            let trimmed = line.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
            if trimmed.is_empty() {
                after_blank = true;
                continue;
            }
            if !after_blank && let Some(prev) = units.last_mut() {
                let prev: &mut Unit = prev;
                prev.before_blank = false;
            }
            units.push(Unit {
                line: i + 1,
                text: trimmed,
                after_blank,
                before_blank: true,
            });
            after_blank = false;
        }
        units
    };
    let mut repeats: HashMap<&str, usize> = HashMap::new();
    for u in &units {
        if u.text.chars().count() <= 40 && !u.text.starts_with('#') {
            *repeats.entry(u.text).or_default() += 1;
        }
    }

    let mut p = Parser {
        drafts: Vec::new(),
        notes: Vec::new(),
        sections: Vec::new(),
        repairs: Vec::new(),
        dropped: Vec::new(),
        stage: Stage::Start,
        open: None,
        last_note: None,
        end_matter_seen: false,
        reference_list: false,
        section: None,
        levels: headings::Levels::default(),
        section_at_level: Vec::new(),
        title: String::new(),
        authors: Vec::new(),
        authors_done: false,
        list_style: None,
        one_line: units.len() == 1,
    };
    for (line, text) in comments {
        p.dropped.push(Dropped {
            line,
            reason: "HTML comment".to_string(),
            text: text.to_string(),
        });
    }
    for (k, unit) in units.iter().enumerate() {
        let near_credit = |d: isize| {
            let j = k as isize + d;
            j >= 0 && (j as usize) < units.len() && zones::is_photo_credit(units[j as usize].text)
        };
        let running_head = repeats.get(unit.text).copied().unwrap_or(0) >= RUNNING_HEAD_REPEATS
            && notes::entry_start(unit.text).is_none();
        let caption = zones::looks_like_caption(unit.text) && (near_credit(-1) || near_credit(1));
        p.unit(unit, running_head, caption);
    }
    p.finish(meta)
}

/// The byte ranges in `text` of the character ranges `ranges` (sorted, not overlapping), found in
/// one pass over the text.
fn byte_ranges(text: &str, ranges: &[(usize, usize)]) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::with_capacity(ranges.len());
    // The cursor: character `chars` starts at byte `byte`.
    let (mut chars, mut byte) = (0usize, 0usize);
    let mut byte_at = |char_index: usize| {
        while chars < char_index && byte < text.len() {
            byte += text[byte..].chars().next().map_or(1, char::len_utf8);
            chars += 1;
        }
        byte
    };
    for &(start, end) in ranges {
        let from = byte_at(start);
        out.push(from..byte_at(end));
    }
    out
}

/// How far a `<!--` may be from its `-->` to be taken as the start of a comment.
const MAX_COMMENT_LINES: usize = 200;

/// The lines of `text` less the HTML comments that span several lines (`<!--` on one line, `-->`
/// on a later one, as PDF-to-Markdown tools leave around page furniture): each line's text outside
/// any such comment, `None` for a line wholly inside one, and the removed parts with their line
/// numbers. A `<!--` that no `-->` closes within `MAX_COMMENT_LINES` lines is left as text, so that
/// a stray one cannot swallow the rest of a paper. Comments within one line are removed later with
/// the rest of the inline markup (`markup::clean_inline`).
fn strip_multiline_comments(text: &str) -> (Vec<Option<&str>>, Vec<(usize, &str)>) {
    let lines: Vec<&str> = text.lines().collect();
    let mut kept: Vec<Option<&str>> = Vec::with_capacity(lines.len());
    let mut removed = Vec::new();
    let mut i = 0;
    // What is left of line `i` after a comment that ended on it (which may open another one).
    let mut rest: Option<&str> = None;
    while i < lines.len() {
        let (line, is_rest) = match rest.take() {
            Some(after) => (after, true),
            None => (lines[i], false),
        };
        let close = unclosed_comment(line).and_then(|open| {
            (i + 1..lines.len().min(i + 1 + MAX_COMMENT_LINES))
                .find_map(|j| lines[j].find("-->").map(|at| (open, j, at)))
        });
        let Some((open, j, at)) = close else {
            // A blank line stays a blank line; a blank rest after a comment is nothing.
            kept.push((!is_rest || !line.trim().is_empty()).then_some(line));
            i += 1;
            continue;
        };
        let before = &line[..open];
        kept.push((!before.trim().is_empty()).then_some(before));
        removed.push((i + 1, &line[open..]));
        for (k, inside) in lines.iter().enumerate().take(j).skip(i + 1) {
            kept.push(None);
            removed.push((k + 1, *inside));
        }
        let (comment_end, after) = lines[j].split_at(at + "-->".len());
        removed.push((j + 1, comment_end));
        i = j;
        rest = Some(after);
    }
    (kept, removed)
}

/// Byte offset of a `<!--` in `line` that no `-->` closes on the same line.
fn unclosed_comment(line: &str) -> Option<usize> {
    let open = line.rfind("<!--")?;
    (!line[open + 4..].contains("-->")).then_some(open)
}

impl Parser {
    fn drop(&mut self, unit: &Unit, reason: &str) {
        self.dropped.push(Dropped {
            line: unit.line,
            reason: reason.to_string(),
            text: unit.text.to_string(),
        });
    }

    fn repair(&mut self, line: usize, rule: &str, detail: String) {
        self.repairs.push(Repair {
            line,
            rule: rule.to_string(),
            detail,
        });
    }

    fn push_draft(&mut self, zone: Zone, line: usize, cleaned: Cleaned) -> usize {
        let section = match zone {
            Zone::Body | Zone::Heading => self.section,
            _ => None,
        };
        self.drafts.push(Draft {
            zone,
            section,
            line,
            text: cleaned.text,
            anchors: cleaned
                .anchors
                .into_iter()
                .map(|a| (a.at, a.label, line))
                .collect(),
        });
        self.drafts.len() - 1
    }

    fn clean(&mut self, line: usize, raw: &str) -> Cleaned {
        let cleaned = clean_inline(raw);
        let summary = cleaned.summary();
        if !summary.is_empty() {
            self.repair(line, "strip_markup", summary);
        }
        cleaned
    }

    fn unit(&mut self, unit: &Unit, running_head: bool, caption: bool) {
        let raw = unit.text;
        // 1. Text that belongs to no zone.
        if let Some(reason) = zones::drop_reason(raw) {
            if zones::is_editor_line(raw) || zones::is_rule(raw) {
                self.end_matter_seen = true;
            }
            return self.drop(unit, reason);
        }
        if caption {
            return self.drop(unit, "photo caption");
        }
        if running_head && matches!(self.stage, Stage::Front | Stage::Body) {
            return self.drop(unit, "running head (repeated line)");
        }
        if self.stage != Stage::Start && zones::is_notes_header(raw) {
            self.end_matter_seen = true;
            self.reference_list = false;
            return self.drop(unit, "heading of the notes list");
        }
        if self.stage != Stage::Start && zones::is_references_header(raw) {
            self.end_matter_seen = true;
            self.reference_list = true;
            return self.drop(unit, "heading of the reference list");
        }
        // 2. Note and reference entries, wherever they are printed.
        if self.stage != Stage::Start
            && let Some(entry) = notes::entry_start(raw)
        {
            return self.note_entry(unit, entry.label, entry.rest);
        }
        if let Some(n) = self.last_note
            && self.open.is_none()
            && (notes::is_unlabelled_list_item(raw) || !ends_sentence(&self.drafts[n].text))
            && headings::markdown(raw).is_none()
        {
            let rest = raw.trim_start_matches(['-', '+', ' ']);
            let cleaned = self.clean(unit.line, rest);
            self.repair(
                unit.line,
                "join_note_continuation",
                format!("line continues note {}", self.notes[self.note_of(n)].label),
            );
            return self.append(n, unit.line, cleaned);
        }
        self.last_note = None;

        let cleaned = self.clean(unit.line, raw);
        if cleaned.text.is_empty() {
            return self.drop(unit, "only markup");
        }
        // 3. The title: a Markdown heading or a short line; a file that opens with running text
        //    has no title line (its title then comes from the first heading or sentence).
        let title_like = headings::markdown(&cleaned.text).is_some()
            || cleaned.text.chars().count() <= 80 && !cleaned.text.contains('。');
        if self.stage == Stage::Start && (!title_like || self.one_line) {
            self.stage = Stage::Front;
        }
        if self.stage == Stage::Start {
            let text = headings::markdown(&cleaned.text)
                .map_or(cleaned.text.as_str(), |(_, t)| t)
                .to_string();
            let title = headings::close_han_gaps(&text);
            if title != text {
                self.repair(
                    unit.line,
                    "close_heading_gaps",
                    format!("“{text}” → “{title}”"),
                );
            }
            self.title = title.clone();
            self.push_draft(Zone::Title, unit.line, retext(cleaned, title));
            self.stage = Stage::Front;
            return;
        }
        let markdown = headings::markdown(&cleaned.text).map(|(l, t)| (l, t.to_string()));
        // 4. Front matter (before the English test: contact lines are mostly Latin letters).
        if self.stage != Stage::Back && !self.one_line && zones::is_front_matter(&cleaned.text) {
            return self.whole_paragraph(Zone::Front, unit.line, cleaned);
        }
        // 5. English back matter.
        if zones::is_english(&cleaned.text) {
            let heading_like = markdown.is_some() || raw.starts_with("**");
            if self.stage == Stage::Body
                && (self.end_matter_seen || heading_like || zones::has_back_words(&cleaned.text))
            {
                self.stage = Stage::Back;
            }
            return self.whole_paragraph(Zone::Back, unit.line, strip_hashes(cleaned));
        }
        if self.stage == Stage::Back {
            return self.whole_paragraph(Zone::Back, unit.line, strip_hashes(cleaned));
        }
        // 6. Headings.
        // A numbered line without `#` is a heading only on its own between blank lines and not
        // right after a paragraph that announces a list (`……如下：`).
        let after_colon = self
            .drafts
            .last()
            .is_some_and(|d| d.zone == Zone::Body && d.text.ends_with(['：', ':']));
        let heading = match &markdown {
            Some((level, text)) => headings::parse(text, Some(*level)),
            None => match headings::parse(&cleaned.text, None) {
                Some(h)
                    if !unit.after_blank
                        || !unit.before_blank
                        || after_colon
                        || self.list_style == Some(h.style) =>
                {
                    // A list item: its own body paragraph, never continued by the next item.
                    self.list_style = Some(h.style);
                    self.stage = Stage::Body;
                    self.authors_done = true;
                    return self.whole_paragraph(Zone::Body, unit.line, cleaned);
                }
                other => other,
            },
        };
        self.list_style = None;
        if let Some(heading) = heading {
            return self.heading(unit, heading, cleaned);
        }
        // 7. Author lines right after the title.
        if self.stage == Stage::Front
            && !self.authors_done
            && self.drafts.len() <= 4
            && let Some(names) = zones::author_names(&cleaned.text)
        {
            self.authors.extend(names);
            return self.whole_paragraph(Zone::Front, unit.line, cleaned);
        }
        // 8. Body text, continuing an open paragraph if there is one.
        self.authors_done = true;
        self.stage = Stage::Body;
        if let Some(open) = self.open {
            let rule = if unit.after_blank {
                "rejoin_page_break"
            } else {
                "join_wrapped_line"
            };
            let before: String = tail(&self.drafts[open].text, 8);
            let after: String = cleaned.text.chars().take(8).collect();
            self.repair(unit.line, rule, format!("…{before} | {after}…"));
            self.append(open, unit.line, cleaned);
        } else {
            let idx = self.push_draft(Zone::Body, unit.line, cleaned);
            self.open = Some(idx);
        }
        if let Some(open) = self.open
            && ends_sentence(&self.drafts[open].text)
        {
            self.open = None;
        }
    }

    fn note_of(&self, draft: usize) -> usize {
        self.notes
            .iter()
            .rposition(|n| n.draft == draft)
            .expect("a note draft has its note")
    }

    /// A paragraph that never continues into the next one.
    fn whole_paragraph(&mut self, zone: Zone, line: usize, cleaned: Cleaned) {
        self.open = None;
        self.push_draft(zone, line, cleaned);
    }

    fn append(&mut self, draft: usize, line: usize, cleaned: Cleaned) {
        let d = &mut self.drafts[draft];
        let joiner = match (d.text.chars().last(), cleaned.text.chars().next()) {
            (Some(a), Some(b)) if a.is_ascii_alphanumeric() && b.is_ascii_alphanumeric() => " ",
            (Some(a), Some(b)) if matches!(a, ',' | ';' | '.' | ':') && b.is_ascii() => " ",
            _ => "",
        };
        d.text.push_str(joiner);
        let offset = d.text.chars().count();
        d.text.push_str(&cleaned.text);
        d.anchors.extend(
            cleaned
                .anchors
                .into_iter()
                .map(|a| (a.at + offset, a.label, line)),
        );
    }

    fn note_entry(&mut self, unit: &Unit, label: String, rest: &str) {
        let cleaned = self.clean(unit.line, rest);
        if let Some(open) = self.open {
            let at = self.drafts[open].line;
            self.repair(
                unit.line,
                "move_footnote",
                format!("note {label} printed inside the paragraph of line {at}; moved out"),
            );
        }
        let kind = if self.reference_list {
            NoteKind::Reference
        } else {
            NoteKind::Footnote
        };
        let zone = if zones::is_funding(&cleaned.text) {
            Zone::Front
        } else if kind == NoteKind::Reference {
            Zone::Reference
        } else {
            Zone::Note
        };
        let draft = self.push_draft(zone, unit.line, cleaned);
        self.notes.push(NoteDraft {
            label,
            kind,
            line: unit.line,
            draft,
        });
        self.last_note = Some(draft);
    }

    fn heading(&mut self, unit: &Unit, heading: headings::Heading, cleaned: Cleaned) {
        self.open = None;
        self.authors_done = true;
        if self.stage == Stage::Front {
            self.stage = Stage::Body;
        }
        if !cleaned.text.contains(&heading.title) {
            self.repair(
                unit.line,
                "close_heading_gaps",
                format!("spaces between Han characters removed: “{}”", heading.title),
            );
        }
        let level = self.levels.level_of(&heading);
        self.section_at_level.truncate(level as usize - 1);
        let parent = self.section_at_level.last().copied();
        // Levels skipped (a `(1)` right under `一、`) keep the nearest ancestor as parent.
        let id = self.sections.len() as u32;
        self.sections.push(Section {
            id,
            parent,
            level,
            number: heading.number.clone(),
            title: heading.title.clone(),
            line: unit.line,
        });
        while self.section_at_level.len() < level as usize {
            self.section_at_level.push(id);
        }
        self.section = Some(id);
        let text = if heading.number.is_empty() {
            heading.title.clone()
        } else {
            format!("{} {}", heading.number, heading.title)
        };
        let anchors = cleaned.anchors.clone();
        match heading.run_in {
            Some(body) => {
                self.repair(
                    unit.line,
                    "split_run_in_heading",
                    format!("heading “{text}” split from the body text after it"),
                );
                let total = cleaned.text.chars().count();
                let offset = total - body.chars().count();
                let (head_anchors, body_anchors): (Vec<Anchor>, Vec<Anchor>) =
                    anchors.into_iter().partition(|a| a.at < offset);
                self.push_draft(
                    Zone::Heading,
                    unit.line,
                    Cleaned {
                        text,
                        anchors: clamp(head_anchors, usize::MAX),
                        removed: Vec::new(),
                    },
                );
                let body_anchors = body_anchors
                    .into_iter()
                    .map(|a| Anchor {
                        at: a.at - offset,
                        label: a.label,
                    })
                    .collect();
                let idx = self.push_draft(
                    Zone::Body,
                    unit.line,
                    Cleaned {
                        text: body,
                        anchors: body_anchors,
                        removed: Vec::new(),
                    },
                );
                if !ends_sentence(&self.drafts[idx].text) {
                    self.open = Some(idx);
                }
            }
            None => {
                let len = text.chars().count();
                self.push_draft(
                    Zone::Heading,
                    unit.line,
                    Cleaned {
                        text,
                        anchors: clamp(anchors, len),
                        removed: Vec::new(),
                    },
                );
            }
        }
    }

    fn finish(mut self, mut meta: DocMeta) -> Document {
        // The title is the short first line (or the metadata's): a paper that opens with running
        // text has none, rather than a sentence or heading taken for one (copied into every row
        // of the document, a long one made the outputs grow with the square of its length).
        if meta.title.is_empty() {
            meta.title = self.title.clone();
        }
        if meta.authors.is_empty() {
            meta.authors = std::mem::take(&mut self.authors);
        }
        // Note ids: the label, suffixed with `#n` from its second use on.
        let mut seen: HashMap<String, usize> = HashMap::new();
        let ids: Vec<String> = self
            .notes
            .iter()
            .map(|n| {
                let count = seen.entry(n.label.clone()).or_default();
                *count += 1;
                if *count == 1 {
                    n.label.clone()
                } else {
                    format!("{}#{}", n.label, count)
                }
            })
            .collect();
        let resolve = |label: &str, line: usize| -> Option<String> {
            let same: Vec<usize> = (0..self.notes.len())
                .filter(|&i| self.notes[i].label == label)
                .collect();
            same.iter()
                .copied()
                .find(|&i| self.notes[i].line > line)
                .or_else(|| same.last().copied())
                .map(|i| ids[i].clone())
        };
        let mut paragraphs = Vec::with_capacity(self.drafts.len());
        let mut sentences = Vec::new();
        let mut repairs = Vec::new();
        for (pid, d) in self.drafts.iter().enumerate() {
            let pid = pid as u32;
            let (ranges, balanced) = sentences::split(&d.text, d.zone == Zone::Back);
            if !balanced {
                repairs.push(Repair {
                    line: d.line,
                    rule: "unbalanced_quotes".into(),
                    detail: "quotes do not pair up; sentences split without regard to quotes"
                        .into(),
                });
            }
            let bytes = byte_ranges(&d.text, &ranges);
            let resolved: Vec<(usize, String)> = d
                .anchors
                .iter()
                .map(|(at, label, line)| {
                    let id = resolve(label, *line).unwrap_or_else(|| {
                        repairs.push(Repair {
                            line: *line,
                            rule: "dangling_anchor".into(),
                            detail: format!("anchor {label} has no note with that label"),
                        });
                        label.clone()
                    });
                    (*at, id)
                })
                .collect();
            // An anchor belongs to the last sentence that starts before it: one printed right
            // after a sentence's final 。 belongs to that sentence, not to the next. Each anchor
            // is placed once (the ranges are in order), so a long paragraph stays linear.
            let mut refs_of: Vec<Vec<String>> = vec![Vec::new(); ranges.len()];
            for (at, id) in resolved {
                let owner = ranges.partition_point(|&(s, _)| s < at).saturating_sub(1);
                if let Some(refs) = refs_of.get_mut(owner)
                    && !refs.contains(&id)
                {
                    refs.push(id);
                }
            }
            for (((start, end), bytes), note_refs) in ranges.iter().copied().zip(bytes).zip(refs_of)
            {
                sentences.push(Sentence {
                    id: sentences.len() as u32,
                    zone: d.zone,
                    section: d.section,
                    paragraph: pid,
                    text: d.text[bytes].to_string(),
                    char_start: start,
                    char_end: end,
                    note_refs,
                });
            }
            paragraphs.push(Paragraph {
                id: pid,
                zone: d.zone,
                section: d.section,
                text: d.text.clone(),
                line: d.line,
            });
        }
        let notes = self
            .notes
            .iter()
            .zip(&ids)
            .map(|(n, id)| {
                let text = self.drafts[n.draft].text.clone();
                Note {
                    id: id.clone(),
                    kind: n.kind,
                    dates: dates_in(&text),
                    text,
                    line: n.line,
                }
            })
            .collect();
        self.repairs.extend(repairs);
        self.repairs.sort_by_key(|r| r.line);
        Document {
            meta,
            encoding: String::new(),
            content_hash: String::new(),
            sections: self.sections,
            paragraphs,
            sentences,
            notes,
            repairs: self.repairs,
            dropped: self.dropped,
        }
    }
}

/// Whether a paragraph's text ends a sentence, so that the next paragraph does not continue it.
fn ends_sentence(text: &str) -> bool {
    let trimmed = text.trim_end_matches(|c: char| {
        c.is_whitespace()
            || matches!(
                c,
                '”' | '’' | '」' | '』' | '）' | ')' | '】' | '》' | ']' | '"' | '\''
            )
    });
    match trimmed.chars().last() {
        None => true,
        Some(c) => matches!(
            c,
            '。' | '！' | '？' | '!' | '?' | '…' | '：' | ':' | '；' | ';' | '.' | '>'
        ),
    }
}

fn tail(text: &str, n: usize) -> String {
    let chars: Vec<char> = text.chars().collect();
    chars[chars.len().saturating_sub(n)..].iter().collect()
}

fn clamp(anchors: Vec<Anchor>, len: usize) -> Vec<Anchor> {
    anchors
        .into_iter()
        .map(|a| Anchor {
            at: a.at.min(len),
            label: a.label,
        })
        .collect()
}

/// The same anchors over a rewritten text (the title with its `#` and gaps removed): anchors keep
/// their place when they fit and move to the end otherwise.
fn retext(cleaned: Cleaned, text: String) -> Cleaned {
    let len = text.chars().count();
    Cleaned {
        anchors: clamp(cleaned.anchors, len),
        text,
        removed: cleaned.removed,
    }
}

/// A back-matter heading without its `#`.
fn strip_hashes(cleaned: Cleaned) -> Cleaned {
    match headings::markdown(&cleaned.text) {
        Some((_, t)) => {
            let t = t.to_string();
            retext(cleaned, t)
        }
        None => cleaned,
    }
}

#[cfg(test)]
mod tests;
