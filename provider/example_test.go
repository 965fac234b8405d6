package provider_test

import (
	"fmt"

	"github.com/ordinal-dev/ordinal/provider"
)

// A DatabaseCluster's plain inputs as a TypeScript, Python or YAML program
// sends them: the etcd profile, five members instead of its default.
func ExampleClusterArgs() {
	spec, err := provider.ClusterArgs("etcd",
		map[string]any{"replicas": 5.0},
		map[string]any{"etcd": map[string]any{"replicas": 3.0}})
	if err != nil {
		panic(err)
	}
	fmt.Println(spec.Replicas, spec.Containers[0].Name, spec.Claims[0].Name)

	_, err = provider.ClusterArgs("etcd", map[string]any{"replica": 5.0}, nil)
	fmt.Println(err)
	// Output:
	// 5 etcd datadir
	// DatabaseCluster "etcd": spec.replica: is not a field of ClusterSpec; its fields are access, annotations, appName, automountServiceAccountToken, claimRetention, claims, config, containers, disruption, imagePullSecrets, init, initContainers, labels, membership, minReadySeconds, network, networkPolicy, objects, ordinalStart, partOf, podAnnotations, podLabels, podManagementPolicy, ports, priorityClassName, replicas, revisionHistoryLimit, scheduling, security, serviceAccountName, terminationGracePeriodSeconds, updateStrategy, version, volumes, workload
}
