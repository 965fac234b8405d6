package cluster

import (
	"cmp"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/ordinal-dev/ordinal/pkg/localpv"
	"github.com/ordinal-dev/ordinal/pkg/network"
)

// Default values applied by Defaults.
const (
	DefaultConfigMountPath           = "/etc/ordinal"
	DefaultConfigVolumeName          = "config"
	DefaultUID                 int64 = 1000
	DefaultInitBackoffLimit          = int32(20)
	DefaultInitDeadlineSeconds       = int64(900)
	DefaultSecretMode                = int32(0o400)
	hostnameKey                      = localpv.DefaultNodeLabelKey
	zoneKey                          = "topology.kubernetes.io/zone"
)

// Defaults returns a copy of spec with every default applied. It never
// modifies the caller's slices or maps.
func Defaults(name string, spec Spec) Spec {
	if spec.AppName == "" {
		spec.AppName = name
	}
	if spec.PodManagementPolicy == "" {
		spec.PodManagementPolicy = appsv1.OrderedReadyPodManagement
	}
	if spec.UpdateStrategy.Type == "" {
		spec.UpdateStrategy.Type = appsv1.RollingUpdateStatefulSetStrategyType
	}
	workloadDefaults(&spec.Workload)
	if spec.ClaimRetention.WhenDeleted == "" {
		spec.ClaimRetention.WhenDeleted = appsv1.RetainPersistentVolumeClaimRetentionPolicyType
	}
	if spec.ClaimRetention.WhenScaled == "" {
		spec.ClaimRetention.WhenScaled = appsv1.RetainPersistentVolumeClaimRetentionPolicyType
	}
	spec.Ports = network.DefaultPorts(spec.Ports)
	if spec.Network.ServiceName == "" {
		spec.Network.ServiceName = name
	}
	first := ""
	if len(spec.Containers) > 0 {
		first = spec.Containers[0].Name
	}
	claims := make([]Claim, len(spec.Claims))
	for i, c := range spec.Claims {
		if len(c.AccessModes) == 0 {
			c.AccessModes = []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce}
		}
		if c.VolumeMode == "" {
			c.VolumeMode = corev1.PersistentVolumeFilesystem
		}
		if len(c.Containers) == 0 && first != "" {
			c.Containers = []string{first}
		}
		claims[i] = c
	}
	spec.Claims = claims
	if spec.Config != nil {
		c := *spec.Config
		if c.MountPath == "" {
			c.MountPath = DefaultConfigMountPath
		}
		if c.VolumeName == "" {
			c.VolumeName = DefaultConfigVolumeName
		}
		if c.SecretMode == nil {
			c.SecretMode = new(DefaultSecretMode)
		}
		if len(c.Containers) == 0 && first != "" {
			c.Containers = []string{first}
		}
		spec.Config = &c
	}
	s := spec.Scheduling
	if s.AntiAffinity == "" {
		s.AntiAffinity = AntiAffinitySoft
	}
	if s.AntiAffinityTopologyKey == "" {
		s.AntiAffinityTopologyKey = hostnameKey
	}
	if s.ZoneTopologyKey == "" {
		s.ZoneTopologyKey = zoneKey
	}
	spec.Scheduling = s
	sec := spec.Security
	if sec.Profile == "" {
		sec.Profile = SecurityRestricted
	}
	if sec.Profile == SecurityRestricted {
		sec.RunAsUser = cmp.Or(sec.RunAsUser, new(DefaultUID))
		sec.RunAsGroup = cmp.Or(sec.RunAsGroup, new(DefaultUID))
		sec.FSGroup = cmp.Or(sec.FSGroup, new(DefaultUID))
	}
	spec.Security = sec
	if spec.Access != nil {
		// The pods use the account spec.access creates, with its token.
		if spec.ServiceAccountName == "" {
			spec.ServiceAccountName = serviceAccountName(name, spec)
		}
		spec.AutomountServiceAccountToken = true
	}
	if spec.Init != nil {
		in := *spec.Init
		if in.BackoffLimit == nil {
			in.BackoffLimit = new(DefaultInitBackoffLimit)
		}
		if in.ActiveDeadlineSeconds == nil {
			in.ActiveDeadlineSeconds = new(DefaultInitDeadlineSeconds)
		}
		spec.Init = &in
	}
	if spec.Membership != nil {
		m := *spec.Membership
		if m.BackoffLimit == nil {
			m.BackoffLimit = new(DefaultMembershipBackoffLimit)
		}
		if m.ActiveDeadlineSeconds == nil {
			m.ActiveDeadlineSeconds = new(DefaultMembershipDeadlineSeconds)
		}
		spec.Membership = &m
	}
	return spec
}
