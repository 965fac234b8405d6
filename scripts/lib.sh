# shellcheck shell=bash disable=SC2034
# Shared helpers for scripts/*.sh. Source it; it does not change shell options.

# Repository root (parent of scripts/).
ORDINAL_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ORDINAL_TOOLS_DIR="${ORDINAL_ROOT}/.tools"
ORDINAL_TOOLS_BIN="${ORDINAL_TOOLS_DIR}/bin"

# Every Go build the scripts start is static and -trimpath, like the tools
# (install-tools.sh): the project's vet, tests and fuzz binaries, and the
# programs the Pulumi CLI compiles for `make up` and the tests. Go's build
# cache keys each package on both, so only with one setting everywhere do
# the tools reuse what the project's compile of the Pulumi SDK, gRPC and
# client-go left in the cache, `make up` what `make test` compiled (its
# `pulumi up` took 184 s instead of 41 s without -trimpath), and a fresh
# clone at another path what an earlier one compiled (325 s before the
# end-to-end suite instead of 82 s). The wrapper modules pin the shared
# modules at the project's versions for the same reason (tests/toolversions
# checks it).
export CGO_ENABLED=0
case " ${GOFLAGS:-} " in
  *" -trimpath "*) ;;
  *) export GOFLAGS="${GOFLAGS:+${GOFLAGS} }-trimpath" ;;
esac

log() { printf '%s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# now_s prints seconds since the epoch with a fractional part.
now_s() { date +%s.%N; }

# elapsed START prints the seconds elapsed since START (from now_s), 1 decimal.
elapsed() { awk -v s="$1" -v e="$(now_s)" 'BEGIN { printf "%.1f", e - s }'; }

# terminate PID NAME [SECONDS]: SIGTERM, SIGKILL if PID still runs after
# SECONDS (default 5), then wait (bounded) until it is gone.
terminate() {
  local pid=$1 name=$2 tenths=$((${3:-5} * 10)) i
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < tenths; i++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  log "${name} (pid ${pid}) did not stop on SIGTERM: SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
  for ((i = 0; i < 30; i++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
}
