#!/usr/bin/env bash
# Runs pjdfstest (the POSIX syscall conformance suite) against our FUSE union mount and against a kernel
# overlayfs mount of the same kind of branches, in the same run, and prints both pass counts plus the test
# cases that pass on overlayfs but fail on ours.
#
#   bench/union/pjdfstest.sh PJDFSTEST_DIR
#
# PJDFSTEST_DIR is a built pjdfstest checkout (https://github.com/pjd/pjdfstest: autoreconf -ifs &&
# ./configure && make pjdfstest), holding the `pjdfstest` binary and tests/. Needs root, /dev/fuse,
# perl's prove, and JAR (default unionfs-cli/target/fuse-mount.jar). FUSE_OPTS adds -o options to ours.
set -euo pipefail
export LC_ALL=C.UTF-8
pjd=$(cd "${1:?usage: pjdfstest.sh PJDFSTEST_DIR}" && pwd)
[ -x "$pjd/pjdfstest" ] && [ -d "$pjd/tests" ] || { echo "pjdfstest.sh: $pjd has no built pjdfstest" >&2; exit 2; }
repo=$(cd "$(dirname "$0")/../.." && pwd)
JAR=${JAR:-$repo/unionfs-cli/target/fuse-mount.jar}
[ -f "$JAR" ] || { echo "pjdfstest.sh: no $JAR (mvn -pl unionfs-cli -am package)" >&2; exit 2; }
work=$(mktemp -d /tmp/pjdfstest-run.XXXXXX)
cleanup() {
  fusermount -u "$work/ours/mnt" 2>/dev/null || true
  umount "$work/overlay/mnt" 2>/dev/null || true
}
trap cleanup EXIT
for s in ours overlay; do
  mkdir -p "$work/$s/lower/sub" "$work/$s/upper" "$work/$s/work" "$work/$s/mnt"
  # a lower branch with content, so the suite's directories sit in a real union
  echo lower > "$work/$s/lower/sub/file"
done
java -jar "$JAR" "dirs=$work/ours/upper=rw:$work/ours/lower=ro" "$work/ours/mnt" ${FUSE_OPTS:+-o "$FUSE_OPTS"}
mount -t overlay overlay -o "lowerdir=$work/overlay/lower,upperdir=$work/overlay/upper,workdir=$work/overlay/work" \
  "$work/overlay/mnt"
chmod 0755 "$work/ours/mnt" "$work/overlay/mnt"
for s in ours overlay; do
  echo "== pjdfstest on $s ($(date -u +%T))" >&2
  (cd "$work/$s/mnt" && prove -r -v "$pjd/tests" > "$work/$s.tap" 2>&1) || true
  # per test file, the numbers of the failed cases
  awk -v s="$s" '
    /^\/.*\.t \.+/ { f = $1; sub(/.*\/tests\//, "", f) }
    /^not ok [0-9]+/ { print f ":" $3 }' "$work/$s.tap" | sort -u > "$work/$s.failed"
done
count() { # total subtests and failed ones from prove's summary
  local tests failed
  tests=$(grep -o 'Tests=[0-9]*' "$work/$1.tap" | tail -1 | cut -d= -f2)
  failed=$(wc -l < "$work/$1.failed")
  echo "$1: $((tests - failed)) of $tests passed, $failed failed"
}
count overlay
count ours
echo "failing on ours but passing on kernel overlayfs:"
comm -13 "$work/overlay.failed" "$work/ours.failed" | sed 's/^/  /'
echo "(TAP logs and failure lists in $work)"
trap - EXIT
cleanup
