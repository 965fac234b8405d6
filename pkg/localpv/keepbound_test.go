package localpv_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	admissionv1 "k8s.io/api/admissionregistration/v1"
	k8slabels "k8s.io/apimachinery/pkg/labels"

	"github.com/ordinal-dev/ordinal/pkg/localpv"
)

// TestKeepBoundGuardsThePoolsVolumesOnly: the policy selects every PV of
// its pool and none of another pool's (whatever labels the user adds), and
// refuses deleting Bound ones only.
func TestKeepBoundGuardsThePoolsVolumesOnly(t *testing.T) {
	spec := threeNodes()
	spec.Labels = map[string]string{"team": "data"}
	plan, err := localpv.New("fast", spec)
	require.NoError(t, err)
	other, err := localpv.New("slow", threeNodes())
	require.NoError(t, err)

	policy, binding := plan.KeepBound()
	assert.Equal(t, "fast-keep-bound-volumes", policy.Name)
	assert.Equal(t, policy.Name, binding.Spec.PolicyName)
	assert.Equal(t, []admissionv1.ValidationAction{admissionv1.Deny}, binding.Spec.ValidationActions)
	assert.Equal(t, admissionv1.Fail, *policy.Spec.FailurePolicy)
	rules := policy.Spec.MatchConstraints.ResourceRules
	require.Len(t, rules, 1)
	assert.Equal(t, []admissionv1.OperationType{admissionv1.Delete}, rules[0].Operations)
	assert.Equal(t, []string{"persistentvolumes"}, rules[0].Resources)

	sel, err := k8slabels.ValidatedSelectorFromSet(policy.Spec.MatchConstraints.ObjectSelector.MatchLabels)
	require.NoError(t, err)
	for _, pv := range plan.Volumes {
		assert.True(t, sel.Matches(k8slabels.Set(pv.Labels)), "guards %s", pv.Name)
	}
	for _, pv := range other.Volumes {
		assert.False(t, sel.Matches(k8slabels.Set(pv.Labels)), "leaves %s of another pool alone", pv.Name)
	}

	require.Len(t, policy.Spec.Validations, 1)
	v := policy.Spec.Validations[0]
	assert.Equal(t, "oldObject.status.phase != 'Bound'", v.Expression)
	assert.True(t, strings.Contains(v.MessageExpression, "LocalVolumePool fast"), v.MessageExpression)
	assert.Equal(t, "data", policy.Labels["team"])
}
