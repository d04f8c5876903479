//! The README must stay true: every column the exports write (from the codebook table they take
//! their headers from) is named in it, and so is every subcommand.

use std::path::Path;

use mine::export::codebook;
use mine::lexicon::LexiconSet;

#[test]
fn the_readme_names_every_column_of_every_csv() {
    let readme = std::fs::read_to_string("README.md").expect("README.md");
    let lexicons = LexiconSet::load(Path::new("lexicons")).expect("shipped lexicons");
    let prefixes: Vec<String> = lexicons
        .categories
        .iter()
        .map(|c| format!("n_{}", c.name))
        .collect();
    let mut tables = codebook::tables(&lexicons, &["language".to_string()]);
    assert!(tables.len() >= 6);
    tables.push(codebook::validation());
    for table in tables {
        assert!(
            readme.contains(table.file),
            "{} is not in the README",
            table.file
        );
        for column in table.header() {
            // Per-category columns are documented once as `n_C`, `n_C_plain` ...
            if prefixes.iter().any(|p| column.starts_with(p.as_str())) {
                continue;
            }
            assert!(
                readme.contains(&format!("`{column}`")),
                "column `{column}` of {} is not in the README",
                table.file
            );
        }
    }
}

#[test]
fn the_readme_names_every_subcommand() {
    let readme = std::fs::read_to_string("README.md").expect("README.md");
    for command in [
        "index",
        "search",
        "inspect",
        "export",
        "report",
        "lexicon check",
        "lexicon import",
        "validate sample",
        "validate score",
    ] {
        assert!(
            readme.contains(&format!("`mine {command}")),
            "mine {command}"
        );
    }
}
