//! Search latency inside one process: takes an output folder of `mine index`, gives back the
//! start-up time as `mine search` spends it (opening the index and reading its commit record,
//! building the query segmenter that record describes) and, per query of a fixed mix (rare and
//! common words, phrases, boolean, `sub:`, filters), the p50 and p99 time of `SentenceIndex::search` for the first page of 20 hits with
//! their snippets, over repeated runs; then the same for every sentence (`*`), filters alone, a
//! page deep in the results, and `SentenceIndex::count_by_period`.
//!
//! ```text
//! cargo run --release --example search_latency -- /tmp/out100 50
//! ```

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::Context;
use mine::index::SentenceIndex;
use mine::index::search::SearchRequest;

const QUERIES: &[&str] = &[
    "威慑",
    "延伸威慑",
    "sub:威慑",
    "美国",
    "\"同盟 关系\"",
    "特朗普 AND 日本",
    "中国 OR 朝鲜",
    "承诺 NOT 美国",
    "category:threat_narrative",
    "period:biden AND 韩国",
];

/// What one timed case runs.
enum Kind {
    Search,
    CountByPeriod,
}

/// The cases after `QUERIES`: label, request, what to run.
fn more_cases() -> Vec<(String, SearchRequest, Kind)> {
    let mut cases = Vec::new();
    let with = |query: &str, edit: &dyn Fn(&mut SearchRequest)| {
        let mut request = SearchRequest::new(query);
        edit(&mut request);
        request
    };
    cases.push(("*".to_string(), with("*", &|_| {}), Kind::Search));
    cases.push((
        "* --period biden".to_string(),
        with("*", &|r| r.period = Some("biden".into())),
        Kind::Search,
    ));
    cases.push((
        "period:biden".to_string(),
        with("period:biden", &|_| {}),
        Kind::Search,
    ));
    cases.push((
        "美国 --offset 1000".to_string(),
        with("美国", &|r| r.offset = 1000),
        Kind::Search,
    ));
    for query in ["美国", "*", "category:threat_narrative"] {
        cases.push((
            format!("{query} --count"),
            with(query, &|_| {}),
            Kind::CountByPeriod,
        ));
    }
    cases
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let out = PathBuf::from(args.next().context("usage: search_latency OUT [RUNS]")?);
    let runs: usize = args.next().map_or(Ok(50), |r| r.parse())?;

    let start = Instant::now();
    let (index, _) = SentenceIndex::open_recorded(&out.join("index"))?
        .context("the index records no segmenter: build it again with this mine")?;
    let opened = start.elapsed();
    // The dictionary is built on a background thread; start-up includes waiting for it.
    index.segmenter().ready();
    let startup = start.elapsed();
    println!(
        "start-up: {:.1} ms (opening the index {:.1} ms, query segmenter {:.1} ms)",
        startup.as_secs_f64() * 1e3,
        opened.as_secs_f64() * 1e3,
        (startup - opened).as_secs_f64() * 1e3
    );

    let mut all = Vec::new();
    println!(
        "{:<28} {:>9} {:>9} {:>9}",
        "query", "matches", "p50 ms", "p99 ms"
    );
    let time =
        |label: &str, request: &SearchRequest, kind: &Kind| -> anyhow::Result<Vec<Duration>> {
            let run = || -> anyhow::Result<usize> {
                Ok(match kind {
                    Kind::Search => index.search(request)?.total,
                    Kind::CountByPeriod => index.count_by_period(request)?.values().sum(),
                })
            };
            let total = run()?; // warm-up
            let mut times = Vec::with_capacity(runs);
            for _ in 0..runs {
                let t = Instant::now();
                std::hint::black_box(run()?);
                times.push(t.elapsed());
            }
            times.sort();
            println!(
                "{:<28} {:>9} {:>9.2} {:>9.2}",
                label,
                total,
                percentile(&times, 0.5).as_secs_f64() * 1e3,
                percentile(&times, 0.99).as_secs_f64() * 1e3
            );
            Ok(times)
        };
    for query in QUERIES {
        all.extend(time(query, &SearchRequest::new(*query), &Kind::Search)?);
    }
    all.sort();
    println!(
        "all queries: p50 {:.2} ms, p99 {:.2} ms over {} searches",
        percentile(&all, 0.5).as_secs_f64() * 1e3,
        percentile(&all, 0.99).as_secs_f64() * 1e3,
        all.len()
    );
    for (label, request, kind) in more_cases() {
        time(&label, &request, &kind)?;
    }
    Ok(())
}
