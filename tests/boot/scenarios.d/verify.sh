# Signatures (issue 12): an initramfs built with mkinitramfs --trust-key (an RSA-3072 and an EC P-256 key made
# by qemu/media.d/verify.sh) boots a signed image and its signed SRM, and refuses a tampered image, an unsigned
# one (the command line cannot weaken that) and SRMs whose signature is wrong or missing.
verify_initrd() {  # the initramfs with both keys trusted, built once
  local i=$OUT/initrd-verify.img m
  if [ ! -s "$i" ]; then
    m=$(bash "$HERE/../../qemu/kernel.sh" | sed -n 's/^MODULES=//p')
    "$HERE/../../artifacts/liveinit" mkinitramfs --modules-root "$m" --output "$i.$$" \
      --trust-key "$MEDIA/verify-rsa.pub" --trust-key "$MEDIA/verify-ec.pub" >"$OUT/initrd-verify.txt"
    mv "$i.$$" "$i"
  fi
  echo "$i"
}

s_verify_signed() {
  # signed image (ECDSA) copied to RAM and checked there; good.srm (RSA) stacked; evil.srm (a .sig of another
  # file) and nosig.srm refused by name, their files absent from the root
  local d l=$OUT/verify-signed.log i
  i=$(verify_initrd); d=$(disk verify-signed verify.img)
  INITRD=$i "$BOOT" "$l" "$TMO" 'archisobasedir=signed archisolabel=SIGNED loadsrm copytoram=y' $(virtio "$d")
  expect verify/signed-image-accepted "$l" \
    'checking /run/liveinit/copytoram/airootfs.sfs against /run/archiso/bootmnt/signed/x86_64/airootfs.sfs.sig' \
    'airootfs.sfs: signature verified with trusted key verify-ec.pem \(ECDSA P-256, SHA-256 ' \
    'image /run/liveinit/copytoram/airootfs.sfs mounted' 'LIVEINIT-ROOT-REACHED'
  expect verify/signed-srm-accepted "$l" 'good.srm: signature verified with trusted key verify-rsa.pem \(RSA-3072' \
    'SRM good.srm mounted' 'SRM-PRESENT from-test-srm'
  expect verify/bad-srm-signature-refused "$l" \
    'SRM evil.srm refused: signature /run/archiso/bootmnt/signed/evil.srm.sig refused: it does not verify with any trusted key \(tried verify-ec.pem'
  expect verify/unsigned-srm-refused "$l" \
    'SRM nosig.srm refused: it has no signature /run/archiso/bootmnt/signed/nosig.srm.sig, and this initramfs trusts keys'
  refuse verify/refused-srms-not-mounted "$l" 'SRM evil.srm mounted' 'SRM nosig.srm mounted'
}

s_verify_tampered() {
  # one byte changed after signing: refused with the file and the keys named; no root
  local d l=$OUT/verify-tampered.log i
  i=$(verify_initrd); d=$(disk verify-tampered verify.img)
  INITRD=$i "$BOOT" "$l" "$TMO" 'archisobasedir=tampered archisolabel=SIGNED rd.emergency=poweroff' $(virtio "$d")
  expect verify/tampered-image-refused "$l" \
    'image /run/archiso/bootmnt/tampered/x86_64/airootfs.sfs refused: signature /run/archiso/bootmnt/tampered/x86_64/airootfs.sfs.sig refused: it does not verify with any trusted key \(tried verify-ec.pem \(ECDSA P-256, SHA-256 [0-9a-f]+.{1,3}\), verify-rsa.pem \(RSA-3072' \
    'reboot: Power down'
  refuse verify/tampered-image-no-root "$l" 'LIVEINIT-ROOT-REACHED' 'image .* mounted at'
}

s_verify_unsigned() {
  # no .sig: refused although the command line asks to allow it (only mkinitramfs --allow-unsigned can)
  local d l=$OUT/verify-unsigned.log i
  i=$(verify_initrd); d=$(disk verify-unsigned verify.img)
  INITRD=$i "$BOOT" "$l" "$TMO" 'archisobasedir=unsigned archisolabel=SIGNED liveinit.unsigned=allow rd.emergency=poweroff' \
    $(virtio "$d")
  expect verify/unsigned-image-refused "$l" 'liveinit.unsigned: cannot weaken the image.s policy' \
    'image /run/archiso/bootmnt/unsigned/x86_64/airootfs.sfs refused: it has no signature /run/archiso/bootmnt/unsigned/x86_64/airootfs.sfs.sig' \
    'reboot: Power down'
  refuse verify/unsigned-image-no-root "$l" 'LIVEINIT-ROOT-REACHED'
}
