#!/usr/bin/env bash
# The Debian package, built with dpkg-deb from artifacts/liveinit (./build.sh package publishes it first):
#   /usr/lib/liveinit/liveinit, /usr/bin/liveinit -> ../lib/liveinit/liveinit
#   /usr/share/initramfs-tools/{hooks,scripts}/liveinit, /usr/lib/dracut/modules.d/90liveinit/,
#   /usr/lib/initcpio/{install,hooks}/liveinit, liveinit(8), liveinit-cmdline(7), bash completion,
#   /usr/share/doc/liveinit/{copyright,changelog.gz}, lintian overrides (the static agent); a trigger rebuilds
#   initramfs-tools images on install.
#   packaging/build-deb.sh [OUTDIR]     prints the path of the .deb (default OUTDIR: artifacts)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SRC=$ROOT/packaging HOOKS=$ROOT/initramfs-hooks
OUT=${1:-$ROOT/artifacts}
AGENT=$ROOT/artifacts/liveinit
[ -x "$AGENT" ] || { echo "build-deb.sh: $AGENT is missing: run ./build.sh first" >&2; exit 1; }
VERSION=$(sed -n 's|.*<Version>\(.*\)</Version>.*|\1|p' "$ROOT/src/LiveInit/LiveInit.csproj")
grep -q "^liveinit ($VERSION)" "$SRC/debian/changelog" \
  || { echo "build-deb.sh: packaging/debian/changelog has no entry for $VERSION (the csproj's version)" >&2; exit 1; }
# reproducible: every date is the changelog's
changed=$(sed -n 's/^ -- .*>  //p' "$SRC/debian/changelog" | head -1)
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(date -d "$changed" +%s)}
W=$ROOT/artifacts/package; rm -rf "$W"; mkdir -p "$W"
P=$W/root

# the files, with the modes Debian expects (scripts that are run 755, data and sourced files 644)
install -D -m 755 "$AGENT" "$P/usr/lib/liveinit/liveinit"
strip --remove-section=.comment --remove-section=.note "$P/usr/lib/liveinit/liveinit"
"$P/usr/lib/liveinit/liveinit" --version >/dev/null \
  || { echo "build-deb.sh: the stripped agent does not run" >&2; exit 1; }
mkdir -p "$P/usr/bin"; ln -s ../lib/liveinit/liveinit "$P/usr/bin/liveinit"
install -D -m 755 "$HOOKS/initramfs-tools/hooks/liveinit" "$P/usr/share/initramfs-tools/hooks/liveinit"
install -D -m 644 "$HOOKS/initramfs-tools/scripts/liveinit" "$P/usr/share/initramfs-tools/scripts/liveinit"
D=$P/usr/lib/dracut/modules.d/90liveinit
for f in module-setup.sh parse-liveinit.sh mount-liveinit.sh liveinit-generator.sh; do
  install -D -m 755 "$HOOKS/dracut/90liveinit/$f" "$D/$f"
done
install -D -m 644 "$HOOKS/dracut/90liveinit/liveinit.service" "$D/liveinit.service"
install -D -m 644 "$HOOKS/mkinitcpio/install/liveinit" "$P/usr/lib/initcpio/install/liveinit"
install -D -m 644 "$HOOKS/mkinitcpio/hooks/liveinit" "$P/usr/lib/initcpio/hooks/liveinit"
install -D -m 644 "$SRC/completion/liveinit.bash" "$P/usr/share/bash-completion/completions/liveinit"
bash "$SRC/man.sh" "$W/man"
install -D -m 644 "$W/man/liveinit.8" "$P/usr/share/man/man8/liveinit.8"
install -D -m 644 "$W/man/liveinit-cmdline.7" "$P/usr/share/man/man7/liveinit-cmdline.7"
install -D -m 644 "$SRC/debian/copyright" "$P/usr/share/doc/liveinit/copyright"
install -D -m 644 "$SRC/debian/lintian-overrides" "$P/usr/share/lintian/overrides/liveinit"
install -D -m 644 "$SRC/debian/changelog" "$P/usr/share/doc/liveinit/changelog"
gzip -9n "$P/usr/share/man/man8/liveinit.8" "$P/usr/share/man/man7/liveinit-cmdline.7" \
  "$P/usr/share/doc/liveinit/changelog"

# control: the version from the csproj, the size, the C library linked in (Built-Using, as Debian asks of static
# binaries), md5sums, the trigger
mkdir -p "$P/DEBIAN"
glibc=$(dpkg-query -W -f='${source:Package} (= ${source:Version})' libc6 2>/dev/null || echo "glibc")
size=$(du -sk --apparent-size "$P" | cut -f1)
sed -e "s/@VERSION@/$VERSION/" -e "s/@INSTALLED_SIZE@/$size/" -e "s/@BUILT_USING@/$glibc/" \
  "$SRC/debian/control" >"$P/DEBIAN/control"
install -m 644 "$SRC/debian/triggers" "$P/DEBIAN/triggers"
(cd "$P" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | LC_ALL=C sort -z | xargs -0 md5sum) \
  >"$P/DEBIAN/md5sums"
chmod 644 "$P/DEBIAN/md5sums"
find "$P" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
mkdir -p "$OUT"
deb=$OUT/liveinit_${VERSION}_amd64.deb
dpkg-deb --root-owner-group -Zxz --build "$P" "$deb" >/dev/null
echo "$deb"
