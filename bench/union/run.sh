#!/usr/bin/env bash
# Builds fuse-mount.jar (if missing or BUILD=1) and runs the shared union benchmark on our FUSE mount and
# on the peers in the same run, then prints one markdown table (median of the runs, best in parentheses).
#
#   bench/union/run.sh [METHOD...]      default: ours kernel-overlay fuse-overlayfs unionfs-fuse mergerfs plain
#                                       (ours-c1: ours with -XX:TieredStopAtLevel=1 -XX:+UseSerialGC)
#
# Environment: REPS (default 3), METRICS, OUT (result dir, default /tmp/unionfs-bench/results-<time>),
# JAR (default unionfs-cli/target/fuse-mount.jar), JAVA_OPTS (extra JVM flags for the mount), FUSE_OPTS
# (extra -o options), BENCH (default /work/shared/bench/union-bench.sh), plus union-bench.sh's own.
# Peers need: apt-get install -y fuse3 libfuse2 fuse-overlayfs unionfs-fuse mergerfs
set -euo pipefail
export LC_ALL=C.UTF-8
repo=$(cd "$(dirname "$0")/../.." && pwd)
BENCH=${BENCH:-/work/shared/bench/union-bench.sh}
JAR=${JAR:-$repo/unionfs-cli/target/fuse-mount.jar}
OUT=${OUT:-/tmp/unionfs-bench/results-$(date -u +%Y%m%dT%H%M%S)}
export REPS=${REPS:-3}
if [ ! -f "$JAR" ] || [ "${BUILD:-0}" = 1 ]; then
  (cd "$repo" && mvn -B -q -pl unionfs-cli -am package -DskipTests)
fi
[ -f "$JAR" ] || { echo "run.sh: no $JAR after the build" >&2; exit 1; }
mkdir -p "$OUT"
# a private copy: a rebuild during the run must not change the jar under a running mount
cp "$JAR" "$OUT/fuse-mount.jar"
ours="cmd:java ${JAVA_OPTS:-} -jar $OUT/fuse-mount.jar dirs={UPPER}=rw:{LOWER}=ro {MNT}${FUSE_OPTS:+ -o $FUSE_OPTS}"
# ours-c1: the same with the JIT flags docs/fuse-mount.md recommends (C1 only, serial GC): a short-lived
# mount spends most of its CPU compiling with C2
ours_c1="cmd:java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC ${JAVA_OPTS:-} -jar $OUT/fuse-mount.jar dirs={UPPER}=rw:{LOWER}=ro {MNT}${FUSE_OPTS:+ -o $FUSE_OPTS}"
methods=("$@")
[ ${#methods[@]} -gt 0 ] || methods=(ours kernel-overlay fuse-overlayfs unionfs-fuse mergerfs plain)
files=()
for m in "${methods[@]}"; do
  name=$m
  [ "$m" = ours ] && m=$ours
  [ "$m" = ours-c1 ] && m=$ours_c1
  echo "== $name ($(date -u +%T))" >&2
  "$BENCH" "$m" > "$OUT/res-$name.tsv" || echo "run.sh: $name failed (rc $?)" >&2
  files+=("$OUT/res-$name.tsv")
done
"$BENCH" table "${files[@]}" | tee "$OUT/table.md"
echo "results in $OUT" >&2
