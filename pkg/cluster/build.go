package cluster

import (
	"fmt"
	"maps"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/ordinal-dev/ordinal/pkg/labels"
	"github.com/ordinal-dev/ordinal/pkg/localpv"
	"github.com/ordinal-dev/ordinal/pkg/naming"
	"github.com/ordinal-dev/ordinal/pkg/network"
	"github.com/ordinal-dev/ordinal/pkg/validation"
)

// InitContainerName is the name of the init Job's container; pass an image
// for it under this name to override the default (the first container's).
const InitContainerName = "init"

// ConfigChecksumAnnotation is the pod template annotation holding the hash
// of the generated ConfigMap's content.
const ConfigChecksumAnnotation = "ordinal.dev/config-checksum"

// Options carries what the component knows besides the Spec.
type Options struct {
	// DeployTimeImages names the containers (or InitContainerName) whose
	// image is supplied when Pulumi runs; their Image may be empty.
	DeployTimeImages []string
	// StorageClassName is the class for claims that set none. Empty with
	// DeployTimeStorageClass false means the cluster's default class.
	StorageClassName string
	// DeployTimeStorageClass is true when the class is supplied when Pulumi runs.
	DeployTimeStorageClass bool
	// Pool is the LocalVolumePool the claims bind to, for capacity and
	// anti-affinity checks; its class is used when StorageClassName is empty.
	Pool *localpv.Plan
	// SecretKeys are the keys of the Secret the component generates from
	// secret data; the values never reach the plan.
	SecretKeys []string
}

func (o Options) deployTimeImage(container string) bool {
	return contains(o.DeployTimeImages, container)
}

// Plan holds the objects of a DatabaseCluster. Objects that hold values
// supplied at deploy time (images, storage class, the generated Secret's
// name) are templates: call Resolve to fill them in.
type Plan struct {
	Name     string
	Spec     Spec
	Options  Options
	Identity labels.Identity
	Network  *network.Plan
	// StatefulSet and InitJob are templates; see Resolve.
	StatefulSet *appsv1.StatefulSet
	InitJob     *batchv1.Job
	PDB         *policyv1.PodDisruptionBudget
	// NetworkPolicy is nil unless spec.NetworkPolicy is enabled.
	NetworkPolicy *networkingv1.NetworkPolicy
	// RBAC is nil unless spec.Access is set.
	RBAC *RBAC
	// ConfigMap holds Config.Data under a content-addressed name.
	ConfigMap *corev1.ConfigMap
	// Secret is the generated Secret's metadata (no data); its name is
	// chosen at deploy time.
	Secret *corev1.Secret
	// ConfigChecksum is the SHA-256 of Config.Data ("" without data).
	ConfigChecksum string
}

// New validates spec and plans every object. name is the component's name,
// which is also the StatefulSet's name.
func New(name string, spec Spec, opts Options) (*Plan, error) {
	l := validation.New(Kind, name)
	spec = Defaults(name, spec)
	Validate(l, name, spec, opts)
	if err := l.Err(); err != nil {
		return nil, err
	}
	return Build(name, spec, opts), nil
}

// Build plans the objects of a validated spec (defaults applied).
func Build(name string, spec Spec, opts Options) *Plan {
	p := &Plan{Name: name, Spec: spec, Options: opts}
	p.Identity = labels.Identity{Name: spec.AppName, Instance: name, Component: "database", PartOf: spec.PartOf, Version: spec.Version}
	objLabels := p.Identity.Labels(spec.Labels)
	p.Network = network.Build(name, network.Defaults(name, network.Spec{
		ServiceName:     spec.Network.ServiceName,
		StatefulSetName: name,
		Replicas:        spec.Replicas,
		OrdinalStart:    spec.OrdinalStart,
		Selector:        p.Identity.Selector(),
		Ports:           spec.Ports,
		ClusterDomain:   spec.Network.ClusterDomain,
		Client:          spec.Network.Client,
		Labels:          objLabels,
		Annotations:     spec.Annotations,
	}))
	if spec.Config != nil && len(spec.Config.Data) > 0 {
		parts := make([]string, 0, 2*len(spec.Config.Data))
		for _, k := range validation.SortedKeys(spec.Config.Data) {
			parts = append(parts, k, spec.Config.Data[k])
		}
		p.ConfigChecksum = naming.ContentHash(parts...)
		p.ConfigMap = &corev1.ConfigMap{
			TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "ConfigMap"},
			ObjectMeta: p.meta(naming.Child(name, "config-"+naming.Short(p.ConfigChecksum, 10)), objLabels),
			Data:       maps.Clone(spec.Config.Data),
		}
	}
	if len(opts.SecretKeys) > 0 {
		p.Secret = &corev1.Secret{
			TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Secret"},
			ObjectMeta: p.meta(GeneratedSecret, objLabels),
			Type:       corev1.SecretTypeOpaque,
		}
	}
	p.StatefulSet = p.statefulSet(objLabels)
	p.PDB = p.pdb(objLabels)
	p.InitJob = p.initJob(objLabels)
	p.NetworkPolicy = p.networkPolicy(objLabels)
	p.RBAC = p.rbac(objLabels)
	return p
}

func (p *Plan) meta(name string, l map[string]string) metav1.ObjectMeta {
	return metav1.ObjectMeta{Name: name, Labels: maps.Clone(l), Annotations: labels.Merge(nil, p.Spec.Annotations)}
}

func (p *Plan) statefulSet(objLabels map[string]string) *appsv1.StatefulSet {
	s := &p.Spec
	replicas := s.Replicas
	sts := &appsv1.StatefulSet{
		TypeMeta:   metav1.TypeMeta{APIVersion: "apps/v1", Kind: "StatefulSet"},
		ObjectMeta: p.meta(p.Name, objLabels),
		Spec: appsv1.StatefulSetSpec{
			Replicas:             &replicas,
			Selector:             &metav1.LabelSelector{MatchLabels: p.Identity.Selector()},
			ServiceName:          s.Network.ServiceName,
			PodManagementPolicy:  s.PodManagementPolicy,
			MinReadySeconds:      s.MinReadySeconds,
			RevisionHistoryLimit: s.RevisionHistoryLimit,
			UpdateStrategy:       appsv1.StatefulSetUpdateStrategy{Type: s.UpdateStrategy.Type},
			PersistentVolumeClaimRetentionPolicy: &appsv1.StatefulSetPersistentVolumeClaimRetentionPolicy{
				WhenDeleted: s.ClaimRetention.WhenDeleted,
				WhenScaled:  s.ClaimRetention.WhenScaled,
			},
			Template: p.podTemplate(objLabels),
		},
	}
	if s.UpdateStrategy.Type == appsv1.RollingUpdateStatefulSetStrategyType {
		partition := s.UpdateStrategy.Partition
		sts.Spec.UpdateStrategy.RollingUpdate = &appsv1.RollingUpdateStatefulSetStrategy{
			Partition:      &partition,
			MaxUnavailable: s.UpdateStrategy.MaxUnavailable,
		}
	}
	if s.OrdinalStart != 0 {
		sts.Spec.Ordinals = &appsv1.StatefulSetOrdinals{Start: s.OrdinalStart}
	}
	for _, c := range s.Claims {
		mode := c.VolumeMode
		pvc := corev1.PersistentVolumeClaim{
			TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "PersistentVolumeClaim"},
			ObjectMeta: metav1.ObjectMeta{
				Name: c.Name,
				// Only immutable labels: changing a template replaces the StatefulSet.
				Labels:      withSelector(p.Identity, c.Labels),
				Annotations: labels.Merge(nil, c.Annotations),
			},
			Spec: corev1.PersistentVolumeClaimSpec{
				AccessModes: c.AccessModes,
				VolumeMode:  &mode,
				Resources: corev1.VolumeResourceRequirements{
					Requests: corev1.ResourceList{corev1.ResourceStorage: resource.MustParse(c.Size)},
				},
			},
		}
		if class := p.claimClass(c); class != "" {
			pvc.Spec.StorageClassName = &class
		}
		sts.Spec.VolumeClaimTemplates = append(sts.Spec.VolumeClaimTemplates, pvc)
	}
	return sts
}

// claimClass is the class written into a claim template; "" means the
// cluster default, or a value supplied at deploy time (see Resolve).
func (p *Plan) claimClass(c Claim) string {
	if c.StorageClassName != "" {
		return c.StorageClassName
	}
	if p.Options.StorageClassName != "" {
		return p.Options.StorageClassName
	}
	if p.Options.Pool != nil && !p.Options.DeployTimeStorageClass {
		return p.Options.Pool.Spec.StorageClassName
	}
	return ""
}

func (p *Plan) podTemplate(objLabels map[string]string) corev1.PodTemplateSpec {
	s := &p.Spec
	ann := labels.Merge(s.Annotations, s.PodAnnotations) // a new map, or nil
	if p.ConfigChecksum != "" {
		if ann == nil {
			ann = make(map[string]string, 1)
		}
		ann[ConfigChecksumAnnotation] = p.ConfigChecksum
	}
	spec := p.podSpec()
	spec.Affinity = p.affinity()
	spec.TopologySpreadConstraints = p.spread()
	spec.NodeSelector = s.Scheduling.NodeSelector
	spec.Tolerations = s.Scheduling.Tolerations
	spec.PriorityClassName = s.PriorityClassName
	spec.TerminationGracePeriodSeconds = s.TerminationGracePeriodSeconds
	if len(s.Containers) > 0 {
		spec.Containers = make([]corev1.Container, 0, len(s.Containers))
	}
	for i := range s.Containers {
		spec.Containers = append(spec.Containers, p.container(s.Containers[i], i))
	}
	if len(s.InitContainers) > 0 {
		spec.InitContainers = make([]corev1.Container, 0, len(s.InitContainers))
	}
	for i := range s.InitContainers {
		var c corev1.Container
		s.InitContainers[i].DeepCopyInto(&c)
		spec.InitContainers = append(spec.InitContainers, p.secureContainer(c))
	}
	spec.Volumes = p.volumes() // podSpec sets no volumes
	return corev1.PodTemplateSpec{
		ObjectMeta: metav1.ObjectMeta{Labels: labels.Merge(objLabels, s.PodLabels), Annotations: ann},
		Spec:       spec,
	}
}

// podSpec is the pod-level part shared by the StatefulSet and the init Job.
func (p *Plan) podSpec() corev1.PodSpec {
	s := &p.Spec
	automount := s.AutomountServiceAccountToken
	spec := corev1.PodSpec{
		ServiceAccountName:           s.ServiceAccountName,
		AutomountServiceAccountToken: &automount,
		SecurityContext:              p.podSecurity(),
	}
	for _, name := range s.ImagePullSecrets {
		spec.ImagePullSecrets = append(spec.ImagePullSecrets, corev1.LocalObjectReference{Name: name})
	}
	return spec
}

func (p *Plan) container(in corev1.Container, index int) corev1.Container {
	var c corev1.Container
	in.DeepCopyInto(&c)
	if index == 0 {
		declared := map[string]bool{}
		for _, port := range c.Ports {
			declared[port.Name] = true
		}
		var ports []corev1.ContainerPort
		if n := len(p.Spec.Ports) + len(c.Ports); n > 0 {
			ports = make([]corev1.ContainerPort, 0, n)
		}
		for _, port := range p.Spec.Ports {
			if !declared[port.Name] {
				ports = append(ports, corev1.ContainerPort{Name: port.Name, ContainerPort: port.Port, Protocol: port.Protocol})
			}
		}
		c.Ports = append(ports, c.Ports...)
	}
	for _, cl := range p.Spec.Claims {
		if !contains(cl.Containers, c.Name) {
			continue
		}
		if cl.VolumeMode == corev1.PersistentVolumeBlock {
			c.VolumeDevices = append(c.VolumeDevices, corev1.VolumeDevice{Name: cl.Name, DevicePath: cl.DevicePath})
		} else {
			c.VolumeMounts = append(c.VolumeMounts, corev1.VolumeMount{Name: cl.Name, MountPath: cl.MountPath})
		}
	}
	if cfg := p.Spec.Config; cfg != nil && contains(cfg.Containers, c.Name) {
		c.VolumeMounts = append(c.VolumeMounts, corev1.VolumeMount{Name: cfg.VolumeName, MountPath: cfg.MountPath, ReadOnly: true})
	}
	p.renameGenerated(c.Env, c.EnvFrom)
	return p.secureContainer(c)
}

// renameGenerated points references to the generated ConfigMap at its
// content-addressed name. Secret references keep the placeholder until Resolve.
func (p *Plan) renameGenerated(env []corev1.EnvVar, envFrom []corev1.EnvFromSource) {
	if p.ConfigMap == nil {
		return
	}
	for i := range env {
		if vf := env[i].ValueFrom; vf != nil && vf.ConfigMapKeyRef != nil && vf.ConfigMapKeyRef.Name == GeneratedConfigMap {
			vf.ConfigMapKeyRef.Name = p.ConfigMap.Name
		}
	}
	for i := range envFrom {
		if r := envFrom[i].ConfigMapRef; r != nil && r.Name == GeneratedConfigMap {
			r.Name = p.ConfigMap.Name
		}
	}
}

func (p *Plan) volumes() []corev1.Volume {
	n := len(p.Spec.Volumes)
	if p.Spec.Config != nil {
		n++
	}
	if n == 0 {
		return nil
	}
	out := make([]corev1.Volume, len(p.Spec.Volumes), n)
	for i := range p.Spec.Volumes {
		p.Spec.Volumes[i].DeepCopyInto(&out[i])
	}
	if cfg := p.Spec.Config; cfg != nil {
		out = append(out, corev1.Volume{
			Name: cfg.VolumeName,
			VolumeSource: corev1.VolumeSource{Projected: &corev1.ProjectedVolumeSource{
				DefaultMode: cfg.DefaultMode,
				Sources:     p.projections(),
			}},
		})
	}
	return out
}

func (p *Plan) projections() []corev1.VolumeProjection {
	cfg := p.Spec.Config
	n := len(cfg.Sources)
	if p.ConfigMap != nil {
		n++
	}
	if p.Secret != nil {
		n++
	}
	if n == 0 {
		return nil
	}
	out := make([]corev1.VolumeProjection, 0, n)
	if p.ConfigMap != nil {
		out = append(out, corev1.VolumeProjection{ConfigMap: &corev1.ConfigMapProjection{
			LocalObjectReference: corev1.LocalObjectReference{Name: p.ConfigMap.Name},
		}})
	}
	if p.Secret != nil {
		items := make([]corev1.KeyToPath, 0, len(p.Options.SecretKeys)) // not empty: see Build
		for _, k := range p.Options.SecretKeys {
			mode := *cfg.SecretMode
			items = append(items, corev1.KeyToPath{Key: k, Path: k, Mode: &mode})
		}
		out = append(out, corev1.VolumeProjection{Secret: &corev1.SecretProjection{
			LocalObjectReference: corev1.LocalObjectReference{Name: GeneratedSecret},
			Items:                items,
		}})
	}
	for i := range cfg.Sources {
		out = append(out, corev1.VolumeProjection{})
		src := &out[len(out)-1]
		cfg.Sources[i].DeepCopyInto(src)
		if src.ConfigMap != nil && src.ConfigMap.Name == GeneratedConfigMap && p.ConfigMap != nil {
			src.ConfigMap.Name = p.ConfigMap.Name
		}
	}
	return out
}

func (p *Plan) affinity() *corev1.Affinity {
	s := p.Spec.Scheduling
	var aff *corev1.Affinity
	if s.Affinity != nil {
		aff = s.Affinity.DeepCopy()
	}
	if s.AntiAffinity == AntiAffinityNone {
		return aff
	}
	if aff == nil {
		aff = &corev1.Affinity{}
	}
	if aff.PodAntiAffinity == nil {
		aff.PodAntiAffinity = &corev1.PodAntiAffinity{}
	}
	term := corev1.PodAffinityTerm{
		LabelSelector: &metav1.LabelSelector{MatchLabels: p.Identity.Selector()},
		TopologyKey:   s.AntiAffinityTopologyKey,
	}
	if s.AntiAffinity == AntiAffinityHard {
		aff.PodAntiAffinity.RequiredDuringSchedulingIgnoredDuringExecution = append(aff.PodAntiAffinity.RequiredDuringSchedulingIgnoredDuringExecution, term)
	} else {
		aff.PodAntiAffinity.PreferredDuringSchedulingIgnoredDuringExecution = append(aff.PodAntiAffinity.PreferredDuringSchedulingIgnoredDuringExecution,
			corev1.WeightedPodAffinityTerm{Weight: 100, PodAffinityTerm: term})
	}
	return aff
}

func (p *Plan) spread() []corev1.TopologySpreadConstraint {
	s := p.Spec.Scheduling
	var out []corev1.TopologySpreadConstraint
	if s.ZoneSpread != SpreadNone {
		when := corev1.ScheduleAnyway
		if s.ZoneSpread == SpreadHard {
			when = corev1.DoNotSchedule
		}
		out = append(out, corev1.TopologySpreadConstraint{
			MaxSkew:           1,
			TopologyKey:       s.ZoneTopologyKey,
			WhenUnsatisfiable: when,
			LabelSelector:     &metav1.LabelSelector{MatchLabels: p.Identity.Selector()},
		})
	}
	for i := range s.TopologySpreadConstraints {
		out = append(out, corev1.TopologySpreadConstraint{})
		s.TopologySpreadConstraints[i].DeepCopyInto(&out[len(out)-1])
	}
	return out
}

func (p *Plan) podSecurity() *corev1.PodSecurityContext {
	sec := p.Spec.Security
	var out *corev1.PodSecurityContext
	if sec.PodSecurityContext != nil {
		out = sec.PodSecurityContext.DeepCopy()
	}
	if sec.Profile != SecurityRestricted {
		return out
	}
	if out == nil {
		out = &corev1.PodSecurityContext{}
	}
	if out.RunAsNonRoot == nil {
		t := true
		out.RunAsNonRoot = &t
	}
	if out.RunAsUser == nil {
		out.RunAsUser = ptr(*sec.RunAsUser)
	}
	if out.RunAsGroup == nil {
		out.RunAsGroup = ptr(*sec.RunAsGroup)
	}
	if out.FSGroup == nil {
		out.FSGroup = ptr(*sec.FSGroup)
	}
	if out.FSGroupChangePolicy == nil {
		pol := corev1.FSGroupChangeOnRootMismatch
		out.FSGroupChangePolicy = &pol
	}
	if out.SeccompProfile == nil {
		out.SeccompProfile = &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault}
	}
	return out
}

func (p *Plan) secureContainer(c corev1.Container) corev1.Container {
	sec := p.Spec.Security
	if sec.Profile != SecurityRestricted {
		return c
	}
	if c.SecurityContext == nil {
		c.SecurityContext = &corev1.SecurityContext{}
	}
	sc := c.SecurityContext
	if sc.AllowPrivilegeEscalation == nil {
		sc.AllowPrivilegeEscalation = ptr(false)
	}
	if sc.Capabilities == nil {
		sc.Capabilities = &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}}
	}
	if sc.RunAsNonRoot == nil {
		sc.RunAsNonRoot = ptr(true)
	}
	if sc.ReadOnlyRootFilesystem == nil && sec.ReadOnlyRootFilesystem {
		sc.ReadOnlyRootFilesystem = ptr(true)
	}
	if sc.SeccompProfile == nil {
		sc.SeccompProfile = &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault}
	}
	return c
}

func (p *Plan) pdb(objLabels map[string]string) *policyv1.PodDisruptionBudget {
	d := p.Spec.Disruption
	if d != nil && d.Disabled {
		return nil
	}
	pdb := &policyv1.PodDisruptionBudget{
		TypeMeta:   metav1.TypeMeta{APIVersion: "policy/v1", Kind: "PodDisruptionBudget"},
		ObjectMeta: p.meta(p.Name, objLabels),
		Spec: policyv1.PodDisruptionBudgetSpec{
			Selector: &metav1.LabelSelector{MatchLabels: p.Identity.Selector()},
		},
	}
	switch {
	case d != nil && d.MinAvailable != nil:
		pdb.Spec.MinAvailable = ptr(*d.MinAvailable)
	case d != nil && d.MaxUnavailable != nil:
		pdb.Spec.MaxUnavailable = ptr(*d.MaxUnavailable)
	default:
		pdb.Spec.MinAvailable = ptr(intstr.FromInt32(Quorum(p.Spec.Replicas)))
	}
	if d != nil {
		pdb.Spec.UnhealthyPodEvictionPolicy = d.UnhealthyPodEvictionPolicy
	}
	return pdb
}

func (p *Plan) initJob(objLabels map[string]string) *batchv1.Job {
	in := p.Spec.Init
	if in == nil {
		return nil
	}
	id := p.Identity
	id.Component = "init"
	// No version label: the Job bootstraps the cluster once, and a version
	// bump must not change its (immutable) template and re-run it.
	id.Version = ""
	jobLabels := id.Labels(p.Spec.Labels)
	image := in.Image
	// Without an image of its own, the Job runs the first container's image;
	// when that one is supplied at deploy time, Resolve fills it in.
	if image == "" && !p.Options.deployTimeImage(InitContainerName) && len(p.Spec.Containers) > 0 && !p.Options.deployTimeImage(p.Spec.Containers[0].Name) {
		image = p.Spec.Containers[0].Image
	}
	c := corev1.Container{
		Name:      InitContainerName,
		Image:     image,
		Command:   in.Command,
		Args:      in.Args,
		Env:       copyEnv(in.Env),
		Resources: in.Resources,
	}
	spec := p.podSpec()
	spec.RestartPolicy = corev1.RestartPolicyOnFailure
	spec.NodeSelector = p.Spec.Scheduling.NodeSelector
	spec.Tolerations = p.Spec.Scheduling.Tolerations
	spec.PriorityClassName = p.Spec.PriorityClassName
	if cfg := p.Spec.Config; cfg != nil && cfg.InitJob {
		c.VolumeMounts = append(c.VolumeMounts, corev1.VolumeMount{Name: cfg.VolumeName, MountPath: cfg.MountPath, ReadOnly: true})
		for _, v := range p.volumes() {
			if v.Name == cfg.VolumeName {
				spec.Volumes = append(spec.Volumes, v)
			}
		}
	}
	p.renameGenerated(c.Env, nil)
	spec.Containers = []corev1.Container{p.secureContainer(c)}
	completions, parallelism := int32(1), int32(1)
	job := &batchv1.Job{
		TypeMeta:   metav1.TypeMeta{APIVersion: "batch/v1", Kind: "Job"},
		ObjectMeta: p.meta(naming.Child(p.Name, "init"), jobLabels),
		Spec: batchv1.JobSpec{
			Completions:           &completions,
			Parallelism:           &parallelism,
			BackoffLimit:          in.BackoffLimit,
			ActiveDeadlineSeconds: in.ActiveDeadlineSeconds,
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: jobLabels, Annotations: labels.Merge(nil, p.Spec.PodAnnotations)},
				Spec:       spec,
			},
		},
	}
	return job
}

func ptr[T any](v T) *T { return &v }

// withSelector returns id's selector labels with extra's entries over
// them, in a new map: labels.Merge(id.Selector(), extra) without the
// intermediate map.
func withSelector(id labels.Identity, extra map[string]string) map[string]string {
	out := id.Selector() // a new map
	maps.Copy(out, extra)
	return out
}

// copyEnv deep-copies env vars, so renaming references in the copy never
// reaches the caller's Spec.
func copyEnv(env []corev1.EnvVar) []corev1.EnvVar {
	if env == nil {
		return nil
	}
	out := make([]corev1.EnvVar, len(env))
	for i := range env {
		env[i].DeepCopyInto(&out[i])
	}
	return out
}

// Deployed holds the values Resolve fills in.
type Deployed struct {
	// Images by container name (InitContainerName for the init Job).
	Images map[string]string
	// StorageClassName for claims that name none (deploy-time class).
	StorageClassName string
	// SecretName is the generated Secret's name.
	SecretName string
}

// Resolve returns copies of the StatefulSet and init Job (nil when there is
// none) with deploy-time values filled in. It is safe to call with zero
// values (for example while Pulumi previews unknown inputs).
func (p *Plan) Resolve(d Deployed) (*appsv1.StatefulSet, *batchv1.Job) {
	return p.ResolveStatefulSet(d), p.ResolveInitJob(d)
}

// ResolveStatefulSet is the StatefulSet half of Resolve.
func (p *Plan) ResolveStatefulSet(d Deployed) *appsv1.StatefulSet {
	sts := p.StatefulSet.DeepCopy()
	pod := &sts.Spec.Template.Spec
	resolveContainers(pod.Containers, d.Images, "")
	resolveContainers(pod.InitContainers, d.Images, "")
	resolveSecret(pod, d.SecretName)
	if d.StorageClassName != "" {
		for i := range sts.Spec.VolumeClaimTemplates {
			if t := &sts.Spec.VolumeClaimTemplates[i]; p.deployTimeClass(i) {
				class := d.StorageClassName
				t.Spec.StorageClassName = &class
			}
		}
	}
	return sts
}

// ResolveInitJob is the init Job half of Resolve; nil without an init Job.
func (p *Plan) ResolveInitJob(d Deployed) *batchv1.Job {
	if p.InitJob == nil {
		return nil
	}
	job := p.InitJob.DeepCopy()
	resolveContainers(job.Spec.Template.Spec.Containers, d.Images, p.firstImage(d))
	resolveSecret(&job.Spec.Template.Spec, d.SecretName)
	return job
}

// Reads names the deploy-time values an object is resolved with.
type Reads struct {
	// Images by container name (InitContainerName for the init Job).
	Images []string
	// StorageClass: a claim takes the deploy-time class.
	StorageClass bool
	// Secret: the pods refer to the generated Secret.
	Secret bool
}

// StatefulSetReads are the deploy-time values ResolveStatefulSet reads:
// with the rest unknown, the StatefulSet can be resolved already.
func (p *Plan) StatefulSetReads() Reads {
	pod := &p.StatefulSet.Spec.Template.Spec
	var r Reads
	for _, cs := range [][]corev1.Container{pod.Containers, pod.InitContainers} {
		for _, c := range cs {
			if p.Options.deployTimeImage(c.Name) {
				r.Images = append(r.Images, c.Name)
			}
		}
	}
	for i := range p.StatefulSet.Spec.VolumeClaimTemplates {
		r.StorageClass = r.StorageClass || (p.Options.DeployTimeStorageClass && p.deployTimeClass(i))
	}
	secretRefs(pod, func(*string) { r.Secret = true })
	return r
}

// InitJobReads are the deploy-time values ResolveInitJob reads.
func (p *Plan) InitJobReads() Reads {
	var r Reads
	if p.InitJob == nil {
		return r
	}
	pod := &p.InitJob.Spec.Template.Spec
	for _, c := range pod.Containers {
		if p.Options.deployTimeImage(c.Name) {
			r.Images = append(r.Images, c.Name)
		}
		// An image the Job lacks falls back to the first container's.
		if first := p.StatefulSet.Spec.Template.Spec.Containers; c.Image == "" && len(first) > 0 && p.Options.deployTimeImage(first[0].Name) {
			r.Images = append(r.Images, first[0].Name)
		}
	}
	secretRefs(pod, func(*string) { r.Secret = true })
	return r
}

// deployTimeClass reports whether claim template i takes the deploy-time
// StorageClass (it names none of its own).
func (p *Plan) deployTimeClass(i int) bool {
	return p.StatefulSet.Spec.VolumeClaimTemplates[i].Spec.StorageClassName == nil && p.Spec.Claims[i].StorageClassName == ""
}

// firstImage is the resolved image of the first container, which an init
// Job without an image of its own runs.
func (p *Plan) firstImage(d Deployed) string {
	cs := p.StatefulSet.Spec.Template.Spec.Containers
	if len(cs) == 0 {
		return ""
	}
	if img := d.Images[cs[0].Name]; img != "" {
		return img
	}
	return cs[0].Image
}

func resolveContainers(cs []corev1.Container, images map[string]string, fallback string) {
	for i := range cs {
		if img, ok := images[cs[i].Name]; ok && img != "" {
			cs[i].Image = img
		} else if cs[i].Image == "" {
			cs[i].Image = fallback
		}
	}
}

func resolveSecret(pod *corev1.PodSpec, name string) {
	if name == "" {
		return
	}
	secretRefs(pod, func(ref *string) { *ref = name })
}

// secretRefs calls fn with every reference to the generated Secret in pod:
// projected volume sources, env and envFrom of containers and init
// containers.
func secretRefs(pod *corev1.PodSpec, fn func(ref *string)) {
	for i := range pod.Volumes {
		if pr := pod.Volumes[i].Projected; pr != nil {
			for j := range pr.Sources {
				if s := pr.Sources[j].Secret; s != nil && s.Name == GeneratedSecret {
					fn(&s.Name)
				}
			}
		}
	}
	for _, cs := range [][]corev1.Container{pod.Containers, pod.InitContainers} {
		for i := range cs {
			for _, e := range cs[i].Env {
				if vf := e.ValueFrom; vf != nil && vf.SecretKeyRef != nil && vf.SecretKeyRef.Name == GeneratedSecret {
					fn(&vf.SecretKeyRef.Name)
				}
			}
			for _, ef := range cs[i].EnvFrom {
				if ef.SecretRef != nil && ef.SecretRef.Name == GeneratedSecret {
					fn(&ef.SecretRef.Name)
				}
			}
		}
	}
}

// ConfigEnv is an env var read from a key of the generated ConfigMap.
func ConfigEnv(name, key string) corev1.EnvVar {
	return corev1.EnvVar{Name: name, ValueFrom: &corev1.EnvVarSource{ConfigMapKeyRef: &corev1.ConfigMapKeySelector{
		LocalObjectReference: corev1.LocalObjectReference{Name: GeneratedConfigMap}, Key: key,
	}}}
}

// SecretEnv is an env var read from a key of the generated Secret; the
// value never appears in the pod spec.
func SecretEnv(name, key string) corev1.EnvVar {
	return corev1.EnvVar{Name: name, ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{
		LocalObjectReference: corev1.LocalObjectReference{Name: GeneratedSecret}, Key: key,
	}}}
}

// FieldEnv is an env var from a downward-API field such as metadata.name.
func FieldEnv(name, fieldPath string) corev1.EnvVar {
	return corev1.EnvVar{Name: name, ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: fieldPath}}}
}

// PodHosts are the pods' names qualified by the governing Service.
func (p *Plan) PodHosts() []string { return p.Network.PodHosts() }

// String describes the plan briefly, for logs.
func (p *Plan) String() string {
	return fmt.Sprintf("%s %q: %d replicas, %d claims", Kind, p.Name, p.Spec.Replicas, len(p.Spec.Claims))
}
