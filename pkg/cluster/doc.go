// Package cluster plans a DatabaseCluster: a StatefulSet with stable
// identities and per-pod claims, its governing network, a PodDisruptionBudget
// that keeps a quorum, a one-time init Job, and one projected volume that
// merges ConfigMaps, Secrets and downward-API fields into a single config
// directory.
//
// New validates a Spec (reporting every problem at once, before anything is
// created) and returns a Plan of plain k8s.io/api objects; Make does the
// same on a problem list a component shares with its own checks. The plan
// is deterministic: the same Spec always yields byte-identical manifests.
//
// # Where things are
//
// Each feature is built and checked in one file, next to its types:
//
//	plan.go           Options, Plan, New, Make: the pipeline (defaults, checks, build)
//	defaults.go       every default of a Spec
//	statefulset.go    the StatefulSet: replicas, ordinals, update strategy, claim retention
//	network.go        the governing and client Services (package network plans them)
//	pod.go            the pod template and its volumes
//	containers.go     containers: ports, mounts, probes, resources, env
//	scheduling.go     anti-affinity, zone spread, node selector, tolerations
//	security.go       pod and container security contexts (the restricted profile)
//	claims.go         volumeClaimTemplates, the storage class of each claim, pool capacity
//	claimobjects.go   the claims of the pods as objects (ClaimObjects), for growing them
//	claimchanges.go   what the claims of a running cluster can follow (ClaimChanges)
//	config.go         the projected config directory, the generated ConfigMap and Secret,
//	                  ConfigEnv, SecretEnv and FieldEnv; configfiles.go: its file paths
//	disruption.go     the PodDisruptionBudget, Quorum and DefaultBudget
//	initjob.go        the one-time init Job
//	membership.go     the membership Job: departing members leave before a scale-down
//	networkpolicy.go  the NetworkPolicy
//	rbac.go           the ServiceAccount, Role and RoleBinding of spec.Access
//	deploytime.go     values supplied when Pulumi runs: Deployed, Reads, Resolve
//	objects.go        the Kubernetes names and labels of the child objects (spec.objects)
//
// # Data safety
//
// Claims are retained when the StatefulSet is deleted or scaled down
// (persistentVolumeClaimRetentionPolicy Retain/Retain unless the user opts
// in to deletion). A profile's MembershipJob takes departing members out
// of the database before a lower replica count reaches the StatefulSet. Volume claim templates carry only immutable selector
// labels, so a version bump never forces the StatefulSet to be replaced.
//
// # Configuration
//
// Config.Data becomes a ConfigMap named "<name>-config-<hash>" (the base
// "<name>-config" can be renamed in Objects), addressed by its content: changing the data changes the name, the pod template refers to
// the new name, and the pods roll. The full hash is also written to the pod
// template annotation ordinal.dev/config-checksum. Env vars and projections
// refer to the generated ConfigMap and Secret through the placeholder names
// GeneratedConfigMap and GeneratedSecret (see ConfigEnv and SecretEnv).
//
// # Values supplied at deploy time
//
// Some values are only known when Pulumi runs (an image built by another
// resource, a storage class created elsewhere, the generated Secret's name).
// The plan leaves them as placeholders and Resolve fills them in; this keeps
// every decision about which objects exist in plain Go values.
package cluster
