#!/bin/bash
# devicemapper pool benchmarks (no root): snapshot creation time of a 10 GiB device with 1 GiB written,
# and sequential write/read through the pool vs a plain file, same run. See DmPoolBench.java.
# Env: SIZE_MIB=1024 RUNS=3 WORK=/tmp (needs ~2.2 GiB free there; files are sparse and deleted).
set -euo pipefail
REPO=$(cd "$(dirname "$0")/../.." && pwd)
W=$(mktemp -d "${WORK:-/tmp}/dmbench.XXXXXX")
trap 'rm -rf "$W"' EXIT
echo "# building (offline maven, own target dir)" >&2
(cd "$REPO" && mvn -B -q -o -Dunionfs.target=target-dmbench -pl driver-devicemapper -am -DskipTests package \
  dependency:build-classpath -Dmdep.outputFile="$W/cp.txt" >&2)
CP="$(ls "$REPO"/driver-devicemapper/target-dmbench/driver-devicemapper-*.jar):$(cat "$W/cp.txt")"
java -Xmx1g -cp "$CP" "$REPO/bench/devicemapper/DmPoolBench.java" "$W" "${SIZE_MIB:-1024}" "${RUNS:-3}"
