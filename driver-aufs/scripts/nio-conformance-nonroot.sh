#!/bin/bash
# Runs the aufs NIO-mode conformance suite (AufsNioDriverConformanceTest) as an unprivileged user
# (default nobody): proof that the NIO view needs no root, no FUSE and no mount. Must be started as root
# (to switch users with setpriv); the classes and jars are copied to a world-readable scratch directory.
# Env: AS_UID=65534 AS_GID=65534 TARGET=target (the build directory of the modules), WORK=/tmp.
set -euo pipefail
REPO=$(cd "$(dirname "$0")/../.." && pwd)
TARGET=${TARGET:-target}
AS_UID=${AS_UID:-65534}
AS_GID=${AS_GID:-65534}
W=$(mktemp -d "${WORK:-/tmp}/nio-nonroot.XXXXXX")
trap 'rm -rf "$W"' EXIT
[ "$(id -u)" = 0 ] || { echo "start as root (it drops to uid $AS_UID itself)" >&2; exit 1; }
cd "$REPO"
mvn -B -q -o -Dunionfs.target="$TARGET" -pl driver-aufs -am test-compile >&2
mvn -B -q -o -Dunionfs.target="$TARGET" -pl driver-aufs dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile="$W/cp.txt" >&2
mkdir -p "$W/lib" "$W/tmp"
# third-party jars only: the project's own modules come from this checkout's build directories
tr ':' '\n' < "$W/cp.txt" | grep -v '/org/unionfs/' | while read -r j; do cp "$j" "$W/lib/"; done
launcher=$(ls ~/.m2/repository/org/junit/platform/junit-platform-launcher/*/junit-platform-launcher-*.jar \
  | grep "/$(basename "$(ls "$W"/lib/junit-platform-engine-*.jar)" | sed 's/junit-platform-engine-//; s/.jar$//')/" | head -1)
cp "$launcher" "$W/lib/"
CP=""
for m in unionfs-api unionfs-testkit fuse-mount unionfs-nio driver-aufs; do
  cp -r "$m/$TARGET/classes" "$W/$m-classes"
  CP="$CP:$W/$m-classes"
done
cp -r driver-aufs/"$TARGET"/test-classes "$W/driver-aufs-test-classes"
CP="$W/driver-aufs-test-classes$CP:$W/lib/*"
cp driver-aufs/scripts/NonRootRun.java "$W/"
chmod -R a+rX "$W"
chown "$AS_UID:$AS_GID" "$W/tmp"
echo "# running as uid $AS_UID" >&2
cd "$W/tmp"
setpriv --reuid="$AS_UID" --regid="$AS_GID" --clear-groups env HOME="$W/tmp" LC_ALL=C.UTF-8 \
  java -Djava.io.tmpdir="$W/tmp" -Dfile.encoding=UTF-8 -cp "$CP" "$W/NonRootRun.java" \
  org.unionfs.driver.aufs.AufsNioDriverConformanceTest
