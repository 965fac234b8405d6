package cluster

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/ordinal-dev/ordinal/pkg/validation"
)

// Access gives the pods (and the init Job) an identity in the Kubernetes
// API with exactly the namespaced permissions listed, for engines that
// discover peers or store state through the API. Without it the pods run
// with no API token at all.
type Access struct {
	// Rules of the namespaced Role bound to the cluster's ServiceAccount.
	// Wildcards ("*", also in subresources such as "*/exec" or "pods/*")
	// are refused: name each verb and resource. So are the verbs escalate,
	// bind and impersonate, which let the pods grant themselves more. With
	// NetworkPolicy.RestrictEgress, allow the API server in
	// NetworkPolicy.Egress.
	Rules []rbacv1.PolicyRule
}

// RBAC holds the objects planned for spec.Access; nil without it.
type RBAC struct {
	ServiceAccount *corev1.ServiceAccount
	Role           *rbacv1.Role
	RoleBinding    *rbacv1.RoleBinding
}

// rbac plans a ServiceAccount, a Role with the given rules and the binding,
// all named after the cluster unless spec.objects names them.
func (p *Plan) rbac(objLabels map[string]string) *RBAC {
	a := p.Spec.Access
	if a == nil {
		return nil
	}
	no := false
	o := p.Spec.Objects
	sa, role := serviceAccountName(p.Name, p.Spec), o.Role.name(p.Name)
	out := &RBAC{
		ServiceAccount: &corev1.ServiceAccount{
			TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "ServiceAccount"},
			ObjectMeta: p.child(o.ServiceAccount, sa, objLabels),
			// The pods opt in to a token themselves (automountServiceAccountToken on the pod).
			AutomountServiceAccountToken: &no,
		},
		Role: &rbacv1.Role{
			TypeMeta:   metav1.TypeMeta{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "Role"},
			ObjectMeta: p.child(o.Role, role, objLabels),
		},
		RoleBinding: &rbacv1.RoleBinding{
			TypeMeta:   metav1.TypeMeta{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "RoleBinding"},
			ObjectMeta: p.child(o.RoleBinding, p.Name, objLabels),
			RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: role},
			// The subject's namespace is the binding's own; the component fills it in.
			Subjects: []rbacv1.Subject{{Kind: rbacv1.ServiceAccountKind, Name: sa}},
		},
	}
	for _, r := range a.Rules {
		out.Role.Rules = append(out.Role.Rules, *r.DeepCopy())
	}
	return out
}

// escalating holds the verbs that let a holder gain permissions beyond the
// Role's, and why.
var escalating = map[string]string{
	"escalate":    "lets the pods create or edit Roles granting permissions they do not have",
	"bind":        "lets the pods bind Roles with permissions they do not have",
	"impersonate": "lets the pods act as other users, groups or service accounts",
}

func (v *validator) access(p *validation.Path) {
	a := v.spec.Access
	if a == nil {
		return
	}
	if sa := serviceAccountName(v.name, v.spec); v.spec.ServiceAccountName != "" && v.spec.ServiceAccountName != sa {
		v.Forbidden(validation.NewPath("spec").Child("serviceAccountName"), fmt.Sprintf("spec.access creates the ServiceAccount %q for the pods; remove serviceAccountName or remove access and bind your own account (to name the account spec.access creates, set spec.objects.serviceAccount.name)", sa))
	}
	if len(a.Rules) == 0 {
		v.Required(p.Child("rules"), "list the permissions the engine needs, e.g. {APIGroups: [\"\"], Resources: [\"endpoints\"], Verbs: [\"get\", \"list\", \"watch\"]}, or remove access")
	}
	for i, r := range a.Rules {
		rp := p.Child("rules").Index(i)
		if len(r.Verbs) == 0 {
			v.Required(rp.Child("verbs"), "name the verbs, e.g. [\"get\", \"list\"]")
		}
		if len(r.Resources) == 0 && len(r.NonResourceURLs) == 0 {
			v.Required(rp.Child("resources"), "name the resources, e.g. [\"configmaps\"]")
		}
		if len(r.NonResourceURLs) > 0 {
			v.Forbidden(rp.Child("nonResourceURLs"), "a namespaced Role cannot grant non-resource URLs; remove them")
		}
		for _, f := range []struct {
			name string
			vals []string
		}{{"verbs", r.Verbs}, {"resources", r.Resources}, {"apiGroups", r.APIGroups}, {"resourceNames", r.ResourceNames}} {
			for j, s := range f.vals {
				if s == rbacv1.VerbAll || (f.name == "resources" && strings.Contains(s, "*")) {
					v.Invalid(rp.Child(f.name).Index(j), s, "wildcards grant more than an engine needs; list each "+f.name[:len(f.name)-1]+" explicitly")
				} else if f.name == "verbs" && escalating[s] != "" {
					v.Invalid(rp.Child(f.name).Index(j), s, escalating[s]+"; an engine never needs it: remove the verb")
				}
			}
		}
	}
}
