#!/bin/bash
# Creating a child of a ~200 MB vfs layer: our driver (in-process library call, JVM start excluded)
# against cp -a --reflink=always, cp -a (coreutils >= 9 defaults to --reflink=auto) and
# cp -a --reflink=never, all in the same run on the same loop-mounted filesystem, warm page cache,
# runs interleaved. Prints median wall seconds and peer/ours ratios (> 1 means we are faster).
#
#   sudo bench/vfs-child-create.sh            # btrfs
#   sudo FS=xfs bench/vfs-child-create.sh     # xfs with reflink=1
#   FS=ext4 ...                               # no reflink: everyone copies
# Env: RUNS=7, CORPUS=<dir> (default: the debian corpus of bench/make-corpora.sh if present, else a
# seeded synthetic 200 MB tree), IMAGE_MB=2048.
# Needs: root, mount -o loop, mkfs.$FS (btrfs-progs / xfsprogs / e2fsprogs), mvn, java 17, python3.
set -euo pipefail
FS=${FS:-btrfs}
RUNS=${RUNS:-7}
IMAGE_MB=${IMAGE_MB:-2048}
REPO=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d /tmp/vfs-child-create.XXXXXX)
MNT=$WORK/mnt
cleanup() {
  if mountpoint -q "$MNT" 2>/dev/null; then umount "$MNT" || umount -l "$MNT"; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

[ "$(id -u)" = 0 ] || { echo "needs root (loop mount)" >&2; exit 1; }
command -v "mkfs.$FS" >/dev/null || { echo "mkfs.$FS missing" >&2; exit 1; }

echo "# building the library (offline maven, own target dir)" >&2
(cd "$REPO" && mvn -B -q -o -Dunionfs.target=target-bench -pl driver-vfs -am -DskipTests package \
  dependency:build-classpath -Dmdep.outputFile="$WORK/cp.txt" >&2)
CP="$(ls "$REPO"/driver-vfs/target-bench/driver-vfs-*.jar):$(cat "$WORK/cp.txt")"
# The command line too, JVM start included, if it builds (CLI=0 skips it).
CLI_JAR=
if [ "${CLI:-1}" = 1 ] && (cd "$REPO" && mvn -B -q -o -Dunionfs.target=target-bench -pl unionfs-cli -am \
    -DskipTests package >&2) && [ -f "$REPO/unionfs-cli/target-bench/unionfs.jar" ]; then
  CLI_JAR=$REPO/unionfs-cli/target-bench/unionfs.jar
fi
JAVA=(java -cp "$CP" "$REPO/bench/vfs-child-create/VfsChildCreate.java")

truncate -s "${IMAGE_MB}M" "$WORK/image"
case "$FS" in
  btrfs) mkfs.btrfs -q -f "$WORK/image" ;;
  xfs) mkfs.xfs -q -f -m reflink=1 "$WORK/image" ;;
  *) "mkfs.$FS" -q -F "$WORK/image" ;;
esac
mkdir "$MNT"
mount -o loop "$WORK/image" "$MNT"
HOME_DIR=$MNT/vfs
BASE=$("${JAVA[@]}" init "$HOME_DIR" | sed -n 's/^base //p')

CORPUS=${CORPUS:-/tmp/unionfs-bench/layers/corpora/debian}
if [ -d "$CORPUS" ]; then
  echo "# corpus $CORPUS" >&2
  cp -a --reflink=never "$CORPUS/." "$BASE/"
else
  echo "# corpus: synthetic (seeded), 200 MB in 4000 files" >&2
  python3 - "$BASE" <<'PY'
import os, random, sys
root = sys.argv[1]; rnd = random.Random(7)
for d in range(40):
    dd = os.path.join(root, "dir%02d" % d); os.makedirs(dd)
    for f in range(100):
        with open(os.path.join(dd, "f%03d" % f), "wb") as out:
            out.write(rnd.randbytes(rnd.randint(10_000, 90_000)))
PY
fi
sync
ENTRIES=$(find "$BASE" | wc -l)
BYTES=$(du -sb --apparent-size "$BASE" | cut -f1)

# One timed run of: cp ARGS base dst (dst removed untimed afterwards)
time_cp() {
  local dst=$MNT/cp-dst s e
  sync
  s=$(date +%s.%N); cp "$@" "$BASE" "$dst"; e=$(date +%s.%N)
  rm -rf "$dst"
  printf "%.4f\n" "$(echo "$e - $s" | bc -l)"
}
median() { printf '%s\n' "$@" | sort -g | sed -n "$(( ($# + 1) / 2 ))p"; }

# Interleaved: run i of every tool before run i+1 of any, starting with a different tool each time, so
# that background work (writeback, btrfs cleaner) is spread evenly. Our creates are served by one JVM.
coproc OURS_PROC { "${JAVA[@]}" serve "$HOME_DIR"; }
read -r -u "${OURS_PROC[0]}" CAPS_LINE
CAPS=${CAPS_LINE#capabilities }
REFLINK_OK=no; { [ "$FS" = btrfs ] || [ "$FS" = xfs ]; } && REFLINK_OK=yes
time_cli() {
  local s e
  sync
  s=$(date +%s.%N)
  UNIONFS_JAR=$CLI_JAR "$REPO/bin/unionfs" --driver vfs --home "$MNT" create cli-child --parent base >&2
  e=$(date +%s.%N)
  UNIONFS_JAR=$CLI_JAR "$REPO/bin/unionfs" --driver vfs --home "$MNT" remove cli-child >&2
  printf "%.4f\n" "$(echo "$e - $s" | bc -l)"
}
if [ -n "$CLI_JAR" ] && ! { UNIONFS_JAR=$CLI_JAR "$REPO/bin/unionfs" --driver vfs --home "$MNT" \
    create cli-probe --parent base && UNIONFS_JAR=$CLI_JAR "$REPO/bin/unionfs" --driver vfs \
    --home "$MNT" remove cli-probe; } >&2; then
  echo "# the command line does not work here; its row is skipped" >&2
  CLI_JAR=
fi
ours=(); always=(); auto=(); never=(); cli=()
for i in $(seq 1 "$RUNS"); do
  for k in 0 1 2 3 4; do
    case $(( (k + i) % 5 )) in
      4) [ -n "$CLI_JAR" ] && cli+=("$(time_cli)") ;;
      0) sync; echo run >&"${OURS_PROC[1]}"; read -r -u "${OURS_PROC[0]}" t; ours+=("$t") ;;
      1) [ $REFLINK_OK = yes ] && always+=("$(time_cp -a --reflink=always)") ;;
      2) auto+=("$(time_cp -a)") ;;
      3) never+=("$(time_cp -a --reflink=never)") ;;
    esac
  done
done
echo >&"${OURS_PROC[1]}"
wait "$OURS_PROC_PID" 2>/dev/null || true
OURS_MED=$(median "${ours[@]}")
OURS_FIRST=${ours[0]}
CP_ALWAYS=NA; [ $REFLINK_OK = yes ] && CP_ALWAYS=$(median "${always[@]}")
CP_DEFAULT=$(median "${auto[@]}")
CP_NEVER=$(median "${never[@]}")
CLI_MED=NA; [ -n "$CLI_JAR" ] && CLI_MED=$(median "${cli[@]}")

ratio() { [ "$2" = NA ] && echo NA || echo "scale=2; $2 / $1" | bc -l; }
echo "fs=$FS corpus_entries=$ENTRIES corpus_bytes=$BYTES runs=$RUNS capabilities=$CAPS"
printf '%-34s %10s %s\n' "operation" "median_s" "peer_time/ours"
printf '%-34s %10s %s\n' "unionfs vfs create(child)" "$OURS_MED" "1.00 (first run $OURS_FIRST s)"
printf '%-34s %10s %s\n' "unionfs CLI create (JVM start incl.)" "$CLI_MED" "$(ratio "$OURS_MED" "$CLI_MED")"
printf '%-34s %10s %s\n' "cp -a --reflink=always" "$CP_ALWAYS" "$(ratio "$OURS_MED" "$CP_ALWAYS")"
printf '%-34s %10s %s\n' "cp -a" "$CP_DEFAULT" "$(ratio "$OURS_MED" "$CP_DEFAULT")"
printf '%-34s %10s %s\n' "cp -a --reflink=never" "$CP_NEVER" "$(ratio "$OURS_MED" "$CP_NEVER")"
