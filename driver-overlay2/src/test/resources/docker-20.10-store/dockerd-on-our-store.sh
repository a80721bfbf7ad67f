#!/bin/sh
# The other direction, run once by hand (needs root, docker.io 20.10, and make-store.sh's data root
# left in $S): rewrites Docker's overlay2 store with our driver (RewriteStore: same layer ids and parents,
# every layer created and filled by our create/applyDiff), starts dockerd 20.10 on the result and uses
# it: runs a new container from the committed image, restarts the old container c1, diffs and commits.
set -eu
S=${S:-/tmp/h8d}
R=${R:-/tmp/h8rev}
D=/usr/bin/docker
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../../../../.." && pwd)
[ -d "$S/root/overlay2" ] || { echo "run make-store.sh first (data root $S/root)" >&2; exit 1; }
rm -rf "$R"; mkdir -p "$R"
cp -a "$S/root" "$R/root"
rm -rf "$R/root/overlay2"
(cd "$REPO" && mvn -B -q -o -Dunionfs.target=target-rev -pl driver-overlay2 -am test-compile \
  dependency:build-classpath -Dmdep.outputFile="$R/cp.txt" -Dmdep.includeScope=test >&2)
CP="$REPO/driver-overlay2/target-rev/test-classes:$REPO/driver-overlay2/target-rev/classes:$(cat "$R/cp.txt")"
java -cp "$CP" org.unionfs.driver.overlay2.RewriteStore "$S/root/overlay2" "$R/root/overlay2" "$HERE/layers.txt"

dockerd --data-root "$R/root" --exec-root "$R/exec" -H "unix://$R/docker.sock" --pidfile "$R/dockerd.pid" \
  --storage-driver overlay2 --iptables=false --ip6tables=false --bridge=none --ip-masq=false \
  > "$R/dockerd.log" 2>&1 &
export DOCKER_HOST="unix://$R/docker.sock"
i=0
until $D version >/dev/null 2>&1; do
  i=$((i + 1)); [ $i -lt 60 ] || { cat "$R/dockerd.log"; exit 1; }; sleep 1
done
echo "== docker run on the committed image (layers written by our driver)"
$D run --rm --network none fixture/changed:1 /bin/sh -c \
  'cat /data/modify.txt /data/opq/new.txt /data/newdir/n.txt; ls /data /data/opq; ls /data/remove.txt 2>&1 || true'
echo "== docker start c1 (its init and read-write layers written by our driver), docker diff c1"
$D start -a c1 >/dev/null 2>&1 || true
$D diff c1 | sort
echo "== docker commit c1, docker save of the image: layer tars"
$D commit c1 fixture/again:1 >/dev/null
$D save fixture/again:1 | tar -t | grep layer.tar
kill -TERM "$(cat "$R/dockerd.pid")"
while [ -e "$R/dockerd.pid" ]; do sleep 1; done
echo "== ok"
