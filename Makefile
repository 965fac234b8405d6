# ordinal: typed Pulumi components for clustered databases on Kubernetes.
#
#   make up      deploy the default stack (examples/cockroach); starts a local
#                control plane when KUBECONFIG is unset
#   make test    the whole test suite: unit, examples, benchmarks (smoke),
#                fuzz (bounded) and end-to-end against a local control plane
#
# Everything the targets need is built from Go modules into .tools/ by
# scripts/install-tools.sh (cached by version stamp).

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
GO ?= go

.PHONY: all tools up preview down render test test-unit test-e2e fuzz bench bench-go bench-engine bench-real cluster-up cluster-down vet fmt golden

all: test-unit

tools:
	scripts/install-tools.sh

up:
	scripts/stack.sh up

preview:
	scripts/stack.sh preview

down:
	scripts/stack.sh down

render:
	scripts/stack.sh render

test:
	scripts/test.sh all

test-unit:
	scripts/test.sh unit

test-e2e:
	scripts/test.sh e2e

fuzz:
	scripts/test.sh fuzz

bench: bench-go bench-engine

bench-go:
	scripts/bench.sh go

bench-real:
	scripts/bench.sh real

bench-engine:
	scripts/bench.sh engine

cluster-up:
	scripts/cluster.sh up

cluster-down:
	scripts/cluster.sh down

vet:
	$(GO) vet ./...
	$(GO) vet -tags e2e ./tests/...

fmt:
	gofmt -w $$(git ls-files '*.go')

# Regenerate the golden manifests after an intended change (review the diff!).
golden:
	$(GO) test ./pkg/render -update
