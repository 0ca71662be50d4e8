# Partitions probed like blkid (sourced by ../scenarios.sh): a GPT and a dos disk beside the medium; the root's
# init (qemu/media.d/partkeys.sh) runs util-linux's blkid -p, blkid's cache view and `liveinit probe` on every
# partition, then `liveinit probe` of all devices. For each disk: every PART_ENTRY_* key blkid -p prints, and no
# other, with the same value, in both forms of `liveinit probe`; TYPE, LABEL and UUID as blkid -p; PARTUUID and
# PARTLABEL as blkid's cache; the exit status 0 wherever blkid's is 0 (a partition without a filesystem too).
s_probe_partition_entries() {
  local r g d l=$OUT/partkeys.log
  r=$(disk pk partkeys-root.img); g=$(disk pk partkeys-gpt.img); d=$(disk pk partkeys-dos.img)
  "$BOOT" "$l" "$TMO" 'archisolabel=PKROOT' $(virtio "$r") $(virtio "$g") $(virtio "$d")
  python3 - "$l" <<'PY'
import re, sys
log = open(sys.argv[1], errors="replace").read().replace("\r", "")
if "PK-DONE" not in log:
    for disk in ("gpt", "dos"):
        print(f"FAIL probe/partition-entries-{disk}: the guest did not finish (log: {sys.argv[1]})")
    sys.exit()
views, rc = {}, {}
for tool, dev, kv in re.findall(r"^PK-(BLKID|CACHE|LIVEINIT) (\S+) ([A-Z_]+=.*)$", log, re.M):
    k, v = kv.split("=", 1)
    views.setdefault((tool, dev), {})[k] = v
for tool, dev, code in re.findall(r"^PK-RC (\S+) (\S+) (\d+)$", log, re.M):
    rc[(tool, dev)] = code
dev = None
for line in re.findall(r"^PK-ALL (.*)$", log, re.M):        # liveinit probe with no arguments
    if line.startswith("DEVNAME=/dev/"):
        dev = line[len("DEVNAME=/dev/"):]
    elif "=" in line and dev:
        k, v = line.split("=", 1)
        views.setdefault(("ALL", dev), {})[k] = v
for disk, prefix, count in (("gpt", "vdb", 3), ("dos", "vdc", 4)):
    devs = sorted({d for (_, d) in views if d.startswith(prefix) and d != prefix})
    problems = [] if len(devs) == count else [f"{len(devs)} partitions seen, {count} expected: {devs}"]
    for d in devs:
        b, c = views.get(("BLKID", d), {}), views.get(("CACHE", d), {})
        pe = {k: v for k, v in b.items() if k.startswith("PART_ENTRY_")}
        if "PART_ENTRY_DISK" not in pe:
            problems.append(f"{d}: blkid -p printed no PART_ENTRY_DISK")
        for tool in ("LIVEINIT", "ALL"):
            li = views.get((tool, d), {})
            lpe = {k: v for k, v in li.items() if k.startswith("PART_ENTRY_")}
            if lpe != pe:
                problems.append(f"{d} ({tool.lower()}): PART_ENTRY_* {lpe} != blkid -p {pe}")
            for k in ("TYPE", "LABEL", "UUID"):
                if b.get(k) != li.get(k):
                    problems.append(f"{d} ({tool.lower()}): {k}={li.get(k)} != blkid -p {b.get(k)}")
            for k in ("PARTUUID", "PARTLABEL"):
                if c.get(k) != li.get(k):
                    problems.append(f"{d} ({tool.lower()}): {k}={li.get(k)} != blkid cache {c.get(k)}")
        if rc.get(("blkid", d)) == "0" and rc.get(("liveinit", d)) != "0":
            problems.append(f"{d}: liveinit probe exited {rc.get(('liveinit', d))}, blkid -p 0")
    print(f"FAIL probe/partition-entries-{disk}: " + "; ".join(problems) + f" (log: {sys.argv[1]})" if problems
          else f"PASS probe/partition-entries-{disk}")
PY
}
