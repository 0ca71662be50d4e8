# antiX remaster and rollback as a journaled transaction: the crash matrix (sourced by ../scenarios.sh).
# Each cut state is made on the host by the agent's own transaction code (`liveinit remaster-step
# --stop-after N` on a folder: 0 = journal written, k = k-th rename done, the last one = before the journal is
# removed), packed into an ext4 disk (label ANTIXR) and booted; the boot must finish the transaction as
# recorded and boot the right version (VARIANT=, and the persistence file's boot counter: 100 = rootfs-r1,
# 200 = rootfs-r2), and afterwards every image and persistence file must still be on the disk under the
# right name, with no journal left (checked on the host on a copy, with e2fsck + debugfs rdump).
# Media pieces: qemu/media.d/remaster.sh.

RM_AGENT=${LIVEINIT:-$HERE/../../artifacts/liveinit}

# rm_tree NAME NAME=PIECE...: a fresh folder $OUT/rm-NAME/tree/antiX holding copies of the pieces
rm_tree() {
  local dir=$OUT/rm-$1 spec; shift
  rm -rf "$dir"; mkdir -p "$dir/tree/antiX"
  for spec; do cp --sparse=always "$MEDIA/remaster/${spec#*=}" "$dir/tree/antiX/${spec%%=*}"; done
}

# rm_sum NAME PIECE: NAME.md5 beside NAME, in md5sum's format, for PIECE's bytes
rm_sum() { echo "$(md5_of "$MEDIA/remaster/$3")  $2" > "$OUT/rm-$1/tree/antiX/$2.md5"; }

# rm_disk NAME: the ext4 disk of the tree
rm_disk() {
  mkfs.ext4 -q -F -L ANTIXR -d "$OUT/rm-$1/tree" "$OUT/rm-$1/disk.img" 96M 2>&1 | grep -v "^Creating regular file" || true
  echo "$OUT/rm-$1/disk.img"
}

# rm_cut NAME STEP ARGS...: run the transaction on the tree and stop after STEP, as a power cut there would
rm_cut() {
  local name=$1 step=$2; shift 2
  "$RM_AGENT" remaster-step --medium "$OUT/rm-$name/tree" "$@" --stop-after "$step" >"$OUT/rm-$name/step.txt" 2>&1
  if ! grep -a "stopped after step $step," "$OUT/rm-$name/step.txt" >/dev/null; then
    echo "FAIL boot/remaster-$name: the transaction did not stop after step $step (see $OUT/rm-$name/step.txt)"; return 1
  fi
  if ! [ -e "$OUT/rm-$name/tree/antiX/.liveinit-remaster" ]; then
    echo "FAIL boot/remaster-$name: no journal on the medium after the cut"; return 1
  fi
}

# rm_files IMG: the antiX folder of a disk after its boot, one "name=what" per entry, sorted: images by
# content (v1, v2, v3), persistence files by label, .md5 files by the image they describe (sum-v1),
# links as name=->target; the journal and any other file show up as name=?
rm_files() {
  local img=$1 c=$1.check x=$1.x f p what v h sum
  cp --sparse=always "$img" "$c"; e2fsck -fy "$c" >/dev/null 2>&1
  rm -rf "$x"; mkdir -p "$x"; debugfs -R "rdump antiX $x" "$c" >/dev/null 2>&1
  local -A byhash=()
  for v in v1 v2 v3; do byhash[$(md5_of "$MEDIA/remaster/linuxfs-$v")]=$v; done
  for f in $(ls -A "$x/antiX"); do
    p=$x/antiX/$f
    if [ -L "$p" ]; then echo "$f=->$(readlink "$p")"; continue; fi
    h=$(md5_of "$p"); sum=$(head -c 32 "$p" | tr -dc '0-9a-f')
    if [ -n "$h" ] && [ -n "${byhash[$h]:-}" ]; then what=${byhash[$h]}
    elif [ ${#sum} = 32 ] && [ -n "${byhash[$sum]:-}" ]; then what=sum-${byhash[$sum]}
    else what=$(blkid -p -o value -s LABEL "$p" 2>/dev/null || true); what=${what:-?}
    fi
    echo "$f=$what"
  done | LC_ALL=C sort -t= -k1,1 | tr '\n' ' '
  rm -rf "$c" "$x"
}

# rm_expect_files NAME IMG "a=v1 b=v2 ...": the disk holds exactly these entries after the boot
rm_expect_files() {
  local got; got=$(rm_files "$2")
  if [ "$got" = "$3 " ]; then echo "PASS $1"; else echo "FAIL $1: antiX/ holds '$got', expected '$3 '"; fi
}

# rm_matrix KIND STEPS "PIECES" "STEP ARGS" "BOOT ARGS" "GUEST PATTERNS|" "FILES AFTER": every cut of one
# transaction, each booted once
rm_matrix() {
  local kind=$1 steps=$2 pieces=$3 stepargs=$4 bootargs=$5 files=$7 cut d l
  local -a patterns; IFS='|' read -r -a patterns <<<"$6"
  for cut in $(seq 0 "$steps"); do
    rm_tree "$kind$cut" $pieces
    rm_cut "$kind$cut" "$cut" $stepargs || continue
    d=$(rm_disk "$kind$cut"); l=$OUT/rm-$kind$cut.log
    "$BOOT" "$l" "$TMO" "blabel=ANTIXR $bootargs" $(virtio "$d")
    expect "boot/remaster-$kind-cut-after-step-$cut" "$l" "$cut of $steps renames were done before the power was lost" \
      "${patterns[@]}"
    refuse "boot/remaster-$kind-cut-after-step-$cut-no-fallback" "$l" 'writable layer: RAM' 'emergency shell' "VARIANT=v3"
    rm_expect_files "boot/remaster-$kind-cut-after-step-$cut-files" "$d" "$files"
  done
}

# apply with root persistence, cut after each of its steps (linuxfs -> .old, linuxfs.new -> linuxfs,
# rootfs -> .old, rootfs.new -> rootfs); the next boot has the plain entry: it finishes the apply, and boots v2
# over rootfs-r2 (never in RAM, even when the cut fell between the two rootfs renames)
s_remaster_apply_cuts() {
  rm_matrix apply 4 "linuxfs=linuxfs-v1 linuxfs.new=linuxfs-v2 rootfs=rootfs-r1 rootfs.new=rootfs-r2 homefs=homefs" \
    "--persist-root" "persist_root persist_home" \
    "remaster applied: .*\(finished after an interruption\)|VARIANT=v2|PERSIST-FOUND previous_boots=200|REMASTER-STATE REMASTERED=true|ANTIX-FILES homefs linuxfs linuxfs.old rootfs rootfs.old *$|HOME-MOUNT=/dev/loop" \
    "homefs=homefs linuxfs=v2 linuxfs.old=v1 rootfs=root-r2 rootfs.old=root-r1"
}

# rollback with root persistence and a linuxfs.new (v3) waiting, cut after each step (linuxfs -> .bad,
# linuxfs.old -> linuxfs, rootfs -> .bad, rootfs.old -> rootfs); the next boot does NOT say rollback: the
# journal finishes the rollback anyway, v1 boots over rootfs-r1, and the waiting v3 is never booted
s_remaster_rollback_cuts() {
  rm_matrix rollback 4 "linuxfs=linuxfs-v2 linuxfs.old=linuxfs-v1 linuxfs.new=linuxfs-v3 rootfs=rootfs-r2 rootfs.old=rootfs-r1" \
    "--rollback --persist-root" "persist_root" \
    "rollback done: .*\(finished after an interruption\)|VARIANT=v1|PERSIST-FOUND previous_boots=100|REMASTER-STATE ROLLED_BACK=true|ANTIX-FILES linuxfs linuxfs.bad linuxfs.new rootfs rootfs.bad *$" \
    "linuxfs=v1 linuxfs.bad=v2 linuxfs.new=v3 rootfs=root-r1 rootfs.bad=root-r2"
}

# the same without persistence, where the image itself is missing at the cut: an apply whose .md5 files travel
# with their images (cut after linuxfs.md5 -> linuxfs.old.md5, and after linuxfs.new -> linuxfs), and a rollback
# cut after linuxfs -> linuxfs.bad with a linuxfs.new waiting (the tester's case: it must not boot v3)
s_remaster_plain_cuts() {
  local cut d l
  for cut in 2 3; do
    rm_tree "md5apply$cut" linuxfs=linuxfs-v1 linuxfs.new=linuxfs-v2
    rm_sum "md5apply$cut" linuxfs linuxfs-v1; rm_sum "md5apply$cut" linuxfs.new linuxfs-v2
    rm_cut "md5apply$cut" "$cut" || continue
    d=$(rm_disk "md5apply$cut"); l=$OUT/rm-md5apply$cut.log
    "$BOOT" "$l" "$TMO" 'blabel=ANTIXR' $(virtio "$d")
    expect "boot/remaster-apply-md5-cut-after-step-$cut" "$l" "$cut of 4 renames were done" 'VARIANT=v2' \
      'REMASTER-STATE REMASTERED=true' 'ANTIX-FILES linuxfs linuxfs.md5 linuxfs.old linuxfs.old.md5 *$'
    rm_expect_files "boot/remaster-apply-md5-cut-after-step-$cut-files" "$d" \
      "linuxfs=v2 linuxfs.md5=sum-v2 linuxfs.old=v1 linuxfs.old.md5=sum-v1"
  done
  rm_tree plainrollback1 linuxfs=linuxfs-v2 linuxfs.old=linuxfs-v1 linuxfs.new=linuxfs-v3
  if rm_cut plainrollback1 1 --rollback; then
    d=$(rm_disk plainrollback1); l=$OUT/rm-plainrollback1.log
    "$BOOT" "$l" "$TMO" 'blabel=ANTIXR' $(virtio "$d")
    expect boot/remaster-interrupted-rollback-never-boots-new "$l" '1 of 2 renames were done' 'rollback done' 'VARIANT=v1' \
      'ANTIX-FILES linuxfs linuxfs.bad linuxfs.new *$'
    refuse boot/remaster-interrupted-rollback-not-v3 "$l" 'VARIANT=v3' 'VARIANT=v2'
    rm_expect_files boot/remaster-interrupted-rollback-files "$d" "linuxfs=v1 linuxfs.bad=v2 linuxfs.new=v3"
  fi
}

# versioned images behind links (linuxfs -> linuxfs.00, linuxfs.new -> linuxfs.01): the links are swapped,
# not their targets, and v2 boots; a linuxfs.new whose .md5 does not match is refused, left in place, v1 boots
s_remaster_checks() {
  local d l
  rm_tree links linuxfs.00=linuxfs-v1 linuxfs.01=linuxfs-v2
  ln -s linuxfs.00 "$OUT/rm-links/tree/antiX/linuxfs"; ln -s linuxfs.01 "$OUT/rm-links/tree/antiX/linuxfs.new"
  d=$(rm_disk links); l=$OUT/rm-links.log
  "$BOOT" "$l" "$TMO" 'blabel=ANTIXR' $(virtio "$d")
  expect boot/remaster-versioned-links-swap "$l" 'remaster applied' 'VARIANT=v2' 'ANTIX-FILES linuxfs linuxfs.00 linuxfs.01 linuxfs.old *$'
  rm_expect_files boot/remaster-versioned-links-files "$d" "linuxfs=->linuxfs.01 linuxfs.00=v1 linuxfs.01=v2 linuxfs.old=->linuxfs.00"
  rm_tree badsum linuxfs=linuxfs-v1 linuxfs.new=linuxfs-v2
  rm_sum badsum linuxfs.new linuxfs-v1
  d=$(rm_disk badsum); l=$OUT/rm-badsum.log
  "$BOOT" "$l" "$TMO" 'blabel=ANTIXR' $(virtio "$d")
  expect boot/remaster-md5-mismatch-refused "$l" 'linuxfs.new is not applied: its MD5 is [0-9a-f]{32}, but linuxfs.new.md5 says' \
    'It is left in place' 'VARIANT=v1'
  refuse boot/remaster-md5-mismatch-no-state "$l" 'REMASTER-STATE'
  rm_expect_files boot/remaster-md5-mismatch-files "$d" "linuxfs=v1 linuxfs.new=v2 linuxfs.new.md5=sum-v1"
}
