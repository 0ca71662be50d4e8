#!/usr/bin/env bash
# Every test of the project: xUnit (unit, prober vs util-linux corpus and blkid, static binary), the QEMU boot
# scenarios (two at a time), the packages and the distro hooks. The last line is "N passed, N failed, N skipped".
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
OUT=$ROOT/artifacts/test; rm -rf "$OUT"; mkdir -p "$OUT"
passed=0 failed=0 skipped=0

# 1. xUnit (XUNIT_FILTER narrows it; SKIP_XUNIT=1 leaves it out while working on boots)
if [ "${SKIP_XUNIT:-0}" != 1 ]; then
dotnet test tests/LiveInit.Tests/LiveInit.Tests.csproj -c Release --nologo --logger "console;verbosity=minimal" ${XUNIT_FILTER:+--filter "$XUNIT_FILTER"} \
  >"$OUT/xunit.log" 2>&1
grep -E "error|Failed |Passed!|Failed!|Skipped!" "$OUT/xunit.log" | grep -v "^\s*$" | tail -40
line=$(grep -E "(Passed|Failed)!.*Total:" "$OUT/xunit.log" | tail -1)
if [ -n "$line" ]; then
  p=$(sed -E 's/.*Passed: *([0-9]+).*/\1/' <<<"$line"); f=$(sed -E 's/.*Failed: *([0-9]+),.*/\1/' <<<"$line")
  s=$(sed -E 's/.*Skipped: *([0-9]+).*/\1/' <<<"$line")
  passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
else
  echo "xUnit did not run (see $OUT/xunit.log)"; tail -30 "$OUT/xunit.log"; failed=$((failed + 1))
fi
fi

# 2. QEMU boots
if eval "$(qemu/kernel.sh)"; then
  export VMLINUZ INITRD=$OUT/initrd.img MEDIA=$OUT/media OUT
  artifacts/liveinit mkinitramfs --modules-root "$MODULES" --output "$INITRD" | tee "$OUT/mkinitramfs.txt"
  artifacts/liveinit mkinitramfs --modules-root "$MODULES" --output "$OUT/initrd-again.img" >/dev/null
  if cmp -s "$INITRD" "$OUT/initrd-again.img"; then echo "PASS mkinitramfs/reproducible"; passed=$((passed + 1))
  else echo "FAIL mkinitramfs/reproducible: two builds differ"; failed=$((failed + 1)); fi
  # the same modules stored as .ko.xz: the 6.1 kernel cannot decompress them, the agent does it in memory
  export INITRD_XZ=$OUT/initrd-xz.img
  artifacts/liveinit mkinitramfs --modules-root "$MODULES" --output "$INITRD_XZ" --compress-modules xz >/dev/null
  bash qemu/mkmedia.sh "$MEDIA" >/dev/null
  # a second, newer kernel whose modules are .ko.xz with no modules.dep (mkinitramfs runs depmod -b)
  if new=$(qemu/kernel.sh linux-image-6.12-amd64 2>/dev/null); then
    export VMLINUZ_NEW=$(sed -n 's/^VMLINUZ=//p' <<<"$new") INITRD_NEW=$OUT/initrd-new.img
    artifacts/liveinit mkinitramfs --modules-root "$(sed -n 's/^MODULES=//p' <<<"$new")" --output "$INITRD_NEW"
  else
    echo "note: no 6.12 kernel on this mirror; its boot is skipped"
  fi
  bash tests/boot/scenarios.sh list | grep -E -- "${SCENARIOS:-.}" | xargs -P 2 -I{} bash tests/boot/scenarios.sh run {} >"$OUT/boots.txt" 2>&1
  sort "$OUT/boots.txt"
  passed=$((passed + $(grep -c '^PASS' "$OUT/boots.txt"))); failed=$((failed + $(grep -c '^FAIL' "$OUT/boots.txt")))
  skipped=$((skipped + $(grep -c '^SKIP' "$OUT/boots.txt")))
  for f in "$OUT"/*.log; do grep -qa "boot.sh: wall" "$f" 2>/dev/null && echo "  $(basename "$f" .log): $(grep -ao 'LIVEINIT-ROOT-REACHED uptime=[0-9.]*' "$f" | head -1) $(grep -ao 'boot.sh: wall [0-9]*s' "$f")"; done
else
  echo "FAIL qemu/kernel: no kernel could be fetched"; failed=$((failed + 1))
fi
# 3. the packages and the distro hooks (tests/package, tests/hooks: dpkg -i into cached Debian chroots, images by
#    the real generators, QEMU boots); left out by SKIP_HOOKS=1 and by a run narrowed with SCENARIOS
if [ "${SKIP_HOOKS:-0}" != 1 ] && [ -z "${SCENARIOS:-}" ]; then
  for t in package hooks; do
    bash "tests/$t/run.sh" >"$OUT/$t.txt" 2>&1; rc=$?
    grep -E '^(PASS|FAIL) |^  ' "$OUT/$t.txt"
    p=$(grep -c '^PASS ' "$OUT/$t.txt"); f=$(grep -c '^FAIL ' "$OUT/$t.txt")
    [ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && { echo "FAIL $t: tests/$t/run.sh exited $rc ($OUT/$t.txt)"; f=1; }
    passed=$((passed + p)); failed=$((failed + f))
  done
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
