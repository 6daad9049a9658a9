#!/usr/bin/env bash
# Three-way build benchmark: gongkai (with all its charts) against Hugo and Zola (no charts)
# on the same generated corpus, cold, into empty output folders in memory (/dev/shm), runs
# alternating between the tools. Not part of `cargo test`.
#
#   tests/bench/compare.sh [small|medium|large]     RUNS=5 by default
#   HUGO=/usr/bin/hugo ZOLA=/path/to/zola tests/bench/compare.sh medium
#
# Hugo comes from Debian (apt-get install hugo); Zola is not packaged in Debian: build it from
# its source release with cargo and pass its path in ZOLA. A missing tool is skipped with a note.
set -euo pipefail
size=${1:-medium}
runs=${RUNS:-5}
repo=$(cd "$(dirname "$0")/../.." && pwd)
case "$size" in
  small) args=(--editions 3 --sections 5 --indicators 100) ;;
  medium) args=(--editions 10 --sections 20 --indicators 1000) ;;
  large) args=(--editions 10 --sections 20 --indicators 10000) ;;
  *) echo "size must be small, medium or large" >&2; exit 2 ;;
esac
HUGO=${HUGO:-$(command -v hugo || true)}
ZOLA=${ZOLA:-$(command -v zola || true)}
work=/dev/shm/gongkai-bench-$size
results=$work/results.tsv

(cd "$repo" && cargo build --release --quiet && cargo build --release --quiet --example gen-corpus)
gongkai=$repo/target/release/gongkai
rm -rf "$work" && mkdir -p "$work"
"$repo/target/release/examples/gen-corpus" "${args[@]}" "$work/corpus" >/dev/null

tools=(gongkai)
[ -n "$HUGO" ] && tools+=(hugo) || echo "note: hugo not found, skipped (apt-get install hugo)"
[ -n "$ZOLA" ] && tools+=(zola) || echo "note: zola not found, skipped (build it from source; ZOLA=path)"

run_tool() { # tool out
  case "$1" in
    gongkai) "$gongkai" build --root "$work/corpus/gongkai" --out "$2" >/dev/null ;;
    hugo) "$HUGO" --quiet --source "$work/corpus/hugo" --destination "$2" >/dev/null ;;
    zola) "$ZOLA" --root "$work/corpus/zola" build --output-dir "$2" --force >/dev/null 2>&1 ;;
  esac
}

: > "$results"
for ((r = 1; r <= runs; r++)); do
  for tool in "${tools[@]}"; do
    out=$work/out-$tool
    rm -rf "$out"
    sync
    /usr/bin/time -f "%e %M" -o "$work/time" bash -c "$(declare -f run_tool); gongkai='$gongkai' HUGO='$HUGO' ZOLA='$ZOLA' work='$work' run_tool $tool '$out'"
    # Pages of the site itself: gongkai's 关怀版 copy under care/ is counted apart.
    pages=$(find "$out" -name '*.html' -not -path "$out/care/*" | wc -l)
    read -r secs rss < "$work/time"
    printf '%s\t%s\t%s\t%s\n' "$tool" "$secs" "$rss" "$pages" >> "$results"
  done
done

python3 - "$results" "$size" <<'PY'
import sys, statistics
rows = [l.split('\t') for l in open(sys.argv[1]).read().split('\n') if l]
by = {}
for tool, secs, rss, pages in rows:
    by.setdefault(tool, []).append((float(secs), int(rss), int(pages)))
hugo = statistics.median(s for s, _, _ in by['hugo']) if 'hugo' in by else None
zola = statistics.median(s for s, _, _ in by['zola']) if 'zola' in by else None
print(f"corpus: {sys.argv[2]}; runs per tool: {len(next(iter(by.values())))}; output in /dev/shm")
print("| tool | pages (charts) | median s | min s | max s | pages/s | peak RSS MiB | speed vs Hugo | vs Zola |")
print("|---|---|---|---|---|---|---|---|---|")
for tool, xs in by.items():
    secs = [s for s, _, _ in xs]
    med = statistics.median(secs)
    pages = xs[0][2]
    rss = max(r for _, r, _ in xs) / 1024
    ratio = f"{hugo / med:.2f}×" if hugo else "—"
    vs_zola = f"{zola / med:.2f}×" if zola else "—"
    print(f"| {tool} | {pages} | {med:.2f} | {min(secs):.2f} | {max(secs):.2f} | {pages / med:.0f} | {rss:.0f} | {ratio} | {vs_zola} |")
PY
