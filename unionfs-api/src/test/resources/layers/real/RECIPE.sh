#!/usr/bin/env bash
# Regenerates the real-engine layer fixtures in this directory (see README.md).
# Run as root on Debian 12 after:
#   apt-get install -y --no-install-recommends docker.io containerd runc podman buildah skopeo umoci \
#     busybox-static attr libcap2-bin uidmap golang-github-containers-common conmon catatonit
# usage: RECIPE.sh [scratch-dir]      (default /tmp/rl; keep it short: unix socket paths < 108 chars)
# Uses Debian's docker CLI by its full path (a newer CLI may sit earlier on PATH).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../../../../../.." && pwd)
S=${1:-/tmp/rl}
D=/usr/bin/docker
export LC_ALL=C.UTF-8
rm -rf "$S"; mkdir -p "$S"

PIDS=()
cleanup() {
  set +e
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null; done
  for p in "${PIDS[@]}"; do while kill -0 "$p" 2>/dev/null; do sleep 0.5; done; done
  CONTAINERS_STORAGE_CONF=$S/cs/storage.conf CONTAINERS_CONF=$S/cs/containers.conf podman rm -af >/dev/null 2>&1
  CONTAINERS_STORAGE_CONF=$S/cs/storage.conf CONTAINERS_CONF=$S/cs/containers.conf podman system reset -f >/dev/null 2>&1
  for m in $(awk -v s="$S/" 'index($2, s) == 1 {print $2}' /proc/mounts | sort -r); do umount -l "$m"; done
}
trap cleanup EXIT

# ---- the manifest tool (test classes of unionfs-api)
# (SNAPSHOT_CP: an already built classpath holding org.unionfs.api.layer.testing.TreeSnapshot)
if [ -n "${SNAPSHOT_CP:-}" ]; then CP=$SNAPSHOT_CP; else
  mvn -B -o -q -f "$REPO/pom.xml" -Dunionfs.target=target-recipe -pl unionfs-api test-compile \
    dependency:build-classpath -Dmdep.outputFile="$S/cp.txt" -Dmdep.includeScope=test
  CP="$REPO/unionfs-api/target-recipe/test-classes:$REPO/unionfs-api/target-recipe/classes:$(cat "$S/cp.txt")"
fi
snap() { java -Dfile.encoding=UTF-8 -cp "$CP" org.unionfs.api.layer.testing.TreeSnapshot "$1" > "$2"; }
unpack_export() { # tar-on-stdin -> manifest file
  local x; x=$(mktemp -d "$S/x.XXXX")
  tar --numeric-owner --xattrs --xattrs-include='*' -xpf - -C "$x"
  snap "$x" "$1"; rm -rf "$x"
}

# ---- base rootfs: busybox-static + glibc + setfattr/getfattr + setcap/getcap (layer-encodings §3.3)
B=$S/base-build; mkdir -p "$B"; cd "$B"
apt-get download busybox-static libc6 attr libcap2 libcap2-bin > /dev/null
mkdir -p bb x; dpkg -x busybox-static_*.deb bb
for d in libc6_*.deb attr_*.deb libcap2_*.deb libcap2-bin_*.deb; do dpkg -x "$d" x; done
mkdir -p base/bin base/sbin base/usr/bin base/usr/sbin base/lib/x86_64-linux-gnu base/lib64 base/etc base/tmp \
         base/root base/home base/var/tmp base/proc base/sys base/dev base/srv base/opt
cp -a bb/bin/busybox base/bin/busybox
cp -a x/lib/x86_64-linux-gnu/libc.so.6 x/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 \
      x/lib/x86_64-linux-gnu/libcap.so.2 x/lib/x86_64-linux-gnu/libcap.so.2.66 base/lib/x86_64-linux-gnu/
cp -a x/lib64/ld-linux-x86-64.so.2 base/lib64/
cp -a x/usr/bin/setfattr x/usr/bin/getfattr base/usr/bin/; cp -a x/sbin/setcap x/sbin/getcap base/sbin/
chroot base /bin/busybox --install -s
chmod 1777 base/tmp base/var/tmp; chmod 0700 base/root
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\nuser:x:1000:1000:user:/home/user:/bin/sh\n' > base/etc/passwd
printf 'root:x:0:\nnogroup:x:65534:\nuser:x:1000:\n' > base/etc/group
echo 'fixture-base 1' > base/etc/fixture-release
tar --sort=name --mtime='2024-01-01 00:00:00Z' --numeric-owner --owner=0 --group=0 --format=gnu \
    -C base -cf "$S/base.tar" .
BASE_SHA=$(sha256sum "$S/base.tar" | cut -d' ' -f1)
echo "base layer diff_id sha256:$BASE_SHA"
gzip -n -9 < "$S/base.tar" > "$HERE/base.tar.gz"

# ---- build context
C=$S/ctx; mkdir -p "$C"
cp "$HERE/Dockerfile" "$HERE/hello.txt" "$C/"
touch -d '2020-02-02T02:02:02Z' "$C/hello.txt"
LIVE=$(cat "$HERE/live-changes.sh")

store_layer() { # src-tar dest-dir index -> prints "sha256:<id> <file>"; the base is stored once
  local id; id=$(sha256sum "$1" | cut -d' ' -f1)
  if [ "$3" = 0 ]; then
    [ "$id" = "$BASE_SHA" ] || { echo "base layer changed: $id" >&2; exit 1; }
    echo "sha256:$id ../base.tar.gz"
  else
    gzip -n -9 < "$1" > "$2/L$3.tar.gz"; echo "sha256:$id L$3.tar.gz"
  fi
}
chain_ids() { # diffids (sha256:...) -> chain ids, one a line
  local prev="" id
  for id in "$@"; do
    if [ -z "$prev" ]; then prev=$id; else prev="sha256:$(printf '%s %s' "$prev" "$id" | sha256sum | cut -d' ' -f1)"; fi
    echo "$prev"
  done
}

# ---- docker 20.10, overlay2 and vfs
for drv in overlay2 vfs; do
  R=$S/d-$drv; mkdir -p "$R"
  dockerd --data-root "$R/root" --exec-root "$R/exec" -H "unix://$R/docker.sock" --pidfile "$R/dockerd.pid" \
    --storage-driver $drv --iptables=false --ip6tables=false --bridge=none --ip-masq=false > "$R/dockerd.log" 2>&1 &
  PIDS+=($!)
done
for drv in overlay2 vfs; do
  R=$S/d-$drv; export DOCKER_HOST=unix://$R/docker.sock
  for i in $(seq 1 60); do $D info > /dev/null 2>&1 && break; sleep 1; done
  O=$HERE/docker-$drv; rm -rf "$O"; mkdir -p "$O"
  $D import --change 'CMD ["/bin/sh"]' --change 'ENV PATH=/usr/sbin:/usr/bin:/sbin:/bin' \
     -m 'busybox-static fixture base' "$S/base.tar" fixture/base:1 > /dev/null
  DOCKER_BUILDKIT=0 $D build -q --network none -t fixture/layers:1 "$C" > /dev/null
  $D run -d --name chg --network none fixture/layers:1 sleep 3600 > /dev/null
  $D exec chg sh -c "$LIVE"
  $D diff chg | LC_ALL=C sort > "$O/container-diff.txt"     # moby's Changes of the live container
  $D commit chg fixture/layers:committed > /dev/null
  $D rm -f chg > /dev/null
  X=$S/save-$drv; mkdir -p "$X"; $D save fixture/layers:committed | tar -xf - -C "$X"
  mapfile -t files < <(python3 -c 'import json,sys; print("\n".join(json.load(open(sys.argv[1]))[0]["Layers"]))' "$X/manifest.json")
  lines=(); ids=()
  for i in "${!files[@]}"; do
    l=$(store_layer "$X/${files[$i]}" "$O" "$i"); lines+=("$l"); ids+=("${l%% *}")
  done
  printf '%s\n' "${lines[@]}" > "$O/layers.txt"     # the last line is the committed container layer
  n=${#ids[@]}
  # what the engine itself produced: docker export of a created container (image and committed image)
  $D create --name exp fixture/layers:1 /bin/sh > /dev/null; $D export exp | unpack_export "$O/export-image.manifest"; $D rm exp > /dev/null
  $D create --name exp fixture/layers:committed /bin/sh > /dev/null; $D export exp | unpack_export "$O/export-committed.manifest"; $D rm exp > /dev/null
  # and the driver's own directory of each layer (overlay2: diff/ with char-dev whiteouts; vfs: a full tree)
  i=0
  for ch in $(chain_ids "${ids[@]}"); do
    cache=$(cat "$S/d-$drv/root/image/$drv/layerdb/sha256/${ch#sha256:}/cache-id")
    if [ $drv = overlay2 ]; then snap "$S/d-$drv/root/overlay2/$cache/diff" "$O/ondisk-L$i.manifest"
    else snap "$S/d-$drv/root/vfs/dir/$cache" "$O/ondisk-L$i.manifest"; fi
    i=$((i+1))
  done
  $D version --format '{{.Server.Version}}' > "$O/engine-version.txt"
done

# ---- podman / buildah (containers/storage overlay) with a private store
mkdir -p "$S/cs"
cat > "$S/cs/storage.conf" <<X
[storage]
driver = "overlay"
runroot = "$S/cs/run"
graphroot = "$S/cs/graph"
X
cat > "$S/cs/containers.conf" <<X
[containers]
netns = "none"
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$S/cs/events.log"
runtime = "runc"
X
export CONTAINERS_STORAGE_CONF=$S/cs/storage.conf CONTAINERS_CONF=$S/cs/containers.conf
O=$HERE/buildah-overlay; rm -rf "$O"; mkdir -p "$O"
podman import --change 'CMD ["/bin/sh"]' --change 'ENV PATH=/usr/sbin:/usr/bin:/sbin:/bin' \
   -m 'busybox-static fixture base' "$S/base.tar" localhost/fixture/base:1 > /dev/null
(cd "$C" && buildah bud -q --layers --network none --format oci -f Dockerfile -t localhost/fixture/layers:1 . > /dev/null)
podman run -d --name chg localhost/fixture/layers:1 sleep 3600 > /dev/null
podman exec chg sh -c "$LIVE"
podman diff chg | LC_ALL=C sort > "$O/container-diff.txt"
podman commit -q chg localhost/fixture/layers:committed > /dev/null
podman rm -f chg > /dev/null
# layers as uncompressed tars: docker-archive from podman save
X=$S/save-podman; mkdir -p "$X"; podman save --format docker-archive localhost/fixture/layers:committed | tar -xf - -C "$X"
mapfile -t files < <(python3 -c 'import json,sys; print("\n".join(json.load(open(sys.argv[1]))[0]["Layers"]))' "$X/manifest.json")
lines=(); ids=()
for i in "${!files[@]}"; do l=$(store_layer "$X/${files[$i]}" "$O" "$i"); lines+=("$l"); ids+=("${l%% *}"); done
printf '%s\n' "${lines[@]}" > "$O/layers.txt"
podman create --name exp localhost/fixture/layers:1 /bin/sh > /dev/null; podman export exp | unpack_export "$O/export-image.manifest"; podman rm exp > /dev/null
podman create --name exp localhost/fixture/layers:committed /bin/sh > /dev/null; podman export exp | unpack_export "$O/export-committed.manifest"; podman rm exp > /dev/null
# on-disk diff dirs: image inspect lists UpperDir (top) and LowerDir (nearest parent first)
dirs=$(podman image inspect localhost/fixture/layers:committed --format '{{.GraphDriver.Data.LowerDir}}' | tr ':' '\n' | tac)
up=$(podman image inspect localhost/fixture/layers:committed --format '{{.GraphDriver.Data.UpperDir}}')
i=0; for d in $dirs $up; do snap "$d" "$O/ondisk-L$i.manifest"; i=$((i+1)); done
podman version --format '{{.Version}}' > "$O/engine-version.txt"

# ---- umoci: unpack the buildah image (umoci applies the layers itself), change it on the host, repack
O=$HERE/umoci; rm -rf "$O"; mkdir -p "$O"
skopeo copy -q containers-storage:localhost/fixture/layers:1 "oci:$S/img:small"
umoci unpack --image "$S/img:small" "$S/bundle" > /dev/null
snap "$S/bundle/rootfs" "$O/unpack-image.manifest"
( cd "$S/bundle/rootfs/data" && sh -c "$(sed -e 's#cd /data#cd .#' -e 's#/tmp/scratch#../tmp/scratch#' "$HERE/live-changes.sh")" )
umoci repack --image "$S/img:umoci" "$S/bundle" > /dev/null
umoci unpack --image "$S/img:umoci" "$S/bundle2" > /dev/null
snap "$S/bundle2/rootfs" "$O/unpack-repacked.manifest"
# the layers of img:umoci: the buildah image's (same diff_ids as buildah-overlay L0..L5) + umoci's own
python3 - "$S/img" > "$S/umoci-layers.txt" <<'P'
import json, sys, os
d = sys.argv[1]
idx = json.load(open(os.path.join(d, "index.json")))
m = [x for x in idx["manifests"] if x.get("annotations", {}).get("org.opencontainers.image.ref.name") == "umoci"][0]
man = json.load(open(os.path.join(d, "blobs", *m["digest"].split(":"))))
cfg = json.load(open(os.path.join(d, "blobs", *man["config"]["digest"].split(":"))))
for l, diff in zip(man["layers"], cfg["rootfs"]["diff_ids"]):
    print(diff, os.path.join(d, "blobs", *l["digest"].split(":")))
P
lines=(); i=0
while read -r diff blob; do
  gunzip < "$blob" > "$S/u.tar"
  l=$(store_layer "$S/u.tar" "$O" "$i")
  [ "${l%% *}" = "$diff" ] || { echo "umoci diff_id mismatch at $i" >&2; exit 1; }
  if [ $i -gt 0 ] && [ -f "$HERE/buildah-overlay/L$i.tar.gz" ] && [ "$i" -lt "$(wc -l < "$S/umoci-layers.txt")" ] \
     && cmp -s "$O/L$i.tar.gz" "$HERE/buildah-overlay/L$i.tar.gz"; then
    rm "$O/L$i.tar.gz"; l="${l%% *} ../buildah-overlay/L$i.tar.gz"
  fi
  lines+=("$l"); i=$((i+1))
done < "$S/umoci-layers.txt"
printf '%s\n' "${lines[@]}" > "$O/layers.txt"
umoci --version > "$O/engine-version.txt"
du -sh "$HERE"
echo "fixtures regenerated in $HERE"
