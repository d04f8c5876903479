//! Scoring: joins coded sheets with what the tool wrote for the same sentences and gives back
//! every figure of a validation: reliability between coders, validity of the tool against the
//! gold codes (an adjudicated sheet, or else the coders' majority), per category, for
//! weakening and for periods, overall and per group of a metadata column, with the cases behind
//! every error.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::agreement;
use super::metrics::{self, Estimate, Judged};
use super::results::{self, HitRow, Passage, Passages, ResultsError};
use super::sheet::{self, CodedRow, CodedSheet, SheetError};
use crate::model::UNATTRIBUTED;

#[derive(Clone, Debug, PartialEq)]
pub struct ScoreOptions {
    /// An adjudicated sheet with the gold codes; without it, the coders' majority.
    pub gold: Option<PathBuf>,
    /// Metadata columns (docvars) to score by, e.g. `kind`.
    pub by: Vec<String>,
    pub seed: u64,
    /// Bootstrap replicates for the F1 and α intervals.
    pub reps: usize,
}

impl Default for ScoreOptions {
    fn default() -> Self {
        ScoreOptions {
            gold: None,
            by: Vec::new(),
            seed: crate::export::DEFAULT_SEED,
            reps: crate::export::DEFAULT_BOOTSTRAP_REPS,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ScoreError {
    #[error(transparent)]
    Results(#[from] ResultsError),
    #[error(transparent)]
    Sheet(#[from] SheetError),
    #[error("{}: codes category `{category}`, which {} does not have (categories: {available})", sheet.display(), passages.display())]
    UnknownCategory {
        sheet: PathBuf,
        category: String,
        passages: PathBuf,
        available: String,
    },
    #[error("{}:{line}: code_period `{period}` is not a period of this run (periods: {available})", sheet.display())]
    UnknownPeriod {
        sheet: PathBuf,
        line: u64,
        period: String,
        available: String,
    },
    #[error("--by {column}: {} has no such column (metadata columns are carried into it from metadata.csv)", passages.display())]
    UnknownColumn { column: String, passages: PathBuf },
    #[error("no coded sheet given: name one or more sheets (one per coder)")]
    NoSheets,
    #[error("none of the {units} coded sentences is in {}: is this the output folder of the corpus the sample was drawn from?", passages.display())]
    NothingMatched { units: usize, passages: PathBuf },
}

/// One figure of `validation.csv`.
#[derive(Clone, Debug, PartialEq)]
pub struct Figure {
    /// `all`, or the metadata column scored by.
    pub by: String,
    /// `all`, or the column's value.
    pub group: String,
    /// `period`, `period_document_date`, a category, `C_weakened`.
    pub variable: String,
    /// `precision`, `recall`, `f1`, `accuracy`, `alpha` or `agreement`.
    pub metric: &'static str,
    pub estimate: Estimate,
}

/// A sentence where the tool and the gold codes disagree, with what decided the tool's call.
#[derive(Clone, Debug, PartialEq)]
pub struct Case {
    /// The variable: a category, `C_weakened` or `period`.
    pub variable: String,
    /// `false positive`, `false negative`, or for periods `gold → tool`.
    pub kind: String,
    pub doc: String,
    pub sentence_id: u32,
    pub group: Vec<String>,
    pub text: String,
    /// The tool's hits of the category (for categories and weakening).
    pub hits: Vec<HitRow>,
    /// For periods: the tool's period, its source and evidence.
    pub tool_period: Option<(String, String, String)>,
    pub gold_period: Option<String>,
    /// The coders' notes.
    pub notes: Vec<String>,
}

/// Where the gold codes came from.
#[derive(Clone, Debug, PartialEq)]
pub enum GoldSource {
    Sheet(PathBuf),
    /// The coders' majority; ties per variable, left out.
    Majority(BTreeMap<String, usize>),
}

/// Sentences by (gold period, tool period).
pub type PeriodConfusion = BTreeMap<(String, String), usize>;

/// Everything a scoring gives back.
#[derive(Clone, Debug, PartialEq)]
pub struct Scores {
    pub categories: Vec<String>,
    /// Period ids in scheme order, then `unattributed`.
    pub periods: Vec<String>,
    pub sheets: Vec<(PathBuf, String, usize)>,
    pub gold: GoldSource,
    pub by: Vec<String>,
    pub figures: Vec<Figure>,
    pub period_confusion: PeriodConfusion,
    pub cases: Vec<Case>,
    /// Coded sentences scored.
    pub units: usize,
    /// Found again by their text because their sentence id had changed.
    pub rematched: usize,
    /// Coded sentences not found in the output folder: (doc, sentence id, sheet text).
    pub unmatched: Vec<(String, u32, String)>,
    /// Sentences without a weight in the sheets (counted with weight 1).
    pub unweighted: usize,
    pub warnings: Vec<String>,
}

/// The variables of a validation, in the order they are reported.
fn variables(categories: &[String]) -> Vec<String> {
    let mut v = vec!["period".to_string()];
    for c in categories {
        v.push(c.clone());
        v.push(format!("{c}_weakened"));
    }
    v
}

/// A coded row's value of a variable: the period id, or `0`/`1`.
fn value(row: &CodedRow, sheet: &CodedSheet, variable: &str) -> Option<String> {
    if variable == "period" {
        return row.period.clone();
    }
    let (category, weakened) = match variable.strip_suffix("_weakened") {
        Some(c) if sheet.category(c).is_some() => (c, true),
        _ => (variable, false),
    };
    let k = sheet.category(category)?;
    let code = if weakened {
        row.weakened[k]
    } else {
        row.codes[k]
    };
    code.map(|b| if b { "1" } else { "0" }.to_string())
}

/// The matched tool result of one coded sentence.
struct Unit {
    passage: Passage,
    groups: Vec<String>,
    weight: f64,
    /// Gold value per variable (by name).
    gold: HashMap<String, String>,
    /// Each coder's value per variable, parallel to the sheets.
    coded: HashMap<String, Vec<Option<String>>>,
    notes: Vec<String>,
}

/// Scores `sheets` against the tool's results in the output folder `out`.
pub fn score(out: &Path, sheets: &[PathBuf], options: &ScoreOptions) -> Result<Scores, ScoreError> {
    if sheets.is_empty() {
        return Err(ScoreError::NoSheets);
    }
    let coded: Vec<CodedSheet> = sheets
        .iter()
        .map(|p| sheet::read(p))
        .collect::<Result<_, _>>()?;
    let gold_sheet = options.gold.as_deref().map(sheet::read).transpose()?;
    let mut passages = Passages::open(out)?;
    let passages_path = passages.path().to_path_buf();
    let categories = passages.categories.clone();
    let spans = results::periods(out)?;
    let mut periods: Vec<String> = spans.iter().map(|s| s.id.clone()).collect();
    if !periods.iter().any(|p| p == UNATTRIBUTED) {
        periods.push(UNATTRIBUTED.to_string());
    }
    check_codes(
        coded.iter().chain(gold_sheet.as_ref()),
        &categories,
        &periods,
        &passages_path,
    )?;
    let by_columns: Vec<usize> = options
        .by
        .iter()
        .map(|c| {
            passages.column(c).ok_or_else(|| ScoreError::UnknownColumn {
                column: c.clone(),
                passages: passages_path.clone(),
            })
        })
        .collect::<Result<_, _>>()?;

    let variables = variables(&categories);
    let matched = match_units(
        &mut passages,
        &by_columns,
        &coded,
        gold_sheet.as_ref(),
        &variables,
    )?;
    if matched.units.is_empty() {
        return Err(ScoreError::NothingMatched {
            units: matched.unmatched.len(),
            passages: passages_path,
        });
    }
    let units = &matched.units;

    let date_scheme = results::date_scheme(&spans);
    let mut rng = ChaCha8Rng::seed_from_u64(options.seed);
    let mut figures = Vec::new();
    let mut groups: Vec<(String, String, Option<usize>)> = vec![("all".into(), "all".into(), None)];
    for (k, column) in options.by.iter().enumerate() {
        let values: BTreeSet<&str> = units.iter().map(|u| u.groups[k].as_str()).collect();
        for v in values {
            groups.push((column.clone(), v.to_string(), Some(k)));
        }
    }
    for (by, group, column) in &groups {
        let members: Vec<&Unit> = units
            .iter()
            .filter(|u| column.is_none_or(|k| u.groups[k] == *group))
            .collect();
        let scored = GroupScores {
            members: &members,
            categories: &categories,
            date_scheme: &date_scheme,
            reps: options.reps,
        };
        let mut push = |variable: &str, metric: &'static str, estimate: Estimate| {
            figures.push(Figure {
                by: by.clone(),
                group: group.clone(),
                variable: variable.to_string(),
                metric,
                estimate,
            })
        };
        scored.validity(&mut push, &mut rng);
        if coded.len() >= 2 {
            scored.reliability(&variables, &mut push, &mut rng);
        }
    }
    let (period_confusion, cases) = cases(out, units, &categories, &variables)?;

    let mut warnings = Vec::new();
    for s in &coded {
        if s.stray_weakened > 0 {
            warnings.push(format!(
                "{}: {} rows have code_C_weakened = 1 where code_C is not 1 (ignored)",
                s.path.display(),
                s.stray_weakened
            ));
        }
    }
    if !matched.unmatched.is_empty() {
        warnings.push(format!(
            "{} coded sentences are not in {} and were left out",
            matched.unmatched.len(),
            passages_path.display()
        ));
    }
    Ok(Scores {
        categories,
        periods,
        sheets: coded
            .iter()
            .map(|s| (s.path.clone(), s.coder.clone(), s.rows.len()))
            .collect(),
        gold: match &options.gold {
            Some(path) => GoldSource::Sheet(path.clone()),
            None => GoldSource::Majority(matched.ties),
        },
        by: options.by.clone(),
        figures,
        period_confusion,
        cases,
        units: units.len(),
        rematched: matched.rematched,
        unmatched: matched.unmatched,
        unweighted: matched.unweighted,
        warnings,
    })
}

/// Every category a sheet codes must be one of the run's, every period code one of its periods.
fn check_codes<'a>(
    sheets: impl Iterator<Item = &'a CodedSheet>,
    categories: &[String],
    periods: &[String],
    passages: &Path,
) -> Result<(), ScoreError> {
    for s in sheets {
        if let Some(c) = s.categories.iter().find(|c| !categories.contains(c)) {
            return Err(ScoreError::UnknownCategory {
                sheet: s.path.clone(),
                category: c.clone(),
                passages: passages.to_path_buf(),
                available: categories.join(", "),
            });
        }
        for row in &s.rows {
            if let Some(p) = &row.period
                && !periods.contains(p)
            {
                return Err(ScoreError::UnknownPeriod {
                    sheet: s.path.clone(),
                    line: row.line,
                    period: p.clone(),
                    available: periods.join(", "),
                });
            }
        }
    }
    Ok(())
}

/// The coded sentences found in the output folder, with their codes.
struct Matched {
    units: Vec<Unit>,
    unmatched: Vec<(String, u32, String)>,
    rematched: usize,
    unweighted: usize,
    /// Majority ties per variable (without a gold sheet).
    ties: BTreeMap<String, usize>,
}

/// Finds every coded sentence among the tool's rows (by document and id, checked by its text;
/// else by its text alone within the document, when that is unique) and gathers its codes: each
/// coder's, and the gold (the adjudicated sheet's, else the coders' majority).
fn match_units(
    passages: &mut Passages,
    by_columns: &[usize],
    coded: &[CodedSheet],
    gold_sheet: Option<&CodedSheet>,
    variables: &[String],
) -> Result<Matched, ScoreError> {
    type Key = (String, u32);
    let index = |s: &CodedSheet| -> HashMap<Key, usize> {
        s.rows
            .iter()
            .enumerate()
            .map(|(i, r)| ((r.doc.clone(), r.sentence_id), i))
            .collect()
    };
    let coded_rows: Vec<HashMap<Key, usize>> = coded.iter().map(index).collect();
    let gold_rows: Option<HashMap<Key, usize>> = gold_sheet.map(index);
    // Every coded sentence, with the text a sheet shows for it.
    let mut wanted: BTreeMap<Key, String> = BTreeMap::new();
    for s in gold_sheet.into_iter().chain(coded) {
        for row in &s.rows {
            wanted
                .entry((row.doc.clone(), row.sentence_id))
                .or_insert_with(|| row.text.clone());
        }
    }
    let docs: BTreeSet<&str> = wanted.keys().map(|(d, _)| d.as_str()).collect();
    // The tool's rows of the coded documents, by doc and sentence id, with their groups.
    let mut found: HashMap<Key, (Passage, Vec<String>)> = HashMap::new();
    passages.for_each(|p, record| -> Result<(), ScoreError> {
        if docs.contains(p.doc.as_str()) {
            let groups = by_columns
                .iter()
                .map(|&i| record.get(i).unwrap_or("").to_string())
                .collect();
            found.insert((p.doc.clone(), p.sentence_id), (p, groups));
        }
        Ok(())
    })?;
    let mut by_text: HashMap<(&str, &str), Vec<u32>> = HashMap::new();
    for ((doc, id), (p, _)) in &found {
        by_text
            .entry((doc.as_str(), p.text.trim()))
            .or_default()
            .push(*id);
    }

    let mut matched = Matched {
        units: Vec::new(),
        unmatched: Vec::new(),
        rematched: 0,
        unweighted: 0,
        ties: BTreeMap::new(),
    };
    // The tool's sentences already taken: two sheet rows found again as one sentence count once.
    let mut taken: BTreeSet<Key> = BTreeSet::new();
    for (key, text) in &wanted {
        let text = text.trim();
        let exact = found
            .get(key)
            .filter(|(p, _)| text.is_empty() || p.text.trim() == text);
        let (passage, groups) = match exact {
            Some(hit) => hit.clone(),
            None => match by_text.get(&(key.0.as_str(), text)).map(Vec::as_slice) {
                Some([only]) if !text.is_empty() => {
                    matched.rematched += 1;
                    found[&(key.0.clone(), *only)].clone()
                }
                _ => {
                    matched
                        .unmatched
                        .push((key.0.clone(), key.1, text.to_string()));
                    continue;
                }
            },
        };
        if !taken.insert((passage.doc.clone(), passage.sentence_id)) {
            continue;
        }
        let rows: Vec<Option<&CodedRow>> = coded
            .iter()
            .zip(&coded_rows)
            .map(|(s, index)| index.get(key).map(|&i| &s.rows[i]))
            .collect();
        let gold_row = gold_sheet
            .zip(gold_rows.as_ref())
            .and_then(|(g, index)| index.get(key).map(|&i| &g.rows[i]));
        let weight = gold_row
            .and_then(|r| r.weight)
            .or_else(|| rows.iter().flatten().find_map(|r| r.weight));
        if weight.is_none() {
            matched.unweighted += 1;
        }
        let mut coded_values: HashMap<String, Vec<Option<String>>> = HashMap::new();
        let mut gold: HashMap<String, String> = HashMap::new();
        for variable in variables {
            let values: Vec<Option<String>> = coded
                .iter()
                .zip(&rows)
                .map(|(s, r)| r.and_then(|r| value(r, s, variable)))
                .collect();
            let decided = match (gold_sheet, gold_row) {
                (Some(g), Some(r)) => value(r, g, variable),
                (Some(_), None) => None,
                (None, _) => {
                    let (winner, tie) = majority(&values);
                    if tie {
                        *matched.ties.entry(variable.clone()).or_insert(0) += 1;
                    }
                    winner
                }
            };
            if let Some(v) = decided {
                gold.insert(variable.clone(), v);
            }
            coded_values.insert(variable.clone(), values);
        }
        let notes = rows
            .iter()
            .flatten()
            .copied()
            .chain(gold_row)
            .map(|r| r.note.clone())
            .filter(|n| !n.is_empty())
            .collect();
        matched.units.push(Unit {
            passage,
            groups,
            weight: weight.unwrap_or(1.0),
            gold,
            coded: coded_values,
            notes,
        });
    }
    Ok(matched)
}

/// The figures of one group of sentences.
struct GroupScores<'a> {
    members: &'a [&'a Unit],
    categories: &'a [String],
    date_scheme: &'a crate::period::PeriodScheme,
    reps: usize,
}

impl GroupScores<'_> {
    /// Period accuracy (and the document-date baseline), then per category precision, recall and
    /// F1 of a hit, and of weakening.
    fn validity(&self, push: &mut impl FnMut(&str, &'static str, Estimate), rng: &mut ChaCha8Rng) {
        let period_scored: Vec<(&Unit, &String)> = self
            .members
            .iter()
            .filter_map(|u| u.gold.get("period").map(|g| (*u, g)))
            .collect();
        push(
            "period",
            "accuracy",
            metrics::proportion(
                period_scored
                    .iter()
                    .map(|(u, g)| (u.passage.period == **g, u.weight)),
            ),
        );
        // The baseline: every sentence takes its document's date.
        push(
            "period_document_date",
            "accuracy",
            metrics::proportion(period_scored.iter().map(|(u, g)| {
                let baseline = results::period_of_date(self.date_scheme, &u.passage.date)
                    .unwrap_or(UNATTRIBUTED);
                (baseline == g.as_str(), u.weight)
            })),
        );
        for (c, category) in self.categories.iter().enumerate() {
            let judged: Vec<Judged> = self
                .members
                .iter()
                .filter_map(|u| {
                    u.gold.get(category).map(|g| Judged {
                        tool: u.passage.hits[c] > 0,
                        human: g == "1",
                        weight: u.weight,
                    })
                })
                .collect();
            push(category, "precision", metrics::precision(&judged));
            push(category, "recall", metrics::recall(&judged));
            push(category, "f1", metrics::f1(&judged, self.reps, rng));
            let weakened = format!("{category}_weakened");
            let mut found_by_tool = Vec::new();
            let judged: Vec<Judged> = self
                .members
                .iter()
                .filter(|u| u.gold.get(category).is_some_and(|g| g == "1"))
                .filter_map(|u| {
                    let g = u.gold.get(&weakened)?;
                    let j = Judged {
                        tool: u.passage.hits[c] > 0 && u.passage.plain[c] == 0,
                        human: g == "1",
                        weight: u.weight,
                    };
                    if u.passage.hits[c] > 0 {
                        found_by_tool.push(j);
                    }
                    Some(j)
                })
                .collect();
            push(&weakened, "precision", metrics::precision(&judged));
            push(&weakened, "recall", metrics::recall(&judged));
            push(&weakened, "f1", metrics::f1(&judged, self.reps, rng));
            // Among the sentences both the coders and the tool call C: is weakening right?
            push(&weakened, "accuracy", metrics::accuracy(&found_by_tool));
        }
    }

    /// Krippendorff's α and percent agreement of the coders' sheets (not the gold) per variable.
    fn reliability(
        &self,
        variables: &[String],
        push: &mut impl FnMut(&str, &'static str, Estimate),
        rng: &mut ChaCha8Rng,
    ) {
        for variable in variables {
            let data: Vec<Vec<Option<String>>> = self
                .members
                .iter()
                .map(|u| u.coded[variable].clone())
                .collect();
            let alpha = agreement::alpha_nominal(&data);
            let ci = alpha.and_then(|_| {
                metrics::bootstrap_interval(&data, agreement::alpha_nominal, self.reps, rng)
            });
            let n = agreement::pairable(&data);
            push(
                variable,
                "alpha",
                Estimate {
                    value: alpha,
                    ci,
                    n,
                },
            );
            let (agree, pairs) = agreement::agreement(&data);
            let estimate = if pairs == 0 {
                Estimate::EMPTY
            } else {
                let p = agree as f64 / pairs as f64;
                Estimate {
                    value: Some(p),
                    ci: Some(metrics::wilson(p, pairs as f64)),
                    n,
                }
            };
            push(variable, "agreement", estimate);
        }
    }
}

/// The period confusion table (gold × tool) and every disagreement between the tool and the
/// gold, with the tool's hits of the category (read from `hits.csv`) or its period evidence.
fn cases(
    out: &Path,
    units: &[Unit],
    categories: &[String],
    variables: &[String],
) -> Result<(PeriodConfusion, Vec<Case>), ScoreError> {
    let mut period_confusion = BTreeMap::new();
    let mut cases = Vec::new();
    for u in units {
        let case = |variable: String, kind: String| Case {
            variable,
            kind,
            doc: u.passage.doc.clone(),
            sentence_id: u.passage.sentence_id,
            group: u.groups.clone(),
            text: u.passage.text.clone(),
            hits: Vec::new(),
            tool_period: None,
            gold_period: None,
            notes: u.notes.clone(),
        };
        if let Some(g) = u.gold.get("period") {
            *period_confusion
                .entry((g.clone(), u.passage.period.clone()))
                .or_insert(0) += 1;
            if *g != u.passage.period {
                cases.push(Case {
                    tool_period: Some((
                        u.passage.period.clone(),
                        u.passage.period_source.clone(),
                        u.passage.period_evidence.clone(),
                    )),
                    gold_period: Some(g.clone()),
                    ..case("period".into(), format!("{g} → {}", u.passage.period))
                });
            }
        }
        for (c, category) in categories.iter().enumerate() {
            let Some(g) = u.gold.get(category) else {
                continue;
            };
            let (tool, human) = (u.passage.hits[c] > 0, g == "1");
            match (tool, human) {
                (true, false) => cases.push(case(category.clone(), "false positive".into())),
                (false, true) => cases.push(case(category.clone(), "false negative".into())),
                _ => {}
            }
            if let (true, true, Some(gw)) =
                (tool, human, u.gold.get(&format!("{category}_weakened")))
            {
                let tool_weak = u.passage.plain[c] == 0;
                if tool_weak != (gw == "1") {
                    let kind = if tool_weak {
                        "weakened by the tool, plain by the coders"
                    } else {
                        "plain by the tool, weakened by the coders"
                    };
                    cases.push(case(format!("{category}_weakened"), kind.into()));
                }
            }
        }
    }
    let wanted_hits: BTreeSet<(String, u32)> = cases
        .iter()
        .filter(|c| c.variable != "period")
        .map(|c| (c.doc.clone(), c.sentence_id))
        .collect();
    let hits = results::hits_of(out, &wanted_hits)?;
    for case in &mut cases {
        if case.variable == "period" {
            continue;
        }
        let category = case.variable.trim_end_matches("_weakened");
        if let Some(h) = hits.get(&(case.doc.clone(), case.sentence_id)) {
            case.hits = h
                .iter()
                .filter(|h| h.category == category)
                .cloned()
                .collect();
        }
    }
    let order = |c: &Case| variables.iter().position(|v| *v == c.variable);
    cases.sort_by(|a, b| {
        (order(a), &a.kind, &a.doc, a.sentence_id).cmp(&(order(b), &b.kind, &b.doc, b.sentence_id))
    });
    Ok((period_confusion, cases))
}

/// The value most coders gave, and whether the top count was tied (then no value). No values:
/// no value, no tie.
fn majority(values: &[Option<String>]) -> (Option<String>, bool) {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for v in values.iter().flatten() {
        *counts.entry(v.as_str()).or_insert(0) += 1;
    }
    let Some(&top) = counts.values().max() else {
        return (None, false);
    };
    let winners: Vec<&str> = counts
        .iter()
        .filter(|(_, c)| **c == top)
        .map(|(v, _)| *v)
        .collect();
    match winners.as_slice() {
        [only] => (Some(only.to_string()), false),
        _ => (None, true),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn majority_leaves_ties_out() {
        let v = |s: &[Option<&str>]| s.iter().map(|x| x.map(str::to_string)).collect::<Vec<_>>();
        assert_eq!(
            majority(&v(&[Some("1"), Some("1"), Some("0")])),
            (Some("1".into()), false)
        );
        assert_eq!(majority(&v(&[Some("1"), Some("0")])), (None, true));
        assert_eq!(majority(&v(&[Some("1"), None])), (Some("1".into()), false));
        assert_eq!(majority(&v(&[None, None])), (None, false));
    }
}
