//! One document through every stage after parsing: each sentence segmented once (those tokens are
//! counted and indexed), tagged against the lexicons, and attributed to a period, with manual
//! overrides applied last. `Pipeline` holds the configuration, built once per run and shared by
//! the worker threads.

use crate::error::ConfigError;
use crate::lexicon::LexiconSet;
use crate::model::{AnnotatedDocument, Document, Fallback, SentenceAnnotation};
use crate::period::{Overrides, PeriodScheme};
use crate::segment::Segmenter;

/// The loaded configuration of a run.
pub struct Pipeline {
    pub segmenter: Segmenter,
    pub lexicons: LexiconSet,
    pub periods: PeriodScheme,
    pub overrides: Option<Overrides>,
    /// For documents whose metadata does not say (`--period-fallback`).
    pub default_fallback: Fallback,
}

impl Pipeline {
    /// Segments, tags and attributes every sentence of `doc`. Fails only when an override row
    /// cannot be applied (a snippet that matches nothing or twice), which is a configuration error.
    pub fn annotate(&self, doc: Document) -> Result<AnnotatedDocument, ConfigError> {
        let fallback = doc.meta.period_fallback.unwrap_or(self.default_fallback);
        let mut periods = self.periods.attribute(&doc, fallback);
        if let Some(overrides) = &self.overrides {
            overrides.apply(&doc, &mut periods)?;
        }
        let annotations = doc
            .sentences
            .iter()
            .zip(periods)
            .map(|(sentence, period)| {
                let tokens = self.segmenter.tokens(&sentence.text);
                let hits = self.lexicons.tag(&sentence.text, &tokens);
                SentenceAnnotation {
                    tokens,
                    hits,
                    period,
                }
            })
            .collect();
        Ok(AnnotatedDocument { doc, annotations })
    }
}
