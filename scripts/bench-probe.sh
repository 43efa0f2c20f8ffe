#!/usr/bin/env bash
# Benchmarks the probe on loopback only, bounded in time (a few minutes):
#
#  1. `port25-probe check` against a local Postfix with STARTTLS, compared in
#     the same run with `openssl s_client -starttls smtp` and
#     `swaks --quit-after STARTTLS` (median, min and max of RUNS runs each,
#     interleaved so all three see the same machine load);
#  2. the service's throughput and p50/p99 latency for synchronous probes of
#     that Postfix (cache off, so every request is a real SMTP session);
#     and, beside it, the same number of `openssl s_client -starttls smtp`
#     sessions at the same concurrency, so the ratio shows what the probe
#     adds;
#  3. a fresh service holding 1,000 idle egress connections (its memory
#     before and after them), then under 1,000 concurrent probe jobs of a
#     listener that accepts and never answers: peak memory (VmHWM) and
#     /healthz latency sampled every 50 ms throughout, from a thread of its
#     own.
#
# Usage: bash scripts/bench-probe.sh   (PORT25_BENCH_RUNS=15, the number of
# runs per tool in part 1). With PORT25_BENCH_PERF=FILE and `perf` on PATH,
# part 3 is also profiled (perf record -g on the service) and the top of the
# report is written to FILE. Needs root for Postfix, like the Postfix test;
# installs Postfix and swaks if missing. Everything it starts it stops.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$PORT25_ROOT"

RUNS="${PORT25_BENCH_RUNS:-15}"
THROUGHPUT_REQUESTS="${PORT25_BENCH_REQUESTS:-300}"
THROUGHPUT_CONCURRENCY="${PORT25_BENCH_CONCURRENCY:-8}"
SILENT_PROBES=1000
EGRESS_CONNECTIONS=1000

bash scripts/validate-relay-configs.sh --install-only
if ! command -v swaks >/dev/null 2>&1 || ! dpkg -s libnet-ssleay-perl >/dev/null 2>&1; then
  log "apt-get install swaks libnet-ssleay-perl"
  sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    swaks libnet-ssleay-perl >/dev/null
fi
log "cargo build --release -p port25-probe"
cargo build --release -p port25-probe --quiet
BIN="$CARGO_TARGET_DIR/release/port25-probe"

WORK="$(mktemp -d /tmp/port25-bench.XXXXXX)"
chmod 755 "$WORK"
SERVICE_PID=""
POSTFIX_STARTED=0
cleanup() {
  [ -n "$SERVICE_PID" ] && kill "$SERVICE_PID" 2>/dev/null && wait "$SERVICE_PID" 2>/dev/null
  [ "$POSTFIX_STARTED" -eq 1 ] && /usr/sbin/postfix -c "$WORK/postfix" stop >/dev/null 2>&1
  rm -rf "$WORK"
}
trap cleanup EXIT

# A random 127.x.y.0/24 of our own: .1 is Postfix, .2 the silent listener.
NET="127.$((200 + RANDOM % 50)).$((RANDOM % 250))"
MX_IP="$NET.1"
SILENT_IP="$NET.2"
PORT=2525
MX_NAME="mx.bench.example.net"

log "test CA and a certificate for $MX_NAME and $MX_IP"
(
  cd "$WORK"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key \
    -out ca.pem -subj "/CN=Port25 Bench CA" -days 2 2>/dev/null
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout mx.key -out mx.csr \
    -subj "/CN=$MX_NAME" 2>/dev/null
  printf 'subjectAltName=DNS:%s,IP:%s\n' "$MX_NAME" "$MX_IP" >ext.cnf
  openssl x509 -req -in mx.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 \
    -extfile ext.cnf -out mx.pem 2>/dev/null
  cat mx.key mx.pem ca.pem >chain.pem
)

log "throwaway Postfix on $MX_IP:$PORT"
PF="$WORK/postfix"
mkdir -p "$PF/queue" "$PF/data"
chown postfix "$PF/data"
cat >"$PF/main.cf" <<EOF
compatibility_level = 3.6
queue_directory = $PF/queue
data_directory = $PF/data
mail_owner = postfix
myhostname = $MX_NAME
mydestination =
alias_maps =
alias_database =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
maillog_file_prefixes = $PF
maillog_file = $PF/maillog
smtpd_tls_security_level = may
smtpd_tls_chain_files = $WORK/chain.pem
smtpd_relay_restrictions = reject
smtpd_client_connection_count_limit = 0
EOF
# Debian's master.cf without its port-25 listener or chroot, plus ours.
awk '/^smtp[ \t]+inet/ { next }
     /^[a-z]/ && NF >= 8 && $5 == "y" { $5 = "n" }
     { print }' /etc/postfix/master.cf >"$PF/master.cf"
echo "$MX_IP:$PORT inet n - n - - smtpd" >>"$PF/master.cf"
/usr/sbin/postfix -c "$PF" start >/dev/null 2>&1 || die "postfix start failed: $(tail -5 "$PF/maillog" 2>/dev/null)"
POSTFIX_STARTED=1
for _ in $(seq 100); do
  (exec 3<>"/dev/tcp/$MX_IP/$PORT") 2>/dev/null && break
  sleep 0.1
done

now_ns() { date +%s%N; }
# median_ms FILE: median, min and max of the nanosecond timings in FILE.
stats_ms() {
  sort -n "$1" | awk '{ v[NR] = $1 } END {
    m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
    printf "%.1f %.1f %.1f", m / 1e6, v[1] / 1e6, v[NR] / 1e6 }'
}

log "part 1: $RUNS runs each of port25-probe check, openssl s_client, swaks"
for tool in probe openssl swaks; do : >"$WORK/$tool.ns"; done
for _ in $(seq "$RUNS"); do
  t0=$(now_ns)
  timeout 30 "$BIN" check --host "$MX_IP" --port "$PORT" --allow-loopback \
    --extra-roots "$WORK/ca.pem" >"$WORK/probe.out" 2>/dev/null ||
    die "port25-probe check failed: $(cat "$WORK/probe.out")"
  echo $(($(now_ns) - t0)) >>"$WORK/probe.ns"

  t0=$(now_ns)
  timeout 30 openssl s_client -starttls smtp -connect "$MX_IP:$PORT" -servername "$MX_NAME" \
    -CAfile "$WORK/ca.pem" -verify_return_error -brief </dev/null >"$WORK/openssl.out" 2>&1 ||
    die "openssl s_client failed: $(cat "$WORK/openssl.out")"
  echo $(($(now_ns) - t0)) >>"$WORK/openssl.ns"

  t0=$(now_ns)
  timeout 30 swaks --server "$MX_IP" --port "$PORT" --tls --quit-after STARTTLS \
    --helo probe.bench.example.net --from bench@example.net --to bench@example.net \
    >"$WORK/swaks.out" 2>&1 || die "swaks failed: $(cat "$WORK/swaks.out")"
  echo $(($(now_ns) - t0)) >>"$WORK/swaks.ns"
done
grep -q "TLS 1.3" "$WORK/probe.out" || die "the probe did not report TLS 1.3: $(cat "$WORK/probe.out")"
read -r probe_med probe_min probe_max <<<"$(stats_ms "$WORK/probe.ns")"
read -r openssl_med openssl_min openssl_max <<<"$(stats_ms "$WORK/openssl.ns")"
read -r swaks_med swaks_min swaks_max <<<"$(stats_ms "$WORK/swaks.ns")"

free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
# start_service: a fresh probe service on a free port, with an egress
# listener on another; sets SERVICE_PID, URL, EGRESS_PORT.
start_service() {
  local port
  port=$(free_port)
  EGRESS_PORT=$(free_port)
  URL="http://127.0.0.1:$port"
  RUST_LOG=warn "$BIN" serve --listen "127.0.0.1:$port" --allow-loopback \
    --extra-roots "$WORK/ca.pem" --cache-ttl 0 --max-concurrent 1100 --max-jobs 5000 \
    --rate-per-minute 1000000 --rate-burst 1000000 --greeting-timeout 10 --deadline 20 \
    --egress-name egress.bench.example.net --egress-bind 127.0.0.1 --egress-port "$EGRESS_PORT" \
    --egress-idle 300 --egress-deadline 300 --egress-per-source 4000 --egress-max-connections 4000 \
    --no-sender-checks \
    2>"$WORK/service.log" &
  SERVICE_PID=$!
  for _ in $(seq 100); do
    curl -fsS "$URL/healthz" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  die "the probe service did not start: $(cat "$WORK/service.log")"
}
stop_service() {
  kill "$SERVICE_PID"
  wait "$SERVICE_PID" 2>/dev/null || true
  SERVICE_PID=""
}

log "part 2: $THROUGHPUT_REQUESTS synchronous probes of Postfix, $THROUGHPUT_CONCURRENCY at a time"
start_service
throughput=$(timeout 300 node scripts/bench-probe.mjs throughput "$URL" "$MX_IP" "$PORT" \
  "$THROUGHPUT_REQUESTS" "$THROUGHPUT_CONCURRENCY")
stop_service

log "part 2b: $THROUGHPUT_REQUESTS openssl s_client -starttls smtp sessions, $THROUGHPUT_CONCURRENCY at a time"
openssl_session() {
  timeout 30 openssl s_client -starttls smtp -connect "$MX_IP:$PORT" -servername "$MX_NAME" \
    -CAfile "$WORK/ca.pem" -verify_return_error -brief </dev/null >/dev/null 2>&1
}
export -f openssl_session
export MX_IP PORT MX_NAME WORK
t0=$(now_ns)
seq "$THROUGHPUT_REQUESTS" | xargs -P "$THROUGHPUT_CONCURRENCY" -I{} bash -c openssl_session ||
  die "an openssl session failed"
openssl_per_second=$(awk -v n="$THROUGHPUT_REQUESTS" -v ns="$(($(now_ns) - t0))" 'BEGIN { printf "%.1f", n / (ns / 1e9) }')

log "part 3: $SILENT_PROBES concurrent probes of a silent listener on $SILENT_IP:$PORT"
start_service
PERF_PID=""
if [ -n "${PORT25_BENCH_PERF:-}" ] && command -v perf >/dev/null 2>&1; then
  perf record -F 499 -g -p "$SERVICE_PID" -o "$WORK/perf.data" >/dev/null 2>&1 &
  PERF_PID=$!
fi
load=$(timeout 300 node scripts/bench-probe.mjs silent-load "$URL" "$SERVICE_PID" \
  "$SILENT_PROBES" "$SILENT_IP" "$PORT" 60 "$EGRESS_PORT" "$EGRESS_CONNECTIONS")
curl -fsS "$URL/healthz" >/dev/null || die "the service is not healthy after the load"
if [ -n "$PERF_PID" ]; then
  kill -INT "$PERF_PID" 2>/dev/null || true
  wait "$PERF_PID" 2>/dev/null || true
  perf report -i "$WORK/perf.data" --stdio --no-children --sort dso,symbol 2>/dev/null |
    grep -v '^$' | head -120 >"$PORT25_BENCH_PERF" || true
fi
stop_service

field() { node -e "const o=JSON.parse(process.argv[1]);const v=process.argv[2].split('.').reduce((a,k)=>a?.[k],o);console.log(typeof v==='object'?JSON.stringify(v):v)" "$1" "$2"; }

echo
echo "Probe benchmarks (loopback; $(nproc) cores; $(date -u +%Y-%m-%dT%H:%MZ))"
echo
echo "1. One STARTTLS session with a local Postfix ($RUNS runs each, wall time of the whole command)"
printf '   %-44s %10s %10s %10s\n' "command" "median ms" "min ms" "max ms"
printf '   %-44s %10s %10s %10s\n' "port25-probe check --host (report, verify)" "$probe_med" "$probe_min" "$probe_max"
printf '   %-44s %10s %10s %10s\n' "openssl s_client -starttls smtp -brief" "$openssl_med" "$openssl_min" "$openssl_max"
printf '   %-44s %10s %10s %10s\n' "swaks --tls --quit-after STARTTLS" "$swaks_med" "$swaks_min" "$swaks_max"
echo
echo "2. Service: synchronous probes of the local Postfix, cache off"
printf '   %-44s %s\n' "requests, concurrency" "$(field "$throughput" requests), $(field "$throughput" concurrency)"
printf '   %-44s %s\n' "throughput (probes/s)" "$(field "$throughput" per_second)"
printf '   %-44s %s / %s / %s\n' "latency p50 / p99 / max (ms)" "$(field "$throughput" p50_ms)" "$(field "$throughput" p99_ms)" "$(field "$throughput" max_ms)"
printf '   %-44s %s\n' "outcomes" "$(field "$throughput" outcomes)"
printf '   %-44s %s\n' "HTTP errors" "$(field "$throughput" http_errors)"
printf '   %-44s %s\n' "openssl s_client, same count and concurrency (sessions/s)" "$openssl_per_second"
printf '   %-44s %s\n' "ratio probe / openssl" "$(awk -v a="$(field "$throughput" per_second)" -v b="$openssl_per_second" 'BEGIN { printf "%.2f", a / b }')"
echo
echo "3. Service: $EGRESS_CONNECTIONS idle egress connections, then $SILENT_PROBES concurrent probe jobs of a listener that never answers"
printf '   %-44s %s\n' "idle egress connections held" "$(field "$load" egress.connections) (still open at the end: $(field "$load" egress.still_open_at_end))"
printf '   %-44s %s -> %s (%s bytes each)\n' "RSS before -> with them (KiB)" "$(field "$load" egress.rss_before_kib)" "$(field "$load" egress.rss_after_kib)" "$(field "$load" egress.per_connection_bytes)"
printf '   %-44s %s\n' "jobs accepted" "$(field "$load" accepted) (refused: $(field "$load" refused))"
printf '   %-44s %s\n' "all started within (s)" "$(field "$load" start_seconds)"
printf '   %-44s %s\n' "all finished within (s)" "$(field "$load" done_seconds) (still running: $(field "$load" still_running))"
printf '   %-44s %s\n' "connections held open at once (peak seen)" "$(field "$load" held_connections_peak)"
printf '   %-44s %s\n' "outcomes" "$(field "$load" outcomes)"
printf '   %-44s %s\n' "RSS before (KiB)" "$(field "$load" rss_before_kib)"
printf '   %-44s %s\n' "peak RSS, VmHWM (KiB)" "$(field "$load" vmhwm_kib)"
printf '   %-44s %s / %s / %s\n' "/healthz p50 / p99 / max during load (ms)" "$(field "$load" healthz.p50_ms)" "$(field "$load" healthz.p99_ms)" "$(field "$load" healthz.max_ms)"
printf '   %-44s %s samples, %s failures\n' "/healthz samples" "$(field "$load" healthz.samples)" "$(field "$load" healthz.failures)"
