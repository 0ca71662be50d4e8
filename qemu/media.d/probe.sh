# Media of the prober-bounds scenarios (sourced by ../mkmedia.sh; sees $OUT):
#   hostile-exfat.qcow2  an 800 MiB exFAT disk, 32 MiB clusters, whose root directory is a chain of 24 clusters
#                        full of deleted entries (none is the end of the directory) and holds no label: a prober
#                        that reads whole clusters needs 768 MiB, more than the 512 MiB guest. qcow2 so that it
#                        is small on disk: every 64 KiB of the root directory maps to ONE stored cluster of
#                        entries (refcounted like a snapshot's shared clusters; the guest only reads it). 576 KiB.
#   escape-label.img     ext4 whose label is ESC [2J (clear screen), a newline and "EVIL"
python3 - "$OUT/hostile-exfat.qcow2" <<'PY'
import struct, sys
C = 1 << 16                       # qcow2 cluster: 64 KiB
ROOT = 24                         # root-directory clusters of 32 MiB
SECT, CLU = 9, 16                 # exFAT: 512-byte sectors, 2^16 sectors per cluster = 32 MiB
FAT, HEAP = 2048, 65536           # FAT at sector 2048 (1 MiB), cluster heap at sector 65536 (32 MiB)
size = (HEAP << SECT) + ROOT * (1 << (SECT + CLU))
boot = bytearray(C)
boot[0:3] = b"\xeb\x76\x90"; boot[3:11] = b"EXFAT   "
struct.pack_into("<QQIIIIII", boot, 0x40, 0, size >> SECT, FAT, 2048, HEAP, ROOT, 2, 0xC0FFEE42)
boot[0x68:0x70] = bytes([0, 1, 0, 0, SECT, CLU, 1, 0x80]); boot[510:512] = b"\x55\xaa"
fat = bytearray(C)
struct.pack_into("<II", fat, 0, 0xFFFFFFF8, 0xFFFFFFFF)
for c in range(2, ROOT + 2):
    struct.pack_into("<I", fat, c * 4, 0xFFFFFFFF if c == ROOT + 1 else c + 1)
entries = bytearray(C)
for i in range(C):
    entries[i] = 0x05 if i % 32 == 0 else 0x41 + i % 26          # deleted file entries
# host clusters: 0 header, 1 L1, 2 refcount table, 3 refcount block, 4.. L2 tables, then boot, FAT, entries
per_l2 = C // 8
n_l2 = (size // C + per_l2 - 1) // per_l2
l2_at = 4; boot_at = l2_at + n_l2; fat_at = boot_at + 1; ent_at = fat_at + 1
COPIED = 1 << 63                  # refcount 1: set on L1/L2 entries of unshared clusters
l2 = [bytearray(C) for _ in range(n_l2)]
def map_cluster(g, host, shared=False):
    struct.pack_into(">Q", l2[g // per_l2], (g % per_l2) * 8, host * C | (0 if shared else COPIED))
map_cluster(0, boot_at)
map_cluster((FAT << SECT) // C, fat_at)
first = (HEAP << SECT) // C
for g in range(first, size // C):
    map_cluster(g, ent_at, shared=True)
refs = [1] * ent_at + [size // C - first]
header = bytearray(C)
struct.pack_into(">IIQIIQIIQQIIQ", header, 0, 0x514649FB, 2, 0, 0, 16, size, 0, n_l2, 1 * C, 2 * C, 1, 0, 0)
l1 = bytearray(C)
for i in range(n_l2):
    struct.pack_into(">Q", l1, i * 8, (l2_at + i) * C | COPIED)
reftable = bytearray(C); struct.pack_into(">Q", reftable, 0, 3 * C)
refblock = bytearray(C)
for i, r in enumerate(refs):
    struct.pack_into(">H", refblock, i * 2, r)
with open(sys.argv[1], "wb") as f:
    for part in [header, l1, reftable, refblock, *l2, boot, fat, entries]:
        f.write(part)
PY
rm -f "$OUT/escape-label.img"; truncate -s 8M "$OUT/escape-label.img"
mkfs.ext4 -q -F -L $'\e[2J\nEVIL' "$OUT/escape-label.img"
