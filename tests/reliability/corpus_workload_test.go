package reliability

import (
	appsv1 "k8s.io/api/apps/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/ordinal-dev/ordinal/components"
	"github.com/ordinal-dev/ordinal/pkg/cluster"
	"github.com/ordinal-dev/ordinal/pkg/localpv"
	"github.com/ordinal-dev/ordinal/pkg/network"
)

// advanced puts baseDB on an Advanced StatefulSet (issue 15).
func advanced(a *components.DatabaseClusterArgs) {
	a.Spec.Workload.Kind = cluster.WorkloadAdvancedStatefulSet
}

// workloadInputs are the corpus cases of spec.workload: the choice of an
// Advanced StatefulSet and what it cannot take.
func workloadInputs() []badInput {
	two := intstr.FromInt32(2)
	return []badInput{
		db("unknown workload kind", "spec.workload.kind", `use one of "AdvancedStatefulSet", "StatefulSet"`, func(a *components.DatabaseClusterArgs) {
			a.Spec.Workload.Kind = "CloneSet"
		}),
		db("reserved ordinals on a StatefulSet", "spec.workload.reserveOrdinals", "applies to kind AdvancedStatefulSet only", func(a *components.DatabaseClusterArgs) {
			a.Spec.Workload.ReserveOrdinals = []int32{1}
		}),
		db("pod update policy on a StatefulSet", "spec.workload.podUpdatePolicy", "applies to kind AdvancedStatefulSet only", func(a *components.DatabaseClusterArgs) {
			a.Spec.Workload.PodUpdatePolicy = cluster.PodUpdateInPlaceIfPossible
		}),
		db("reserved ordinal past every pod", "spec.workload.reserveOrdinals[0]", "an ordinal past every pod needs no reservation", func(a *components.DatabaseClusterArgs) {
			advanced(a)
			a.Spec.Workload.ReserveOrdinals = []int32{7}
		}),
		db("reserved ordinal below ordinalStart", "spec.workload.reserveOrdinals[0]", "must be in [5, 9)", func(a *components.DatabaseClusterArgs) {
			advanced(a)
			a.Spec.OrdinalStart = 5
			a.Spec.Workload.ReserveOrdinals = []int32{2}
		}),
		db("an ordinal reserved twice", "spec.workload.reserveOrdinals[1]", "each ordinal is reserved once", func(a *components.DatabaseClusterArgs) {
			advanced(a)
			a.Spec.Workload.ReserveOrdinals = []int32{1, 1}
		}),
		db("unknown pod update policy", "spec.workload.podUpdatePolicy", `use one of "InPlaceIfPossible", "InPlaceOnly", "ReCreate"`, func(a *components.DatabaseClusterArgs) {
			advanced(a)
			a.Spec.Workload.PodUpdatePolicy = "InPlace"
		}),
		db("in-place updates with OnDelete", "spec.workload.podUpdatePolicy", "use ReCreate or type RollingUpdate", func(a *components.DatabaseClusterArgs) {
			advanced(a)
			a.Spec.Workload.PodUpdatePolicy = cluster.PodUpdateInPlaceOnly
			a.Spec.UpdateStrategy.Type = appsv1.OnDeleteStatefulSetStrategyType
		}),
		db("maxUnavailable 2 with OrderedReady", "spec.updateStrategy.maxUnavailable", "set spec.podManagementPolicy to Parallel or maxUnavailable to 1", func(a *components.DatabaseClusterArgs) {
			advanced(a)
			a.Spec.UpdateStrategy.MaxUnavailable = &two
		}),
		db("scale maxUnavailable with OrderedReady", "spec.workload.scaleMaxUnavailable", "applies to podManagementPolicy Parallel only", func(a *components.DatabaseClusterArgs) {
			advanced(a)
			a.Spec.Workload.ScaleMaxUnavailable = &two
		}),
		db("minReadySeconds above OpenKruise's limit", "spec.minReadySeconds", "must be at most 300 with an Advanced StatefulSet", func(a *components.DatabaseClusterArgs) {
			advanced(a)
			a.Spec.MinReadySeconds = 600
		}),
		db("partition counted over the pods that exist", "spec.updateStrategy.partition", "must be <= replicas (3)", func(a *components.DatabaseClusterArgs) {
			advanced(a)
			a.Spec.Workload.ReserveOrdinals = []int32{0}
			a.Spec.UpdateStrategy.Partition = 4
		}),
		db("init Job aimed at a reserved pod", "spec.init.args[0]", "an init Job must not target a reserved ordinal", func(a *components.DatabaseClusterArgs) {
			advanced(a)
			a.Spec.Workload.ReserveOrdinals = []int32{0}
			a.Spec.Init = &cluster.InitJob{Command: []string{"init"}, Args: []string{"--host=db-0.db:5432"}}
		}),
		db("membership Job with reserved ordinals", "spec.workload.reserveOrdinals", "the membership Job counts the members as the contiguous ordinals", func(a *components.DatabaseClusterArgs) {
			advanced(a)
			a.Spec.Workload.ReserveOrdinals = []int32{1}
			a.Spec.Membership = &cluster.MembershipJob{InitJob: cluster.InitJob{Command: []string{"leave"}}}
		}),
		db("a pool without room for a reserved ordinal's kept claim", "spec.claims[0].size", "3 replicas and 1 reserved ordinal(s) (whose claims are kept) need one each", func(a *components.DatabaseClusterArgs) {
			advanced(a)
			a.Spec.Workload.ReserveOrdinals = []int32{1}
			a.Pool = unregisteredPool(localpv.Spec{Nodes: []string{"n1", "n2", "n3"}, Path: "/mnt/disks/a", Capacity: "10Gi"})
		}),
		netCase("network: reserved ordinal twice", "spec.reserveOrdinals[1]", "each ordinal is reserved once", func(a *components.HeadlessNetworkArgs) {
			a.Spec.ReserveOrdinals = []int32{0, 0}
		}),
		netCase("network: reserved ordinal past every pod", "spec.reserveOrdinals[0]", "an ordinal past every pod needs no reservation", func(a *components.HeadlessNetworkArgs) {
			a.Spec.ReserveOrdinals = []int32{network.MaxReplicas}
		}),
	}
}
