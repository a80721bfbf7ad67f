#!/usr/bin/env bash
# End-to-end proof of the unionfs graphdriver plugin with a real dockerd (Debian docker.io 20.10).
#
# For each driver (default: vfs overlay2 aufs devicemapper) this starts
#   * our plugin server (org.unionfs.plugin.PluginServer --driver D, socket /run/docker/plugins/unionfs-D.sock)
#   * dockerd --experimental --storage-driver unionfs-D        (the plugin-backed daemon)
#   * dockerd --storage-driver R                               (Docker's own driver, the peer; run once per R)
# where R, the reference, is D itself for vfs and overlay2, and overlay2 for aufs and devicemapper: Docker
# 20.10's own aufs needs the aufs kernel module, which this kernel does not have, and Docker's devicemapper
# is deprecated and loop-backed. It runs the same scenario on both (import of a busybox rootfs, run that
# creates/modifies/deletes files, diff, commit, run of the committed image, save, rmi, load, run of the
# loaded image, export, history, info, concurrent runs), compares every result, then restarts the plugin
# server under the running daemon while a container runs and a `docker run` is waiting on it. Everything
# started is stopped by pid. Exit status 0 only if all checks pass.
#
# Usage: scripts/docker-plugin-e2e.sh [driver...]
#   UNIONFS_PLUGIN_CP  class path holding unionfs-plugin and the drivers (default: built with mvn from
#                      unionfs-plugin, whose test class path has every driver)
#   KEEP=1             keep the work directory for inspection
#   E2E_ALLOW          "driver:check ..." comparisons with the built-in driver that are reported (DEVIATION)
#                      but do not fail the run: known differences of a unionfs driver from Docker's own, which
#                      are that driver's to fix, not the plugin's (the caller names them explicitly)
#   E2E_OPTS_<driver>  extra "-o key=value" arguments for that driver's plugin server
#   E2E_NO_LIVE_RESTART  drivers whose plugin restart runs without a running container (logged as a NOTE;
#                      default "devicemapper", see below)
set -uo pipefail
DRIVERS=("$@"); [ $# -eq 0 ] && DRIVERS=(vfs overlay2 aufs devicemapper)
# devicemapper cannot yet resume while a container runs (its driver refuses to open while a loop device is
# held by the container's mount namespace): its restart runs without one unless the caller says otherwise.
E2E_NO_LIVE_RESTART=${E2E_NO_LIVE_RESTART-devicemapper}
HERE=$(cd "$(dirname "$0")/.." && pwd)
[ "$(id -u)" = 0 ] || { echo "docker-plugin-e2e: needs root (dockerd)"; exit 2; }

if ! command -v dockerd >/dev/null || [ ! -x /usr/bin/docker ] || [ ! -x /bin/busybox ]; then
  apt-get install -y docker.io busybox-static >/dev/null || { apt-get update -q && apt-get install -y docker.io busybox-static; } || exit 2
fi
D=/usr/bin/docker          # the 20.10 client of docker.io (a newer client elsewhere on PATH is not wanted)
BB=/bin/busybox
file "$BB" 2>/dev/null | grep -q 'statically linked' || BB=$(dpkg -L busybox-static | grep '/bin/busybox$' | head -1)

if [ -z "${UNIONFS_PLUGIN_CP:-}" ]; then
  (cd "$HERE/unionfs-plugin" && mvn -B -o -q -Dunionfs.target=${UNIONFS_TARGET:-target} test-compile \
     dependency:build-classpath -Dmdep.outputFile=/tmp/unionfs-plugin-e2e.cp -Dmdep.includeScope=test) || exit 2
  T=${UNIONFS_TARGET:-target}
  UNIONFS_PLUGIN_CP="$HERE/unionfs-plugin/$T/classes:$HERE/unionfs-plugin/$T/test-classes:$(cat /tmp/unionfs-plugin-e2e.cp)"
fi

S=$(mktemp -d /tmp/upe.XXXXXX)    # short: unix socket paths must stay < 108 bytes
PIDS=()
FAILS=0
START=$(date +%s)
log() { echo "[e2e $(( $(date +%s) - START ))s] $*"; }
check() {  # check DRIVER ITEM FILE_BUILTIN FILE_PLUGIN
  local name="$1: $2 equals built-in ${ref:-$1}"
  if cmp -s "$3" "$4"; then log "PASS $name"
  elif [[ " ${E2E_ALLOW:-} " == *" $1:$2 "* ]]; then log "DEVIATION $name (allowed by E2E_ALLOW)"; diff -u "$3" "$4" | head -40
  else log "FAIL $name"; diff -u "$3" "$4" | head -40; FAILS=$((FAILS+1)); fi
}
expect() { if eval "$2"; then log "PASS $1"; else log "FAIL $1 ($2)"; FAILS=$((FAILS+1)); fi; }

cleanup() {
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  for pid in "${PIDS[@]}"; do for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done; done
  # Anything still mounted under our directory (a daemon that died mid-way): unmount deepest first.
  grep -o " $S[^ ]*" /proc/self/mountinfo | sort -r | while read -r m; do umount -l "$m" 2>/dev/null; done
  for d in "${DRIVERS[@]}"; do rm -f "/run/docker/plugins/unionfs-$d.sock"; done
  [ "${KEEP:-0}" = 1 ] && echo "kept $S" || rm -rf "$S"
}
trap cleanup EXIT

# --- base image: a busybox rootfs, tarred reproducibly -----------------------------------------------------
mkdir -p "$S/rootfs"/{bin,etc,tmp,root,proc,sys,dev}
cp "$BB" "$S/rootfs/bin/busybox"
chroot "$S/rootfs" /bin/busybox --install -s /bin
printf 'root:x:0:0:root:/root:/bin/sh\n' > "$S/rootfs/etc/passwd"
echo 'e2e 1' > "$S/rootfs/etc/release"
chmod 1777 "$S/rootfs/tmp"
tar --sort=name --mtime='2024-01-01 00:00:00Z' --numeric-owner --owner=0 --group=0 -C "$S/rootfs" -cf "$S/base.tar" .
BASE_SHA=$(sha256sum "$S/base.tar" | cut -d' ' -f1)
log "base rootfs: $(tar -tf "$S/base.tar" | wc -l) entries, sha256 $BASE_SHA"

start_plugin() {  # start_plugin DRIVER -> sets PLUGIN_PID
  local extra="E2E_OPTS_$1"
  # shellcheck disable=SC2086
  java -cp "$UNIONFS_PLUGIN_CP" -Dorg.slf4j.simpleLogger.defaultLogLevel=info org.unionfs.plugin.PluginServer \
    --driver "$1" --state-file "$S/plugin-$1.state.json" ${!extra:-} >> "$S/plugin-$1.log" 2>&1 &
  PLUGIN_PID=$!
  PIDS+=("$PLUGIN_PID")
  for _ in $(seq 1 100); do [ -S "/run/docker/plugins/unionfs-$1.sock" ] && return 0; sleep 0.2; done
  log "plugin $1 did not start"; cat "$S/plugin-$1.log"; return 1
}

start_dockerd() {  # start_dockerd DIR STORAGE_DRIVER [extra args]
  local dir=$1 drv=$2; shift 2
  mkdir -p "$dir"
  dockerd "$@" --storage-driver "$drv" --data-root "$dir/root" --exec-root "$dir/exec" --pidfile "$dir/pid" \
    -H "unix://$dir/docker.sock" --iptables=false --ip6tables=false --bridge=none --ip-masq=false \
    > "$dir/dockerd.log" 2>&1 &
  PIDS+=("$!")
  for _ in $(seq 1 150); do $D -H "unix://$dir/docker.sock" info >/dev/null 2>&1 && return 0; sleep 0.2; done
  log "dockerd $drv did not start"; tail -20 "$dir/dockerd.log"; return 1
}

tarlist() {  # a tar listing without mtimes: mode owner size name [-> target]
  tar --numeric-owner -tvf "$1" | awk '{ $4=""; $5=""; print }' | sort
}

scenario() {  # scenario DOCKER_SOCK OUT
  local dk="$D -H unix://$1" o=$2
  mkdir -p "$o"
  $dk import "$S/base.tar" e2e/base:1 >/dev/null || return 1
  $dk image inspect -f '{{json .RootFS.Layers}}' e2e/base:1 > "$o/base-layers"
  $dk run --network none --name c1 e2e/base:1 sh -c \
    'echo new > /new.txt; echo "user:x:1000:1000::/home/user:/bin/sh" >> /etc/passwd; rm /bin/ls /etc/release;
     mkdir -p /d/e; echo f > /d/e/f; ln -s /new.txt /lnk; mkfifo /fifo; chmod 0600 /new.txt' > "$o/run1" 2>&1
  $dk diff c1 > "$o/diff-raw"
  # Built-in drivers list changes in Go map order (archive.ChangesDirs), which varies run to run; ours are
  # sorted by path. Compare the sets.
  sort "$o/diff-raw" > "$o/diff"
  $dk commit c1 e2e/committed:1 >/dev/null
  local probe='cat /new.txt /etc/passwd; test -e /bin/ls || echo ls-gone; test -e /etc/release || echo release-gone;
     cat /d/e/f; readlink /lnk; ls -l /fifo | cut -c1-10; ls -l /new.txt | cut -c1-10; ls / | tr "\n" " "'
  $dk run --rm --network none e2e/committed:1 sh -c "$probe" > "$o/run2" 2>&1
  $dk save e2e/committed:1 -o "$o/save.tar"
  mkdir -p "$o/save"; tar -xf "$o/save.tar" -C "$o/save"
  python3 - "$o/save" > "$o/save-layers" <<'PY'
import json, sys, os
d = sys.argv[1]
m = json.load(open(os.path.join(d, "manifest.json")))[0]
for layer in m["Layers"]:
    print(layer.split("/")[0])
PY
  local i=0
  : > "$o/save-listing"
  while read -r l; do
    i=$((i+1)); echo "== layer $i" >> "$o/save-listing"; tarlist "$o/save/$l/layer.tar" >> "$o/save-listing"
  done < "$o/save-layers"
  head -1 "$o/save-layers" > "$o/save-base-id"
  sha256sum "$o/save/$(head -1 "$o/save-layers")/layer.tar" | cut -d' ' -f1 > "$o/save-base-sha"
  $dk rm c1 >/dev/null
  $dk rmi e2e/committed:1 e2e/base:1 > "$o/rmi" 2>&1
  $dk images -q | wc -l > "$o/images-after-rmi"
  $dk load -i "$o/save.tar" > "$o/load" 2>&1
  $dk run --rm --network none e2e/committed:1 sh -c "$probe" > "$o/run3" 2>&1
  $dk create --name c2 e2e/committed:1 sh >/dev/null
  $dk export c2 -o "$o/export.tar"
  tarlist "$o/export.tar" > "$o/export-listing"
  $dk history --format '{{.CreatedBy}} {{.Size}}' e2e/committed:1 > "$o/history"
  $dk history --format '{{.CreatedBy}}' e2e/committed:1 > "$o/history-created-by"
  $dk info --format '{{json .DriverStatus}}' > "$o/info-status"
  # Concurrent runs: four containers at once, each writing and reading its own file.
  local pids=()
  for n in 1 2 3 4; do
    $dk run --rm --network none e2e/committed:1 sh -c "echo run$n > /tmp/own; cat /tmp/own /new.txt" > "$o/par$n" 2>&1 &
    pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p"; done
  cat "$o"/par1 "$o"/par2 "$o"/par3 "$o"/par4 > "$o/parallel"
  $dk rm c2 >/dev/null
  $dk rmi e2e/committed:1 >/dev/null 2>&1
  $dk ps -aq | wc -l > "$o/containers-left"
}

reference_of() {  # the built-in driver our driver is compared with (see the header)
  case "$1" in vfs|overlay2) echo "$1" ;; *) echo overlay2 ;; esac
}

stop_dockerd() {  # stop_dockerd DIR: SIGTERM by pid, wait up to 60 s (its Cleanup call closes our driver)
  local pid; pid=$(cat "$1/pid" 2>/dev/null); [ -n "$pid" ] || return 0
  kill -TERM "$pid"
  for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  kill -0 "$pid" 2>/dev/null && log "dockerd $1 still running 60 s after SIGTERM"
  return 0
}

mounted() {  # mounted PATH: PATH is, or lies inside, a mount point under the plugin home of $drv
  # (devicemapper's Dir is mnt/<id>/rootfs inside the mount; dockerd's data root above it is a mount too)
  awk -v p="$1" -v s="$S/p-$drv/root/unionfs-$drv/" \
    'index($5, s) == 1 && (p == $5 || index(p, $5 "/") == 1) { found = 1 } END { exit !found }' /proc/self/mountinfo
}

for drv in "${DRIVERS[@]}"; do
  log "=== driver $drv"
  t0=$(date +%s)
  ref=$(reference_of "$drv")
  B=$S/out-b-$ref P=$S/out-p-$drv
  if [ ! -d "$B" ]; then  # Docker's own driver: one run per reference driver, reused by the others
    start_dockerd "$S/b-$ref" "$ref" || { FAILS=$((FAILS+1)); continue; }
    t1=$(date +%s); scenario "$S/b-$ref/docker.sock" "$B"; log "scenario on built-in $ref: $(( $(date +%s) - t1 ))s"
    stop_dockerd "$S/b-$ref"
  fi
  start_plugin "$drv" || { FAILS=$((FAILS+1)); continue; }
  PPID_PLUGIN=$PLUGIN_PID
  start_dockerd "$S/p-$drv" "unionfs-$drv" --experimental || { FAILS=$((FAILS+1)); continue; }
  log "plugin daemon up in $(( $(date +%s) - t0 ))s"
  t1=$(date +%s); scenario "$S/p-$drv/docker.sock" "$P"; log "scenario on unionfs-$drv: $(( $(date +%s) - t1 ))s"
  [ "$ref" = "$drv" ] || log "NOTE $drv: compared with Docker's own $ref (Docker 20.10's $drv is not available here)"
  expect "$drv: docker info names the plugin" "$D -H unix://$S/p-$drv/docker.sock info --format '{{.Driver}}' | grep -qx unionfs-$drv"
  items=(base-layers run1 diff run2 save-listing save-base-sha images-after-rmi load run3 export-listing
         history-created-by parallel containers-left)
  [ "$ref" = "$drv" ] && items+=(info-status)   # another driver's status pairs differ by nature
  for f in "${items[@]}"; do
    check "$drv" "$f" "$B/$f" "$P/$f"
  done
  expect "$drv: saved base layer is the imported tar byte for byte" "grep -qx $BASE_SHA $P/save-base-sha"
  expect "$drv: run of the loaded image saw the commit" "grep -q ls-gone $P/run3 && grep -q '^new$' $P/run3"
  if cmp -s "$B/history" "$P/history"; then log "PASS $drv: history sizes equal built-in $ref"
  else log "NOTE $drv: history sizes differ from built-in $ref (layer Size = ApplyDiff's size):"; paste "$B/history" "$P/history"; fi
  # docker info must show exactly the pairs our driver reports through GraphDriver.Status, asked at the same
  # moment (values such as aufs's "Dirs" change with every layer).
  $D -H "unix://$S/p-$drv/docker.sock" info --format '{{json .DriverStatus}}' > "$S/info-status-$drv.json"
  curl -s --unix-socket "/run/docker/plugins/unionfs-$drv.sock" -X POST -d '{}' http://plugin/GraphDriver.Status \
    > "$S/status-$drv.json"
  expect "$drv: docker info shows the driver's status pairs" \
    "python3 -c 'import json,sys; a=json.load(open(\"$S/info-status-$drv.json\")) or []; b=json.load(open(\"$S/status-$drv.json\")).get(\"Status\") or []; print(\"   \", a); sys.exit(0 if a == b else 1)'"

  # --- plugin restart under the running daemon -------------------------------------------------------------
  # Held across the restart: a running container (dockerd's Get of its layer), and a Get without Put made
  # through the socket. SIGTERM releases every mount; the restarted server takes dockerd's references again
  # (the mounts come back at the same paths), so the Puts of Gets made before the restart succeed.
  dk="$D -H unix://$S/p-$drv/docker.sock"
  $dk import "$S/base.tar" e2e/held:1 >/dev/null
  live=1; live_mid=none
  if [[ " ${E2E_NO_LIVE_RESTART:-} " == *" $drv "* ]]; then
    live=0; log "NOTE $drv: restart with a running container not run (E2E_NO_LIVE_RESTART names $drv)"
  else
    $dk run -d --name live --network none e2e/held:1 sh -c 'echo before > /before; while :; do sleep 1; done' >/dev/null
    live_mid=$(cat "$S/p-$drv/root/image/unionfs-$drv/layerdb/mounts/$($dk inspect -f '{{.Id}}' live)/mount-id")
    for _ in $(seq 1 50); do $dk exec live test -e /before 2>/dev/null && break; sleep 0.2; done
  fi
  cid=$($dk create --network none e2e/held:1 sh)
  mid=$(cat "$S/p-$drv/root/image/unionfs-$drv/layerdb/mounts/$cid/mount-id")
  held=$(curl -s --unix-socket "/run/docker/plugins/unionfs-$drv.sock" -X POST -d "{\"ID\":\"$mid\"}" \
    http://plugin/GraphDriver.Get | python3 -c 'import json,sys; print(json.load(sys.stdin)["Dir"])')
  expect "$drv: a Get without Put holds the layer's rootfs" "[ -e '$held/bin/busybox' ]"
  [ "$drv" != vfs ] && expect "$drv: that rootfs is a mount" "mounted '$held'"
  kill -TERM "$PPID_PLUGIN"; wait "$PPID_PLUGIN" 2>/dev/null
  expect "$drv: SIGTERM released the held mount" "! mounted '$held'"
  expect "$drv: SIGTERM removed the socket" "[ ! -e /run/docker/plugins/unionfs-$drv.sock ]"
  expect "$drv: SIGTERM left no mount under the plugin home" "! grep -q ' $S/p-$drv/root/unionfs-$drv/' /proc/self/mountinfo"
  expect "$drv: the references dockerd holds are kept for the next server" \
    "{ [ $live = 0 ] || grep -q '$live_mid' $S/plugin-$drv.refs.json; } && grep -q '$mid' $S/plugin-$drv.refs.json"
  $dk import "$S/base.tar" e2e/after-restart:1 > "$S/restart-$drv.out" 2>&1 &
  waiter=$!
  sleep 3
  start_plugin "$drv"
  PPID_PLUGIN=$PLUGIN_PID
  wait $waiter; rc=$?
  expect "$drv: import during a plugin restart succeeded" "[ $rc = 0 ]"
  $dk run --rm --network none e2e/after-restart:1 cat /etc/release > "$S/restart-run-$drv.out" 2>&1
  expect "$drv: run after the restart" "grep -qx 'e2e 1' $S/restart-run-$drv.out"
  expect "$drv: the restart re-established the held rootfs" "[ -e '$held/bin/busybox' ]"
  [ "$drv" != vfs ] && expect "$drv: as a mount again" "mounted '$held'"
  put=$(curl -s --unix-socket "/run/docker/plugins/unionfs-$drv.sock" -X POST -d "{\"ID\":\"$mid\"}" http://plugin/GraphDriver.Put)
  expect "$drv: Put of a Get made before the restart answers OK" "[ '$put' = '{}' ]"
  expect "$drv: and released the mount" "! mounted '$held'"
  [ "$live" = 1 ] && case "$drv" in
    aufs|devicemapper)
      # The FUSE daemon of the container's rootfs was the old server: inside the running container the
      # filesystem is gone (ENOTCONN) and only dockerd's side (Dir) is re-established. See docs/docker-plugin.md.
      if $dk exec live cat /before > "$S/live-exec-$drv.out" 2>&1; then
        log "NOTE $drv: the running container still reads its rootfs after the restart"
      else
        log "NOTE $drv: the running container's own view of its rootfs died with the old server (FUSE): $(head -c 200 "$S/live-exec-$drv.out")"
      fi ;;
    *)
      $dk exec live sh -c 'echo after > /after; cat /before' > "$S/live-exec-$drv.out" 2>&1
      expect "$drv: the running container carries on across the restart" "grep -qx before $S/live-exec-$drv.out"
      expect "$drv: docker diff of it shows the write made after the restart" "$dk diff live | grep -qx 'A /after'" ;;
  esac
  if [ "$live" = 1 ]; then
    $dk commit live e2e/live:1 > /dev/null 2>&1
    expect "$drv: commit of the running container after the restart" \
      "$dk run --rm --network none e2e/live:1 cat /before | grep -qx before"
    expect "$drv: stop of the container started before the restart (its Put)" "$dk stop -t 1 live >/dev/null"
    expect "$drv: rm of it" "$dk rm live >/dev/null"
    expect "$drv: no reference left for it" "! grep -qs '$live_mid' $S/plugin-$drv.refs.json"
    expect "$drv: its rootfs is unmounted" "! grep -q '$live_mid' /proc/self/mountinfo"
  fi

  stop_dockerd "$S/p-$drv"
  expect "$drv: Cleanup at dockerd stop forgot the Init and the references" \
    "[ ! -e $S/plugin-$drv.state.json ] && [ ! -e $S/plugin-$drv.refs.json ]"
  expect "$drv: no mount left under the plugin home after dockerd stopped" "! grep -q ' $S/p-$drv/root/unionfs-$drv/' /proc/self/mountinfo"
  kill -TERM "$PPID_PLUGIN"; wait "$PPID_PLUGIN" 2>/dev/null
  log "=== driver $drv done in $(( $(date +%s) - t0 ))s"
done

log "total $(( $(date +%s) - START ))s, $FAILS failure(s)"
[ "$FAILS" = 0 ]
