#!/usr/bin/env bash
# Installs everything unionfs needs to build and to run every test on Debian 12 (run as root).
# Idempotent: packages already present are left alone. Never installs the package `fuse`
# (it conflicts with fuse3; jnr-fuse needs libfuse2 from `libfuse2`).
set -euo pipefail

if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps.sh: run as root (apt-get and modprobe need it)" >&2
  exit 1
fi

packages=(
  openjdk-17-jdk-headless maven          # build
  fuse3 libfuse2                         # FUSE mounts (fuse-mount, aufs, devicemapper)
  util-linux mount e2fsprogs xfsprogs btrfs-progs  # loop devices and the filesystems tests format
  tar gzip zstd rsync attr acl curl      # reference tools the tests compare against
  docker.io podman umoci uidmap conmon golang-github-containers-common busybox-static
                                         # real engines: layer fixtures load in them, the plugin runs dockerd
  debootstrap                            # a real Debian root filesystem for the command-line round trip
  thin-provisioning-tools                # thin_restore/thin_dump/thin_check against our dm-thin pool
  kmod                                   # modprobe
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ "${#missing[@]}" -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# Kernel features the drivers use; built in or loadable depending on the kernel.
for module in overlay fuse loop xfs btrfs; do
  modprobe "$module" 2>/dev/null || true
done
[ -e /dev/fuse ] || echo "install-deps.sh: warning: /dev/fuse is missing; FUSE tests will be skipped" >&2
[ -e /dev/loop-control ] || echo "install-deps.sh: warning: /dev/loop-control is missing; loop tests will be skipped" >&2
echo "install-deps.sh: ready"
