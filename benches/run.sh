#!/usr/bin/env bash
# Whole-run benchmark of `mine index` (issue 7). From a clean clone:
#
#   benches/run.sh                 # 100 MB and 200 MB corpora, 70,000 small files, rerun, search
#   MB=20 QUICK=1 benches/run.sh   # a quick look: one 20 MB corpus, no 200 MB / small-files runs
#   PAIRS=5 benches/run.sh         # more back-to-back small/large pairs (default 3)
#
# Builds the release binaries, generates the corpora with examples/gencorpus.rs (seeded, so the
# same bytes every time) under $WORK (default /tmp/mine-bench), and prints for each corpus the
# throughput of `mine index` on $JOBS threads, the throughput of bare jieba-rs segmentation of the
# same files on $JOBS threads measured in the same run, their ratio, and the peak RSS; then the
# ceiling that indexing alone puts on that ratio (examples/tantivy_baseline.rs), an incremental
# rerun after changing one file, and search latency over the index.
set -euo pipefail

cd "$(dirname "$0")/.."
MB=${MB:-100}
JOBS=${JOBS:-2}
WORK=${WORK:-/tmp/mine-bench}
QUICK=${QUICK:-}
PAIRS=${PAIRS:-3}
mkdir -p "$WORK"

command -v /usr/bin/time >/dev/null || { echo "needs GNU time (apt-get install time)" >&2; exit 1; }
cargo build --release --quiet --bin mine --example gencorpus --example jieba_baseline \
  --example tantivy_baseline --example search_latency
BIN=target/release
MINE=$BIN/mine

gen() { # name mb [file-kb]
  local dir=$WORK/$1
  if [ ! -f "$dir/metadata.csv" ]; then
    rm -rf "$dir"
    if [ -n "${3:-}" ]; then
      $BIN/examples/gencorpus --mb "$2" --file-kb "$3" --out "$dir" >/dev/null
    else
      $BIN/examples/gencorpus --mb "$2" --out "$dir" >/dev/null
    fi
  fi
  echo "$dir"
}

# index NAME: full run of $WORK/NAME into $WORK/out-NAME; prints one table row
index_row() {
  local name=$1 corpus=$WORK/$1 out=$WORK/out-$1
  local bytes files jieba_mbs secs rss mbs cpu
  bytes=$(find "$corpus" -name '*.txt' -printf '%s\n' | awk '{s += $1} END {print s}')
  files=$(find "$corpus" -name '*.txt' | wc -l)
  read -r _ _ jieba_mbs _ < <($BIN/examples/jieba_baseline "$corpus" "$JOBS")
  rm -rf "$out"
  sync
  /usr/bin/time -v -o "$WORK/time-$name.txt" $MINE index "$corpus" --out "$out" -j "$JOBS" \
    --period-fallback document >/dev/null
  secs=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$WORK/time-$name.txt")
  cpu=$(awk -F': ' '/User time|System time/ {s += $2} END {printf "%.1f", s}' "$WORK/time-$name.txt")
  rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2/1024}' "$WORK/time-$name.txt")
  mbs=$(awk -v b="$bytes" -v s="$secs" 'BEGIN {printf "%.2f", b/1e6/s}')
  printf "%-12s %8.1f %7d %8.2f %8.1f %8.2f %8.2f %6.3f %8d\n" "$name" "$(awk -v b="$bytes" 'BEGIN{print b/1e6}')" \
    "$files" "$secs" "$cpu" "$mbs" "$jieba_mbs" "$(awk -v a="$mbs" -v b="$jieba_mbs" 'BEGIN {print a/b}')" "$rss"
}

echo "machine: $(nproc) cores, $(awk '/model name/ {sub(/.*: /,""); print; exit}' /proc/cpuinfo), $(free -g | awk '/Mem:/ {print $2}') GiB; jobs $JOBS"
printf "%-12s %8s %7s %8s %8s %8s %8s %6s %8s\n" corpus MB files wall_s cpu_s "MB/s" "jieba" ratio "RSS MiB"
gen mixed$MB "$MB" >/dev/null
index_row "mixed$MB"
if [ -z "$QUICK" ]; then
  gen mixed$((2 * MB)) $((2 * MB)) >/dev/null
  index_row "mixed$((2 * MB))"
  # About 70,000 files of 1.5 KB at MB=100 (a file takes paragraphs until it passes the 1 KB
  # target, 1.5 KB on average), and about the same bytes in files of 2 MB.
  gen small$MB $((MB * 107 / 100)) 1.0 >/dev/null
  index_row "small$MB"
  gen large$MB $((MB * 107 / 100)) 2000 >/dev/null
  index_row "large$MB"

  # The rows above are single runs minutes apart, on a machine whose speed drifts by tens of
  # percent: the small-files figure is taken from pairs run back to back (small files, then
  # large), as the median of the pairs' ratios of CPU time per byte.
  echo "small$MB against large$MB, $PAIRS pairs back to back (CPU s of mine index):"
  small_bytes=$(find "$WORK/small$MB" -name '*.txt' -printf '%s\n' | awk '{s += $1} END {print s}')
  large_bytes=$(find "$WORK/large$MB" -name '*.txt' -printf '%s\n' | awk '{s += $1} END {print s}')
  ratios=()
  for pair in $(seq "$PAIRS"); do
    for name in small$MB large$MB; do
      rm -rf "$WORK/out-$name"
      sync
      /usr/bin/time -f '%U %S' -o "$WORK/cpu-$name.txt" $MINE index "$WORK/$name" \
        --out "$WORK/out-$name" -j "$JOBS" --period-fallback document >/dev/null
    done
    small=$(awk '{print $1 + $2}' "$WORK/cpu-small$MB.txt")
    large=$(awk '{print $1 + $2}' "$WORK/cpu-large$MB.txt")
    ratio=$(awk -v a="$small" -v b="$large" -v x="$small_bytes" -v y="$large_bytes" \
      'BEGIN {printf "%.3f", (a / x) / (b / y)}')
    ratios+=("$ratio")
    echo "  pair $pair: $small s against $large s = ${ratio}x"
  done
  printf '%s\n' "${ratios[@]}" | sort -n |
    awk '{r[NR] = $1} END {m = (NR % 2) ? r[(NR + 1) / 2] : (r[NR / 2] + r[NR / 2 + 1]) / 2;
      printf "  median %.3fx the CPU per byte of large files (target: within 1.25x)\n", m}'
fi

# The ceiling: bare jieba-rs, then bare tantivy taking the same tokens (one field with positions,
# nothing stored), on the first corpus.
echo "ceiling on mixed$MB (segmentation and indexing alone, everything else free):"
$BIN/examples/tantivy_baseline "$WORK/mixed$MB" "$JOBS" | sed 's/^/  /'

# Incremental rerun: one file of the first corpus changed, three times over (each rerun appends
# another sentence, so each has one changed file to re-process).
corpus=$WORK/mixed$MB
first=$(find "$corpus" -name 'doc_*.txt' | sort | awk 'NR == 1')
cp "$first" "$WORK/saved.txt"
full=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$WORK/time-mixed$MB.txt")
for n in 1 2 3; do
  printf '\n美国对盟友的延伸威慑承诺再次受到质疑（%s）。\n' "$n" >>"$first"
  # Flush what the earlier runs wrote (about 1.5 GB), so that the kernel's write-back of their
  # output is not timed as the rerun's.
  sync
  /usr/bin/time -v -o "$WORK/time-rerun.txt" $MINE index "$corpus" --out "$WORK/out-mixed$MB" \
    -j "$JOBS" --period-fallback document >/dev/null
  rerun=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$WORK/time-rerun.txt")
  echo "incremental rerun $n after changing one file: ${rerun} s = $(awk -v a="$rerun" -v b="$full" 'BEGIN {printf "%.1f", 100*a/b}')% of the full run (${full} s)"
done
cp "$WORK/saved.txt" "$first"

# Search latency in one process over the first corpus's index.
$BIN/examples/search_latency "$WORK/out-mixed$MB" 50
