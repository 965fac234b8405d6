package cluster

import (
	"slices"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/ordinal-dev/ordinal/pkg/validation"
)

// deployTimeImage reports whether the image of a container (or of
// InitContainerName) is supplied at deploy time.
func (o Options) deployTimeImage(container string) bool {
	return slices.Contains(o.DeployTimeImages, container)
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
	p.resolveClaimTemplates(sts.Spec.VolumeClaimTemplates, d)
	return sts
}

// ResolveClaimTemplates are the StatefulSet's claim templates of
// ResolveStatefulSet, copied and resolved without the rest of it.
func (p *Plan) ResolveClaimTemplates(d Deployed) []corev1.PersistentVolumeClaim {
	templates := make([]corev1.PersistentVolumeClaim, len(p.StatefulSet.Spec.VolumeClaimTemplates))
	for i, t := range p.StatefulSet.Spec.VolumeClaimTemplates {
		t.DeepCopyInto(&templates[i])
	}
	p.resolveClaimTemplates(templates, d)
	return templates
}

// resolveClaimTemplates writes the deploy-time storage class into the
// templates that take it.
func (p *Plan) resolveClaimTemplates(templates []corev1.PersistentVolumeClaim, d Deployed) {
	if d.StorageClassName == "" {
		return
	}
	for i := range templates {
		if p.deployTimeClass(i) {
			class := d.StorageClassName
			templates[i].Spec.StorageClassName = &class
		}
	}
}

// ResolveInitJob is the init Job half of Resolve; nil without an init Job.
func (p *Plan) ResolveInitJob(d Deployed) *batchv1.Job { return p.resolveJob(p.InitJob, d) }

// ResolveMembershipJob fills the deploy-time values into the membership
// Job; nil without one.
func (p *Plan) ResolveMembershipJob(d Deployed) *batchv1.Job { return p.resolveJob(p.MembershipJob, d) }

func (p *Plan) resolveJob(j *batchv1.Job, d Deployed) *batchv1.Job {
	if j == nil {
		return nil
	}
	job := j.DeepCopy()
	resolveContainers(job.Spec.Template.Spec.InitContainers, d.Images, "")
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
func (p *Plan) InitJobReads() Reads { return p.jobReads(p.InitJob) }

// MembershipJobReads are the deploy-time values ResolveMembershipJob reads.
func (p *Plan) MembershipJobReads() Reads { return p.jobReads(p.MembershipJob) }

func (p *Plan) jobReads(j *batchv1.Job) Reads {
	var r Reads
	if j == nil {
		return r
	}
	pod := &j.Spec.Template.Spec
	for _, c := range pod.InitContainers {
		if p.Options.deployTimeImage(c.Name) {
			r.Images = append(r.Images, c.Name)
		}
	}
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

// deployTimeImages checks that every deploy-time image names a container.
func (v *validator) deployTimeImages() {
	known := map[string]bool{}
	for _, c := range v.spec.Containers {
		known[c.Name] = true
	}
	for _, c := range v.spec.InitContainers {
		known[c.Name] = true
	}
	if v.spec.Init != nil {
		known[InitContainerName] = true
	}
	for _, name := range v.opts.DeployTimeImages {
		if !known[name] {
			v.Invalid(validation.NewPath("images").Key(name), name, "names no container; use the name of a container, an init container, or \"init\" for the init Job")
		}
	}
}
