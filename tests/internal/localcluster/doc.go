// Package localcluster starts and stops the project's local Kubernetes
// control plane (scripts/cluster.sh: etcd, kube-apiserver, controller
// manager, scheduler and kwok fake nodes on 127.0.0.1) for the end-to-end
// suites under tests/. Each suite gets its own cluster directory, and a
// detached guardian process stops the cluster if the test binary dies
// without cleaning up (a panic, the -timeout alarm, SIGKILL), so no control
// plane is ever left running.
package localcluster
