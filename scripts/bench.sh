#!/usr/bin/env bash
# Benchmarks of the components against what users would write instead.
#
#   scripts/bench.sh go       (make bench-go)      Go benchmarks of ./tests/bench under Pulumi mocks
#   scripts/bench.sh engine   (make bench-engine)  pulumi preview/up vs yaml/v2 and kubectl on a local cluster
#   scripts/bench.sh real     (make bench-real)    the default stack up to Ready on three REAL nodes:
#                                                  pulumi up vs kubectl apply + rollout status (bench/real.md)
#   scripts/bench.sh profile                       CPU profile: where the component's extra time goes
#   scripts/bench.sh report                        tables and plot from the raw results already in bench/
#   scripts/bench.sh machine                       describe this machine into bench/machine-now.txt
#
# `make bench` runs go, then engine. Raw results, tables and the plot go to
# bench/ (ORDINAL_BENCH_OUT): go.txt, go.md, benchstat.txt, engine.csv,
# engine.md, engine.png, profile.md, machine-go.txt, machine-engine.txt.
# BENCHMARKS.md explains them.
#
# Environment:
#   ORDINAL_BENCH_ROUNDS    rounds of the Go benchmarks (default 6); each round runs every
#                           benchmark once for ORDINAL_BENCH_TIME (default 1s), so the noise
#                           of a shared machine spreads over time instead of hitting one side
#   ORDINAL_BENCH_RUNS      measured runs of each engine case (default 5), after
#   ORDINAL_BENCH_WARMUP    warm-up runs (default 1)
#   ORDINAL_BENCH_SCENARIOS engine scenarios (default preview,up,policy,languages)
#   ORDINAL_BENCH_REPLICAS  replica counts of the policy scenario (default 3,5,9)
#   ORDINAL_CLUSTER_DIR     the local cluster's directory (default .tools/bench-cluster); with
#                           KUBECONFIG set, that cluster is used instead (it must be disposable:
#                           the namespace "bench" and objects labelled managed-by=ordinal are deleted)
#   ORDINAL_NODES           fake nodes of the local cluster (default 9, the largest replica count)
set -euo pipefail

# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "${ORDINAL_ROOT}"

OUT="${ORDINAL_BENCH_OUT:-${ORDINAL_ROOT}/bench}"
BENCHSTAT_VERSION="v0.0.0-20260908200009-22c9c6c9d4da" # golang.org/x/perf
export PATH="${ORDINAL_TOOLS_BIN}:${PATH}"
export PULUMI_SKIP_UPDATE_CHECK=true
mkdir -p "$OUT"

# plot runs scripts/plot (its own module: the plotting library stays out of go.mod).
plot() { (cd scripts/plot && go run . "$@"); }

# machine NAME describes this machine (and its load right now) into bench/machine-NAME.txt.
machine() {
  local f="${OUT}/machine-${1:-now}.txt"
  {
    echo "date:      $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "commit:    $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
    echo "nproc:     $(nproc)"
    echo "cpu:       $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
    echo "memory:    $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)"
    echo "loadavg:   $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "kernel:    $(uname -sr)"
    echo "go:        $(go version | cut -d' ' -f3-)"
    if [[ -x ${ORDINAL_TOOLS_BIN}/pulumi ]]; then echo "pulumi:    $("${ORDINAL_TOOLS_BIN}/pulumi" version 2>/dev/null)"; fi
    if [[ -x ${ORDINAL_TOOLS_BIN}/kubectl ]]; then echo "kubectl:   $("${ORDINAL_TOOLS_BIN}/kubectl" version --client 2>/dev/null | head -1)"; fi
  } >"$f"
  cat "$f" >&2
}

# benchstat builds golang.org/x/perf/cmd/benchstat into .tools/bin once.
ensure_benchstat() {
  local stamp="${ORDINAL_TOOLS_DIR}/benchstat.version"
  if [[ -x ${ORDINAL_TOOLS_BIN}/benchstat && -f $stamp && $(<"$stamp") == "$BENCHSTAT_VERSION" ]]; then
    return
  fi
  log "building benchstat ${BENCHSTAT_VERSION}"
  mkdir -p "${ORDINAL_TOOLS_BIN}"
  GOBIN="${ORDINAL_TOOLS_BIN}" GOFLAGS=-mod=mod go install "golang.org/x/perf/cmd/benchstat@${BENCHSTAT_VERSION}"
  echo "$BENCHSTAT_VERSION" >"$stamp"
}

cmd_go() {
  local rounds="${ORDINAL_BENCH_ROUNDS:-6}" benchtime="${ORDINAL_BENCH_TIME:-1s}" bin i start
  start=$(now_s)
  machine go
  bin=$(mktemp -d)/bench.test
  go test -c -o "$bin" ./tests/bench/
  : >"${OUT}/go.txt"
  for ((i = 1; i <= rounds; i++)); do
    log "Go benchmarks: round ${i}/${rounds}"
    (cd tests/bench && "$bin" -test.run '^$' -test.bench . -test.benchmem -test.benchtime "$benchtime") | tee -a "${OUT}/go.txt" | grep -E '^Benchmark' >&2
  done
  rm -rf "$(dirname "$bin")"
  ensure_benchstat
  # -col /impl puts component and baseline side by side; the rows that have
  # no impl key (the ratio and planning benchmarks) are summarized below.
  { benchstat -col /impl "${OUT}/go.txt" 2>/dev/null || true; echo; benchstat "${OUT}/go.txt"; } >"${OUT}/benchstat.txt"
  plot gobench -in "${OUT}/go.txt" -md "${OUT}/go.md"
  cat "${OUT}/go.md"
  log "Go benchmarks done in $(elapsed "$start")s: ${OUT}/go.md, ${OUT}/benchstat.txt"
}

# profile attributes the CPU time of one registration of the benchmark
# cluster (component and baseline) to where it goes.
cmd_profile() {
  local dir bin n="${ORDINAL_BENCH_PROFILE_N:-1500}" impl f
  dir=$(mktemp -d)
  bin="${dir}/bench.test"
  go test -c -o "$bin" ./tests/bench/
  for impl in component baseline floor; do
    (cd tests/bench && "$bin" -test.run '^$' -test.bench "^BenchmarkDatabaseCluster\$/impl=${impl}\$" -test.benchmem \
      -test.benchtime "${n}x" -test.cpuprofile "${dir}/${impl}.prof") | grep -E '^Benchmark' >&2
  done
  # cpu_ms IMPL REGEX: CPU milliseconds per registration in frames matching REGEX.
  cpu_ms() {
    go tool pprof -top -focus "$2" "$bin" "${dir}/$1.prof" 2>/dev/null |
      sed -n 's/^Showing nodes accounting for \([0-9.]*\)\(m\{0,1\}\)s.*/\1 \2/p' |
      awk -v n="$n" '{ v = $1; if ($2 != "m") v *= 1000 } END { printf "%.3f", v / n }'
  }
  total() {
    go tool pprof -top "$bin" "${dir}/$1.prof" 2>/dev/null |
      sed -n 's/.*Total samples = \([0-9.]*\)\(m\{0,1\}\)s.*/\1 \2/p' |
      awk -v n="$n" '{ v = $1; if ($2 != "m") v *= 1000; printf "%.3f", v / n }'
  }
  {
    echo "CPU milliseconds per registration of the benchmark cluster under mocks (${n} registrations each, all goroutines and the GC included; categories overlap). floor: the baseline's objects under empty component resources."
    echo
    echo "| where | component | baseline | floor |"
    echo "|---|---:|---:|---:|"
    echo "| total CPU | $(total component) | $(total baseline) | $(total floor) |"
    while IFS='|' read -r label f; do
      echo "| ${label} | $(cpu_ms component "$f") | $(cpu_ms baseline "$f") | $(cpu_ms floor "$f") |"
    done <<'EOF'
program body (planning, building args, synchronous part of registration)|registerComponentCluster|registerBaselineCluster|floorProgram
engine-side registration goroutines (marshalling, mock monitor)|registerResource\.func1$
marshalling inputs (the SDK's walk over typed args or property trees)|prepareResourceInputs
resolving outputs (unmarshalling, running Apply callbacks)|resourceState\)\.resolve
Apply callbacks (output fields, deploy-time values of the StatefulSet spec)|applyTWithApplier
bridge conversion (bridge.Tree, bridge.AwaitedTree, bridge.MetaInput: all objects)|bridge\.(tree|MetaInput)
planning and validation (PlanDatabaseCluster, localpv)|PlanDatabaseCluster|localpv\.(Build|Validate|Defaults)
component resources (RegisterComponentResource)|RegisterComponentResource
component outputs (RegisterResourceOutputs)|RegisterResourceOutputs
source positions (getStackTrace, per registration)|getStackTrace
goroutine stack growth (newstack/copystack)|runtime\.newstack|runtime\.copystack
garbage collector (background mark workers)|gcBgMarkWorker
EOF
  } >"${OUT}/profile.md"
  cat "${OUT}/profile.md"
  rm -rf "$dir"
}

cmd_engine() {
  local start started=0 kc
  start=$(now_s)
  machine engine
  scripts/install-tools.sh pulumi pulumi-language-yaml pulumi-resource-kubernetes kubernetes etcd kwok >&2
  # The languages scenario runs examples/zookeeper-yaml through the plugin.
  go build -o "${ORDINAL_TOOLS_BIN}/pulumi-resource-ordinal" ./provider/cmd/pulumi-resource-ordinal
  if [[ -n ${KUBECONFIG:-} ]]; then
    log "using the cluster of KUBECONFIG=${KUBECONFIG}"
  else
    export ORDINAL_CLUSTER_DIR="${ORDINAL_CLUSTER_DIR:-${ORDINAL_TOOLS_DIR}/bench-cluster}"
    export ORDINAL_NODES="${ORDINAL_NODES:-9}"
    scripts/cluster.sh up
    started=1
    kc="${ORDINAL_CLUSTER_DIR}/kubeconfig"
    export KUBECONFIG="$kc"
    # Stop the cluster we started, whatever happens.
    trap 'scripts/cluster.sh down' EXIT
  fi
  local bin work
  work=$(mktemp -d)
  bin="${work}/enginebench"
  go build -o "$bin" ./tests/bench/enginebench
  rm -f "${OUT}/engine.csv"
  "$bin" -out "${OUT}/engine.csv" -work "${work}/work" \
    -runs "${ORDINAL_BENCH_RUNS:-5}" -warmup "${ORDINAL_BENCH_WARMUP:-1}" \
    -scenarios "${ORDINAL_BENCH_SCENARIOS:-preview,up,policy,languages}" -replicas "${ORDINAL_BENCH_REPLICAS:-3,5,9}"
  rm -rf "$work"
  cmd_report_engine
  log "engine benchmarks done in $(elapsed "$start")s (cluster started here: ${started})"
}

# real: the default stack (ZooKeeper) up to Ready on real nodes, ordinal vs
# kubectl apply + rollout status of the same rendered manifests, same run.
cmd_real() {
  local start bin work
  start=$(now_s)
  machine real
  scripts/install-node-deps.sh >&2
  scripts/install-tools.sh pulumi pulumi-language-go pulumi-resource-kubernetes kubernetes coredns etcd etcdctl >&2
  scripts/images.sh build >&2
  export ORDINAL_CLUSTER_DIR="${ORDINAL_TOOLS_DIR}/bench-real-cluster" ORDINAL_REAL_NODES=3 ORDINAL_NODES=0
  scripts/cluster.sh up
  export KUBECONFIG="${ORDINAL_CLUSTER_DIR}/kubeconfig"
  trap 'scripts/cluster.sh down' EXIT
  work=$(mktemp -d)
  bin="${work}/enginebench"
  go build -o "$bin" ./tests/bench/enginebench
  rm -f "${OUT}/real.csv"
  "$bin" -out "${OUT}/real.csv" -work "${work}/work" -namespace bench-real \
    -runs "${ORDINAL_BENCH_RUNS:-5}" -warmup "${ORDINAL_BENCH_WARMUP:-1}" -scenarios real
  rm -rf "$work"
  cmd_report_real
  log "real-node benchmark done in $(elapsed "$start")s"
}

# report_real: median and range per approach, and the median of the
# pairwise ratios ordinal/kubectl (runs are paired by index), from real.csv.
cmd_report_real() {
  local csv="${OUT}/real.csv"
  [[ -f $csv ]] || die "no ${csv}: run scripts/bench.sh real"
  {
    echo "Default stack (examples/zookeeper, 3 servers, Parallel) up to Ready on 3 real nodes; readiness is each server's own \`srvr\` (a formed quorum). Seconds, measured runs only."
    echo
    echo "| approach | median | min | max | runs |"
    echo "|---|---:|---:|---:|---:|"
    awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
      $col["warmup"] == "false" { v[$col["approach"]] = v[$col["approach"]] " " $col["seconds"] }
      END { for (a in v) print a v[a] }' "$csv" | sort | while read -r a vals; do
      echo "$vals" | tr ' ' '\n' | sort -g | awk -v a="$a" '{ x[NR] = $1 } END {
        m = (NR % 2) ? x[(NR + 1) / 2] : (x[NR / 2] + x[NR / 2 + 1]) / 2
        printf "| %s | %.2f | %.2f | %.2f | %d |\n", a, m, x[1], x[NR], NR }'
    done
    echo
    awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
      $col["warmup"] == "false" { t[$col["run"], $col["approach"]] = $col["seconds"]; runs[$col["run"]] = 1 }
      END { for (r in runs) if (t[r, "kubectl"] > 0) print t[r, "ordinal"] / t[r, "kubectl"] }' "$csv" | sort -g |
      awk '{ x[NR] = $1 } END { if (NR) printf "ordinal/kubectl, pairwise: median %.2f (min %.2f, max %.2f, %d pairs)\n", (NR % 2) ? x[(NR + 1) / 2] : (x[NR / 2] + x[NR / 2 + 1]) / 2, x[1], x[NR], NR }'
  } >"${OUT}/real.md"
  cat "${OUT}/real.md"
}

cmd_report_engine() {
  plot engine -csv "${OUT}/engine.csv" -md "${OUT}/engine.md" -png "${OUT}/engine.png"
  cat "${OUT}/engine.md"
}

cmd_report() {
  [[ -f ${OUT}/go.txt ]] && plot gobench -in "${OUT}/go.txt" -md "${OUT}/go.md" && cat "${OUT}/go.md"
  [[ -f ${OUT}/engine.csv ]] && cmd_report_engine
  return 0
}

case "${1:-}" in
  go) cmd_go ;;
  engine) cmd_engine ;;
  real) cmd_real ;;
  report-real) cmd_report_real ;;
  profile) cmd_profile ;;
  report) cmd_report ;;
  machine) machine now ;;
  *)
    echo "usage: $0 go|engine|real|report-real|profile|report|machine" >&2
    exit 2
    ;;
esac
