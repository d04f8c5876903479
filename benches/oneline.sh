#!/usr/bin/env bash
# A document on one line (scraped news, a book without line breaks): `mine index` on a corpus of
# one file of $MB MB (default 20) with no line break, made of the seed papers' prose with its 。
# intact and opening like an abstract. Prints the wall time, the CPU time, the peak RSS and the
# output sizes (target: under 10 s and 500 MB for 20 MB; outputs in proportion to the input).
#
#   benches/oneline.sh            # 20 MB
#   MB=2 benches/oneline.sh       # a quick look
set -euo pipefail

cd "$(dirname "$0")/.."
MB=${MB:-20}
WORK=${WORK:-/tmp/mine-bench}
command -v /usr/bin/time >/dev/null || { echo "needs GNU time (apt-get install time)" >&2; exit 1; }
cargo build --release --quiet --bin mine
corpus=$WORK/oneline$MB
out=$WORK/out-oneline$MB
if [ ! -f "$corpus/one.txt" ]; then
  mkdir -p "$corpus"
  paragraph=$(grep -h '。' corpus/*.txt | grep -v '^#' | tr -d '\n')
  bytes=$(printf '%s' "$paragraph" | wc -c)
  {
    printf '【内容提要】'
    for _ in $(seq $((MB * 1000000 / bytes + 1))); do printf '%s' "$paragraph"; done
  } >"$corpus/one.txt"
fi
rm -rf "$out"
sync
/usr/bin/time -v -o "$WORK/time-oneline.txt" target/release/mine index "$corpus" --out "$out" >/dev/null
awk -F': ' '/Elapsed \(wall clock\)/ {print "wall", $2}
  /User time/ {u = $2} /System time/ {s = $2}
  /Maximum resident set size/ {printf "peak RSS %.0f MiB\n", $2 / 1024}
  END {printf "cpu %.2f s\n", u + s}' "$WORK/time-oneline.txt"
printf 'input %s bytes, %s sentences\n' "$(stat -c %s "$corpus/one.txt")" \
  "$(grep -o '"sentences": [0-9]*' "$out/manifest.json" | head -1 | awk '{print $2}')"
du -b "$out"/passages.csv "$out"/hits.csv "$out"/index "$out"/cache | awk '{printf "  %s %.1f MB\n", $2, $1 / 1e6}'
