#!/usr/bin/env bash
# Standard workloads against a local 3-member raftctl cluster, optionally side by side
# with a 3-member etcd 3.4, printed as one table.
#
#   bench/run.sh [--with-etcd] [--duration 10s] [--keys 10000] [--value-size 256]
#                [--rounds 1] [--no-build] [--keep]
#
#   --with-etcd   also run the same wrk load against etcd (bench/etcd-cluster.sh)
#   --duration    length of each measured run (wrk and raftctl bench)       [10s]
#   --keys        uniform key space key/000000..                           [10000]
#   --value-size  bytes per written value                                  [256]
#   --rounds      repeat every workload this many times, alternating the
#                 systems; the table shows the best round of each          [1]
#   --no-build    use target/release/raftctl as it is
#   --keep        keep the work dir (data dirs, logs, raw results)
#
# Workloads: writes at 1, 16, 64 and 256 connections; linearizable reads at 64;
# stale (etcd: serializable) reads at 64. Each is measured with wrk and the team's lua
# scripts (bench/wrk/), and for raftctl also with `raftctl bench` as a second opinion.
# raftctl members listen on 127.0.0.1:7001-7003 (the script refuses to start if one of
# them is taken); etcd on 12379/22379/32379. Everything started here is stopped on exit,
# by the PIDs recorded when starting it, and nothing else.
# Env: BENCH_DIR (work dir, default a new /tmp/raftctl-bench.XXXXXX).
# These members run plaintext (on loopback); bench/tls.sh measures TLS beside plaintext.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"

with_etcd=0 duration=10s keys=10000 value_size=256 rounds=1 build=1 keep=0
while [ $# -gt 0 ]; do
  case "$1" in
  --with-etcd) with_etcd=1 ;;
  --duration) duration=${2:?--duration needs a value}; shift ;;
  --keys) keys=${2:?--keys needs a value}; shift ;;
  --value-size) value_size=${2:?--value-size needs a value}; shift ;;
  --rounds) rounds=${2:?--rounds needs a value}; shift ;;
  --no-build) build=0 ;;
  --keep) keep=1 ;;
  -h | --help) sed -n '2,25p' "$0"; exit 0 ;;
  *) echo "run.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

die() { echo "run.sh: $*" >&2; exit 1; }
log() { echo "run.sh: $*" >&2; }

for tool in wrk jq ss curl; do
  command -v "$tool" >/dev/null || die "$tool is not installed"
done
[ "$with_etcd" = 0 ] || [ -x "${ETCD_BIN:-/usr/bin/etcd}" ] || die "etcd is not installed (ETCD_BIN)"

ports=(7001 7002 7003)
for p in "${ports[@]}"; do
  if ss -Hltn "sport = :$p" | grep -q .; then die "port $p is already in use; stop what listens there first"; fi
done

work="${BENCH_DIR:-$(mktemp -d /tmp/raftctl-bench.XXXXXX)}"
mkdir -p "$work"
work="$(cd "$work" && pwd)"
pids=()
etcd_started=0

# Stops exactly what this script started: raftctl members by recorded PID (checked to
# still be our process, i.e. to use our data dir), etcd through its own script.
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  for pid in "${pids[@]}"; do
    if ours "$pid"; then kill -TERM "$pid" 2>/dev/null || true; fi
  done
  for pid in "${pids[@]}"; do
    for _ in $(seq 50); do ours "$pid" || break; sleep 0.1; done
    if ours "$pid"; then kill -KILL "$pid" 2>/dev/null || true; fi
  done
  if [ "$etcd_started" = 1 ]; then "$here/etcd-cluster.sh" stop "$work/etcd" || true; fi
  if [ "$keep" = 1 ] || [ "$rc" != 0 ]; then
    log "work dir kept: $work"
  else
    rm -rf "$work"
  fi
  exit "$rc"
}
# A live raftctl process of ours: its command line names our data dir (an exited one,
# even before it is reaped, has an empty command line).
ours() {
  { tr '\0' ' ' <"/proc/$1/cmdline"; } 2>/dev/null | grep -q -- "--data-dir $work/"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ "$build" = 1 ]; then
  log "building release (cargo build --release)"
  (cd "$repo" && cargo build --release --quiet)
fi
raftctl="$repo/target/release/raftctl"
[ -x "$raftctl" ] || die "$raftctl does not exist (drop --no-build)"

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
log "load average before: $load_before on $(nproc) CPUs; work dir $work"

# ---- raftctl cluster -------------------------------------------------------------
initial="1=http://127.0.0.1:7001,2=http://127.0.0.1:7002,3=http://127.0.0.1:7003"
for i in 1 2 3; do
  "$raftctl" serve --id "$i" --listen "127.0.0.1:700$i" --data-dir "$work/n$i" \
    --initial-cluster "$initial" --log-level warn 2>"$work/n$i.log" </dev/null &
  pids+=("$!")
done
log "started raftctl members, PIDs ${pids[*]}"

# The leader's URL once every member agrees on one and it is healthy (max 30 s).
raftctl_leader() {
  local leader="" url
  for p in "${ports[@]}"; do
    local l
    l=$(curl -fsS --max-time 1 "http://127.0.0.1:$p/v1/status" 2>/dev/null | jq -r '.leader // empty') || return 1
    [ -n "$l" ] || return 1
    if [ -n "$leader" ] && [ "$l" != "$leader" ]; then return 1; fi
    leader=$l
  done
  url=$(curl -fsS --max-time 1 http://127.0.0.1:7001/v1/members | jq -r --argjson id "$leader" '.members[] | select(.id == $id) | .url')
  curl -fsS --max-time 1 "$url/health" >/dev/null || return 1
  echo "$url"
}
leader=""
for _ in $(seq 150); do
  leader=$(raftctl_leader) && [ -n "$leader" ] && break
  sleep 0.2
done
[ -n "$leader" ] || { tail -n 20 "$work"/n*.log >&2; die "the raftctl cluster elected no leader within 30 s"; }
log "raftctl leader: $leader"

rss_mib() {  # PIDs -> "a/b/c MiB"
  local out=()
  for pid in "$@"; do out+=("$(awk '/^VmRSS/ {printf "%.0f", $2/1024}' "/proc/$pid/status" 2>/dev/null || echo '?')"); done
  local IFS=/
  echo "${out[*]} MiB"
}
rss_idle=$(rss_mib "${pids[@]}")

etcd_leader=""
if [ "$with_etcd" = 1 ]; then
  etcd_started=1
  etcd_leader=$("$here/etcd-cluster.sh" start "$work/etcd")
  [ -n "$etcd_leader" ] || die "etcd elected no leader"
  log "etcd leader: $etcd_leader"
fi

# ---- measuring -------------------------------------------------------------------
results="$work/results.tsv"   # system tool workload conns round ops_s p50 p99 errors
: >"$results"

# wrk with one of the lua scripts; appends a row parsed from its WRK_RESULT line.
run_wrk() {  # system workload conns round url script args...
  local system=$1 workload=$2 conns=$3 round=$4 url=$5 script=$6
  shift 6
  local out
  out=$(wrk -t1 -c"$conns" -d"$duration" -s "$here/wrk/$script" "$url" -- "$@" 2>&1) || true
  echo "$out" >>"$work/wrk.log"
  local line
  line=$(grep '^WRK_RESULT' <<<"$out" || true)
  if [ -z "$line" ]; then
    log "wrk $script at $conns connections printed no result: $(tail -n 1 <<<"$out")"
    printf '%s\twrk\t%s\t%s\t%s\t-\t-\t-\t-\n' "$system" "$workload" "$conns" "$round" >>"$results"
    return
  fi
  field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$line"; }
  local errors
  errors=$(($(field err_status) + $(field err_connect) + $(field err_read) + $(field err_write) + $(field err_timeout)))
  printf '%s\twrk\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$system" "$workload" "$conns" "$round" \
    "$(field ok_rps)" "$(field p50_ms)" "$(field p99_ms)" "$errors" >>"$results"
}

# raftctl bench against the leader; appends a row from its JSON report.
run_raftctl_bench() {  # workload conns round subcommand flags...
  local workload=$1 conns=$2 round=$3
  shift 3
  local json
  json=$("$raftctl" --endpoints "$leader" bench "$@" --clients "$conns" --duration "$duration" \
    --keys "$keys" --value-size "$value_size" -o json 2>>"$work/raftctl-bench.log") || true
  echo "$json" >>"$work/raftctl-bench.json"
  if ! jq -e .total >/dev/null 2>&1 <<<"$json"; then
    log "raftctl bench $* at $conns clients gave no report (see $work/raftctl-bench.log)"
    printf 'raftctl\tbench\t%s\t%s\t%s\t-\t-\t-\t-\n' "$workload" "$conns" "$round" >>"$results"
    return
  fi
  jq -r --arg w "$workload" --arg c "$conns" --arg r "$round" \
    '["raftctl","bench",$w,$c,$r,(.total.throughput_ops_s|round),
      (.total.latency_ms.p50 // "-"),(.total.latency_ms.p99 // "-"),.total.errors] | @tsv' \
    <<<"$json" >>"$results"
}

log "prefilling $keys keys in both systems (not measured)"
"$raftctl" --endpoints "$leader" bench get --prefill --requests 1 --clients 16 --keys "$keys" \
  --value-size "$value_size" -o json >/dev/null
if [ "$with_etcd" = 1 ]; then
  wrk -t1 -c16 -d5s -s "$here/wrk/etcd-put.lua" "$etcd_leader" -- "$keys" "$value_size" seq >/dev/null
fi

# The prefills leave work behind (etcd's backend commit, raftctl's idle flush of its
# apply buffer); let it finish so that it is not billed to whichever workload runs first.
sleep 3

rss_load="-"
for round in $(seq "$rounds"); do
  for conns in 1 16 64 256; do
    log "round $round: writes at $conns connections"
    run_wrk raftctl write "$conns" "$round" "$leader" raftctl-put.lua "$keys" "$value_size"
    if [ "$conns" = 64 ]; then rss_load=$(rss_mib "${pids[@]}"); fi
    [ "$with_etcd" = 0 ] || run_wrk etcd write "$conns" "$round" "$etcd_leader" etcd-put.lua "$keys" "$value_size"
    run_raftctl_bench write "$conns" "$round" put
  done
  log "round $round: linearizable reads at 64 connections"
  run_wrk raftctl read-linearizable 64 "$round" "$leader" raftctl-get.lua "$keys" linearizable
  [ "$with_etcd" = 0 ] || run_wrk etcd read-linearizable 64 "$round" "$etcd_leader" etcd-range.lua "$keys" l
  run_raftctl_bench read-linearizable 64 "$round" get --consistency linearizable
  log "round $round: stale reads at 64 connections"
  run_wrk raftctl read-stale 64 "$round" "$leader" raftctl-get.lua "$keys" stale
  [ "$with_etcd" = 0 ] || run_wrk etcd read-stale 64 "$round" "$etcd_leader" etcd-range.lua "$keys" s
  run_raftctl_bench read-stale 64 "$round" get --consistency stale
done

# ---- the table -------------------------------------------------------------------
# Best round (highest ops/s) per system, tool, workload and connection count.
best() {  # system tool workload conns -> "ops p50 p99 errors"
  awk -F'\t' -v s="$1" -v t="$2" -v w="$3" -v c="$4" '
    $1==s && $2==t && $3==w && $4==c && $6!="-" { if (!found || $6+0 > best+0) { best=$6; row=$6" "$7" "$8" "$9; found=1 } }
    END { print (found ? row : "- - - -") }' "$results"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-" || b + 0 == 0) print "-"; else printf "%.2fx", a / b }'; }
fmt() { awk -v x="$1" 'BEGIN { if (x == "-") print "-"; else if (x + 0 >= 100) printf "%.0f", x; else printf "%.2f", x }'; }

echo
if [ "$with_etcd" = 1 ]; then
  echo "raftctl vs etcd 3.4, 3 members each on 127.0.0.1, ${duration} per run, $keys keys, ${value_size}-byte values, wrk -t1"
else
  echo "raftctl, 3 members on 127.0.0.1, ${duration} per run, $keys keys, ${value_size}-byte values, wrk -t1"
fi
echo "ops/s = successful requests per second; p50/p99 in ms; err = failed requests; best of $rounds round(s)"
echo "stale reads: raftctl ?consistency=stale$([ "$with_etcd" = 0 ] || echo ', etcd serializable')"
{
  printf 'WORKLOAD\tCONNS\tRAFTCTL OPS/S\tP50\tP99\tERR\tBENCH OPS/S\tP50\tP99\tERR'
  [ "$with_etcd" = 0 ] || printf '\tETCD OPS/S\tP50\tP99\tERR\tOPS RATIO\tP99 RATIO'
  printf '\n'
  for row in "write 1" "write 16" "write 64" "write 256" "read-linearizable 64" "read-stale 64"; do
    set -- $row
    read -r r_ops r_p50 r_p99 r_err <<<"$(best raftctl wrk "$1" "$2")"
    read -r b_ops b_p50 b_p99 b_err <<<"$(best raftctl bench "$1" "$2")"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s' "$1" "$2" \
      "$(fmt "$r_ops")" "$(fmt "$r_p50")" "$(fmt "$r_p99")" "$r_err" \
      "$(fmt "$b_ops")" "$(fmt "$b_p50")" "$(fmt "$b_p99")" "$b_err"
    if [ "$with_etcd" = 1 ]; then
      read -r e_ops e_p50 e_p99 e_err <<<"$(best etcd wrk "$1" "$2")"
      # ops ratio: raftctl / etcd (higher is better); p99 ratio: raftctl / etcd (lower is better)
      printf '\t%s\t%s\t%s\t%s\t%s\t%s' "$(fmt "$e_ops")" "$(fmt "$e_p50")" "$(fmt "$e_p99")" "$e_err" \
        "$(ratio "$r_ops" "$e_ops")" "$(ratio "$r_p99" "$e_p99")"
    fi
    printf '\n'
  done
} | column -t -s $'\t'
echo
echo "RAFTCTL = wrk against raftctl; BENCH = raftctl bench against raftctl (second opinion)."
[ "$with_etcd" = 0 ] || echo "OPS RATIO = raftctl wrk ops/s / etcd ops/s (higher is better); P99 RATIO = raftctl p99 / etcd p99 (lower is better)."
echo "raftctl members' resident memory: idle $rss_idle, after the 64-connection write run $rss_load"
echo "load average (1/5/15 min) before: $load_before, after: $(cut -d' ' -f1-3 /proc/loadavg), on $(nproc) CPUs"
