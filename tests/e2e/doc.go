//go:build e2e

// Package e2e is ordinal's end-to-end suite: it drives the real Pulumi engine
// (through the Automation API) and the real pulumi-kubernetes provider
// against a real Kubernetes API server, and checks what the API server holds
// afterwards with kubectl, not Pulumi's word alone.
//
// Run it with the e2e build tag and the project's tools first on PATH:
//
//	PATH=$PWD/.tools/bin:$PATH go test -tags e2e -count=1 -timeout 60m ./tests/e2e/...
//
// Without ORDINAL_E2E_KUBECONFIG, TestMain starts its own local control
// plane (scripts/cluster.sh up, in a temporary ORDINAL_CLUSTER_DIR) and stops
// it when the suite ends, also when it fails or is killed. With
// ORDINAL_E2E_KUBECONFIG, the suite uses that cluster; every test works in
// its own namespace and its own StorageClass and PersistentVolume names, and
// removes them when it ends.
//
// The tools (pulumi, pulumi-language-go, pulumi-resource-kubernetes,
// kubectl and the control plane binaries) come from .tools/bin; build them
// with scripts/install-tools.sh. The suite fails, rather than skips, when
// they are missing.
package e2e
