#!/usr/bin/env bash
# The layer-tar engine against its peers, in one run, with ratios (issue 4 "Speed").
#   apply   : LayerTar.apply (library call, in-JVM median after warm-up) vs GNU tar -x vs umoci unpack
#             on debian (rootfs), synth (100k files) and layer2 (over a copy of debian; whiteouts);
#             and the `unionfs apply-diff` command end to end (bin/unionfs, a new JVM per run, vfs driver)
#             vs GNU tar -x into the same kind of layer directory, same preparation
#   changes : LayerTar.changes vs rsync -ani / rsync -anci (layer2 merged vs debian)
#   diff    : changes + writeChanges vs the floor (rsync -ani + GNU tar -c of the change list) and umoci repack
#   export  : LayerTar.writeTree vs GNU tar -c (debian tree, and layer2's upper dir as an aufs-style branch)
# Prints wall and CPU (user+sys) medians, both ratios, the issue's target and whether each is met; under
# contention the CPU ratio is the steadier.
# usage: bench/layer-bench.sh        env: RUNS=3 CORPORA=/tmp/unionfs-bench/layers/corpora
#        WORK=/tmp/unionfs-bench/layers/ours SHARED_BENCH=/work/shared/bench ONLY="apply cli changes diff export"
#        SYNTH=1 (also the 100k-file corpus; long) DESTFS=ext4|here (see below)
# Applies write to a fresh 8 GiB ext4 image (default mkfs options, so with a journal) mounted on a loop
# device (DESTFS=ext4, the default), as on a Docker host: on an ext4 without a journal (this machine's
# root) the inode allocator skips recently freed inodes with a scan (recently_deleted) that made every
# peer's run after an `rm -rf` 2-7x slower and erratic. DESTFS=here writes under WORK instead.
# Needs root (drop_caches, owners), GNU tar, rsync, umoci, python3, mvn (offline). Corpora are built by
# $SHARED_BENCH/make-corpora.sh when missing (debootstrap; about 2 minutes).
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
SB=${SHARED_BENCH:-/work/shared/bench}
C=${CORPORA:-/tmp/unionfs-bench/layers/corpora}
W=${WORK:-/tmp/unionfs-bench/layers/ours}
RUNS=${RUNS:-3}
ONLY=${ONLY:-"apply cli changes diff export"}
SYNTH=${SYNTH:-0}
DESTFS=${DESTFS:-ext4}
PY=${PY:-python3}
export LC_ALL=C.UTF-8
mkdir -p "$W"; RES=$W/results.tsv; : > "$RES"
has() { [[ " $ONLY " == *" $1 "* ]]; }

# ---- corpora
need=()
corpora=(debian layer2); [ "$SYNTH" = 1 ] && corpora+=(synth)
for c in "${corpora[@]}"; do [ -f "$C/$c.tar" ] || need+=("$c"); done
if [ ${#need[@]} -gt 0 ]; then
  [ -d "$C/debian" ] || need=(debian "${need[@]}")
  CORPORA=$C bash "$SB/make-corpora.sh" $(printf '%s\n' "${need[@]}" | sort -u) || exit 1
fi

# ---- build the engine and the bench main
mvn -B -o -q -f "$REPO/pom.xml" -Dunionfs.target=target-layerbench -pl unionfs-api,bench -am compile || exit 1
mvn -B -o -q -f "$REPO/pom.xml" -Dunionfs.target=target-layerbench -pl unionfs-api dependency:build-classpath \
  -Dmdep.outputFile="$W/cp.txt" -Dmdep.includeScope=runtime || exit 1
CP="$REPO/bench/target-layerbench/classes:$REPO/unionfs-api/target-layerbench/classes:$(cat "$W/cp.txt")"
if has cli; then
  mvn -B -o -q -f "$REPO/pom.xml" -Dunionfs.target=target-layerbench -Dmaven.test.skip=true -pl unionfs-cli -am \
    package || exit 1
  export UNIONFS_JAR=$REPO/unionfs-cli/target-layerbench/unionfs.jar UNIONFS_CACHE=$W/cds
  rm -rf "$W/cds"
  "$REPO/bin/unionfs" --version > /dev/null || exit 1   # the first run makes the class-data archive
fi
OPS="java -Xmx512m -cp $CP org.unionfs.bench.LayerOps"

# ---- measuring
med() { sort -g | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
# measure KEY RUNS PREP CMD : median wall seconds of CMD (PREP untimed before each run) -> T[KEY]
declare -A T U   # T: median wall seconds, U: median CPU seconds (user+sys, children included)
measure() {
  local key=$1 n=$2 prep=$3 cmd=$4 i w=() c=()
  for ((i=1; i<=n; i++)); do
    bash -c "$prep" > /dev/null 2>&1
    if ! /usr/bin/time -f '%e %U %S' -o "$W/t" bash -c "$cmd" > /dev/null 2> "$W/err"; then
      echo "FAILED: $key: $(tail -3 "$W/err")" >&2; T[$key]=NaN; U[$key]=NaN; return
    fi
    read -r e us sy < <(tail -1 "$W/t")
    w+=("$e"); c+=("$(echo "$us + $sy" | bc)")
  done
  T[$key]=$(printf '%s\n' "${w[@]}" | med); U[$key]=$(printf '%s\n' "${c[@]}" | med)
  echo "  $key: wall ${T[$key]} s, cpu ${U[$key]} s (wall runs: ${w[*]})" >&2
}
# ours KEY ARGS... : LayerOps in one JVM (1 warm-up + RUNS timed runs), in-JVM medians of wall and of
# the process's CPU during the call -> T[KEY], U[KEY]
ours() {
  local key=$1; shift
  if ! bash -c "set -o pipefail; $OPS $* --runs $RUNS --warmup 1 2> $W/ours.err | cat > /dev/null"; then
    echo "FAILED: $key: $(tail -5 "$W/ours.err")" >&2; T[$key]=NaN; U[$key]=NaN; return
  fi
  T[$key]=$(grep -o 'in_jvm_s=[0-9.]*' "$W/ours.err" | tail -1 | cut -d= -f2)
  U[$key]=$(grep -o 'in_jvm_cpu_s=[0-9.]*' "$W/ours.err" | tail -1 | cut -d= -f2)
  echo "  $key: wall ${T[$key]} s, cpu ${U[$key]} s in-JVM ($(grep -o 'runs_s=[^ ]*' "$W/ours.err"))" >&2
}
ours_e2e() {
  local key=$1 prep=$2; shift 2
  measure "$key.e2e" "$RUNS" "$prep" "$OPS $* --runs 1 --warmup 0 2>/dev/null | cat > /dev/null"
}
row() { # op corpus ours-key peer-key note [target: the largest ours/peer ratio the issue allows]
  awk -v op="$1" -v c="$2" -v o="${T[$3]:-NaN}" -v oc="${U[$3]:-NaN}" -v p="${T[$4]:-NaN}" \
      -v pc="${U[$4]:-NaN}" -v n="$5" -v t="${6:--}" 'BEGIN{
    r = (p > 0 && o > 0) ? sprintf("%.2f", o / p) : "n/a";
    rc = (pc > 0 && oc > 0) ? sprintf("%.2f", oc / pc) : "n/a";
    met = "-";
    if (t != "-") met = (r == "n/a" ? "n/a" : (r + 0 <= t + 0 ? "yes" : "NO")) "/" \
                        (rc == "n/a" ? "n/a" : (rc + 0 <= t + 0 ? "yes" : "NO"));
    printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", op, c, o, p, r, oc, pc, rc, \
      (t == "-" ? "-" : "<=" t), met, n }' >> "$RES"
}
OCI=$W/oci
dropc="sync; echo 3 > /proc/sys/vm/drop_caches"
if [ "$DESTFS" = ext4 ]; then
  MNT=$W/mnt; mkdir -p "$MNT"
  mountpoint -q "$MNT" && umount "$MNT"
  rm -f "$W/dest.img"; truncate -s 8G "$W/dest.img"; mkfs.ext4 -q -F "$W/dest.img" || exit 1
  # An explicit loop device and type: `mount -o loop` probes other block devices, and one backed by a
  # stalled FUSE file (another job's) hangs it.
  LOOP=$(losetup -f --show "$W/dest.img") || exit 1
  mount -t ext4 "$LOOP" "$MNT" || { losetup -d "$LOOP"; exit 1; }
  trap 'umount "$MNT" 2>/dev/null; losetup -d "$LOOP" 2>/dev/null; rm -f "$W/dest.img"' EXIT
  D=$MNT/dest
else
  D=$W/dest
fi

# ---- apply
if has apply; then
  if [ ! -d "$OCI" ]; then
    $PY "$SB/mk-oci.py" "$OCI" debian "$C/debian.tar" > /dev/null
    $PY "$SB/mk-oci.py" "$OCI" debian2 "$C/debian.tar" "$C/layer2.tar" > /dev/null
    $PY "$SB/mk-oci.py" "$OCI" synth "$C/synth.tar" > /dev/null
  fi
  applied=(debian); [ "$SYNTH" = 1 ] && applied+=(synth)
  for cor in "${applied[@]}"; do
    tarf=$C/$cor.tar; n=$RUNS; [ $cor = synth ] && n=1
    prep="rm -rf $D $D.b; mkdir -p $D; $dropc; cat $tarf > /dev/null"
    echo "apply $cor" >&2
    ours "apply.$cor.ours" apply "$tarf" "$D" --cold
    ours_e2e "apply.$cor.ours" "$prep" apply "$tarf" "$D"
    measure "apply.$cor.gnutar" "$RUNS" "$prep" "tar --numeric-owner --xattrs --xattrs-include='*' -xpf $tarf -C $D"
    measure "apply.$cor.umoci" "$n" "$prep" "umoci unpack --image $OCI:$cor $D.b"
    row apply $cor apply.$cor.ours apply.$cor.gnutar "GNU tar -x (library call, in-JVM)" 1.0
    row apply $cor apply.$cor.ours.e2e apply.$cor.gnutar "GNU tar -x (LayerOps JVM end to end, no CDS)"
    row apply $cor apply.$cor.ours apply.$cor.umoci "umoci unpack (5x faster)" 0.2
  done
  tarf=$C/layer2.tar
  prep="rm -rf $D $D.b; cp -a $C/debian $D; $dropc; cat $tarf > /dev/null; du -s $D > /dev/null"
  echo "apply layer2 over debian" >&2
  ours "apply.layer2.ours" apply "$tarf" "$D" --base "$C/debian" --cold
  measure "apply.layer2.gnutar" "$RUNS" "$prep" "tar --numeric-owner --xattrs --xattrs-include='*' -xpf $tarf -C $D"
  measure "apply.layer2.umoci2" "$RUNS" "rm -rf $D.b; $dropc; cat $C/debian.tar $tarf > /dev/null" "umoci unpack --image $OCI:debian2 $D.b"
  measure "apply.layer2.umoci1" "$RUNS" "rm -rf $D.b; $dropc; cat $C/debian.tar > /dev/null" "umoci unpack --image $OCI:debian $D.b"
  T[apply.layer2.umoci]=$(awk -v a="${T[apply.layer2.umoci2]}" -v b="${T[apply.layer2.umoci1]}" 'BEGIN{printf "%.2f", a-b}')
  U[apply.layer2.umoci]=$(awk -v a="${U[apply.layer2.umoci2]}" -v b="${U[apply.layer2.umoci1]}" 'BEGIN{printf "%.2f", a-b}')
  row apply layer2 apply.layer2.ours apply.layer2.gnutar "GNU tar -x (writes .wh. files; no whiteout semantics)" 1.0
  row apply layer2 apply.layer2.ours apply.layer2.umoci "umoci unpack(debian+layer2) - unpack(debian) (5x faster)" 0.2
  rm -rf "$D" "$D.b"
fi

# ---- the unionfs command end to end: bin/unionfs apply-diff (new JVM each run) vs GNU tar -x, both into a
# vfs layer directory made by `unionfs create` in the same untimed preparation
if has cli; then
  H=$D.home; tarf=$C/debian.tar; L=$H/vfs/dir/L
  prep="rm -rf $H; mkdir -p $H; $REPO/bin/unionfs --driver vfs --home $H create L; $dropc; cat $tarf > /dev/null"
  echo "cli apply-diff debian" >&2
  measure "cli.debian.ours" "$RUNS" "$prep" "$REPO/bin/unionfs --driver vfs --home $H apply-diff L $tarf"
  measure "cli.debian.gnutar" "$RUNS" "$prep" "tar --numeric-owner --xattrs --xattrs-include='*' -xpf $tarf -C $L"
  row apply-cli debian cli.debian.ours cli.debian.gnutar "GNU tar -x (unionfs apply-diff, new JVM per run)" 1.5
  rm -rf "$H"
fi

lower=$C/debian; upper=$C/merged
warm2="tar -cf - -C $lower . | cat > /dev/null; tar -cf - -C $upper . | cat > /dev/null"

# ---- changes
if has changes; then
  echo "changes layer2" >&2
  bash -c "$warm2"
  ours "changes.layer2.ours" changes "$upper" "$lower"
  measure "changes.layer2.rsync" "$RUNS" "$warm2" "rsync -ani --delete $upper/ $lower/"
  measure "changes.layer2.rsyncc" "$RUNS" "$warm2" "rsync -anci --delete $upper/ $lower/"
  row changes layer2 changes.layer2.ours changes.layer2.rsync "rsync -ani --delete (size+mtime)" 1.5
  row changes layer2 changes.layer2.ours changes.layer2.rsyncc "rsync -anci --delete (checksums)" 1.5
fi

# ---- diff (naive: changes + export)
if has diff; then
  echo "diff layer2" >&2
  $PY "$SB/py_tar.py" diff "$lower" "$upper" "$W/changed.list" > /dev/null 2>&1
  bash -c "$warm2"
  ours "diff.layer2.ours" diff "$upper" "$lower"
  measure "diff.layer2.rsync" "$RUNS" "$warm2" "rsync -ani --delete $upper/ $lower/"
  measure "diff.layer2.tarlist" "$RUNS" "$warm2" "tar --numeric-owner --xattrs --no-recursion -cf - -C $upper -T $W/changed.list | cat > /dev/null"
  T[diff.layer2.floor]=$(awk -v a="${T[diff.layer2.rsync]}" -v b="${T[diff.layer2.tarlist]}" 'BEGIN{printf "%.2f", a+b}')
  U[diff.layer2.floor]=$(awk -v a="${U[diff.layer2.rsync]}" -v b="${U[diff.layer2.tarlist]}" 'BEGIN{printf "%.2f", a+b}')
  B=$W/bundle
  measure "diff.layer2.umoci" "$RUNS" \
    "rm -rf $B; umoci unpack --image $OCI:debian $B; rsync -a --delete $upper/ $B/rootfs/; $warm2" \
    "umoci repack --image $OCI:repacked $B"
  rm -rf "$B"
  row diff layer2 diff.layer2.ours diff.layer2.floor "floor: rsync -ani + GNU tar -c of the change list" 2.0
  row diff layer2 diff.layer2.ours diff.layer2.umoci "umoci repack (5x faster)" 0.2
fi

# ---- export (writeTree) vs tar -c
if has export; then
  echo "export" >&2
  src=$C/debian; warm="tar -cf - -C $src . | cat > /dev/null"
  bash -c "$warm"
  ours "export.debian.ours" export "$src"
  measure "export.debian.gnutar" "$RUNS" "$warm" "tar --numeric-owner --xattrs --sort=name -cf - -C $src . | cat > /dev/null"
  row export debian export.debian.ours export.debian.gnutar "GNU tar -c | cat (warm tree)"
  UP=$W/upperdir; rm -rf "$UP"; mkdir -p "$UP"; tar -xpf "$C/layer2.tar" -C "$UP"
  warm="tar -cf - -C $UP . | cat > /dev/null"; bash -c "$warm"
  ours "export.upper.ours" export "$UP" --format aufs
  measure "export.upper.gnutar" "$RUNS" "$warm" "tar --numeric-owner --xattrs --sort=name -cf - -C $UP . | cat > /dev/null"
  row export layer2-upper export.upper.ours export.upper.gnutar "native diff of an aufs-style upper dir vs GNU tar -c" 1.0
fi

echo
echo "load: $(cat /proc/loadavg); $(nproc) cpus; RUNS=$RUNS"
{ printf 'op\tcorpus\tours_wall_s\tpeer_wall_s\twall_ratio\tours_cpu_s\tpeer_cpu_s\tcpu_ratio\ttarget\tmet(wall/cpu)\tpeer\n'
  cat "$RES"; } | column -t -s $'\t'
