#!/usr/bin/env bash
# The project's test suite.
#
#   scripts/test.sh all     (make test)      everything below, in this order
#   scripts/test.sh unit    (make test-unit) go vet + unit tests (pkg, components, examples)
#   scripts/test.sh bench                    every Go benchmark once (-benchtime 1x), so none rots
#   scripts/test.sh fuzz    (make fuzz)      every fuzz target for ORDINAL_FUZZTIME (default 2000x: a number of inputs, not a duration,
#                                            so a slow start on a loaded machine cannot hit a deadline)
#   scripts/test.sh e2e     (make test-e2e)  the end-to-end suites (./tests/..., tag e2e): real Pulumi engine, real
#                                            kube-apiserver; tests/realpods on three real nodes running
#                                            real containers, the others on kwok fake nodes (each package
#                                            starts and stops its own local cluster)
#
# The tools the end-to-end suite needs are built from Go modules on first use
# (scripts/install-tools.sh; ~25 minutes cold on 2 cores, seconds when cached),
# the images from Debian packages (scripts/images.sh; minutes cold, cached),
# and the Debian packages real nodes need are installed when missing
# (scripts/install-node-deps.sh).
set -euo pipefail

# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "${ORDINAL_ROOT}"

export GOFLAGS="${GOFLAGS:-} -mod=mod"
export PATH="${ORDINAL_TOOLS_BIN}:${PATH}"

section() { printf '\n==== %s ====\n' "$*" >&2; }

run_unit() {
  section "go vet"
  go vet ./...
  go vet -tags e2e ./tests/...
  section "unit tests"
  go test -count=1 ./...
}

run_bench() {
  section "benchmarks (smoke: one iteration each)"
  go test -count=1 -run '^$' -bench . -benchtime 1x -benchmem ./...
}

run_fuzz() {
  local fuzztime="${ORDINAL_FUZZTIME:-2000x}" pkg target n=0
  section "fuzz targets (${fuzztime} each)"
  while read -r pkg; do
    [[ -n $pkg ]] || continue
    while read -r target; do
      [[ $target == Fuzz* ]] || continue
      log "fuzz ${pkg} ${target}"
      go test -run '^$' -fuzz "^${target}\$" -fuzztime "${fuzztime}" "${pkg}"
      n=$((n + 1))
    done < <(go test -list '^Fuzz' "${pkg}" 2>/dev/null)
  done < <(grep -rl --include='*_test.go' '^func Fuzz' . | xargs -r -n1 dirname | sort -u | sed 's|^\.|github.com/ordinal-dev/ordinal|')
  log "${n} fuzz target(s) run"
}

run_e2e() {
  section "tools, images and node packages"
  scripts/install-node-deps.sh
  scripts/install-tools.sh
  scripts/images.sh build
  section "end-to-end suite"
  local status
  set +e
  # -p 1: each package starts its own local control plane; one at a time.
  go test -tags e2e -p 1 -count=1 -timeout 80m -v ./tests/... 2>&1 | tee "${ORDINAL_TOOLS_DIR}/e2e.log" |
    grep --line-buffered -E '^(=== RUN|\s*--- |PASS|FAIL|ok|panic)|^\s+[a-z_]+\.go:[0-9]+:|^[a-z0-9_-]+: '
  status=${PIPESTATUS[0]}
  set -e
  if [[ $status -ne 0 ]]; then
    # What failed, at the end where a shortened CI log keeps it: failing
    # tests and packages, a TestMain's own "<suite>: FAIL: ..." lines (with
    # the script output they quote), and panics.
    section "what failed"
    grep -n -E -A60 '^(--- FAIL|FAIL|panic)|^[a-z0-9_-]+: FAIL' "${ORDINAL_TOOLS_DIR}/e2e.log" | tail -n 200 >&2 || true
    die "end-to-end suite failed (exit ${status}); full log: ${ORDINAL_TOOLS_DIR}/e2e.log"
  fi
}

case "${1:-all}" in
  unit) run_unit ;;
  bench) run_bench ;;
  fuzz) run_fuzz ;;
  e2e) run_e2e ;;
  all)
    start=$(now_s)
    run_unit
    run_bench
    run_fuzz
    run_e2e
    log "all tests passed in $(elapsed "$start")s"
    ;;
  *)
    echo "usage: $0 all|unit|bench|fuzz|e2e" >&2
    exit 2
    ;;
esac
