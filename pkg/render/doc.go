// Package render turns plans into plain Kubernetes manifests (multi-document
// YAML) in the order they must be applied. It is what the golden files are
// made of, and what `kubectl apply` users and GitOps tools consume.
package render
