// Package naming derives every name ordinal gives to Kubernetes objects and
// Pulumi resources: child names prefixed by the component's name, pod names
// from StatefulSet ordinals, and the stable DNS names peers use to find each
// other (<sts>-<i>.<svc>.<ns>.svc.<clusterDomain>).
//
// The functions are pure and deterministic; they are the single place where
// those formats are written, so the components, the outputs and the engine
// profiles always agree.
package naming
