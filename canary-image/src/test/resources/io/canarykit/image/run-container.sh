#!/usr/bin/env bash
# Runs a command in an unpacked image's root file system the way a container runtime would, for ImageIT. Run it as root
# inside fresh mount and PID namespaces (unshare --mount --pid --fork): the mounts below vanish with them.
#
#   run-container.sh ROOTFS DATA_DIR CONFIG_DIR ENV_FILE USER WORKDIR COMMAND...
#
# ROOTFS is mounted read-only; /proc, a minimal /dev, a tmpfs on /tmp, DATA_DIR (read-write) on /var/lib/canary and
# CONFIG_DIR (read-only) on /etc/canary are mounted in it. COMMAND (the image's entrypoint and arguments) runs chrooted
# there as USER (uid:gid, no supplementary groups, so no capabilities) in WORKDIR, with exactly the environment in
# ENV_FILE (one NAME=value a line): COMMAND[0] is looked up on that environment's PATH, inside the image.
set -euo pipefail
root=$1 data=$2 config=$3 env_file=$4 user=$5 workdir=$6
shift 6
unshare=$(command -v unshare)

mount --make-rprivate /
mount --bind "$root" "$root"
mount -t proc -o nosuid,nodev,noexec proc "$root/proc"
mount -t tmpfs -o nosuid,noexec,mode=0755,size=1m tmpfs "$root/dev"
for node in null zero full random urandom tty; do
  touch "$root/dev/$node"
  mount --bind "/dev/$node" "$root/dev/$node"
done
ln -s /proc/self/fd "$root/dev/fd"
ln -s /proc/self/fd/0 "$root/dev/stdin"
ln -s /proc/self/fd/1 "$root/dev/stdout"
ln -s /proc/self/fd/2 "$root/dev/stderr"
mkdir "$root/dev/shm"
mount -t tmpfs -o nosuid,nodev,noexec,mode=1777,size=16m shm "$root/dev/shm"
mount -t tmpfs -o nosuid,nodev,mode=1777,size=64m tmpfs "$root/tmp"
mount --bind "$data" "$root/var/lib/canary"
mount --bind -o ro "$config" "$root/etc/canary"
mount -o remount,bind,ro "$root"

mapfile -t environment < "$env_file"
exec env -i "${environment[@]}" "$unshare" --root="$root" --wd="$workdir" \
     --setgid="${user#*:}" --setuid="${user%%:*}" -- "$@"
