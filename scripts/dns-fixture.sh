#!/usr/bin/env bash
# A real DNS fixture on loopback, for tests: NSD (authoritative) serving
# zones built and DNSSEC-signed at start-up with keys made there and then
# (BIND's dnssec-keygen and dnssec-signzone), and Unbound validating them
# against a trust anchor made from those keys. Nothing leaves 127.0.0.1.
#
#   scripts/dns-fixture.sh start DIR ZONE=MODE:FILE...
#   scripts/dns-fixture.sh stop DIR
#
# start writes DIR/fixture.env (and prints it):
#   PORT25_DNS_AUTH=127.0.0.1:PORT         NSD, answers authoritatively
#   PORT25_DNS_RESOLVER=127.0.0.1:PORT     Unbound, recursive + validating (sets AD)
#   PORT25_DNS_TRUST_ANCHOR=DIR/anchor.key the trust anchor's DNSKEYs
#
# ZONE is the zone's name without the trailing dot (port25.example,
# 0.0.127.in-addr.arpa), MODE one of
#   signed    signed with a new KSK and ZSK (ECDSA P-256, NSEC)
#   unsigned  served as written
#   bogus     signed, then every signature except the DNSKEY set's is
#             corrupted, so a validating resolver answers SERVFAIL (and,
#             with the CD bit, the data without AD)
# and FILE holds the zone's records in master-file syntax, owner names
# relative to the zone (@ for the apex). The script adds the SOA and NS
# records. When one zone lies inside another, the parent gets the
# delegation (NS) and, for a signed child, its DS, so the chain of trust runs
# from the outermost signed zone, whose keys are the trust anchor. An
# unsigned child of a signed parent is provably insecure; a bogus child has
# a valid DS and broken signatures.
#
# Adding records for a test: write them into the zone file you pass, e.g.
#   @                   TXT  "v=spf1 ip4:127.0.0.2 -all"
#   _dmarc              TXT  "v=DMARC1; p=reject; rua=mailto:d@port25.example"
#   sel._domainkey      TXT  "v=DKIM1; k=ed25519; p=BASE64"
#   mx                  A    127.0.0.2
#   _25._tcp.mx         TLSA 3 1 1 HEX
# and reverse DNS for 127.0.0.x as its own (unsigned) zone:
#   0.0.127.in-addr.arpa=unsigned:ptr.zone   with   2  PTR  mx.port25.example.
# Long TXT values are split into quoted strings of at most 255 bytes. Use
# names under .example (RFC 2606): the probe's guard refuses .test,
# .invalid, .local and the like as targets, and Unbound answers some of
# them itself.
#
# Ports: PORT25_DNS_AUTH_PORT and PORT25_DNS_RESOLVER_PORT, else free ports
# picked at random from 20000-59999. Needs the packages of the "dns" group
# (scripts/packages.sh): nsd, unbound, bind9-utils, bind9-dnsutils. Runs as
# any user; both daemons write only under DIR. stop kills both by their pid
# files and is safe to repeat. With PORT25_DNS_FIXTURE_OWNER=PID the fixture
# also stops by itself once process PID is gone (a test binary that cannot
# run a clean-up at exit, or one that crashed).
set -euo pipefail

die() {
  printf 'dns-fixture: %s\n' "$*" >&2
  exit 1
}

usage() {
  sed -n '9,10p' "$0" >&2
  exit 2
}

[ $# -ge 2 ] || usage
cmd=$1
dir=$2
shift 2

stop_fixture() {
  local pidfile pid
  if [ -s "$dir/watch.pid" ]; then
    pid="$(cat "$dir/watch.pid")"
    # The watcher runs this very stop when its owner exits.
    [ "$pid" = "$$" ] || kill "$pid" 2>/dev/null || true
    rm -f "$dir/watch.pid"
  fi
  for pidfile in "$dir/unbound.pid" "$dir/nsd.pid"; do
    [ -s "$pidfile" ] || continue
    pid="$(cat "$pidfile")"
    if kill "$pid" 2>/dev/null; then
      for _ in $(seq 50); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
      done
    fi
    rm -f "$pidfile"
  done
}

# port_free PORT: nothing listens on 127.0.0.1:PORT (TCP).
port_free() {
  ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

pick_port() {
  local p
  for _ in $(seq 50); do
    p=$((20000 + RANDOM % 40000))
    if port_free "$p"; then
      echo "$p"
      return 0
    fi
  done
  die "no free port found"
}

# wait_port PORT LOG: waits up to 10 s for a TCP listener.
wait_port() {
  for _ in $(seq 100); do
    port_free "$1" || return 0
    sleep 0.1
  done
  cat "$2" >&2 || true
  die "nothing listens on 127.0.0.1:$1 after 10 s (log above)"
}

# parent_of ZONE: the closest enclosing zone among the fixture's zones.
parent_of() {
  local name=$1 candidate
  while [[ $name == *.* ]]; do
    name=${name#*.}
    for candidate in "${zones[@]}"; do
      [ "$candidate" = "$name" ] && {
        echo "$candidate"
        return 0
      }
    done
  done
  return 0
}

# depth ZONE: the number of labels.
depth() {
  local dots=${1//[^.]/}
  echo $((${#dots} + 1))
}

case "$cmd" in
  stop)
    stop_fixture
    exit 0
    ;;
  start) ;;
  *) usage ;;
esac

[ $# -ge 1 ] || die "start needs at least one ZONE=MODE:FILE"
for tool in nsd unbound dnssec-keygen dnssec-signzone; do
  command -v "$tool" >/dev/null 2>&1 ||
    die "$tool is missing: install the \"dns\" group of scripts/packages.sh (bash scripts/setup.sh does)"
done

mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"
stop_fixture
rm -rf "$dir/zones" "$dir/keys" "$dir/ds"
mkdir -p "$dir/zones" "$dir/keys" "$dir/ds"

declare -A mode_of file_of
zones=()
for spec in "$@"; do
  [[ $spec == *=*:* ]] || die "bad zone spec $spec (want ZONE=MODE:FILE)"
  zone=${spec%%=*}
  zone=${zone%.}
  zone=${zone,,}
  rest=${spec#*=}
  mode=${rest%%:*}
  file=${rest#*:}
  case "$mode" in signed | unsigned | bogus) ;; *) die "bad mode $mode for $zone" ;; esac
  [ -r "$file" ] || die "cannot read $file for $zone"
  zones+=("$zone")
  mode_of[$zone]=$mode
  file_of[$zone]=$file
done

# Each zone's unsigned text: SOA, NS, the caller's records.
for zone in "${zones[@]}"; do
  {
    printf '\044ORIGIN %s.\n\044TTL 300\n' "$zone" # \044 is a dollar sign
    printf '@ IN SOA ns.%s. hostmaster.%s. %s 3600 600 86400 300\n' "$zone" "$zone" "$(date +%s)"
    printf '@ IN NS ns.%s.\n' "$zone"
    # The NS name's address, unless the caller gives one (it is never used:
    # the resolver reaches every fixture zone through a stub on this port).
    grep -Eq '^ns[[:space:]]' "${file_of[$zone]}" || printf 'ns IN A 127.0.0.1\n'
    cat "${file_of[$zone]}"
    printf '\n'
  } >"$dir/zones/$zone.zone"
done

# Sign from the deepest zone up, so each parent gets its children's DS.
mapfile -t ordered < <(for zone in "${zones[@]}"; do
  printf '%s %s\n' "$(depth "$zone")" "$zone"
done | sort -rn | cut -d' ' -f2)

anchors=()
for zone in "${ordered[@]}"; do
  parent="$(parent_of "$zone")"
  src="$dir/zones/$zone.zone"
  out="$dir/zones/$zone.served"
  if [ "${mode_of[$zone]}" = unsigned ]; then
    cp "$src" "$out"
  else
    # ECDSA P-256 (algorithm 13): a KSK and a ZSK, made now.
    dnssec-keygen -q -K "$dir/keys" -a ECDSAP256SHA256 -f KSK -n ZONE "$zone" >/dev/null
    dnssec-keygen -q -K "$dir/keys" -a ECDSAP256SHA256 -n ZONE "$zone" >/dev/null
    # -S finds the keys and publishes them; one record a line (-O full);
    # valid from an hour ago for 30 days; the DS set into $dir/ds.
    (cd "$dir/zones" && dnssec-signzone -q -S -K "$dir/keys" -d "$dir/ds" -O full \
      -s now-3600 -e now+2592000 -o "$zone" -f "$out" "$src") >/dev/null
    if [ "${mode_of[$zone]}" = bogus ]; then
      # Corrupt the first base64 character of every signature over
      # anything but DNSKEY: the keys still validate from the DS, the
      # data does not.
      awk 'BEGIN { OFS = "\t" }
        $4 == "RRSIG" && $5 != "DNSKEY" {
          s = $NF; c = substr(s, 1, 1); $NF = (c == "A" ? "B" : "A") substr(s, 2)
        }
        { print }' "$out" >"$out.tmp"
      mv "$out.tmp" "$out"
    fi
    if [ -z "$parent" ]; then
      # The outermost signed zone: its KSK is the trust anchor.
      anchors+=("$zone")
    fi
  fi
  if [ -n "$parent" ]; then
    # The delegation in the parent, and the DS for a signed child.
    label=${zone%."$parent"}
    {
      printf '%s IN NS ns.%s.\n' "$label" "$zone"
      printf 'ns.%s IN A 127.0.0.1\n' "$label"
      if [ "${mode_of[$zone]}" != unsigned ]; then
        sed 's/^[^[:space:]]*[[:space:]]/'"$zone"'. /' "$dir/ds/dsset-$zone."
      fi
    } >>"$dir/zones/$parent.zone"
  fi
done

# The trust anchor: the anchors' KSKs as DNSKEY records.
: >"$dir/anchor.key"
for zone in "${anchors[@]}"; do
  grep -h 'DNSKEY[[:space:]]*257' "$dir/keys/K$zone".+013+*.key >>"$dir/anchor.key"
done

auth_port=${PORT25_DNS_AUTH_PORT:-$(pick_port)}
resolver_port=${PORT25_DNS_RESOLVER_PORT:-$(pick_port)}
while [ "$resolver_port" = "$auth_port" ]; do resolver_port=$(pick_port); done

{
  cat <<CONF
server:
  ip-address: 127.0.0.1@$auth_port
  port: $auth_port
  username: ""
  chroot: ""
  zonesdir: "$dir/zones"
  pidfile: "$dir/nsd.pid"
  database: ""
  zonelistfile: "$dir/nsd.zonelist"
  xfrdfile: "$dir/nsd.xfrd"
  xfrdir: "$dir"
  logfile: "$dir/nsd.log"
  server-count: 1
  verbosity: 1
  hide-version: yes
remote-control:
  control-enable: no
CONF
  for zone in "${zones[@]}"; do
    printf 'zone:\n  name: "%s"\n  zonefile: "%s.served"\n' "$zone" "$zone"
  done
} >"$dir/nsd.conf"

{
  cat <<CONF
server:
  interface: 127.0.0.1@$resolver_port
  port: $resolver_port
  do-ip6: no
  username: ""
  chroot: ""
  directory: "$dir"
  pidfile: "$dir/unbound.pid"
  logfile: "$dir/unbound.log"
  use-syslog: no
  verbosity: 1
  val-log-level: 2
  num-threads: 1
  so-reuseport: no
  access-control: 127.0.0.0/8 allow
  do-not-query-localhost: no
  qname-minimisation: no
  aggressive-nsec: no
  target-fetch-policy: "0 0 0 0 0"
  module-config: "validator iterator"
  trust-anchor-file: "$dir/anchor.key"
  ede: yes
  # RFC 6761 names Unbound answers itself by default; the fixture's own
  # zones under them must reach NSD instead.
  local-zone: "test." nodefault
  local-zone: "invalid." nodefault
  local-zone: "127.in-addr.arpa." nodefault
remote-control:
  control-enable: no
CONF
  for zone in "${zones[@]}"; do
    printf 'stub-zone:\n  name: "%s."\n  stub-addr: 127.0.0.1@%s\n' "$zone" "$auth_port"
  done
} >"$dir/unbound.conf"

nsd-checkconf "$dir/nsd.conf" || die "nsd.conf rejected"
for zone in "${zones[@]}"; do
  nsd-checkzone "$zone" "$dir/zones/$zone.served" >/dev/null ||
    die "zone $zone rejected by nsd-checkzone"
done
unbound-checkconf "$dir/unbound.conf" >/dev/null || die "unbound.conf rejected"

nsd -c "$dir/nsd.conf" || die "nsd did not start (see $dir/nsd.log)"
wait_port "$auth_port" "$dir/nsd.log"
unbound -c "$dir/unbound.conf" || die "unbound did not start (see $dir/unbound.log)"
wait_port "$resolver_port" "$dir/unbound.log"

if [ -n "${PORT25_DNS_FIXTURE_OWNER:-}" ]; then
  # A watcher, detached from the caller's pipes, that stops the fixture
  # once the owner is gone.
  owner=$PORT25_DNS_FIXTURE_OWNER
  # shellcheck disable=SC2016 # expanded by the inner shell
  nohup bash -c 'while kill -0 "$1" 2>/dev/null; do sleep 1; done; exec bash "$2" stop "$3"' \
    dns-fixture-watch "$owner" "$0" "$dir" </dev/null >/dev/null 2>&1 &
  echo $! >"$dir/watch.pid"
fi

cat >"$dir/fixture.env" <<ENV
PORT25_DNS_AUTH=127.0.0.1:$auth_port
PORT25_DNS_RESOLVER=127.0.0.1:$resolver_port
PORT25_DNS_TRUST_ANCHOR=$dir/anchor.key
ENV
cat "$dir/fixture.env"
