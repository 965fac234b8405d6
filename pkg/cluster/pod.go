package cluster

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/ordinal-dev/ordinal/pkg/labels"
	"github.com/ordinal-dev/ordinal/pkg/validation"
)

// podTemplate plans the StatefulSet's pod template: its metadata, the pod
// spec and the volumes; containers.go adds the containers, scheduling.go
// and security.go their parts.
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
		p.renameGenerated(c.Env, c.EnvFrom)
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
	spec := corev1.PodSpec{
		ServiceAccountName:           s.ServiceAccountName,
		AutomountServiceAccountToken: new(s.AutomountServiceAccountToken),
		SecurityContext:              p.podSecurity(),
	}
	for _, name := range s.ImagePullSecrets {
		spec.ImagePullSecrets = append(spec.ImagePullSecrets, corev1.LocalObjectReference{Name: name})
	}
	return spec
}

// volumes are the pod's volumes: spec.volumes, then the projected config
// directory (config.go). Claims are volumeClaimTemplates, not volumes.
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
	if p.Spec.Config != nil {
		out = append(out, p.configVolume())
	}
	return out
}

// volumeNames returns the set of pod volume names: claims, spec.volumes
// and the config directory.
func (v *validator) volumeNames() map[string]bool {
	out := make(map[string]bool, len(v.spec.Claims)+len(v.spec.Volumes)+1)
	for _, c := range v.spec.Claims {
		out[c.Name] = true
	}
	for _, vol := range v.spec.Volumes {
		out[vol.Name] = true
	}
	if v.spec.Config != nil {
		out[v.spec.Config.VolumeName] = true
	}
	return out
}

// volumes checks that the names of spec.volumes, the claims and the config
// directory are unique.
func (v *validator) volumes(p *validation.Path) {
	claims := map[string]bool{}
	for _, c := range v.spec.Claims {
		claims[c.Name] = true
	}
	seen := map[string]int{}
	for i, vol := range v.spec.Volumes {
		vp := p.Index(i).Child("name")
		if !v.DNSLabel(vp, vol.Name) {
			continue
		}
		if j, dup := seen[vol.Name]; dup {
			v.Duplicate(vp, vol.Name, fmt.Sprintf("spec.volumes[%d] already uses this name", j))
		} else if claims[vol.Name] {
			v.Duplicate(vp, vol.Name, "a claim already uses this name; rename the volume")
		} else if v.spec.Config != nil && vol.Name == v.spec.Config.VolumeName {
			v.Duplicate(vp, vol.Name, "the config volume uses this name; rename the volume or set spec.config.volumeName")
		}
		seen[vol.Name] = i
	}
	if cfg := v.spec.Config; cfg != nil && claims[cfg.VolumeName] {
		v.Duplicate(validation.NewPath("spec").Child("config").Child("volumeName"), cfg.VolumeName, "a claim already uses this name; set another volumeName")
	}
}
