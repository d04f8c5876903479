//! `mine report`: reads `<out>/period_categories.csv` and writes `<out>/report.md` and
//! `<out>/rates.svg`: per-period rates with their intervals and the framing table of the
//! time-frame paper (Table 1).

use std::io::Write;
use std::path::PathBuf;

use super::Exit;
use mine::export::manifest::{self, ReportRecord};
use mine::report::{self, ReportOptions};

const EXAMPLES: &str = "\
Examples:
  mine report                                       output/report.md and output/rates.svg
  mine report --out runs/2025                       another output folder
  mine report --assurance-category my_assurance     measure assurance with another category";

#[derive(Debug, clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    /// Output folder holding period_categories.csv (from `mine index` or `mine export`).
    #[arg(long, default_value = "output")]
    pub out: PathBuf,
    /// Category that measures assurance in the framing table.
    #[arg(long, default_value = "assurance_commitment")]
    pub assurance_category: String,
    /// Category that measures threat urgency in the framing table.
    #[arg(long, default_value = "threat_narrative")]
    pub threat_category: String,
}

pub fn run(args: Args) -> anyhow::Result<Exit> {
    let options = ReportOptions {
        assurance_category: args.assurance_category,
        threat_category: args.threat_category,
    };
    // Not while `mine index` rewrites the CSVs the report reads.
    let _lock = if args.out.is_dir() {
        Some(mine::output::lock(&args.out, "mine report")?)
    } else {
        None
    };
    let summary = report::write(&args.out, &options)?;
    // So that `mine export`, which replaces the CSVs the report is made from, can render it again.
    if let Some(mut manifest) = manifest::read(&args.out)? {
        manifest.report = Some(ReportRecord {
            assurance_category: options.assurance_category.clone(),
            threat_category: options.threat_category.clone(),
        });
        manifest::write(&args.out, &manifest)?;
    }
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for row in &summary.framing {
        let quadrant = row.quadrant().map_or("no data", |(zh, _)| zh);
        writeln!(out, "{:<14} {quadrant}", row.period)?;
    }
    writeln!(out, "{}", summary.validation)?;
    writeln!(out, "wrote {}", summary.report.display())?;
    writeln!(out, "wrote {}", summary.chart.display())?;
    Ok(Exit::Success)
}
