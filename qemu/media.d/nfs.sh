# Network media for live-boot's fetch= and archiso's NFS (sourced by ../mkmedia.sh; sees $W, $R, $OUT):
#   nfs/www/live/filesystem.squashfs           boot=live fetch=http://10.0.2.2:PORT/live/filesystem.squashfs
#   nfs/export/arch/x86_64/airootfs.sfs        archiso_nfs_srv=10.0.2.2:/export (nfs-ganesha exports this folder)
N=$OUT/nfs; rm -rf "$N"; mkdir -p "$N/www/live" "$N/export/arch/x86_64"
cp "$W/airootfs.sfs" "$N/www/live/filesystem.squashfs"
cp "$W/airootfs.sfs" "$W/airootfs.sha512" "$N/export/arch/x86_64/"
