// Package network plans a HeadlessNetwork: the governing headless Service a
// StatefulSet needs for stable per-pod DNS names, an optional client Service
// for the ports applications connect to, and the names peers use to reach
// each other.
//
// The governing Service is always headless (clusterIP: None) and publishes
// not-ready addresses, so pods can resolve their peers while they are still
// forming a cluster (before any of them is Ready). New (or Make, on a
// problem list a component shares) validates a Spec and returns a Plan of
// plain k8s.io/api objects; the components package registers them with
// Pulumi. network.go holds the pipeline and the DNS names, ports.go the
// ports, client.go the client Service, servicelabels.go the labels of each
// Service alone.
package network
