package cluster

import (
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/ordinal-dev/ordinal/pkg/network"
)

// Kind is the component kind used in error messages.
const Kind = "DatabaseCluster"

// Placeholder names for the objects the cluster generates itself. Use them
// in env var references and projection sources; they are replaced by the
// real names (which change with the content) when the plan is built.
const (
	// GeneratedConfigMap refers to the ConfigMap made from Config.Data.
	GeneratedConfigMap = "ordinal.generated.config"
	// GeneratedSecret refers to the Secret made from the secret data the
	// component is given.
	GeneratedSecret = "ordinal.generated.secret"
)

// Spec is the plain description of a DatabaseCluster.
type Spec struct {
	// AppName is app.kubernetes.io/name, e.g. "cockroachdb"; defaults to the
	// cluster's name. Version and PartOf fill the matching recommended labels.
	AppName, Version, PartOf string

	// Replicas is the number of pods; at least 1.
	Replicas int32
	// OrdinalStart numbers the pods from this ordinal instead of 0.
	OrdinalStart int32
	// Workload is the controller of the pods: a StatefulSet (the default)
	// or OpenKruise's Advanced StatefulSet, which can leave ordinals out
	// and update pods in place.
	Workload Workload
	// PodManagementPolicy is OrderedReady (default) or Parallel. Clustered
	// databases that must see their peers to become Ready need Parallel.
	PodManagementPolicy appsv1.PodManagementPolicyType
	// UpdateStrategy is RollingUpdate (default), optionally held by a
	// partition for phased upgrades, or OnDelete.
	UpdateStrategy UpdateStrategy
	// MinReadySeconds a new pod must be Ready before it counts as available.
	MinReadySeconds int32
	// RevisionHistoryLimit keeps this many old revisions (Kubernetes default 10).
	RevisionHistoryLimit *int32
	// ClaimRetention decides whether claims are deleted with the StatefulSet
	// or on scale-down. Both default to Retain: data is never deleted unless
	// you opt in.
	ClaimRetention ClaimRetention

	// Ports are the cluster's named ports. They are declared on the first
	// container and published on the Services.
	Ports []network.Port
	// Network configures the governing and client Services.
	Network Network

	// Containers are the pod's main containers; the first runs the database.
	// An empty Image must be supplied at deploy time by the component. An
	// image is checked with the reference grammar the kubelet pulls by
	// ([registry/]repository[:tag][@digest], lower-case repository), so a
	// malformed one is refused here rather than at pull time.
	Containers []corev1.Container
	// InitContainers run before the main containers in every pod; their
	// images are checked the same way.
	InitContainers []corev1.Container
	// Claims become volumeClaimTemplates: one PVC per pod and claim.
	Claims []Claim
	// Volumes are extra pod volumes (emptyDir, existing claims, ...).
	Volumes []corev1.Volume
	// Config is the projected config directory; nil for none.
	Config *Config

	// Disruption configures the PodDisruptionBudget; nil creates
	// DefaultBudget: a quorum from 3 replicas on, maxUnavailable 1 below
	// (so that a drain can always evict a pod).
	Disruption *Disruption
	// Scheduling places the pods.
	Scheduling Scheduling
	// Security sets the pod and container security contexts.
	Security Security

	// ServiceAccountName runs the pods (and init Job) as this account.
	ServiceAccountName string
	// AutomountServiceAccountToken mounts an API token into the pods; off by
	// default because databases do not talk to the Kubernetes API.
	AutomountServiceAccountToken bool
	// ImagePullSecrets are names of docker-registry Secrets.
	ImagePullSecrets []string
	// PriorityClassName of the pods.
	PriorityClassName string
	// TerminationGracePeriodSeconds gives the database time to shut down cleanly.
	TerminationGracePeriodSeconds *int64

	// Labels and Annotations are added to every object the cluster
	// creates except its claims: the StatefulSet and its pods, the
	// Services, the PodDisruptionBudget, the generated ConfigMap and
	// Secret, the init Job (not its pod: see InitJob), the NetworkPolicy
	// and the RBAC objects.
	//
	// The claims (PVCs) made from the volumeClaimTemplates carry the
	// selector labels (app.kubernetes.io/instance and component) and
	// their Claim's Labels and Annotations only. Claim templates are
	// immutable: putting Labels there would make every change of Labels
	// replace the StatefulSet (with components.DeletionBackground, delete
	// every pod). To select the claims with a label of your own, e.g. for
	// `kubectl delete pvc -l app=bini`, set it in Claim.Labels when the
	// cluster is created.
	Labels, Annotations map[string]string
	// PodLabels and PodAnnotations are added to the pod template only.
	PodLabels, PodAnnotations map[string]string

	// Init is the one-time bootstrap Job; nil for none.
	Init *InitJob
	// Membership is the Job that takes departing members out of the
	// database before a change of Replicas reaches the StatefulSet; nil
	// for none (see MembershipJob).
	Membership *MembershipJob

	// NetworkPolicy confines traffic to peer and client ports; nil for none.
	NetworkPolicy *NetworkPolicy
	// Access creates a ServiceAccount with a least-privilege Role for the
	// pods and mounts its token; nil (the default) runs them with no token.
	Access *Access

	// Objects overrides the Kubernetes names of the child objects and adds
	// labels to each one alone; the zero value keeps every default name.
	Objects Objects
}
