package cluster

import (
	"strings"

	corev1 "k8s.io/api/core/v1"
	k8svalidation "k8s.io/apimachinery/pkg/util/validation"

	"github.com/ordinal-dev/ordinal/pkg/validation"
)

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

// podSecurity is the pod's security context: spec.security.podSecurityContext,
// with the restricted profile's defaults where it sets nothing.
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
		out.RunAsNonRoot = new(true)
	}
	if out.RunAsUser == nil {
		out.RunAsUser = new(*sec.RunAsUser)
	}
	if out.RunAsGroup == nil {
		out.RunAsGroup = new(*sec.RunAsGroup)
	}
	if out.FSGroup == nil {
		out.FSGroup = new(*sec.FSGroup)
	}
	if out.FSGroupChangePolicy == nil {
		out.FSGroupChangePolicy = new(corev1.FSGroupChangeOnRootMismatch)
	}
	if out.SeccompProfile == nil {
		out.SeccompProfile = &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault}
	}
	return out
}

// secureContainer sets the restricted profile's defaults on a container's
// security context where the container sets nothing.
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
		sc.AllowPrivilegeEscalation = new(false)
	}
	if sc.Capabilities == nil {
		sc.Capabilities = &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}}
	}
	if sc.RunAsNonRoot == nil {
		sc.RunAsNonRoot = new(true)
	}
	if sc.ReadOnlyRootFilesystem == nil && sec.ReadOnlyRootFilesystem {
		sc.ReadOnlyRootFilesystem = new(true)
	}
	if sc.SeccompProfile == nil {
		sc.SeccompProfile = &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault}
	}
	return c
}

// security checks spec.security.
func (v *validator) security(p *validation.Path) {
	s := v.spec.Security
	switch s.Profile {
	case SecurityRestricted:
		for _, f := range []struct {
			name string
			val  *int64
		}{{"runAsUser", s.RunAsUser}, {"runAsGroup", s.RunAsGroup}, {"fsGroup", s.FSGroup}} {
			if f.val == nil {
				continue
			}
			if *f.val == 0 {
				v.Invalid(p.Child(f.name), *f.val, "the restricted profile runs as non-root; use a non-zero id such as 1000, or set profile \"none\"")
			} else if msgs := k8svalidation.IsValidUserID(*f.val); len(msgs) > 0 {
				v.Invalid(p.Child(f.name), *f.val, strings.Join(msgs, "; "))
			}
		}
	case SecurityNone:
	default:
		validation.NotSupported(v.List, p.Child("profile"), s.Profile, SecurityRestricted, SecurityNone)
	}
}
