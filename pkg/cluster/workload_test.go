package cluster_test

import (
	"strings"
	"testing"

	kruisepub "github.com/openkruise/kruise-api/apps/pub"
	kruise "github.com/openkruise/kruise-api/apps/v1beta1"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/ordinal-dev/ordinal/pkg/cluster"
	"github.com/ordinal-dev/ordinal/pkg/localpv"
	"github.com/ordinal-dev/ordinal/pkg/validation/validationtest"
)

// advancedSpec is dbSpec on an Advanced StatefulSet with 4 pods.
func advancedSpec(reserved ...int32) cluster.Spec {
	s := dbSpec()
	s.Replicas = 4
	s.Workload = cluster.Workload{Kind: cluster.WorkloadAdvancedStatefulSet, ReserveOrdinals: reserved}
	return s
}

func TestValidateWorkload(t *testing.T) {
	two := intstr.FromInt32(2)
	tests := []struct {
		name string
		spec cluster.Spec
		opts func(t *testing.T) cluster.Options
		want []fieldProblem
	}{
		{name: "unknown kind", spec: func() cluster.Spec { s := dbSpec(); s.Workload.Kind = "Deployment"; return s }(),
			want: []fieldProblem{{"spec.workload.kind", `use one of "AdvancedStatefulSet", "StatefulSet"`}}},
		{name: "advanced options on a StatefulSet", spec: func() cluster.Spec {
			s := dbSpec()
			s.Workload = cluster.Workload{ReserveOrdinals: []int32{1}, PodUpdatePolicy: cluster.PodUpdateInPlaceOnly, ScaleMaxUnavailable: &two}
			return s
		}(), want: []fieldProblem{
			{"spec.workload.reserveOrdinals", "applies to kind AdvancedStatefulSet only; remove it or set spec.workload.kind to AdvancedStatefulSet"},
			{"spec.workload.podUpdatePolicy", "applies to kind AdvancedStatefulSet only"},
			{"spec.workload.scaleMaxUnavailable", "applies to kind AdvancedStatefulSet only"},
		}},
		{name: "reserved ordinal past the span", spec: advancedSpec(5),
			want: []fieldProblem{{"spec.workload.reserveOrdinals[0]", "must be in [0, 5), from ordinalStart up to ordinalStart + replicas + the number of reserved ordinals"}}},
		{name: "reserved ordinal below ordinalStart", spec: func() cluster.Spec { s := advancedSpec(1); s.OrdinalStart = 2; return s }(),
			want: []fieldProblem{{"spec.workload.reserveOrdinals[0]", "must be in [2, 7)"}}},
		{name: "reserved twice", spec: advancedSpec(1, 1),
			want: []fieldProblem{{"spec.workload.reserveOrdinals[1]", "each ordinal is reserved once; remove the repeated one"}}},
		{name: "pod update policy", spec: func() cluster.Spec { s := advancedSpec(); s.Workload.PodUpdatePolicy = "Rolling"; return s }(),
			want: []fieldProblem{{"spec.workload.podUpdatePolicy", `use one of "InPlaceIfPossible", "InPlaceOnly", "ReCreate"`}}},
		{name: "in place with OnDelete", spec: func() cluster.Spec {
			s := advancedSpec()
			s.Workload.PodUpdatePolicy = cluster.PodUpdateInPlaceOnly
			s.UpdateStrategy.Type = appsv1.OnDeleteStatefulSetStrategyType
			return s
		}(), want: []fieldProblem{{"spec.workload.podUpdatePolicy", "InPlaceOnly updates pods during a rolling update, and spec.updateStrategy.type is OnDelete; use ReCreate or type RollingUpdate"}}},
		{name: "maxUnavailable without Parallel", spec: func() cluster.Spec { s := advancedSpec(); s.UpdateStrategy.MaxUnavailable = &two; return s }(),
			want: []fieldProblem{{"spec.updateStrategy.maxUnavailable", "only with podManagementPolicy Parallel; set spec.podManagementPolicy to Parallel or maxUnavailable to 1"}}},
		{name: "scaleMaxUnavailable without Parallel", spec: func() cluster.Spec { s := advancedSpec(); s.Workload.ScaleMaxUnavailable = &two; return s }(),
			want: []fieldProblem{{"spec.workload.scaleMaxUnavailable", "applies to podManagementPolicy Parallel only"}}},
		{name: "minReadySeconds above OpenKruise's limit", spec: func() cluster.Spec { s := advancedSpec(); s.MinReadySeconds = 301; return s }(),
			want: []fieldProblem{{"spec.minReadySeconds", "must be at most 300 with an Advanced StatefulSet"}}},
		{name: "membership with reserved ordinals", spec: func() cluster.Spec {
			s := advancedSpec(1)
			s.Membership = &cluster.MembershipJob{InitJob: cluster.InitJob{Command: []string{"sh", "-c", "leave"}}}
			return s
		}(), want: []fieldProblem{{"spec.workload.reserveOrdinals", "the membership Job counts the members as the contiguous ordinals from ordinalStart"}}},
		{name: "init Job targets a reserved pod", spec: func() cluster.Spec {
			s := advancedSpec(1)
			s.Init = &cluster.InitJob{Command: []string{"init"}, Args: []string{"--host=db-1.db:26257"}, Env: []corev1.EnvVar{{Name: "HOST", Value: "db-1.db"}, {Name: "OTHER", Value: "db-11.db,xdb-1.db,db-1.dbx"}}}
			return s
		}(), want: []fieldProblem{
			{"spec.init.args[0]", "an init Job must not target a reserved ordinal; use a pod that exists, e.g. db-0.db"},
			{"spec.init.env[0].value", "must not target a reserved ordinal"},
		}},
		{name: "pool counts the reserved ordinals' kept claims", spec: advancedSpec(1), opts: func(t *testing.T) cluster.Options {
			return cluster.Options{Pool: pool(t, localpv.Spec{Volumes: []localpv.Volume{
				{Node: "n1", Path: "/d/1", Capacity: "10Gi"}, {Node: "n2", Path: "/d/2", Capacity: "10Gi"},
				{Node: "n3", Path: "/d/3", Capacity: "10Gi"}, {Node: "n4", Path: "/d/4", Capacity: "10Gi"},
			}})}
		}, want: []fieldProblem{{"spec.claims[0].size", "has 4 volume(s) of at least this size, but 4 replicas and 1 reserved ordinal(s) (whose claims are kept) need one each"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var opts cluster.Options
			if tt.opts != nil {
				opts = tt.opts(t)
			}
			p, err := cluster.New("db", tt.spec, opts)
			assert.Nil(t, p, "nothing is planned from an invalid spec")
			validationtest.Assert(t, err, cluster.Kind, tt.want)
		})
	}
}

func TestReservedOrdinalsLeaveNoPod(t *testing.T) {
	tests := []struct {
		name     string
		start    int32
		reserved []int32
		want     []string
	}{
		{"none", 0, nil, []string{"db-0.db", "db-1.db", "db-2.db", "db-3.db"}},
		{"ordinal 1", 0, []int32{1}, []string{"db-0.db", "db-2.db", "db-3.db", "db-4.db"}},
		{"first and last of the span", 0, []int32{0, 5}, []string{"db-1.db", "db-2.db", "db-3.db", "db-4.db"}},
		{"from ordinalStart", 3, []int32{4}, []string{"db-3.db", "db-5.db", "db-6.db", "db-7.db"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := advancedSpec(tt.reserved...)
			s.OrdinalStart = tt.start
			p := mustPlan(t, s, cluster.Options{})
			assert.Equal(t, tt.want, p.PodHosts())
			claims := p.ClaimObjects(cluster.Deployed{})
			require.Len(t, claims, 4)
			for i, c := range claims {
				assert.Equal(t, "data-"+tt.want[i][:len(tt.want[i])-len(".db")], c.Name, "claims follow the pods")
			}
			var peers []string
			for _, h := range tt.want {
				peers = append(peers, h+".ns.svc.cluster.local:26257")
			}
			assert.Equal(t, strings.Join(peers, ","), p.Network.PeerList("ns"), "the peer list skips the reserved ordinals")
			if len(tt.reserved) == 0 {
				return
			}
			// The PDB counts pods, which Replicas is: a quorum of 4 is 3.
			require.NotNil(t, p.PDB.Spec.MinAvailable)
			assert.Equal(t, intstr.FromInt32(3), *p.PDB.Spec.MinAvailable)
		})
	}
}

func TestAdvancedStatefulSet(t *testing.T) {
	s := advancedSpec(1)
	s.PodManagementPolicy = appsv1.ParallelPodManagement
	s.MinReadySeconds = 5
	s.UpdateStrategy.Partition = 2
	s.Workload.PodUpdatePolicy = cluster.PodUpdateInPlaceIfPossible
	three := intstr.FromInt32(3)
	s.Workload.ScaleMaxUnavailable = &three
	p := mustPlan(t, s, cluster.Options{})
	sts := p.ResolveStatefulSet(cluster.Deployed{})
	a := p.AdvancedStatefulSet(sts)

	assert.Equal(t, "apps.kruise.io/v1beta1", a.APIVersion)
	assert.Equal(t, "StatefulSet", a.Kind)
	assert.Equal(t, sts.ObjectMeta, a.ObjectMeta, "the same name, labels and annotations (the claims record, the await)")
	assert.Equal(t, sts.Spec.VolumeClaimTemplates, a.Spec.VolumeClaimTemplates)
	assert.Equal(t, []intstr.IntOrString{intstr.FromInt32(1)}, a.Spec.ReserveOrdinals)
	assert.Equal(t, int32(4), *a.Spec.Replicas, "replicas counts the pods, not the reserved ordinals")
	ru := a.Spec.UpdateStrategy.RollingUpdate
	require.NotNil(t, ru)
	assert.Equal(t, int32(2), *ru.Partition)
	assert.Equal(t, kruise.InPlaceIfPossiblePodUpdateStrategyType, ru.PodUpdatePolicy)
	assert.Equal(t, intstr.FromInt32(1), *ru.MaxUnavailable, "OpenKruise requires maxUnavailable; its default is set")
	assert.Equal(t, int32(5), *ru.MinReadySeconds, "minReadySeconds moves into the rolling update")
	assert.Equal(t, &three, a.Spec.ScaleStrategy.MaxUnavailable)
	assert.Equal(t, []corev1.PodReadinessGate{{ConditionType: kruisepub.InPlaceUpdateReady}}, a.Spec.Template.Spec.ReadinessGates,
		"in-place updates need OpenKruise's readiness gate")
	assert.Empty(t, sts.Spec.Template.Spec.ReadinessGates, "the StatefulSet's template is not changed")

	s.Workload.PodUpdatePolicy = ""
	s.UpdateStrategy = cluster.UpdateStrategy{Type: appsv1.OnDeleteStatefulSetStrategyType}
	p = mustPlan(t, s, cluster.Options{})
	a = p.AdvancedStatefulSet(p.StatefulSet)
	assert.Nil(t, a.Spec.UpdateStrategy.RollingUpdate)
	assert.Empty(t, a.Spec.Template.Spec.ReadinessGates, "ReCreate needs no gate")
}

func TestAdvancedStatefulSetRefusesWhatAStatefulSetTakes(t *testing.T) {
	// Partition counts pods on an Advanced StatefulSet: 4 holds them all.
	s := advancedSpec(1)
	s.UpdateStrategy.Partition = 4
	p := mustPlan(t, s, cluster.Options{})
	assert.Equal(t, int32(4), *p.AdvancedStatefulSet(p.StatefulSet).Spec.UpdateStrategy.RollingUpdate.Partition)
	s.UpdateStrategy.Partition = 5
	_, err := cluster.New("db", s, cluster.Options{})
	validationtest.Assert(t, err, cluster.Kind, []fieldProblem{{"spec.updateStrategy.partition", "must be <= replicas (4)"}})
}
