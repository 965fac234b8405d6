package cluster

import (
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

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
	// An empty Image must be supplied at deploy time by the component.
	Containers []corev1.Container
	// InitContainers run before the main containers in every pod.
	InitContainers []corev1.Container
	// Claims become volumeClaimTemplates: one PVC per pod and claim.
	Claims []Claim
	// Volumes are extra pod volumes (emptyDir, existing claims, ...).
	Volumes []corev1.Volume
	// Config is the projected config directory; nil for none.
	Config *Config

	// Disruption configures the PodDisruptionBudget; nil keeps a quorum.
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

	// Labels and Annotations are added to every object of the cluster.
	Labels, Annotations map[string]string
	// PodLabels and PodAnnotations are added to the pod template only.
	PodLabels, PodAnnotations map[string]string

	// Init is the one-time bootstrap Job; nil for none.
	Init *InitJob

	// NetworkPolicy confines traffic to peer and client ports; nil for none.
	NetworkPolicy *NetworkPolicy
	// Access creates a ServiceAccount with a least-privilege Role for the
	// pods and mounts its token; nil (the default) runs them with no token.
	Access *Access
}

// UpdateStrategy is how template changes reach the pods.
type UpdateStrategy struct {
	// Type is RollingUpdate (default) or OnDelete.
	Type appsv1.StatefulSetUpdateStrategyType
	// Partition holds pods with an ordinal below it on the old revision
	// (RollingUpdate only): lower it step by step for a phased upgrade.
	Partition int32
	// MaxUnavailable pods during a rolling update (Kubernetes >= 1.24 with
	// the MaxUnavailableStatefulSet feature), optional.
	MaxUnavailable *intstr.IntOrString
}

// ClaimRetention is the StatefulSet's persistentVolumeClaimRetentionPolicy.
type ClaimRetention struct {
	WhenDeleted appsv1.PersistentVolumeClaimRetentionPolicyType
	WhenScaled  appsv1.PersistentVolumeClaimRetentionPolicyType
}

// Network configures the cluster's Services.
type Network struct {
	// ServiceName of the governing headless Service; defaults to the cluster's name.
	ServiceName string
	// ClusterDomain defaults to "cluster.local".
	ClusterDomain string
	// Client adds a client Service (e.g. "<name>-public"); nil for none.
	Client *network.ClientService
}

// Claim is one volumeClaimTemplate and where it is mounted.
type Claim struct {
	// Name of the claim template (and of the pod volume), e.g. "data".
	Name string
	// Size requested, e.g. "10Gi".
	Size string
	// MountPath in the containers; required unless VolumeMode is Block.
	MountPath string
	// DevicePath for Block claims.
	DevicePath string
	// Containers that mount the claim; default: the first container.
	Containers []string
	// StorageClassName overrides the cluster's storage class for this claim.
	StorageClassName string
	// AccessModes default to [ReadWriteOnce].
	AccessModes []corev1.PersistentVolumeAccessMode
	// VolumeMode is Filesystem (default) or Block.
	VolumeMode corev1.PersistentVolumeMode
	// Labels and Annotations of the PVCs. Changing them replaces the
	// StatefulSet (its pods and claims are kept and adopted).
	Labels, Annotations map[string]string
}

// Config is the projected config directory mounted read-only in the containers.
type Config struct {
	// MountPath of the directory; default "/etc/ordinal".
	MountPath string
	// VolumeName of the projected volume; default "config".
	VolumeName string
	// DefaultMode of files without their own mode (Kubernetes default 0644).
	DefaultMode *int32
	// Data becomes the generated ConfigMap; every key is projected as a file
	// of the same name.
	Data map[string]string
	// SecretMode is the file mode of the generated Secret's keys; default 0400.
	SecretMode *int32
	// Sources are further projections: ConfigMaps and Secrets (all keys or
	// chosen items), downward-API items (pod name, namespace, labels,
	// annotations, resource limits), service account tokens.
	Sources []corev1.VolumeProjection
	// Containers that mount the directory; default: the first container.
	Containers []string
	// InitJob mounts the directory in the init Job's pod too.
	InitJob bool
}

// Disruption configures the PodDisruptionBudget (policy/v1).
type Disruption struct {
	// Disabled creates no PodDisruptionBudget.
	Disabled bool
	// MinAvailable or MaxUnavailable; set at most one. With neither, the
	// budget keeps a quorum: minAvailable = floor(replicas/2)+1.
	MinAvailable, MaxUnavailable *intstr.IntOrString
	// UnhealthyPodEvictionPolicy is IfHealthyBudget (Kubernetes default) or AlwaysAllow.
	UnhealthyPodEvictionPolicy *policyv1.UnhealthyPodEvictionPolicyType
}

// AntiAffinity is a pod anti-affinity preset.
type AntiAffinity string

// Anti-affinity presets.
const (
	// AntiAffinitySoft prefers one pod per node (the default).
	AntiAffinitySoft AntiAffinity = "soft"
	// AntiAffinityHard requires one pod per node; pods stay Pending when
	// there are fewer nodes than replicas.
	AntiAffinityHard AntiAffinity = "hard"
	// AntiAffinityNone adds no anti-affinity.
	AntiAffinityNone AntiAffinity = "none"
)

// Spread is a topology spread preset.
type Spread string

// Topology spread presets.
const (
	SpreadNone Spread = ""
	// SpreadSoft prefers an even spread (whenUnsatisfiable: ScheduleAnyway).
	SpreadSoft Spread = "soft"
	// SpreadHard requires it (whenUnsatisfiable: DoNotSchedule).
	SpreadHard Spread = "hard"
)

// Scheduling places the pods.
type Scheduling struct {
	// AntiAffinity keeps pods on different nodes; default soft.
	AntiAffinity AntiAffinity
	// AntiAffinityTopologyKey defaults to kubernetes.io/hostname.
	AntiAffinityTopologyKey string
	// ZoneSpread spreads pods evenly across zones.
	ZoneSpread Spread
	// ZoneTopologyKey defaults to topology.kubernetes.io/zone.
	ZoneTopologyKey string
	// Affinity is raw affinity for experts; the presets are merged into it.
	Affinity *corev1.Affinity
	// TopologySpreadConstraints are added after the zone preset.
	TopologySpreadConstraints []corev1.TopologySpreadConstraint
	NodeSelector              map[string]string
	Tolerations               []corev1.Toleration
}

// SecurityProfile selects the security defaults.
type SecurityProfile string

// Security profiles.
const (
	// SecurityRestricted passes Pod Security Standards "restricted" (default).
	SecurityRestricted SecurityProfile = "restricted"
	// SecurityNone sets nothing the user did not set.
	SecurityNone SecurityProfile = "none"
)

// Security sets the pod and container security contexts. Fields the user
// sets on a container's SecurityContext or in PodSecurityContext win.
type Security struct {
	Profile SecurityProfile
	// RunAsUser, RunAsGroup and FSGroup default to 1000 under the restricted profile.
	RunAsUser, RunAsGroup, FSGroup *int64
	// ReadOnlyRootFilesystem for every container.
	ReadOnlyRootFilesystem bool
	// PodSecurityContext overrides the pod-level defaults field by field.
	PodSecurityContext *corev1.PodSecurityContext
}

// InitJob is the one-time Job that bootstraps the cluster (e.g.
// `cockroach init`). It runs alongside the pods, never after their
// readiness (which may need the init to happen first), retries until the
// first pod answers, and must be idempotent: it runs again only when its
// template changes or when it failed.
type InitJob struct {
	// Image defaults to the first container's image.
	Image   string
	Command []string
	Args    []string
	Env     []corev1.EnvVar
	// Resources of the Job's container.
	Resources corev1.ResourceRequirements
	// BackoffLimit is how many failed attempts are retried; default 20.
	BackoffLimit *int32
	// ActiveDeadlineSeconds bounds the whole Job; default 900.
	ActiveDeadlineSeconds *int64
}
