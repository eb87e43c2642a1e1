#!/bin/sh
# Runs every libFuzzer target for a bounded time, starting from its committed seed corpus.
# usage: tests/fuzz/run.sh BUILD_DIR SECONDS
# A target is any directory under tests/fuzz/corpus/; its binary must exist in BUILD_DIR.
# Exits non-zero if a target is missing or finds a crash, leak or timeout; the input that
# did it is kept in BUILD_DIR/fuzz-artifacts/ for reproduction (run the target on it).
set -eu

if [ $# -ne 2 ]; then
	echo "usage: $0 BUILD_DIR SECONDS" >&2
	exit 2
fi
build=$1
seconds=$2
case $seconds in
'' | *[!0-9]*) echo "$0: SECONDS must be a whole number" >&2; exit 2 ;;
esac
here=$(cd "$(dirname "$0")" && pwd)
artifacts=$build/fuzz-artifacts
mkdir -p "$artifacts"

status=0
for seeds in "$here"/corpus/*/; do
	target=$(basename "$seeds")
	bin=$build/tests/fuzz/$target
	[ -x "$bin" ] ||
	    bin=$(find "$build" -type f -name "$target" -perm -u+x 2>/dev/null | head -n 1)
	if [ -z "$bin" ] || [ ! -x "$bin" ]; then
		echo "fuzz: $target: no binary under $build (build it with LANCHAT_FUZZ=ON)" >&2
		status=1
		continue
	fi
	# New inputs go to a scratch corpus so the committed seeds stay as they are.
	work=$build/fuzz-corpus/$target
	mkdir -p "$work"
	dict=""
	[ -f "$here/$target.dict" ] && dict="-dict=$here/$target.dict"
	echo "fuzz: $target for ${seconds}s"
	# shellcheck disable=SC2086
	if "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=4096 \
	    -print_final_stats=1 -artifact_prefix="$artifacts/$target-" $dict \
	    "$work" "$seeds" >"$artifacts/$target.log" 2>&1; then
		grep -E '^stat::number_of_executed_units|^#[0-9]+.*DONE' "$artifacts/$target.log" |
		    sed "s/^/fuzz: $target: /" || true
	else
		echo "fuzz: $target FAILED; last lines of $artifacts/$target.log:" >&2
		tail -n 40 "$artifacts/$target.log" >&2
		status=1
	fi
done
exit $status
