//! Traditional Chinese is counted like Simplified and kept as written, on a real Apple Daily
//! excerpt (`tests/data/traditional/`): the hits are the Simplified entries, the matched text and
//! the sentence are the Traditional ones; rates count word tokens only.

use std::process::Command;

use tempfile::TempDir;

fn read_csv(path: &std::path::Path) -> Vec<std::collections::BTreeMap<String, String>> {
    let mut reader = csv::Reader::from_path(path).expect("csv");
    let header = reader.headers().expect("header").clone();
    reader
        .records()
        .map(|r| {
            header
                .iter()
                .map(str::to_string)
                .zip(r.expect("record").iter().map(str::to_string))
                .collect()
        })
        .collect()
}

#[test]
fn traditional_text_is_tagged_through_its_simplified_form_and_quoted_as_written() {
    let tmp = TempDir::new().unwrap();
    let out = tmp.path().join("out");
    let o = Command::new(env!("CARGO_BIN_EXE_mine"))
        .args(["index", "tests/data/traditional", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let hits = read_csv(&out.join("hits.csv"));
    let found: Vec<(&str, &str)> = hits
        .iter()
        .map(|h| (h["entry"].as_str(), h["matched"].as_str()))
        .collect();
    for pair in [("核威胁", "核威脅"), ("挑衅", "挑釁")] {
        assert!(found.contains(&pair), "{pair:?} not in {found:?}");
    }
    // Context is quoted from the text as written.
    let nuclear = hits.iter().find(|h| h["entry"] == "核威胁").unwrap();
    assert!(
        nuclear["left"].ends_with("敵對勢力日益增強的"),
        "{nuclear:?}"
    );
    let passages = read_csv(&out.join("passages.csv"));
    assert!(
        passages
            .iter()
            .any(|p| p["text"].contains("北韓會繼續核開發"))
    );
    // Word tokens leave out punctuation: the sentence has more tokens than words.
    for p in &passages {
        let words: u32 = p["tokens"].parse().unwrap();
        let all: u32 = p["tokens_all"].parse().unwrap();
        assert!(words <= all, "{p:?}");
    }
    assert!(passages.iter().any(|p| p["tokens"] != p["tokens_all"]));
}

#[test]
fn a_form_in_two_categories_stops_the_index_as_it_fails_the_lint() {
    let tmp = TempDir::new().unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_mine"))
        .args([
            "index",
            "corpus",
            "--lexicons",
            "tests/data/lexicons/shared_form",
            "--out",
        ])
        .arg(tmp.path().join("out"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("b.toml:9: `延伸威慑` is also in category `alpha`"),
        "{err}"
    );
    assert!(!tmp.path().join("out").exists());
}

#[test]
fn search_finds_traditional_text_whichever_script_the_query_is_in() {
    let tmp = TempDir::new().unwrap();
    let out = tmp.path().join("out");
    let o = Command::new(env!("CARGO_BIN_EXE_mine"))
        .args(["index", "tests/data/traditional", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let search = |query: &str| {
        let o = Command::new(env!("CARGO_BIN_EXE_mine"))
            .args(["search", query, "--format", "csv", "--out"])
            .arg(&out)
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "{query}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        String::from_utf8(o.stdout).unwrap()
    };
    // The same sentences, whichever script: (doc, sentence_id) of each row.
    let rows = |csv: &str| -> Vec<String> {
        csv.lines()
            .skip(1)
            .map(|l| l.splitn(3, ',').take(2).collect::<Vec<_>>().join(","))
            .collect()
    };
    let simplified = search("核威胁");
    let traditional = search("核威脅");
    assert!(simplified.contains("核威脅"), "{simplified}");
    assert!(!rows(&simplified).is_empty());
    assert_eq!(rows(&simplified), rows(&traditional));
}
