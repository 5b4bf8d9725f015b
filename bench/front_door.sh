#!/usr/bin/env bash
# What hostile clients cost `skyriver serve` in memory (issue 10), measured on the server's
# resident set (VmRSS now, VmHWM peak, from /proc/PID/status):
#   1. 30 unauthenticated clients each POST a 63 MB body to /api/import at once, sending the
#      whole body whatever the server answers;
#   2. 200 requests of a year of hourly values that differ only in a junk query parameter
#      (each answer ~0.4 MB), the way a cache buster or an attacker would.
# Run it with the binary under test and, as the peer, a binary without the fixes:
#   bash bench/front_door.sh [path/to/skyriver]   (default build/skyriver)
# Not part of the tests. Needs python3.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-$root/build/skyriver}
[ -x "$bin" ] || { echo "no binary $bin"; exit 1; }
work=$(mktemp -d /tmp/skyriver-front-door.XXXXXX)
pid=""
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; rm -rf "$work"' EXIT
"$bin" import --format cnemc --no-progress --config "$root/config/datong" --db "$work/store.db" \
  --rejects "$work/rejects.txt" "$root/data/datong/china_sites_2019_datong_sample.csv.gz" >/dev/null
SKYRIVER_API_TOKEN=bench-token "$bin" serve --config "$root/config/datong" --db "$work/store.db" --web "$root/web" \
  --port 0 --threads 2 >"$work/serve.log" 2>&1 &
pid=$!
for _ in $(seq 1 150); do grep -q "serving http" "$work/serve.log" && break; sleep 0.2; done
port=$(grep -o 'http://127.0.0.1:[0-9]*' "$work/serve.log" | head -n1 | sed 's/.*://')
[ -n "$port" ] || { cat "$work/serve.log"; exit 1; }
mem() { awk '/VmRSS|VmHWM/ {printf "%s %d MB  ", $1, $2/1024}' /proc/$pid/status; echo; }
echo "skyriver front door: $bin, port $port, $(nproc) cores"
echo -n "started:                      "; mem

python3 - "$port" <<'EOF'
import socket, sys, threading
port = int(sys.argv[1])
size = 63 * 1000 * 1000
chunk = b"x" * (1 << 20)
answers = []
def attack():
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(b"POST /api/import?format=cnemc HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n" % size)
    sent = 0
    try:
        while sent < size:
            n = min(len(chunk), size - sent)
            s.sendall(chunk[:n])
            sent += n
    except OSError:
        pass  # the server closed the connection after refusing
    s.settimeout(60)
    try:
        answers.append(s.recv(200).split(b"\r\n")[0].decode())
    except OSError as e:
        answers.append("no answer: %s" % e)
    s.close()
threads = [threading.Thread(target=attack) for _ in range(30)]
for t in threads: t.start()
for t in threads: t.join()
print("30 x 63 MB unauthenticated POSTs answered:", sorted(set(answers)))
EOF
echo -n "after the 30 POSTs:           "; mem

python3 - "$port" <<'EOF'
import socket, sys
port = int(sys.argv[1])
total = 0
for i in range(200):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(("GET /api/sites/1724A/series?parameter=pm25&from=2019-01-01&to=2020-01-01&junk=%d HTTP/1.1\r\n"
               "Host: x\r\nConnection: close\r\n\r\n" % i).encode())
    while True:
        b = s.recv(1 << 16)
        if not b: break
        total += len(b)
    s.close()
print("200 junk-parameter requests, %.1f MB of answers" % (total / 1e6))
EOF
echo -n "after 200 junk requests:      "; mem
