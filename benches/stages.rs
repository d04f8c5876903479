//! Criterion benchmarks of the stages of `mine index`, each over the five seed papers in `corpus/`
//! (about 280 KB): parsing (decode and structure), segmentation, the search-mode sub-words the index
//! derives from it, the whole annotation (segment, tag, attribute), the cache round trip, adding to
//! the index, and the CSV export. `cargo bench --bench stages`; the whole-run figures come from
//! `benches/run.sh`.

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use mine::annotate::Pipeline;
use mine::cache;
use mine::corpus::discover::discover;
use mine::corpus::{self, metadata};
use mine::export::{ExportOptions, Exporter};
use mine::index::SentenceIndex;
use mine::model::{AnnotatedDocument, Document, Fallback};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn pipeline() -> Pipeline {
    Pipeline::load(&root().join("lexicons"), None, Fallback::None)
        .expect("the shipped configuration loads")
}

fn seed_docs() -> (Vec<Document>, u64) {
    let corpus = root().join("corpus");
    let table = metadata::load(&corpus).expect("metadata.csv loads");
    let files = discover(&corpus)
        .expect("the corpus folder is readable")
        .files;
    let bytes = files
        .iter()
        .map(|f| std::fs::metadata(&f.path).map_or(0, |m| m.len()))
        .sum();
    let docs = files
        .iter()
        .map(|f| {
            let meta = table
                .as_ref()
                .and_then(|t| t.meta_for(&f.rel))
                .unwrap_or_else(|| metadata::default_meta(&f.rel));
            corpus::load_document(f, meta).expect("the seeds parse").0
        })
        .collect();
    (docs, bytes)
}

fn stages(c: &mut Criterion) {
    let pipeline = pipeline();
    let (docs, bytes) = seed_docs();
    let annotated: Vec<AnnotatedDocument> = docs
        .iter()
        .map(|d| pipeline.annotate(d.clone()).expect("no overrides to fail"))
        .collect();
    let corpus_dir = root().join("corpus");
    let files = discover(&corpus_dir).expect("readable").files;
    let table = metadata::load(&corpus_dir).expect("metadata.csv loads");

    let mut group = c.benchmark_group("seeds");
    group.throughput(Throughput::Bytes(bytes));
    group.sample_size(10);

    group.bench_function("parse", |b| {
        b.iter(|| {
            for f in &files {
                let meta = table
                    .as_ref()
                    .and_then(|t| t.meta_for(&f.rel))
                    .unwrap_or_else(|| metadata::default_meta(&f.rel));
                black_box(corpus::load_document(f, meta).expect("the seeds parse").0);
            }
        })
    });
    group.bench_function("segment_accurate", |b| {
        b.iter(|| {
            for s in docs.iter().flat_map(|d| &d.sentences) {
                black_box(pipeline.segmenter.tokens(&s.text));
            }
        })
    });
    group.bench_function("sub_words", |b| {
        let mut subs = Vec::new();
        b.iter(|| {
            for a in &annotated {
                for (s, n) in a.doc.sentences.iter().zip(&a.annotations) {
                    for t in &n.tokens {
                        subs.clear();
                        pipeline.segmenter.sub_words(t.text(&s.text), &mut subs);
                        black_box(&subs);
                    }
                }
            }
        })
    });
    group.bench_function("annotate", |b| {
        b.iter(|| {
            for d in &docs {
                black_box(pipeline.annotate(d.clone()).expect("no overrides to fail"));
            }
        })
    });
    group.bench_function("cache_round_trip", |b| {
        let out = tempfile::tempdir().expect("a temporary folder");
        b.iter(|| {
            let mut cache = cache::Cache::open_for_writing(out.path()).expect("a new cache");
            for a in &annotated {
                let record = cache::encode(a, None).expect("encodable");
                cache
                    .append(&a.doc.meta.id, &record)
                    .expect("the cache is writable");
            }
            cache.commit().expect("the cache is writable");
            let mut cache = cache::Cache::open(out.path());
            for a in &annotated {
                black_box(cache.load(&a.doc.meta.id).expect("readable"));
            }
        })
    });
    group.bench_function("index_add", |b| {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let index = SentenceIndex::create_or_open(dir.path(), pipeline.segmenter.clone())
            .expect("a new index");
        let mut writer = index.writer().expect("the only writer");
        b.iter(|| {
            for a in &annotated {
                writer.delete_doc(&a.doc.meta.id);
                black_box(
                    writer
                        .add(a, &pipeline.lexicons)
                        .expect("valid annotations"),
                );
            }
        });
        writer.commit().expect("commit");
    });
    group.bench_function("export", |b| {
        let dir = tempfile::tempdir().expect("a temporary folder");
        b.iter(|| {
            let mut exporter = Exporter::new(
                dir.path(),
                &pipeline.lexicons,
                &pipeline.periods,
                &[],
                ExportOptions::default(),
            )
            .expect("an exporter");
            for a in &annotated {
                exporter.add(a).expect("valid annotations");
            }
            black_box(exporter.finish().expect("the CSVs are written"));
        })
    });
    group.finish();
}

criterion_group!(benches, stages);
criterion_main!(benches);
