# ordinal: typed Pulumi components for clustered databases on Kubernetes.
#
#   make up      deploy the default stack (a ZooKeeper ensemble, examples/zookeeper);
#                starts a local cluster when KUBECONFIG is unset
#   make up EXAMPLE=etcd   the same for one example (a directory of examples/);
#                also make preview|down|render EXAMPLE=... (scripts/stack.sh)
#   make test    the whole test suite: unit, examples, benchmarks (smoke),
#                fuzz (bounded) and end-to-end against a local control plane
#
# Everything the targets need is built from Go modules into .tools/ by
# scripts/install-tools.sh (cached by version stamp).

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
GO ?= go
# EXAMPLE picks an example for up, preview, down and render; empty: the default stack.
EXAMPLE ?=

.PHONY: all tools up preview down render test test-unit test-e2e fuzz bench bench-go bench-engine bench-real cluster-up cluster-down vet fmt golden

all: test-unit

tools:
	scripts/install-tools.sh

up:
	scripts/stack.sh up $(EXAMPLE)

preview:
	scripts/stack.sh preview $(EXAMPLE)

down:
	scripts/stack.sh down $(EXAMPLE)

render:
	scripts/stack.sh render $(EXAMPLE)

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
