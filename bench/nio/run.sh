#!/bin/bash
# The NIO view of the aufs driver against its FUSE mode and overlay2 (root, kernel overlayfs, /dev/fuse):
#  getput-128  get + put of the top of a 128-layer stack
#  read-20 / read-128  moby's DeepLayerRead: read testfile.txt of the base through the top of 20 / 128 layers
# All three peers run in one JVM in the same run; a markdown table of medians and ratios closes the output.
# Env: N=50 (get/put ops per round; reads do 10*N), ROUNDS=5, WORK=/tmp.
set -euo pipefail
N=${N:-50}
ROUNDS=${ROUNDS:-5}
REPO=$(cd "$(dirname "$0")/../.." && pwd)
W=$(mktemp -d "${WORK:-/tmp}/niobench.XXXXXX")
cleanup() {
  set +e
  { grep -o " $W[^ ]*" /proc/self/mounts || true; } | sort -r | while read -r m; do umount -l "$m"; done
  rm -rf "$W"
}
trap cleanup EXIT
[ "$(id -u)" = 0 ] || { echo "needs root (overlay2 and the FUSE peer mount)" >&2; exit 1; }
export LC_ALL=C.UTF-8

echo "# building (offline maven, own target dir)" >&2
for m in driver-aufs driver-overlay2; do
  (cd "$REPO" && mvn -B -q -o -Dunionfs.target=target-niobench -pl "$m" -am -DskipTests package \
    dependency:build-classpath -Dmdep.outputFile="$W/cp-$m.txt" >&2)
done
CP="$(ls "$REPO"/driver-aufs/target-niobench/driver-aufs-*.jar):$(ls "$REPO"/driver-overlay2/target-niobench/driver-overlay2-*.jar)"
CP="$CP:$(cat "$W/cp-driver-aufs.txt"):$(cat "$W/cp-driver-overlay2.txt")"
mkdir -p "$W/work"
echo "## N=$N ROUNDS=$ROUNDS ($(nproc) cpus, $(uname -r))"
java -cp "$CP" "$REPO/bench/nio/NioLayerBench.java" "$W/work" "$N" "$ROUNDS"
