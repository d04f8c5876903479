//! One document through every stage after parsing: each sentence segmented once (those tokens are
//! counted and indexed), tagged against the lexicons, and attributed to a period, with manual
//! overrides applied last. `Pipeline` holds the configuration, built once per run and shared by
//! the worker threads.

use std::path::{Path, PathBuf};

use crate::error::ConfigError;
use crate::lexicon::source::ChosenBy;
use crate::lexicon::{LexiconFiles, LexiconSet, PERIODS_FILE, USERDICT_FILE};
use crate::model::{
    AnnotatedDocument, Document, Fallback, PeriodSource, SentenceAnnotation, Token,
};
use crate::period::{Overrides, PeriodScheme, PeriodSteps};
use crate::segment::{Reading, Segmenter, rebase};

/// The loaded configuration of a run.
pub struct Pipeline {
    pub segmenter: Segmenter,
    pub lexicons: LexiconSet,
    pub periods: PeriodScheme,
    pub overrides: Option<Overrides>,
    /// For documents whose metadata does not say (`--period-fallback`).
    pub default_fallback: Fallback,
    /// The cascade steps in use (`--period-steps`; all by default).
    pub period_steps: PeriodSteps,
    /// Whether negators and diminishers are applied (`--no-modifiers` turns them off: every hit
    /// is plain), so that the modifier rule's contribution can be measured.
    pub modifiers: bool,
    /// The lexicon files the run was configured with (a folder's or the built-in set).
    pub lexicon_files: LexiconFiles,
    /// `overrides.csv`, when the corpus has one.
    pub overrides_path: Option<PathBuf>,
}

impl Pipeline {
    /// Loads and checks the configuration of a run: the category files and `modifiers.toml` in
    /// `lexicon_dir`, `lexicon_dir/periods.toml`, `lexicon_dir/userdict.txt` (optional) and
    /// `corpus_dir/overrides.csv` (optional). The first broken file stops the load, named by file
    /// and line.
    pub fn load(
        lexicon_dir: &Path,
        corpus_dir: Option<&Path>,
        default_fallback: Fallback,
    ) -> Result<Pipeline, ConfigError> {
        let files = LexiconFiles::folder(lexicon_dir, ChosenBy::Flag)?;
        Pipeline::from_lexicons(files, corpus_dir, default_fallback)
    }

    /// `load` with the lexicon files already read (`LexiconFiles::resolve`).
    pub fn from_lexicons(
        lexicon_files: LexiconFiles,
        corpus_dir: Option<&Path>,
        default_fallback: Fallback,
    ) -> Result<Pipeline, ConfigError> {
        let lexicons = LexiconSet::from_files(&lexicon_files)?;
        let periods_path = lexicon_files.path_of(PERIODS_FILE);
        let periods = match lexicon_files.get(PERIODS_FILE) {
            Some(file) => PeriodScheme::parse(&periods_path, &file.text)?,
            // The loader's own message for a missing scheme.
            None => PeriodScheme::load(&periods_path)?,
        };
        let user_words = match lexicon_files.get(USERDICT_FILE) {
            Some(file) => crate::segment::parse_userdict(&file.path, &file.text)?,
            None => Vec::new(),
        };
        let segmenter = Segmenter::with_user_words(&lexicons, user_words);
        let overrides_path = corpus_dir
            .map(|dir| dir.join("overrides.csv"))
            .filter(|path| path.is_file());
        let overrides = match &overrides_path {
            Some(path) => Some(Overrides::load(path, &periods)?),
            None => None,
        };
        Ok(Pipeline {
            segmenter,
            lexicons,
            periods,
            overrides,
            default_fallback,
            period_steps: PeriodSteps::ALL,
            modifiers: true,
            lexicon_files,
            overrides_path,
        })
    }

    /// Segments, tags and attributes every sentence of `doc`. Fails only when an override row
    /// cannot be applied (a snippet that matches nothing or twice), which is a configuration error.
    pub fn annotate(&self, doc: Document) -> Result<AnnotatedDocument, ConfigError> {
        let fallback = doc.meta.period_fallback.unwrap_or(self.default_fallback);
        // Each sentence is cut once, in its Simplified form: those tokens place the period
        // markers, are tagged, counted and indexed.
        let readings: Vec<Reading> = doc
            .sentences
            .iter()
            .map(|s| self.segmenter.read(&s.text))
            .collect();
        let views: Vec<(&str, &[Token])> = readings
            .iter()
            .map(|r| (r.text.as_ref(), r.tokens.as_slice()))
            .collect();
        let mut periods =
            self.periods
                .attribute_with(&doc, fallback, self.period_steps, Some(&views));
        drop(views);
        if let Some(overrides) = &self.overrides {
            let mut calls: Vec<_> = periods.iter().map(|p| p.sentence.clone()).collect();
            overrides.apply(&doc, &mut calls)?;
            for (p, call) in periods.iter_mut().zip(calls) {
                if call.source == PeriodSource::Manual {
                    // A manual period is the period of every clause.
                    p.clauses.clear();
                }
                p.sentence = call;
            }
        }
        let annotations = doc
            .sentences
            .iter()
            .zip(readings)
            .zip(periods)
            .map(|((sentence, reading), periods)| {
                // Tagged in the Simplified form; offsets then into the text as written.
                let mut hits = self.lexicons.tag(&reading.text, &reading.tokens);
                let converted = reading.converted();
                let mut tokens = reading.tokens;
                if converted {
                    rebase(
                        &sentence.text,
                        tokens.iter_mut().map(|t| {
                            (t.char_start, &mut t.byte_start, t.char_end, &mut t.byte_end)
                        }),
                    );
                    rebase(
                        &sentence.text,
                        hits.iter_mut().map(|h| {
                            (h.char_start, &mut h.byte_start, h.char_end, &mut h.byte_end)
                        }),
                    );
                }
                if !self.modifiers {
                    for hit in &mut hits {
                        hit.modifier = None;
                    }
                }
                SentenceAnnotation {
                    tokens,
                    hits,
                    period: periods.sentence,
                    clauses: periods.clauses,
                }
            })
            .collect();
        Ok(AnnotatedDocument { doc, annotations })
    }
}
