#!/usr/bin/env bash
# Load test of the agent's HTTP download: N concurrent `liveinit fetch` clients (the boot's own code, as host
# processes) against one tests/net/httpd.py on 127.0.0.1, bounded in time. The server drops the connection once
# (after DROP bytes in total), so retries and Range resumes happen under load too. Reports the throughput,
# retries and resumes, and checks that every client got the file with the same SHA-512 as the source.
#   load.sh AGENT FILE WORKDIR [CLIENTS=32] [LIMIT_S=50]
set -uo pipefail
AGENT=$1 FILE=$2 W=$3 N=${4:-32} LIMIT=${5:-50}
HERE=$(cd "$(dirname "$0")" && pwd)
rm -rf "$W"; mkdir -p "$W/out"
name=$(basename "$FILE"); size=$(stat -c %s "$FILE")
python3 "$HERE/httpd.py" "$(dirname "$FILE")" --port-file "$W/port" --log "$W/http.log" --die-after $((size * 3 / 2)) \
  </dev/null >/dev/null 2>&1 &
srv=$!
for i in $(seq 100); do [ -s "$W/port" ] && break; sleep 0.1; done
port=$(cat "$W/port")
# the server dies once mid-transfer (the connections in flight drop); it is started again on the same port
(
  while kill -0 "$srv" 2>/dev/null; do sleep 0.1; done
  exec python3 "$HERE/httpd.py" "$(dirname "$FILE")" --port "$port" --port-file "$W/port2" --log "$W/http.log" \
    </dev/null >/dev/null 2>&1
) &
again=$!
start=$(date +%s.%N)
seq "$N" | timeout "$LIMIT" xargs -P "$N" -I{} "$AGENT" fetch "http://127.0.0.1:$port/$name" "$W/out/{}" \
  --sha512 --quiet --tries 10 >"$W/results.txt" 2>"$W/errors.txt"
rc=$?
end=$(date +%s.%N)
kill "$srv" "$again" 2>/dev/null; wait "$again" 2>/dev/null
want=$(sha512sum "$FILE" | cut -d' ' -f1)
ok=$(grep -c "sha512=$want" "$W/results.txt")
digests=$(sed -n 's/.*sha512=//p' "$W/results.txt" | sort -u | wc -l)
retries=$(sed -n 's/.* retries=\([0-9]*\).*/\1/p' "$W/results.txt" | awk '{s+=$1} END {print s+0}')
resumes=$(sed -n 's/.* resumes=\([0-9]*\).*/\1/p' "$W/results.txt" | awk '{s+=$1} END {print s+0}')
secs=$(echo "$end - $start" | bc -l 2>/dev/null || python3 -c "print($end - $start)")
mib=$((size * N / 1048576))
rate=$(python3 -c "print(f'{$mib / $secs:.1f}')")
died=$(grep -c '^DIED' "$W/http.log")
echo "LOAD clients=$N file=$((size / 1048576))MiB total=${mib}MiB time=$(printf %.1f "$secs")s throughput=${rate}MiB/s" \
  "retries=$retries resumes=$resumes server-drops=$died same-digest=$ok/$N distinct-digests=$digests exit=$rc"
rm -rf "$W/out"
[ "$rc" -eq 0 ] && [ "$ok" -eq "$N" ] && [ "$digests" -eq 1 ] && [ "$died" -eq 1 ] && [ "$retries" -gt 0 ]
