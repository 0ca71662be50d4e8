#!/usr/bin/env python3
"""Copies files into an empty exFAT filesystem image made by mkfs.exfat, without mounting it (build machines and
CI containers often have no exFAT driver): exfat-put.py IMAGE DEST=SOURCE... where DEST is "dir/name" (one folder
level at most, created once). Each file gets a contiguous cluster run, its bits in the allocation bitmap, a FAT chain
and a directory entry set with the name hash and set checksum (exFAT specification, sections 6.3 and 7.4-7.7)."""
import struct, sys

img_path, specs = sys.argv[1], sys.argv[2:]
f = open(img_path, "r+b")
boot = f.read(512)
fat_off, _fat_len, heap_off, count, root_cl = struct.unpack_from("<IIIII", boot, 0x50)
sec = 1 << boot[0x6C]
clu = sec << boot[0x6D]

def cl_off(c): return heap_off * sec + (c - 2) * clu
def read(off, n): f.seek(off); return bytearray(f.read(n))
def write(off, data): f.seek(off); f.write(data)

root = read(cl_off(root_cl), clu)
bm_cl = bm_len = None
for i in range(0, clu, 32):
    if root[i] == 0x81: bm_cl, bm_len = struct.unpack_from("<IQ", root, i + 20)
bitmap = read(cl_off(bm_cl), bm_len)

def allocate(n):
    run = 0
    for c in range(count):
        run = run + 1 if not bitmap[c >> 3] & (1 << (c & 7)) else 0
        if run == n:
            first = c - n + 1
            for k in range(first, c + 1): bitmap[k >> 3] |= 1 << (k & 7)
            for k in range(first, c + 1):   # FAT chain (NoFatChain is set too)
                write(fat_off * sec + 4 * (k + 2), struct.pack("<I", k + 3 if k < c else 0xFFFFFFFF))
            return first + 2
    sys.exit(f"exfat-put: no {n} free clusters in {img_path}")

def name_hash(name):
    h = 0
    for ch in name.upper().encode("utf-16-le"):
        h = (((h << 15) | (h >> 1)) & 0xFFFF) + ch & 0xFFFF
    return h

def entry_set(name, first, length, is_dir):
    units = name.encode("utf-16-le")
    parts = [units[i:i + 30] for i in range(0, len(units), 30)]
    e = bytearray(32 * (2 + len(parts)))
    e[0], e[1] = 0x85, 1 + len(parts)
    struct.pack_into("<H", e, 4, 0x10 if is_dir else 0x20)
    struct.pack_into("<III", e, 8, 0x5A210000, 0x5A210000, 0x5A210000)   # 2025-01-01 00:00
    s = 32
    e[s], e[s + 1], e[s + 3] = 0xC0, 0x03, len(name)                     # AllocationPossible | NoFatChain
    struct.pack_into("<H", e, s + 4, name_hash(name))
    struct.pack_into("<Q", e, s + 8, length)
    struct.pack_into("<IQ", e, s + 20, first, length)
    for k, p in enumerate(parts):
        o = 64 + 32 * k
        e[o] = 0xC1
        e[o + 2:o + 2 + len(p)] = p
    ck = 0
    for i, b in enumerate(e):
        if i in (2, 3): continue
        ck = (((ck << 15) | (ck >> 1)) & 0xFFFF) + b & 0xFFFF
    struct.pack_into("<H", e, 2, ck)
    return e

def add_entries(dir_cl, data):
    d = read(cl_off(dir_cl), clu)
    i = 0
    while i < clu and d[i] != 0: i += 32
    if i + len(data) > clu: sys.exit("exfat-put: directory cluster full")
    write(cl_off(dir_cl) + i, data)

dirs = {}
for spec in specs:
    dest, src = spec.split("=", 1)
    parent = root_cl
    if "/" in dest:
        folder, dest = dest.split("/", 1)
        if folder not in dirs:
            c = allocate(1)
            write(cl_off(c), bytes(clu))
            add_entries(root_cl, entry_set(folder, c, clu, True))
            dirs[folder] = c
        parent = dirs[folder]
    data = open(src, "rb").read()
    c = allocate(max(1, -(-len(data) // clu)))
    write(cl_off(c), data)
    add_entries(parent, entry_set(dest, c, len(data), False))
write(cl_off(bm_cl), bitmap)
f.close()
