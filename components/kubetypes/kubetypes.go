// Package kubetypes defines, once, the Pulumi type tokens of the
// Kubernetes kinds the ordinal components register: the tokens of the
// pulumi-kubernetes SDK, "kubernetes:<group>/<version>:<Kind>". The
// components register their children under them, and tests look children
// up by them (ordinaltest.Recorder.Find).
//
// The components' own tokens (ordinal:index:DatabaseCluster, ...) are
// components.DatabaseClusterType and its siblings. Type tokens are public
// API: renaming one would replace live resources.
package kubetypes

// Type tokens of the Kubernetes kinds the components register.
const (
	StatefulSet = "kubernetes:apps/v1:StatefulSet"
	// AdvancedStatefulSet is OpenKruise's StatefulSet, registered as a
	// custom resource (pulumi-kubernetes' token for apiVersion
	// apps.kruise.io/v1beta1, kind StatefulSet).
	AdvancedStatefulSet = "kubernetes:apps.kruise.io/v1beta1:StatefulSet"
	// CustomResourceDefinition is read (never created) to check that the
	// cluster serves Advanced StatefulSets.
	CustomResourceDefinition = "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition"
	Job                      = "kubernetes:batch/v1:Job"
	Service                  = "kubernetes:core/v1:Service"
	ConfigMap                = "kubernetes:core/v1:ConfigMap"
	Secret                   = "kubernetes:core/v1:Secret"
	ServiceAccount           = "kubernetes:core/v1:ServiceAccount"
	PersistentVolume         = "kubernetes:core/v1:PersistentVolume"
	// PersistentVolumeClaimPatch declares a claim of a cluster's pod
	// (components: claim_patches.go).
	PersistentVolumeClaimPatch = "kubernetes:core/v1:PersistentVolumeClaimPatch"
	PodDisruptionBudget        = "kubernetes:policy/v1:PodDisruptionBudget"
	StorageClass               = "kubernetes:storage.k8s.io/v1:StorageClass"
	NetworkPolicy              = "kubernetes:networking.k8s.io/v1:NetworkPolicy"
	Role                       = "kubernetes:rbac.authorization.k8s.io/v1:Role"
	RoleBinding                = "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding"

	ValidatingAdmissionPolicy        = "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy"
	ValidatingAdmissionPolicyBinding = "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicyBinding"
)

// Tokens of resources a program registers next to the components.
const (
	// Namespace is a Namespace the components' objects may live in.
	Namespace = "kubernetes:core/v1:Namespace"
	// Provider is the Kubernetes provider resource.
	Provider = "pulumi:providers:kubernetes"
)
