#!/usr/bin/env bash
# What TLS costs: the same workloads against two local 3-member raftctl clusters in one
# run, one plaintext and one with TLS (mutual TLS between members, clients with an
# admin certificate), alternating the two so that machine noise hits both alike.
#
#   bench/tls.sh [--duration 10s] [--rounds 2] [--keys 10000] [--value-size 256]
#                [--no-build] [--keep]
#
# Workloads (raftctl bench against the leader, kept-alive connections): writes at 64
# clients, linearizable reads at 64 clients, writes at 1 client. The table shows the
# best round of each, TLS/plaintext throughput ratios, and the members' CPU per
# operation (user+system time of all three members over the run / successful ops).
# Plaintext members listen on 127.0.0.1:7001-7003, TLS members on 7011-7013 (refused
# if taken). Everything started here is stopped on exit.
# Env: BENCH_DIR (work dir, default a new /tmp/raftctl-tls-bench.XXXXXX).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"

duration=10s rounds=2 keys=10000 value_size=256 build=1 keep=0
while [ $# -gt 0 ]; do
  case "$1" in
  --duration) duration=${2:?--duration needs a value}; shift ;;
  --rounds) rounds=${2:?--rounds needs a value}; shift ;;
  --keys) keys=${2:?--keys needs a value}; shift ;;
  --value-size) value_size=${2:?--value-size needs a value}; shift ;;
  --no-build) build=0 ;;
  --keep) keep=1 ;;
  -h | --help) sed -n '2,16p' "$0"; exit 0 ;;
  *) echo "tls.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

die() { echo "tls.sh: $*" >&2; exit 1; }
log() { echo "tls.sh: $*" >&2; }
for tool in jq ss; do command -v "$tool" >/dev/null || die "$tool is not installed"; done
for p in 7001 7002 7003 7011 7012 7013; do
  if ss -Hltn "sport = :$p" | grep -q .; then die "port $p is already in use"; fi
done

work="${BENCH_DIR:-$(mktemp -d /tmp/raftctl-tls-bench.XXXXXX)}"
mkdir -p "$work"
work="$(cd "$work" && pwd)"
pids=()
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  if [ "$keep" = 1 ] || [ "$rc" != 0 ]; then log "work dir kept: $work"; else rm -rf "$work"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ "$build" = 1 ]; then
  log "building release (cargo build --release)"
  (cd "$repo" && cargo build --release --quiet)
fi
raftctl="$repo/target/release/raftctl"
[ -x "$raftctl" ] || die "$raftctl does not exist (drop --no-build)"

pki="$work/pki"
"$raftctl" cert create-ca "$pki" >/dev/null
for i in 1 2 3; do "$raftctl" cert create-member --id "$i" --host 127.0.0.1 --ca "$pki" >/dev/null; done
"$raftctl" cert create-client --name bench --role admin --ca "$pki" >/dev/null
tls_client=(--cacert "$pki/ca.crt" --cert "$pki/client-bench.crt" --key "$pki/client-bench.key")

declare -A member_pids
start_cluster() {  # name scheme base-port [serve flags per member, with %i for the id]
  local name=$1 scheme=$2 base=$3
  local initial="1=$scheme://127.0.0.1:$((base + 1)),2=$scheme://127.0.0.1:$((base + 2)),3=$scheme://127.0.0.1:$((base + 3))"
  local these=()
  for i in 1 2 3; do
    local extra=()
    if [ "$scheme" = https ]; then
      extra=(--cacert "$pki/ca.crt" --cert "$pki/member-$i.crt" --key "$pki/member-$i.key")
    fi
    "$raftctl" serve --id "$i" --listen "127.0.0.1:$((base + i))" --data-dir "$work/$name-n$i" \
      --initial-cluster "$initial" --log-level warn "${extra[@]}" 2>"$work/$name-n$i.log" </dev/null &
    pids+=("$!")
    these+=("$!")
  done
  member_pids[$name]="${these[*]}"
}
start_cluster plain http 7000
start_cluster tls https 7010

leader_of() {  # endpoints [client flags] -> the leader's URL
  local endpoints=$1
  shift
  for _ in $(seq 150); do
    local url
    url=$("$raftctl" --endpoints "$endpoints" "$@" member list -o json 2>/dev/null |
      jq -r '(.leader // empty) as $l | .members[] | select(.id == $l) | .url' 2>/dev/null) || true
    if [ -n "$url" ]; then echo "$url"; return; fi
    sleep 0.2
  done
  return 1
}
plain_leader=$(leader_of http://127.0.0.1:7001,http://127.0.0.1:7002,http://127.0.0.1:7003) ||
  die "the plaintext cluster elected no leader"
tls_leader=$(leader_of https://127.0.0.1:7011,https://127.0.0.1:7012,https://127.0.0.1:7013 "${tls_client[@]}") ||
  die "the TLS cluster elected no leader"
log "leaders: plaintext $plain_leader, TLS $tls_leader"

cpu_ticks() {  # PIDs -> utime+stime clock ticks summed
  local total=0
  for pid in "$@"; do
    local t
    t=$(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null || echo 0)
    total=$((total + t))
  done
  echo "$total"
}
hz=$(getconf CLK_TCK)

results="$work/results.tsv"  # mode workload clients round ops_s p50 p99 errors cpu_us_per_op
: >"$results"
run() {  # mode workload clients round bench-args...
  local mode=$1 workload=$2 clients=$3 round=$4
  shift 4
  local leader flags=()
  if [ "$mode" = tls ]; then leader=$tls_leader; flags=("${tls_client[@]}"); else leader=$plain_leader; fi
  # shellcheck disable=SC2086
  local before after json
  before=$(cpu_ticks ${member_pids[$mode]})
  json=$("$raftctl" --endpoints "$leader" "${flags[@]}" bench "$@" --clients "$clients" \
    --duration "$duration" --keys "$keys" --value-size "$value_size" -o json 2>>"$work/bench.log") || true
  # shellcheck disable=SC2086
  after=$(cpu_ticks ${member_pids[$mode]})
  echo "$json" >>"$work/bench.json"
  if ! jq -e .total >/dev/null 2>&1 <<<"$json"; then
    log "$mode $workload gave no report (see $work/bench.log)"
    return
  fi
  jq -r --arg m "$mode" --arg w "$workload" --arg c "$clients" --arg r "$round" \
    --argjson cpu "$(((after - before) * 1000000 / hz))" \
    '[$m,$w,$c,$r,(.total.throughput_ops_s|round),(.total.latency_ms.p50 // "-"),
      (.total.latency_ms.p99 // "-"),.total.errors,
      (if .total.ok > 0 then ($cpu / .total.ok | round) else "-" end)] | @tsv' \
    <<<"$json" >>"$results"
}

for mode in plain tls; do
  leader=$plain_leader flags=()
  if [ "$mode" = tls ]; then leader=$tls_leader; flags=("${tls_client[@]}"); fi
  "$raftctl" --endpoints "$leader" "${flags[@]}" bench get --prefill --requests 1 --clients 16 \
    --keys "$keys" --value-size "$value_size" -o json >/dev/null
done
sleep 2

for round in $(seq "$rounds"); do
  for mode in plain tls; do
    log "round $round, $mode: writes at 64, linearizable reads at 64, writes at 1"
    run "$mode" write 64 "$round" put
    run "$mode" read-linearizable 64 "$round" get --consistency linearizable
    run "$mode" write 1 "$round" put
  done
done

best() {  # mode workload clients -> "ops p50 p99 errors cpu"
  awk -F'\t' -v m="$1" -v w="$2" -v c="$3" '
    $1==m && $2==w && $3==c { if (!found || $5+0 > best+0) { best=$5; row=$5" "$6" "$7" "$8" "$9; found=1 } }
    END { print (found ? row : "- - - - -") }' "$results"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-" || b + 0 == 0) print "-"; else printf "%.2f", a / b }'; }

echo
echo "TLS vs plaintext, raftctl bench, 3 members each on 127.0.0.1, $duration per run, best of $rounds round(s)"
echo "ops/s = successful requests per second; p50/p99 in ms; cpu = members' CPU µs per successful op"
{
  printf 'WORKLOAD\tCLIENTS\tPLAIN OPS/S\tP50\tP99\tCPU\tTLS OPS/S\tP50\tP99\tCPU\tERR\tTLS/PLAIN\n'
  for row in "write 64" "read-linearizable 64" "write 1"; do
    set -- $row
    read -r p_ops p_p50 p_p99 p_err p_cpu <<<"$(best plain "$1" "$2")"
    read -r t_ops t_p50 t_p99 t_err t_cpu <<<"$(best tls "$1" "$2")"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" \
      "$p_ops" "$p_p50" "$p_p99" "$p_cpu" "$t_ops" "$t_p50" "$t_p99" "$t_cpu" "$p_err/$t_err" \
      "$(ratio "$t_ops" "$p_ops")"
  done
} | column -t -s $'\t'
