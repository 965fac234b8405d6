package cluster

import (
	"slices"
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
// sets on a container's SecurityContext or in PodSecurityContext win, except
// where the restricted profile's guarantees would be lost: under it, every
// container drops ALL capabilities (a user's capabilities are merged into
// that, and only NET_BIND_SERVICE may be added), and settings the restricted
// Pod Security Standard forbids (user id 0, runAsNonRoot false, privileged,
// allowPrivilegeEscalation, an Unconfined seccomp profile) are refused.
type Security struct {
	// Profile is "restricted" (the default: Pod Security Standards
	// restricted) or "none" (nothing the spec does not set).
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
	// A copy: the caller's container shares the pointer.
	sc := c.SecurityContext.DeepCopy()
	c.SecurityContext = sc
	if sc.AllowPrivilegeEscalation == nil {
		sc.AllowPrivilegeEscalation = new(false)
	}
	// The user's capabilities are merged into the profile's: ALL is always
	// dropped (the restricted standard requires it), whatever is added.
	if sc.Capabilities == nil {
		sc.Capabilities = &corev1.Capabilities{}
	}
	if !slices.Contains(sc.Capabilities.Drop, capAll) {
		sc.Capabilities.Drop = append(sc.Capabilities.Drop, capAll)
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
		v.restrictedPod(p.Child("podSecurityContext"), s.PodSecurityContext)
		for _, cs := range []struct {
			field string
			list  []corev1.Container
		}{{"containers", v.spec.Containers}, {"initContainers", v.spec.InitContainers}} {
			for i, c := range cs.list {
				v.restrictedContainer(validation.NewPath("spec").Child(cs.field).Index(i).Child("securityContext"), c.SecurityContext)
			}
		}
	case SecurityNone:
	default:
		validation.NotSupported(v.List, p.Child("profile"), s.Profile, SecurityRestricted, SecurityNone)
	}
}

// capAll and capNetBindService are the capabilities the restricted Pod
// Security Standard names: drop ALL, add at most NET_BIND_SERVICE.
const (
	capAll            corev1.Capability = "ALL"
	capNetBindService corev1.Capability = "NET_BIND_SERVICE"
)

// restrictedFix ends each refusal of the restricted profile.
const restrictedFix = `, or set spec.security.profile "none"`

// restrictedPod refuses, in spec.security.podSecurityContext, what the
// restricted profile forbids: the same rules as spec.security.runAsUser.
func (v *validator) restrictedPod(p *validation.Path, sc *corev1.PodSecurityContext) {
	if sc == nil {
		return
	}
	v.nonRoot(p, sc.RunAsUser, sc.RunAsNonRoot)
	v.seccomp(p, sc.SeccompProfile)
}

// restrictedContainer refuses, in a container's securityContext, what the
// restricted profile forbids.
func (v *validator) restrictedContainer(p *validation.Path, sc *corev1.SecurityContext) {
	if sc == nil {
		return
	}
	v.nonRoot(p, sc.RunAsUser, sc.RunAsNonRoot)
	v.seccomp(p, sc.SeccompProfile)
	if sc.Privileged != nil && *sc.Privileged {
		v.Invalid(p.Child("privileged"), true, "the restricted profile runs unprivileged containers; remove privileged"+restrictedFix)
	}
	if sc.AllowPrivilegeEscalation != nil && *sc.AllowPrivilegeEscalation {
		v.Invalid(p.Child("allowPrivilegeEscalation"), true, "the restricted profile forbids privilege escalation; remove allowPrivilegeEscalation"+restrictedFix)
	}
	if sc.Capabilities != nil {
		for j, c := range sc.Capabilities.Add {
			if c != capNetBindService {
				v.Invalid(p.Child("capabilities").Child("add").Index(j), string(c), "the restricted profile drops ALL capabilities and allows adding only NET_BIND_SERVICE; remove it"+restrictedFix)
			}
		}
	}
}

// nonRoot refuses user id 0 and runAsNonRoot false.
func (v *validator) nonRoot(p *validation.Path, uid *int64, nonRoot *bool) {
	if uid != nil && *uid == 0 {
		v.Invalid(p.Child("runAsUser"), *uid, "the restricted profile runs as non-root; use a non-zero id such as 1000"+restrictedFix)
	}
	if nonRoot != nil && !*nonRoot {
		v.Invalid(p.Child("runAsNonRoot"), false, "the restricted profile runs as non-root; remove runAsNonRoot or set it true"+restrictedFix)
	}
}

// seccomp refuses an Unconfined seccomp profile.
func (v *validator) seccomp(p *validation.Path, sp *corev1.SeccompProfile) {
	if sp != nil && sp.Type == corev1.SeccompProfileTypeUnconfined {
		v.Invalid(p.Child("seccompProfile").Child("type"), string(sp.Type), "the restricted profile needs RuntimeDefault or Localhost; remove seccompProfile"+restrictedFix)
	}
}
