#!/bin/bash
# Untar of the Debian rootfs corpus onto ext4 on an activated thin device (pool -> FUSE -> loop -> ext4)
# vs onto ext4 on a plain loop-mounted image, same run; prints both times and the ratio (target <= 2).
# Needs root, /dev/fuse, loop devices. See UntarBench.java.
# Corpus: $TARBALL if set; else /tmp/unionfs-bench/layers/corpora/debian.tar if present (made by
# /work/shared/bench/make-corpora.sh); else a debootstrap --variant=minbase bookworm tarball made here;
# else (no mirror reachable) a tarball of this machine's /usr. The script says which it used.
# Env: RUNS=3 DEVICE_GIB=4 WORK=/tmp (needs ~2 x the corpus free; everything is deleted at the end).
set -euo pipefail
REPO=$(cd "$(dirname "$0")/../.." && pwd)
W=$(mktemp -d "${WORK:-/tmp}/dmuntar.XXXXXX")
cleanup() {
  for m in "$W"/*/mnt "$W"/*/fuse; do mountpoint -q "$m" 2>/dev/null && umount -l "$m"; done
  rm -rf "$W"
}
trap cleanup EXIT
CORPORA=/tmp/unionfs-bench/layers/corpora
if [ -n "${TARBALL:-}" ]; then
  TAR=$TARBALL; echo "# corpus: $TAR (given)"
elif [ -f "$CORPORA/debian.tar" ]; then
  TAR=$CORPORA/debian.tar; echo "# corpus: $TAR (Debian bookworm minbase rootfs, from make-corpora.sh)"
else
  mkdir -p "$CORPORA"
  TAR=$CORPORA/debian.tar
  MIRROR=${MIRROR:-$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)}
  [ -n "$MIRROR" ] || MIRROR=$(awk '/^deb /{print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
  if debootstrap --variant=minbase bookworm "$W/rootfs" "$MIRROR" > "$W/debootstrap.log" 2>&1; then
    find "$W/rootfs/dev" -mindepth 1 -delete
    tar --numeric-owner -C "$W/rootfs" -cf "$TAR" .
    rm -rf "$W/rootfs"
    echo "# corpus: $TAR (Debian bookworm minbase via debootstrap from $MIRROR, made now)"
  else
    TAR=$W/usr.tar
    tar --numeric-owner -C / -cf "$TAR" usr
    echo "# corpus: $TAR (debootstrap could not reach a mirror: tarball of this machine's /usr instead)"
  fi
fi
echo "# building (offline maven, own target dir)" >&2
(cd "$REPO" && mvn -B -q -o -Dunionfs.target=target-dmbench -pl driver-devicemapper -am -DskipTests package \
  dependency:build-classpath -Dmdep.outputFile="$W/cp.txt" >&2)
CP="$(ls "$REPO"/driver-devicemapper/target-dmbench/driver-devicemapper-*.jar):$(cat "$W/cp.txt")"
LC_ALL=C.UTF-8 java ${JAVA_OPTS:-} -Xms512m -Xmx512m -cp "$CP" "$REPO/bench/devicemapper/UntarBench.java" "$W" "$TAR" \
  "${RUNS:-3}" "${DEVICE_GIB:-4}"
