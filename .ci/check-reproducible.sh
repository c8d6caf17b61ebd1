#!/usr/bin/env bash
# Reproducible builds: two builds of one commit give byte-identical jars.
#
# Rebuilds representative modules from a copy of this source tree in another directory (no tests) and compares their
# jars byte for byte with the ones the current build made: canary-core (the main jar, the sources jar and the javadoc
# jar) and canary-alert-email (a small module on core, with its ServiceLoader file). The copy lives at another path, so a
# build that put an absolute path, a time, a user name or a file-system order into an archive fails here.
# Run from `mvn verify` (canary-release-checks, verify phase) after those modules are packaged, or by hand after
# `mvn -o package -DskipTests -pl canary-core,canary-alert-email`.
#   MODULES   the modules to rebuild (default: canary-core canary-alert-email; each must build from the others and the parent alone)
#   MVN       the mvn command (default: mvn on the PATH)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
MODULES="${MODULES:-canary-core canary-alert-email}"
MVN="${MVN:-mvn}"
WORK="${WORK:-$ROOT/canary-release-checks/target/reproducible}"
VERSION="$(sed -n 's|^  <version>\(.*\)</version>$|\1|p' "$ROOT/pom.xml" | head -1)"

for m in $MODULES; do
  if ! ls "$ROOT/$m/target/$m-$VERSION.jar" >/dev/null 2>&1; then
    echo "check-reproducible: $ROOT/$m/target/$m-$VERSION.jar is missing: package $m first" >&2
    exit 2
  fi
done

rm -rf "$WORK"
mkdir -p "$WORK/src"
# the source tree without build output, VCS data or IDE files
tar -C "$ROOT" --exclude=./.git --exclude='*/target' --exclude=./target --exclude='*/node_modules' \
    --exclude=.idea --exclude='*.iml' -cf - . | tar -C "$WORK/src" -xf -

pl="$(echo $MODULES | tr ' ' ',')"
echo "check-reproducible: rebuilding $pl in $WORK/src"
(cd "$WORK/src" && "$MVN" -B -ntp -o -q package -DskipTests -Dcyclonedx.skip=true -pl "$pl" \
    -Dmaven.repo.local="${MAVEN_REPO_LOCAL:-$HOME/.m2/repository}" > "$WORK/build.log" 2>&1) || {
  echo "check-reproducible: the second build failed; its log: $WORK/build.log" >&2
  tail -40 "$WORK/build.log" >&2
  exit 1
}

status=0
compared=0
for m in $MODULES; do
  for first in "$ROOT/$m/target/$m-$VERSION"*.jar; do
    name="$(basename "$first")"
    second="$WORK/src/$m/target/$name"
    if [ ! -f "$second" ]; then
      echo "check-reproducible: DIFFERENT $m/$name: the second build made no such file" >&2
      status=1
      continue
    fi
    compared=$((compared + 1))
    if cmp -s "$first" "$second"; then
      echo "check-reproducible: identical $m/target/$name ($(wc -c < "$first") bytes)"
    else
      echo "check-reproducible: DIFFERENT $m/target/$name; the entries that differ (name, size, CRC, time):" >&2
      diff <(unzip -Zl "$first" | awk 'NR>2{print $NF, $4, $8, $9}' | sort) \
           <(unzip -Zl "$second" | awk 'NR>2{print $NF, $4, $8, $9}' | sort) >&2 || true
      status=1
    fi
  done
done
if [ "$compared" -eq 0 ]; then
  echo "check-reproducible: nothing compared" >&2
  exit 2
fi
[ "$status" -eq 0 ] && echo "check-reproducible: $compared jars byte-identical across two builds"
exit "$status"
