#!/usr/bin/env bash
# The packages (part of tests/run-all.sh): the Debian package built by packaging/build-deb.sh passes lintian with no
# error, holds every file it must, its man pages render with man -l without a warning and document every
# parameter of the README's table, the bash completion completes; the Arch PKGBUILD installs the same files.
# Prints "PASS name" / "FAIL name: why" lines.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
W=$ROOT/artifacts/package-test; rm -rf "$W"; mkdir -p "$W"
pass=0 fail=0
ok() { echo "PASS $1"; pass=$((pass + 1)); }
no() { echo "FAIL $1: $2"; fail=$((fail + 1)); }

if ! deb=$(bash "$ROOT/packaging/build-deb.sh" "$W" 2>"$W/build.log"); then
  no package/deb "packaging/build-deb.sh failed: $(tail -3 "$W/build.log")"; echo "$pass passed, $fail failed"; exit 1
fi

# lintian: no error (the two overridden tags are the static agent's, see packaging/debian/lintian-overrides);
# warnings and pedantic notes are listed, not failed
lintian --pedantic --display-info "$deb" >"$W/lintian.txt" 2>&1; rc=$?
if [ $rc -eq 0 ] && ! grep -q '^E:' "$W/lintian.txt"; then ok package/lintian-no-errors
else no package/lintian-no-errors "exit $rc: $(grep '^E:' "$W/lintian.txt" | head -5 | tr '\n' ' ')($W/lintian.txt)"
fi
lintian --pedantic --display-info --show-overrides "$deb" 2>&1 | grep -E '^[WIPO]:' | sed 's/^/  lintian: /'

# contents: the agent and its link, every hook, man pages, completion, copyright
dpkg-deb -c "$deb" | awk '{print $6 ($7 ? " " $7 " " $8 : "")}' | sed 's|^\./|/|' >"$W/contents.txt"
missing=""
for f in /usr/lib/liveinit/liveinit "/usr/bin/liveinit -> ../lib/liveinit/liveinit" \
  /usr/share/initramfs-tools/hooks/liveinit /usr/share/initramfs-tools/scripts/liveinit \
  /usr/lib/dracut/modules.d/90liveinit/module-setup.sh /usr/lib/dracut/modules.d/90liveinit/liveinit.service \
  /usr/lib/dracut/modules.d/90liveinit/liveinit-generator.sh /usr/lib/dracut/modules.d/90liveinit/parse-liveinit.sh \
  /usr/lib/dracut/modules.d/90liveinit/mount-liveinit.sh /usr/lib/initcpio/install/liveinit \
  /usr/lib/initcpio/hooks/liveinit /usr/share/man/man8/liveinit.8.gz /usr/share/man/man7/liveinit-cmdline.7.gz \
  /usr/share/bash-completion/completions/liveinit /usr/share/doc/liveinit/copyright; do
  grep -qxF -- "$f" "$W/contents.txt" || missing+=" $f"
done
if [ -z "$missing" ]; then ok package/contents; else no package/contents "missing:$missing"; fi
dpkg-deb -x "$deb" "$W/x"

# man pages: man -l renders both with no warning from groff; the cmdline page names every README parameter
problems=""
for page in "$W"/x/usr/share/man/man8/liveinit.8.gz "$W"/x/usr/share/man/man7/liveinit-cmdline.7.gz; do
  name=$(basename "$page" .gz)
  LC_ALL=C.UTF-8 MANWIDTH=80 man -l "$page" >"$W/$name.txt" 2>"$W/$name.err" || problems+=" $name: man -l failed;"
  LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$page" 2>&1 >/dev/null | grep -v '^$' >>"$W/$name.err"
  [ -s "$W/$name.err" ] && problems+=" $name: $(head -2 "$W/$name.err" | tr '\n' ' ');"
  grep -q '^NAME' "$W/$name.txt" && grep -q '^SEE ALSO' "$W/$name.txt" || problems+=" $name: no NAME or SEE ALSO;"
done
while read -r p; do
  grep -qF -- "$p" "$W/liveinit-cmdline.7.txt" || problems+=" liveinit-cmdline(7) lacks $p;"
done < <(python3 "$ROOT/packaging/readme-params.py" "$ROOT/README.md" --list)
for c in explain probe mkinitramfs boot PART_ENTRY_DISK liveinit.service; do
  grep -qF -- "$c" "$W/liveinit.8.txt" || problems+=" liveinit(8) lacks $c;"
done
if [ -z "$problems" ]; then ok package/man-pages-render; else no package/man-pages-render "$problems"; fi

# bash completion: the commands, then an option value
comp=$W/x/usr/share/bash-completion/completions/liveinit
got=$(bash -c '
  _init_completion() { cur=${COMP_WORDS[COMP_CWORD]}; prev=${COMP_WORDS[COMP_CWORD-1]}; words=("${COMP_WORDS[@]}");
    cword=$COMP_CWORD; }
  _filedir() { :; }
  source "$1"
  COMP_WORDS=(liveinit pr); COMP_CWORD=1; _liveinit; echo "${COMPREPLY[*]}"
  COMP_WORDS=(liveinit mkinitramfs --emergency p); COMP_CWORD=3; _liveinit; echo "${COMPREPLY[*]}"
  COMP_WORDS=(liveinit probe --format ""); COMP_CWORD=3; _liveinit; echo "${COMPREPLY[*]}"' _ "$comp" 2>&1)
if [ "$got" = $'probe\npoweroff\nexport json' ]; then ok package/bash-completion
else no package/bash-completion "got '$(tr '\n' '|' <<<"$got")'"; fi

# the Arch PKGBUILD's package() (run here with makepkg's variables) installs what the .deb installs, less the
# Debian-only files
pk=$W/arch; mkdir -p "$pk/src/man" "$pk/pkg"
cp "$W"/x/usr/share/man/man8/liveinit.8.gz "$W"/x/usr/share/man/man7/liveinit-cmdline.7.gz "$pk/src/man/"
gunzip "$pk"/src/man/*.gz
(
  startdir=$ROOT/packaging/arch srcdir=$pk/src pkgdir=$pk/pkg
  source "$ROOT/packaging/arch/PKGBUILD" && [ "$(pkgver)" = "$pkgver" ] && package
) >"$W/arch.log" 2>&1 || no package/arch-pkgbuild "package() failed ($W/arch.log)"
(cd "$pk/pkg" && find . ! -type d | sed 's|^\.||' | sort) >"$W/arch-files.txt"
grep -vE '^/usr/share/(initramfs-tools|doc|lintian)/' "$W/contents.txt" | grep -v '/$' | sed 's| -> .*||; s|\.gz$||' \
  | sort >"$W/deb-files.txt"
if diff <(grep -v '^/usr/share/doc/' "$W/arch-files.txt") "$W/deb-files.txt" >"$W/arch-diff.txt"; then
  ok package/arch-pkgbuild-same-files
else no package/arch-pkgbuild-same-files "$(tr '\n' ' ' <"$W/arch-diff.txt")"; fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
