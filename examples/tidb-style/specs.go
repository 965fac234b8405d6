package tidbstyle

import (
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/ordinal-dev/ordinal/pkg/cluster"
	"github.com/ordinal-dev/ordinal/pkg/network"
)

// podEnv gives a container its pod's name and namespace.
func podEnv() []corev1.EnvVar {
	field := func(name, path string) corev1.EnvVar {
		return corev1.EnvVar{Name: name, ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: path}}}
	}
	return []corev1.EnvVar{field("POD_NAME", "metadata.name"), field("POD_NAMESPACE", "metadata.namespace")}
}

func httpProbe(path string, port int32) *corev1.Probe {
	return &corev1.Probe{ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: path, Port: intstr.FromInt32(port)}}, PeriodSeconds: 5}
}

// pdSpec is the PD quorum: every member listed in --initial-cluster by
// its stable DNS name, started together (Parallel), a quorum budget.
func pdSpec(name string, c Config) cluster.Spec {
	return cluster.Spec{
		AppName: "pd", PartOf: "tidb", Version: "v8.5.1",
		Replicas:            c.PDReplicas,
		PodManagementPolicy: appsv1.ParallelPodManagement,
		Ports: []network.Port{
			{Name: "client", Port: PDClientPort, Client: true},
			{Name: "peer", Port: PDPeerPort, Peer: true},
		},
		Containers: []corev1.Container{{
			Name:    "pd",
			Image:   c.PDImage,
			Command: []string{"/pd-server"},
			Args: []string{
				"--name=$(POD_NAME)",
				"--data-dir=/var/lib/pd",
				fmt.Sprintf("--client-urls=http://0.0.0.0:%d", PDClientPort),
				fmt.Sprintf("--advertise-client-urls=http://$(POD_NAME).%s.$(POD_NAMESPACE).svc.cluster.local:%d", name, PDClientPort),
				fmt.Sprintf("--peer-urls=http://0.0.0.0:%d", PDPeerPort),
				fmt.Sprintf("--advertise-peer-urls=http://$(POD_NAME).%s.$(POD_NAMESPACE).svc.cluster.local:%d", name, PDPeerPort),
				"--initial-cluster=" + PDInitialCluster(name, c.Namespace, c.PDReplicas),
			},
			Env:            podEnv(),
			ReadinessProbe: httpProbe("/health", PDClientPort),
		}},
		Claims: []cluster.Claim{{Name: "data", Size: "10Gi", MountPath: "/var/lib/pd"}},
	}
}

// tikvSpec is the storage group on an Advanced StatefulSet: reserved
// ordinals, in-place image updates, one store a time.
func tikvSpec(name, pd string, c Config) cluster.Spec {
	return cluster.Spec{
		AppName: "tikv", PartOf: "tidb", Version: "v8.5.1",
		Replicas:            c.TiKVReplicas,
		PodManagementPolicy: appsv1.ParallelPodManagement,
		UpdateStrategy:      cluster.UpdateStrategy{Partition: c.TiKVPartition},
		Workload: cluster.Workload{
			Kind:            cluster.WorkloadAdvancedStatefulSet,
			ReserveOrdinals: c.TiKVReserve,
			PodUpdatePolicy: c.TiKVPodUpdatePolicy,
		},
		Ports: []network.Port{
			{Name: "server", Port: TiKVPort, Client: true, Peer: true},
			{Name: "status", Port: TiKVStatusPort},
		},
		Containers: []corev1.Container{{
			Name:    "tikv",
			Image:   c.TiKVImage,
			Command: []string{"/tikv-server"},
			Args: []string{
				"--pd=" + pd,
				fmt.Sprintf("--addr=0.0.0.0:%d", TiKVPort),
				fmt.Sprintf("--advertise-addr=$(POD_NAME).%s.$(POD_NAMESPACE).svc.cluster.local:%d", name, TiKVPort),
				fmt.Sprintf("--status-addr=0.0.0.0:%d", TiKVStatusPort),
				"--data-dir=/var/lib/tikv",
				"--log-level=" + c.TiKVLogLevel,
			},
			Env:            podEnv(),
			ReadinessProbe: httpProbe("/status", TiKVStatusPort),
		}},
		Claims: []cluster.Claim{{Name: "data", Size: "100Gi", MountPath: "/var/lib/tikv"}},
		// TiKV keeps 3 replicas of each region: one store away at a time.
		Disruption: &cluster.Disruption{MaxUnavailable: new(intstr.FromInt32(1))},
	}
}

// tidbSpec is the stateless SQL group behind a client Service.
func tidbSpec(pd string, c Config) cluster.Spec {
	return cluster.Spec{
		AppName: "tidb", PartOf: "tidb", Version: "v8.5.1",
		Replicas:            c.TiDBReplicas,
		PodManagementPolicy: appsv1.ParallelPodManagement,
		Ports: []network.Port{
			{Name: "mysql", Port: TiDBPort, Client: true},
			{Name: "status", Port: TiDBStatusPort},
		},
		Network: cluster.Network{Client: &network.ClientService{}},
		Containers: []corev1.Container{{
			Name:    "tidb",
			Image:   c.TiDBImage,
			Command: []string{"/tidb-server"},
			Args: []string{
				"--store=tikv",
				"--path=" + pd,
				fmt.Sprintf("-P=%d", TiDBPort),
				fmt.Sprintf("--status=%d", TiDBStatusPort),
			},
			ReadinessProbe: httpProbe("/status", TiDBStatusPort),
		}},
	}
}
