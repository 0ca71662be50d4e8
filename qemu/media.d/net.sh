# Network boot media (sourced by ../mkmedia.sh; sees $W, $R, $OUT): no disks, a folder an HTTP server serves.
#   net/www/sysresccd/x86_64/airootfs.sfs   archiso_http_srv=http://10.0.2.2:PORT/ archisobasedir=sysresccd
#                            airootfs.sha512 (archiso's checksum)
#   net/www/LiveOS/squashfs.img             dracut root=live:http://10.0.2.2:PORT/LiveOS/squashfs.img
#   net/www/live.iso                        dracut root=live:http://10.0.2.2:PORT/live.iso (LiveOS/squashfs.img inside)
#   net/www/srm/test.srm                    liveinit.srm=http://10.0.2.2:PORT/srm/test.srm
#   net/www/big.img                         8 MiB of random bytes for the concurrent fetch load test
N=$OUT/net/www; rm -rf "$OUT/net"; mkdir -p "$N/sysresccd/x86_64" "$N/LiveOS"
cp "$W/airootfs.sfs" "$W/airootfs.sha512" "$N/sysresccd/x86_64/"
cp "$W/airootfs.sfs" "$N/LiveOS/squashfs.img"
T=$W/tree-netiso; rm -rf "$T"; mkdir -p "$T/LiveOS"; cp "$W/airootfs.sfs" "$T/LiveOS/squashfs.img"
xorriso -as mkisofs -quiet -V NETLIVE -J -o "$N/live.iso" "$T" 2>/dev/null
mkdir -p "$N/srm"; cp "$W/test.srm" "$N/srm/test.srm"
head -c $((8 * 1024 * 1024)) /dev/urandom > "$N/big.img"
