#!/bin/sh
# Recipe of docker-20.10-overlay2.tar.gz: a tiny overlay2 store written by a real Docker 20.10 daemon.
#
# Needs root, Debian bookworm packages docker.io (20.10.24), busybox-static, tar. Usage:
#   make-store.sh <output dir>          (writes docker-20.10-overlay2.tar.gz, layers.txt, docker-info.txt,
#                                         docker-diff-c1.txt into it)
# Layers it makes (layers.txt names them by role, "<role> <cache-id> <parent cache-id or ->"):
#   base     `docker import` of a busybox rootfs (see the rootfs block below)
#   changed  `docker commit` of container c1, which deleted /data/remove.txt, re-created /data/opq (opaque),
#            rewrote /data/modify.txt, added /data/newdir/n.txt and a fifo /data/fifo
#   c1-init, c1   the stopped container c1 (its upper holds kernel-made whiteouts and an opaque dir)
#   c2-init, c2   container c2 created (never started) from "changed"; this writes "committed" into changed
set -eu
OUT=$(cd "${1:?usage: make-store.sh <output dir>}" && pwd)
S=${S:-/tmp/h8d}
D=/usr/bin/docker

rm -rf "$S"
mkdir -p "$S/rootfs"
cd "$S/rootfs"
mkdir -p bin etc data/keep data/opq data/deep/er tmp dev proc sys
cp /bin/busybox bin/busybox
for a in sh ls rm mkdir touch cat mv mkfifo chmod echo; do ln -s busybox "bin/$a"; done
printf 'root:x:0:0:root:/root:/bin/sh\n' > etc/passwd
echo one > data/keep/a.txt
echo gone > data/remove.txt
echo old > data/opq/old.txt
echo deep > data/deep/er/f.txt
echo before > data/modify.txt
chmod 1777 tmp
tar --sort=name --mtime='2024-01-01 00:00:00Z' --numeric-owner --owner=0 --group=0 -C "$S/rootfs" \
  -cf "$S/base.tar" .

dockerd --data-root "$S/root" --exec-root "$S/exec" -H "unix://$S/docker.sock" --pidfile "$S/dockerd.pid" \
  --storage-driver overlay2 --iptables=false --ip6tables=false --bridge=none --ip-masq=false \
  > "$S/dockerd.log" 2>&1 &
export DOCKER_HOST="unix://$S/docker.sock"
i=0
until $D version >/dev/null 2>&1; do
  i=$((i + 1)); [ $i -lt 60 ] || { cat "$S/dockerd.log"; exit 1; }; sleep 1
done

$D import --change 'CMD ["/bin/sh"]' "$S/base.tar" fixture/base:1 >/dev/null
$D run --name c1 --network none fixture/base:1 /bin/sh -c \
  'rm /data/remove.txt && rm -rf /data/opq && mkdir /data/opq && echo new > /data/opq/new.txt &&
   echo after > /data/modify.txt && mkdir /data/newdir && echo n > /data/newdir/n.txt &&
   rm -rf /data/deep && mkfifo /data/fifo'
$D commit c1 fixture/changed:1 >/dev/null
$D create --name c2 --network none fixture/changed:1 >/dev/null

upper() { basename "$(dirname "$1")"; }
base=$(upper "$($D image inspect -f '{{.GraphDriver.Data.UpperDir}}' fixture/base:1)")
changed=$(upper "$($D image inspect -f '{{.GraphDriver.Data.UpperDir}}' fixture/changed:1)")
c1=$(upper "$($D inspect -f '{{.GraphDriver.Data.UpperDir}}' c1)")
c2=$(upper "$($D inspect -f '{{.GraphDriver.Data.UpperDir}}' c2)")
{
  echo "base $base -"
  echo "changed $changed $base"
  echo "c1-init $c1-init $base"
  echo "c1 $c1 $c1-init"
  echo "c2-init $c2-init $changed"
  echo "c2 $c2 $c2-init"
} > "$OUT/layers.txt"
$D info 2>/dev/null | sed -n '/Storage Driver/,/Logging Driver/p' | grep -v 'Logging Driver' > "$OUT/docker-info.txt"
$D diff c1 | sort > "$OUT/docker-diff-c1.txt"

kill -TERM "$(cat "$S/dockerd.pid")"
while [ -e "$S/dockerd.pid" ]; do sleep 1; done
tar --xattrs --xattrs-include='*' --format=posix --numeric-owner --sort=name -C "$S/root" \
  -czf "$OUT/docker-20.10-overlay2.tar.gz" overlay2
ls -l "$OUT"
