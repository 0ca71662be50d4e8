#!/usr/bin/env bash
# The peers' kernel, fetched by qemu/kernel.sh (env PEER_KERNEL, default the cloud 6.1 kernel the peers were
# measured with) and given what an installed kernel has: modules.dep and friends (depmod) and /boot/config.
# Prints KVER=, VMLINUZ= and TREE= (a folder with lib/modules/KVER and boot/, which the builders bind into their
# chroots; the modules are hard links to the download when the cache is on one filesystem).
source "$(dirname "$0")/lib.sh"
lock_peers
out=$(LIVEINIT_KERNEL=$PEER_KERNEL "$ROOT/qemu/kernel.sh") || die "no kernel ($PEER_KERNEL): qemu/kernel.sh failed"
vmlinuz=$(sed -n 's/^VMLINUZ=//p' <<<"$out"); modules=$(sed -n 's/^MODULES=//p' <<<"$out")
kver=$(basename "$modules")
t=$PEERS/kernel-$kver
r=$(recipe_of "$vmlinuz" "$(stat -c %s "$vmlinuz")" kernel-1)
if ! is_built "$t" "$r"; then
  say "kernel $kver: modules.dep (depmod)"
  remove_tree "$t.new"; mkdir -p "$t.new/lib/modules" "$t.new/boot"
  cp -al "$modules" "$t.new/lib/modules/" 2>/dev/null || cp -a "$modules" "$t.new/lib/modules/"
  cp "$(dirname "$vmlinuz")"/* "$t.new/boot/"
  depmod -b "$t.new" "$kver"
  remove_tree "$t"; mv "$t.new" "$t"; mark_built "$t" "$r"
fi
echo "KVER=$kver"
echo "VMLINUZ=$t/boot/$(basename "$vmlinuz")"
echo "TREE=$t"
