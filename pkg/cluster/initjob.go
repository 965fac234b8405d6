package cluster

import (
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/ordinal-dev/ordinal/pkg/labels"
	"github.com/ordinal-dev/ordinal/pkg/validation"
)

// InitContainerName is the name of the init Job's container; pass an image
// for it under this name to override the default (the first container's).
const InitContainerName = "init"

// InitJob is the one-time Job that bootstraps the cluster (e.g.
// `cockroach init`). It runs alongside the pods, never after their
// readiness (which may need the init to happen first), and retries until
// the first pod answers.
//
// It runs again only when what it runs changes: the fields below, the
// config directory it mounts (Config.InitJob) and the Secret its env
// names, the ServiceAccount, security context and image pull secrets it
// runs with; or when it failed. The cluster's labels, pod labels and
// annotations, scheduling, priority and image version do not re-run it
// (the first container's image, which it runs by default, is ignored once
// the Job exists: components.InitJobOptions). A new namespace or name is
// a new cluster with claims of its own, and its init runs there once. It
// must be idempotent all the same: a Job that failed runs again.
type InitJob struct {
	// Image defaults to the first container's image.
	Image string
	// Command and Args run the bootstrap (the image's entrypoint and
	// arguments when empty).
	Command []string
	Args    []string
	// Env of the Job's container.
	Env []corev1.EnvVar
	// Resources of the Job's container.
	Resources corev1.ResourceRequirements
	// BackoffLimit is how many failed attempts are retried; default 20.
	BackoffLimit *int32
	// ActiveDeadlineSeconds bounds the whole Job; default 900.
	ActiveDeadlineSeconds *int64
	// PodAnnotations are the annotations of the Job's pod (e.g.
	// sidecar.istio.io/inject: "false"); the cluster's Annotations and
	// PodAnnotations are not put there.
	PodAnnotations map[string]string
	// NodeSelector, Tolerations and PriorityClassName place the Job's pod;
	// by default it runs wherever the scheduler puts it (it is a client of
	// the cluster). The cluster's Scheduling and PriorityClassName are not
	// used, so that changing them leaves the Job alone.
	NodeSelector      map[string]string
	Tolerations       []corev1.Toleration
	PriorityClassName string
}

// initJob plans the init Job; nil without spec.Init. Its image may be
// supplied at deploy time (see Resolve).
func (p *Plan) initJob() *batchv1.Job {
	in := p.Spec.Init
	if in == nil {
		return nil
	}
	job := p.job("init", p.Spec.Objects.InitJob, p.initJobName(), *in)
	if cfg := p.Spec.Config; cfg != nil && cfg.InitJob {
		spec := &job.Spec.Template.Spec
		c := &spec.Containers[0]
		c.VolumeMounts = append(c.VolumeMounts, corev1.VolumeMount{Name: cfg.VolumeName, MountPath: cfg.MountPath, ReadOnly: true})
		for _, v := range p.volumes() {
			if v.Name == cfg.VolumeName {
				spec.Volumes = append(spec.Volumes, v)
			}
		}
	}
	return job
}

// job plans a Job of the cluster (the init Job, the membership Job) that
// runs in as component: one container (InitContainerName) with in's
// settings, the pods' service account, security and pull secrets, and
// restartPolicy OnFailure.
func (p *Plan) job(component string, o Object, name string, in InitJob) *batchv1.Job {
	id := p.Identity
	id.Component = component
	// No version label: the Job bootstraps the cluster once, and a version
	// bump must not change its (immutable) template and re-run it.
	id.Version = ""
	// The pod gets the identity labels only: the cluster's labels go on
	// the Job object, where a change updates it instead of replacing the
	// Job (its template is immutable) and running it again.
	podLabels := id.Labels(nil)
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
	spec.NodeSelector = in.NodeSelector
	spec.Tolerations = in.Tolerations
	spec.PriorityClassName = in.PriorityClassName
	p.renameGenerated(c.Env, nil)
	spec.Containers = []corev1.Container{p.secureContainer(c)}
	return &batchv1.Job{
		TypeMeta:   metav1.TypeMeta{APIVersion: "batch/v1", Kind: "Job"},
		ObjectMeta: p.child(o, name, jobLabels),
		Spec: batchv1.JobSpec{
			Completions:           new(int32(1)),
			Parallelism:           new(int32(1)),
			BackoffLimit:          in.BackoffLimit,
			ActiveDeadlineSeconds: in.ActiveDeadlineSeconds,
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: podLabels, Annotations: labels.Merge(nil, in.PodAnnotations)},
				Spec:       spec,
			},
		},
	}
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

// initJob checks spec.init.
func (v *validator) initJob(p *validation.Path, in InitJob, noCommand string) {
	if len(in.Command) == 0 && len(in.Args) == 0 {
		v.Required(p.Child("command"), noCommand)
	}
	v.Image(p.Child("image"), in.Image)
	if in.Image == "" && !v.opts.deployTimeImage(InitContainerName) && len(v.spec.Containers) > 0 {
		first := v.spec.Containers[0]
		if first.Image == "" && !v.opts.deployTimeImage(first.Name) {
			v.Required(p.Child("image"), "set the init Job's image (it defaults to the first container's image, which is not set either)")
		}
	}
	if in.BackoffLimit != nil && *in.BackoffLimit < 0 {
		v.Invalid(p.Child("backoffLimit"), *in.BackoffLimit, "must be >= 0")
	}
	if in.ActiveDeadlineSeconds != nil && *in.ActiveDeadlineSeconds <= 0 {
		v.Invalid(p.Child("activeDeadlineSeconds"), *in.ActiveDeadlineSeconds, "must be > 0")
	}
	v.resources(p.Child("resources"), in.Resources)
	v.env(p.Child("env"), in.Env)
	v.Annotations(p.Child("podAnnotations"), in.PodAnnotations)
	v.Labels(p.Child("nodeSelector"), in.NodeSelector)
	for i, t := range in.Tolerations {
		v.toleration(p.Child("tolerations").Index(i), t)
	}
	if in.PriorityClassName != "" {
		v.DNSSubdomain(p.Child("priorityClassName"), in.PriorityClassName)
	}
}
