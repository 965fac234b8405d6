#!/usr/bin/env bash
# The project's test suite.
#
#   scripts/test.sh all     (make test)      everything below, in this order
#   scripts/test.sh unit    (make test-unit) go vet + unit tests (pkg, components, examples)
#   scripts/test.sh bench                    every Go benchmark once (-benchtime 1x), so none rots
#   scripts/test.sh fuzz    (make fuzz)      every fuzz target for ORDINAL_FUZZTIME (default 2000x: a number of inputs, not a duration,
#                                            so a slow start on a loaded machine cannot hit a deadline)
#   scripts/test.sh e2e     (make test-e2e)  the end-to-end suites (./tests/..., tag e2e): real Pulumi engine, real
#                                            kube-apiserver; tests/realpods on nine real nodes running
#                                            real containers, the others on kwok fake nodes (each package
#                                            starts and stops its own local cluster)
#
# The tools the end-to-end suite needs are built from Go modules on first use
# (scripts/install-tools.sh; ~37 minutes cold on 2 cores, seconds when cached),
# the images from Debian packages (scripts/images.sh; minutes cold, cached),
# and the Debian packages real nodes need are installed when missing
# (scripts/install-node-deps.sh).
set -euo pipefail

# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "${ORDINAL_ROOT}"

# -mod=mod: go.sum gains what a build needs (-trimpath and CGO_ENABLED=0
# come from lib.sh).
export GOFLAGS="${GOFLAGS:-} -mod=mod"
# GOGC for the compiler (and the short unit-test processes): 10% less wall
# time cold (scripts/install-tools.sh says more). The end-to-end stage
# runs with Go's default: its many Go processes (API servers, kubelets,
# the CLI and plugins) would hold ~2.5x the heap.
BUILD_GOGC="${GOGC:-400}"
export PATH="${ORDINAL_TOOLS_BIN}:${PATH}"

# section NAME: a heading, with the time the previous section took.
SECTION_START=""
section() {
  [[ -z $SECTION_START ]] || log "(${SECTION_NAME}: $(elapsed "$SECTION_START")s)"
  SECTION_START=$(now_s)
  SECTION_NAME=$*
  printf '\n==== %s ====\n' "$*" >&2
}

run_vet() {
  section "go vet"
  # The e2e tag only adds files: one pass vets every package and the
  # end-to-end suites.
  GOGC=${BUILD_GOGC} go vet -tags e2e ./...
}

run_unit() {
  run_vet
  section "unit tests"
  GOGC=${BUILD_GOGC} go test -count=1 ./...
}

run_bench() {
  section "benchmarks (smoke: one iteration each)"
  GOGC=${BUILD_GOGC} go test -count=1 -run '^$' -bench . -benchtime 1x -benchmem ./...
}

# run_unit_and_bench is run_unit then run_bench in one pass: each test
# binary is linked once and runs its tests, then every benchmark once.
run_unit_and_bench() {
  run_vet
  section "unit tests, then every benchmark once (smoke)"
  GOGC=${BUILD_GOGC} go test -count=1 -bench . -benchtime 1x -benchmem ./...
}

run_fuzz() {
  local fuzztime="${ORDINAL_FUZZTIME:-2000x}" dir pkg bin target n=0 bindir
  section "fuzz targets (${fuzztime} each)"
  bindir=$(mktemp -d)
  # One instrumented test binary per package, run once per target (as `go
  # test -fuzz` runs it: in the package directory, with the go command's
  # fuzz cache), instead of one build per target.
  #
  # Coverage guidance comes from this module's packages only: `go test
  # -fuzz` would instrument every dependency too (the Pulumi and Kubernetes
  # SDKs: a second compile of all of them, about 7 minutes on a cold
  # machine), while the code under test, whose branches the fuzzer should
  # find, is ours. -d=libfuzzer is the flag `go test -fuzz` adds.
  local instrument="github.com/ordinal-dev/ordinal/...=-d=libfuzzer"
  while read -r dir; do
    [[ -n $dir ]] || continue
    pkg="github.com/ordinal-dev/ordinal/${dir#./}"
    bin="${bindir}/${dir//\//_}.test"
    GOGC=${BUILD_GOGC} go test -c -gcflags "$instrument" -o "$bin" "$dir" || { rm -rf "$bindir"; die "building the fuzz binary of ${pkg}"; }
    while read -r target; do
      log "fuzz ${pkg} ${target}"
      (cd "$dir" && "$bin" -test.run '^$' -test.fuzz "^${target}\$" -test.fuzztime "${fuzztime}" \
        -test.fuzzcachedir "$(go env GOCACHE)/fuzz/${pkg}" -test.timeout 10m) 2>&1 | tee "${bindir}/out" ||
        { rm -rf "$bindir"; die "fuzz ${pkg} ${target} failed (a failing input is saved under ${dir}/testdata/fuzz/${target})"; }
      # The testing package fuzzes blind, with only this warning, when no
      # package of the binary is instrumented.
      ! grep -q 'not built with coverage instrumentation' "${bindir}/out" ||
        { rm -rf "$bindir"; die "the fuzz binary of ${pkg} has no coverage instrumentation"; }
      n=$((n + 1))
    done < <(sed -n 's/^func \(Fuzz[A-Za-z0-9_]*\)(.*/\1/p' "$dir"/*_test.go)
  done < <(grep -rl --include='*_test.go' '^func Fuzz' . | xargs -r -n1 dirname | sort -u)
  rm -rf "$bindir"
  ((n > 0)) || die "no fuzz target found"
  log "${n} fuzz target(s) run"
}

run_e2e() {
  section "tools, images and node packages"
  scripts/install-node-deps.sh
  # The images from Debian packages need no tool of ours: they are built
  # beside the Go tools (mostly downloading and unpacking packages while
  # the compiler has the CPUs; about 3 minutes of a cold run). The etcd
  # image waits for its binaries and is built after them.
  mkdir -p "${ORDINAL_TOOLS_DIR}"
  local images_log="${ORDINAL_TOOLS_DIR}/images-build.log" images_pid
  setsid scripts/images.sh build >"${images_log}" 2>&1 &
  images_pid=$!
  # Stopped by its process group when this script ends before it does.
  trap "kill -- -${images_pid} 2>/dev/null || true" EXIT
  if ! scripts/install-tools.sh; then
    die "building the tools failed"
  fi
  if ! wait "${images_pid}"; then
    trap - EXIT
    cat "${images_log}" >&2
    die "building the images failed"
  fi
  trap - EXIT
  cat "${images_log}"
  scripts/images.sh build
  section "end-to-end suite"
  local status
  # tests/realpods' data-safety suite appends its report (Markdown rows)
  # here; it is printed when the suite passes.
  export ORDINAL_DATASAFETY_REPORT="${ORDINAL_TOOLS_DIR}/datasafety.md"
  rm -f "${ORDINAL_DATASAFETY_REPORT}"
  set +e
  # -p 2: each package starts a local control plane of its own (ports,
  # directories and processes apart), so two packages run side by side:
  # tests/realpods (the only one with real nodes) beside the kwok suite.
  go test -tags e2e -p 2 -count=1 -timeout 80m -v ./tests/... 2>&1 | tee "${ORDINAL_TOOLS_DIR}/e2e.log" |
    grep --line-buffered -E '^(=== RUN|\s*--- |PASS|FAIL|ok|panic)|^\s+[a-z_]+\.go:[0-9]+:|^[a-z0-9_-]+: '
  status=${PIPESTATUS[0]}
  set -e
  if [[ $status -ne 0 ]]; then
    # What failed, at the end where a shortened CI log keeps it: failing
    # tests and packages, a TestMain's own "<suite>: FAIL: ..." lines (with
    # the script output they quote), and panics.
    section "what failed"
    # Each failing top-level test's own output, its last 80 lines (its
    # failure messages come before its "--- FAIL" line, continued on lines
    # the filter above drops; parallel tests' lines are told apart by go
    # test's "=== CONT"/"=== NAME" markers).
    awk '/^=== (RUN|CONT|NAME) / { cur = $3; sub(/\/.*/, "", cur); next }
      /^=== PAUSE / { next }
      /^--- FAIL: Test/ {
        name = $3
        print "---- output of " name " (last 80 lines) ----"
        for (i = (n[name] > 80 ? n[name] - 80 : 0); i < n[name]; i++) print line[name, i]
        print $0
        next
      }
      cur != "" { line[cur, n[cur]++] = $0 }' "${ORDINAL_TOOLS_DIR}/e2e.log" | tail -n 400 >&2 || true
    grep -n -E -A60 '^(--- FAIL|FAIL|panic)|^[a-z0-9_-]+: FAIL' "${ORDINAL_TOOLS_DIR}/e2e.log" | tail -n 200 >&2 || true
    die "end-to-end suite failed (exit ${status}); full log: ${ORDINAL_TOOLS_DIR}/e2e.log"
  fi
  if [[ -s "${ORDINAL_DATASAFETY_REPORT}" ]]; then
    section "data safety on real pods"
    cat "${ORDINAL_DATASAFETY_REPORT}"
  fi
}

case "${1:-all}" in
  unit) run_unit ;;
  bench) run_bench ;;
  fuzz) run_fuzz ;;
  e2e) run_e2e ;;
  all)
    start=$(now_s)
    run_unit_and_bench
    run_fuzz
    run_e2e
    section "done"
    log "all tests passed in $(elapsed "$start")s"
    ;;
  *)
    echo "usage: $0 all|unit|bench|fuzz|e2e" >&2
    exit 2
    ;;
esac
