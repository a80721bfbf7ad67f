#!/bin/bash
# overlay2 benchmarks (root, kernel overlayfs):
#  1. get/put per operation: parentless layer (no mount), empty child (one lower), top of a 128-lower stack
#     (relative-path mount via mount(8)); peers from the same run: util-linux `mount -t overlay` + `umount`
#     of the same stack in a shell loop (absolute paths for one lower; from the home, relative, for 128).
#  2. native vs naive diff on a 100,000-file corpus (ratio).
# Env: N=200 (get/put ops), RUNS=3, CORPUS=/tmp/unionfs-bench/layers/corpora/synth (100k files from
# /work/shared/bench/make-corpora.sh; a seeded 100k x 1 KiB tree is generated if missing), WORK=/tmp.
set -euo pipefail
N=${N:-200}
RUNS=${RUNS:-3}
REPO=$(cd "$(dirname "$0")/../.." && pwd)
W=$(mktemp -d "${WORK:-/tmp}/ov2bench.XXXXXX")
cleanup() {
  set +e
  { grep -o " $W[^ ]*" /proc/self/mounts || true; } | sort -r | while read -r m; do umount -l "$m"; done
  rm -rf "$W"
}
trap cleanup EXIT
[ "$(id -u)" = 0 ] || { echo "needs root" >&2; exit 1; }

echo "# building (offline maven, own target dir)" >&2
(cd "$REPO" && mvn -B -q -o -Dunionfs.target=target-bench -pl driver-overlay2 -am -DskipTests package \
  dependency:build-classpath -Dmdep.outputFile="$W/cp.txt" >&2)
CP="$(ls "$REPO"/driver-overlay2/target-bench/driver-overlay2-*.jar):$(cat "$W/cp.txt")"
JAVA=(java -cp "$CP" "$REPO/bench/overlay2/Overlay2Bench.java")

echo "## get/put (ours)"
"${JAVA[@]}" getput "$W/home" "$N"

echo "## peers: mount(8) + umount(8) per op, same layers"
H=$W/home
L1=$(cat "$H/emptychild/lower")
mkdir -p "$W/m1"
t0=$(date +%s%N)
for _ in $(seq "$N"); do
  mount -t overlay overlay -o "index=off,lowerdir=$H/${L1},upperdir=$H/emptychild/diff,workdir=$H/emptychild/work" "$W/m1"
  umount "$W/m1"
done
t1=$(date +%s%N)
echo "peer-mount-umount-empty-child ops=$N ns_per_op=$(( (t1 - t0) / N ))"
LOW=$(cat "$H/s128/lower")
mkdir -p "$H/s128/merged"
t0=$(date +%s%N)
for _ in $(seq "$N"); do
  (cd "$H" && mount -i -n -t overlay overlay -o "index=off,lowerdir=$LOW,upperdir=s128/diff,workdir=s128/work" s128/merged)
  umount "$H/s128/merged"
done
t1=$(date +%s%N)
rmdir "$H/s128/merged"
echo "peer-mount-umount-128-lowers-relative ops=$N ns_per_op=$(( (t1 - t0) / N ))"

CORPUS=${CORPUS:-/tmp/unionfs-bench/layers/corpora/synth}
if [ ! -d "$CORPUS" ]; then
  CORPUS=$W/corpus
  echo "# generating a seeded corpus of 100,000 files of 1 KiB in $CORPUS" >&2
  python3 - "$CORPUS" <<'PY'
import os, random, sys
root = sys.argv[1]; rnd = random.Random(7)
for d in range(100):
    dd = os.path.join(root, "d%03d" % d); os.makedirs(dd)
    for f in range(1000):
        with open(os.path.join(dd, "f%04d" % f), "wb") as out:
            out.write(rnd.randbytes(1024))
PY
fi
echo "## native vs naive diff"
"${JAVA[@]}" diff "$W/home2" "$CORPUS" "$RUNS"
