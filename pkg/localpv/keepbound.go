package localpv

import (
	"fmt"

	admissionv1 "k8s.io/api/admissionregistration/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/ordinal-dev/ordinal/pkg/labels"
)

// Keeping bound volumes: what happens when the stack deletes a PV that a
// claim still holds.
//
// Kubernetes does not refuse it: the PV gets a deletion timestamp and stays
// Terminating (the kubernetes.io/pv-protection finalizer) until its claim
// is deleted, and is then deleted, whatever its reclaim policy said. An
// `up` that deletes it waits for that, up to the provider's timeout, and a
// later `up` or `refresh` does not say why. Only a pool whose PVs Pulumi
// may delete (components.ProtectNone) can get there: removing a volume from
// the pool, or replacing it.
//
// KeepBound plans a ValidatingAdmissionPolicy that makes the API server
// refuse the deletion of the pool's Bound PVs at once, with a message that
// names the claim and the fix, before any deletion timestamp is set: the
// `up` fails fast and explains, the PV stays Bound, and Retain stays
// Retain. Released and Available PVs can be deleted as before. The policy
// selects the pool's PVs by their identity labels, so it guards them
// against any client (kubectl included) while the pool exists; the
// component deletes its binding before the PVs when the pool itself is
// deleted, so that a destroy that deletes claims on purpose
// (cluster.ClaimRetention) still deletes the PVs as the claims go.

// KeepBound plans the policy that refuses deleting the pool's Bound PVs,
// and the binding that enforces it. Both are cluster-wide, named
// "<pool>-keep-bound-volumes".
func (p *Plan) KeepBound() (*admissionv1.ValidatingAdmissionPolicy, *admissionv1.ValidatingAdmissionPolicyBinding) {
	name := p.Name + "-keep-bound-volumes"
	id := labels.Identity{Instance: p.Name, Component: "storage"}
	meta := metav1.ObjectMeta{Name: name, Labels: id.Labels(p.Spec.Labels), Annotations: labels.Merge(nil, p.Spec.Annotations)}
	fail := admissionv1.Fail
	policy := &admissionv1.ValidatingAdmissionPolicy{
		TypeMeta:   metav1.TypeMeta{APIVersion: "admissionregistration.k8s.io/v1", Kind: "ValidatingAdmissionPolicy"},
		ObjectMeta: meta,
		Spec: admissionv1.ValidatingAdmissionPolicySpec{
			FailurePolicy: &fail,
			MatchConstraints: &admissionv1.MatchResources{
				ObjectSelector: &metav1.LabelSelector{MatchLabels: id.Selector()},
				ResourceRules: []admissionv1.NamedRuleWithOperations{{
					RuleWithOperations: admissionv1.RuleWithOperations{
						Operations: []admissionv1.OperationType{admissionv1.Delete},
						Rule: admissionv1.Rule{
							APIGroups:   []string{""},
							APIVersions: []string{"v1"},
							Resources:   []string{"persistentvolumes"},
						},
					},
				}},
			},
			Validations: []admissionv1.Validation{{
				Expression: "oldObject.status.phase != 'Bound'",
				MessageExpression: fmt.Sprintf("'the PersistentVolume ' + oldObject.metadata.name + ' of the LocalVolumePool %s is bound to the claim ' + "+
					"oldObject.spec.claimRef.namespace + '/' + oldObject.spec.claimRef.name + "+
					"': deleting it now would leave it Terminating until the claim is deleted, and then delete it. "+
					"Keep the volume in the pool, or delete the claim first (the data stays on the node)'", p.Name),
				Reason: new(metav1.StatusReasonForbidden),
			}},
		},
	}
	binding := &admissionv1.ValidatingAdmissionPolicyBinding{
		TypeMeta:   metav1.TypeMeta{APIVersion: "admissionregistration.k8s.io/v1", Kind: "ValidatingAdmissionPolicyBinding"},
		ObjectMeta: *meta.DeepCopy(),
		Spec: admissionv1.ValidatingAdmissionPolicyBindingSpec{
			PolicyName:        name,
			ValidationActions: []admissionv1.ValidationAction{admissionv1.Deny},
		},
	}
	return policy, binding
}
