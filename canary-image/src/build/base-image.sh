#!/usr/bin/env bash
# Builds the base image of the canary container image as a `docker save` tarball (handed to Jib as tar://), without a
# container registry or a Docker daemon:
#   layer 1 "os":  the shared libraries a jlinked JRE needs (glibc, libgcc, libstdc++, zlib), unpacked from Debian
#                  packages fetched with apt-get download; the C.UTF-8 locale; /etc/os-release; the packages' copyright
#                  files and control data in /var/lib/dpkg/status.d (where image scanners and SBOM tools look);
#                  /etc/passwd and /etc/group with the canary user; /tmp, /etc/canary and /var/lib/canary (owned by the
#                  canary user). No shell, no package manager, no other program.
#   layer 2 "jre": a jlinked Java runtime at /opt/java/openjdk (the modules the canary command needs; of its programs
#                  only bin/java and lib/jspawnhelper).
# The result is cached under ${XDG_CACHE_HOME:-~/.cache}/canarykit/image-base, keyed by this script, the Debian package
# versions, the JDK and the settings below, so only the first build on a machine pays for jlink.
#
# Settings (environment): OUT (output directory, required), JDK (the JDK whose jmods are linked, required),
# IMAGE_UID, IMAGE_GID, JRE_MODULES (comma-separated), DEB_PACKAGES (space-separated).
set -euo pipefail

OUT=${OUT:?OUT: the output directory}
JDK=${JDK:?JDK: the JDK to jlink from}
IMAGE_UID=${IMAGE_UID:-10001}
IMAGE_GID=${IMAGE_GID:-10001}
JRE_MODULES=${JRE_MODULES:?JRE_MODULES: the Java modules of the runtime}
DEB_PACKAGES=${DEB_PACKAGES:-base-files libc6 libc-bin libgcc-s1 gcc-12-base libstdc++6 zlib1g}
CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/canarykit/image-base
JAVA_DIR=opt/java/openjdk

fail() {
  echo "canary-image: $*" >&2
  echo "canary-image: to build the image on an ordinary base image from a registry instead:" \
       "mvn -B -ntp package -pl canary-image -am -DskipTests -Djib.from.image=eclipse-temurin:17-jre" >&2
  exit 1
}

for tool in apt-get dpkg-deb dpkg sha256sum gzip tar; do
  command -v "$tool" >/dev/null || fail "building the base image needs '$tool' (a Debian or Ubuntu machine)"
done
[ -x "$JDK/bin/jlink" ] && [ -d "$JDK/jmods" ] \
  || fail "$JDK has no jlink or no jmods; run Maven on a full JDK 17+ (Debian: apt-get install openjdk-17-jdk-headless)"
ARCH=$(dpkg --print-architecture)

# --- which package versions apt would fetch (no download yet); refresh the package lists once when they are missing
uris() { apt-get download --print-uris $DEB_PACKAGES 2>&1; }
if ! URIS=$(uris) || ! grep -q "^'" <<<"$URIS"; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq >/dev/null 2>&1 || true
    URIS=$(uris) || fail "apt-get cannot find the packages $DEB_PACKAGES: $URIS"
  else
    fail "apt-get cannot find the packages $DEB_PACKAGES (run 'apt-get update' as root): $URIS"
  fi
fi
# "'URL' FILE SIZE SHA256:HEX" per package
DEBS=$(sed -n "s/^'[^']*' \([^ ]*\) [0-9]* SHA256:\([0-9a-f]*\)$/\1 \2/p" <<<"$URIS")
[ "$(wc -l <<<"$DEBS")" -ge "$(wc -w <<<"$DEB_PACKAGES")" ] || fail "unexpected apt-get output: $URIS"

KEY=$( { sha256sum < "$0"; echo "$DEBS"; cat "$JDK/release"; echo "$JRE_MODULES $IMAGE_UID $IMAGE_GID $ARCH"; } \
       | sha256sum | cut -c1-16)
mkdir -p "$OUT"
if [ -f "$CACHE/$KEY/base.tar" ]; then
  touch "$CACHE/$KEY"
  cp "$CACHE/$KEY/base.tar" "$CACHE/$KEY/packages.txt" "$OUT/"
  echo "canary-image: base image $KEY from $CACHE"
  exit 0
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/canary-image-base.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$CACHE/debs" "$WORK/pkg"

# --- fetch the packages apt would install (kept in the cache, checked against apt's SHA-256), one apt-get call
MISSING=()
while read -r file sha; do
  [ -f "$CACHE/debs/$file" ] && echo "$sha  $CACHE/debs/$file" | sha256sum -c --status || MISSING+=("${file%%_*}")
done <<<"$DEBS"
if [ ${#MISSING[@]} -gt 0 ]; then
  SANDBOX=(); [ "$(id -u)" = 0 ] && SANDBOX=(-o APT::Sandbox::User=root)
  if ! (cd "$WORK" && apt-get download -q "${SANDBOX[@]}" "${MISSING[@]}" >/dev/null 2>"$WORK/apt.err"); then
    # package lists older than the mirror name files it no longer has: refresh them once and start again
    if [ "$(id -u)" = 0 ] && [ -z "${CANARY_IMAGE_APT_UPDATED:-}" ]; then
      apt-get update -qq >/dev/null 2>&1 || true
      rm -rf "$WORK"
      CANARY_IMAGE_APT_UPDATED=1 exec bash "$0"
    fi
    fail "apt-get download ${MISSING[*]} (run 'apt-get update' as root): $(cat "$WORK/apt.err")"
  fi
fi
PKG_DIRS=()
while read -r file sha; do
  pkg=${file%%_*}
  if [ -f "$WORK/$file" ]; then
    echo "$sha  $WORK/$file" | sha256sum -c --status || fail "$file does not match apt's SHA-256"
    mv "$WORK/$file" "$CACHE/debs/$file"
  fi
  dpkg-deb -x "$CACHE/debs/$file" "$WORK/pkg/$pkg"
  dpkg-deb -f "$CACHE/debs/$file" > "$WORK/pkg/$pkg.control"
  PKG_DIRS+=("$pkg")
done <<<"$DEBS"

# --- layer 1: the operating system files
ROOT=$WORK/os
install -d -m 0755 "$ROOT" "$ROOT/etc" "$ROOT/proc" "$ROOT/dev" "$ROOT/sys" "$ROOT/var/lib/dpkg/status.d" \
        "$ROOT/usr/share/doc" "$ROOT/etc/canary"
install -d -m 1777 "$ROOT/tmp"
install -d -m 0700 "$ROOT/var/lib/canary"
: > "$WORK/packages.txt"
for pkg in "${PKG_DIRS[@]}"; do
  src=$WORK/pkg/$pkg
  # shared libraries (regular files and their symlinks) of the dynamic loader's directories
  (cd "$src" && find lib lib64 usr/lib -maxdepth 2 \( -type f -o -type l \) -name '*.so*' 2>/dev/null || true) \
    > "$WORK/files"
  # the C.UTF-8 locale, the OS identification and the licence texts the copyright files point to
  (cd "$src" && find usr/lib/locale/C.utf8 usr/lib/os-release etc/os-release etc/debian_version \
                     usr/share/common-licenses \( -type f -o -type l \) 2>/dev/null || true) >> "$WORK/files"
  # each package's copyright file (or the symlink to the documentation directory that holds it)
  (cd "$src" && find usr/share/doc -maxdepth 2 \( -path "usr/share/doc/$pkg/copyright" -o -path "usr/share/doc/$pkg" -type l \) \
                2>/dev/null || true) >> "$WORK/files"
  (cd "$src" && tar -cf - --no-recursion -T "$WORK/files") | tar -xf - -C "$ROOT"
  cp "$WORK/pkg/$pkg.control" "$ROOT/var/lib/dpkg/status.d/$pkg"
  printf '%s %s\n' "$pkg" "$(sed -n 's/^Version: //p' "$WORK/pkg/$pkg.control")" >> "$WORK/packages.txt"
done
# documentation directories that are symlinks (libgcc-s1 -> gcc-12-base) need their target's copyright file
for link in "$ROOT"/usr/share/doc/*; do
  [ -L "$link" ] || continue
  target=$(readlink "$link")
  [ -e "$ROOT/usr/share/doc/$target/copyright" ] \
    || fail "$(basename "$link")'s copyright is in package $target: add it to DEB_PACKAGES"
done
cat > "$ROOT/etc/passwd" <<PASSWD
root:x:0:0:root:/root:/nonexistent
canary:x:$IMAGE_UID:$IMAGE_GID:canary:/var/lib/canary:/nonexistent
nobody:x:65534:65534:nobody:/nonexistent:/nonexistent
PASSWD
cat > "$ROOT/etc/group" <<GROUP
root:x:0:
canary:x:$IMAGE_GID:
nogroup:x:65534:
GROUP
printf 'passwd: files\ngroup: files\nhosts: files dns\n' > "$ROOT/etc/nsswitch.conf"
chmod 0644 "$ROOT/etc/passwd" "$ROOT/etc/group" "$ROOT/etc/nsswitch.conf"

# --- layer 2: the Java runtime
JRE=$WORK/jre
mkdir -p "$JRE/opt/java"
# no --compress: the gzipped layer comes out smaller (20 MB against 24 MB), jlink takes less CPU and classes load
# without inflating; the runtime takes 58 MB on disk instead of 40 MB
"$JDK/bin/jlink" --add-modules "$JRE_MODULES" --strip-debug --no-man-pages --no-header-files --output "$JRE/$JAVA_DIR"
find "$JRE/$JAVA_DIR/bin" -mindepth 1 ! -name java -delete
rm -f "$JRE/$JAVA_DIR/lib/jexec" # the launcher for executable jars run as programs; jspawnhelper stays (ProcessBuilder)
DEB_LIST=$(tr '\n' ',' < "$WORK/packages.txt" | sed 's/,$//; s/,/, /g')
JAVA_RUNTIME=$(sed -n 's/^JAVA_RUNTIME_VERSION="\(.*\)"/\1/p' "$JDK/release")
echo "openjdk $JAVA_RUNTIME" >> "$WORK/packages.txt"

# --- the docker-save tarball: gzipped layers (deterministic), config and manifest
layer() { # NAME DIR: writes NAME.tar.gz, prints the sha256 of the uncompressed tar (the diff id)
  local name=$1 dir=$2
  tar --create --file "$WORK/$name.tar" --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner \
      --exclude=./var/lib/canary -C "$dir" .
  if [ -d "$dir/var/lib/canary" ]; then # the data directory belongs to the canary user
    tar --append --file "$WORK/$name.tar" --mtime=@0 --owner="$IMAGE_UID" --group="$IMAGE_GID" --numeric-owner \
        --no-recursion -C "$dir" ./var/lib/canary
  fi
  sha256sum "$WORK/$name.tar" | cut -d' ' -f1
  gzip -n -6 "$WORK/$name.tar"
}
OS_ID=$(layer os "$ROOT")
JRE_ID=$(layer jre "$JRE")
cat > "$WORK/config.json" <<JSON
{"architecture":"$ARCH","os":"linux","created":"1970-01-01T00:00:00Z",
 "config":{"Env":["PATH=/$JAVA_DIR/bin","JAVA_HOME=/$JAVA_DIR","LANG=C.UTF-8"],"User":"$IMAGE_UID:$IMAGE_GID","WorkingDir":"/"},
 "rootfs":{"type":"layers","diff_ids":["sha256:$OS_ID","sha256:$JRE_ID"]},
 "history":[{"created":"1970-01-01T00:00:00Z","created_by":"canary-image base-image.sh: Debian packages $DEB_LIST"},
            {"created":"1970-01-01T00:00:00Z","created_by":"canary-image base-image.sh: jlink of OpenJDK $JAVA_RUNTIME: $JRE_MODULES"}]}
JSON
echo '[{"Config":"config.json","RepoTags":["canarykit/canary-base:local"],"Layers":["os.tar.gz","jre.tar.gz"]}]' \
  > "$WORK/manifest.json"
tar --create --file "$WORK/base.tar" --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$WORK" \
    manifest.json config.json os.tar.gz jre.tar.gz

# --- cache it (written under a temporary name and renamed: builds in other worktrees may read it at the same time;
#     entries and packages unused for 30 days are removed) and hand it out
find "$CACHE" -mindepth 1 -maxdepth 1 -type d ! -name debs -mtime +30 -exec rm -rf {} +
find "$CACHE/debs" -type f -ctime +30 -delete
mkdir -p "$CACHE/$KEY"
cp "$WORK/packages.txt" "$CACHE/$KEY/packages.txt"
cp "$WORK/base.tar" "$CACHE/$KEY/base.tar.$$"
mv -f "$CACHE/$KEY/base.tar.$$" "$CACHE/$KEY/base.tar"
cp "$WORK/base.tar" "$WORK/packages.txt" "$OUT/"
echo "canary-image: built base image $KEY ($(du -h "$OUT/base.tar" | cut -f1)): $DEB_LIST, OpenJDK $JAVA_RUNTIME"
