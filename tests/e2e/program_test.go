//go:build e2e

package e2e

import (
	"cmp"
	"fmt"
	"maps"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/ordinal-dev/ordinal/components"
	"github.com/ordinal-dev/ordinal/pkg/cluster"
	"github.com/ordinal-dev/ordinal/pkg/localpv"
	"github.com/ordinal-dev/ordinal/pkg/network"
)

// clusterParams parameterize the suite's own inline program: a
// LocalVolumePool and a DatabaseCluster on it. Tests change the fields
// between two `up`s; the program reads them when the engine runs it.
type clusterParams struct {
	// Namespace the cluster lives in (created by the test).
	Namespace string
	// Name of the DatabaseCluster (and its StatefulSet).
	Name string
	// Pool is the LocalVolumePool's name, which is also its StorageClass's
	// name and the prefix of its PV names.
	Pool string
	// Nodes hold one local volume each.
	Nodes []string
	// Replicas of the StatefulSet.
	Replicas int32
	// Image of the database container (passed as a deploy-time input).
	Image string
	// Partition of the rolling update.
	Partition int32
	// ClaimLabels label the data claim template.
	ClaimLabels map[string]string
	// ClaimSize is the data claim's size; "" means 1Gi.
	ClaimSize string
	// StorageClass, when set, is a class the test made, for the claims in
	// place of the pool (no pool is registered).
	StorageClass string
	// ConfigData becomes the generated ConfigMap.
	ConfigData map[string]string
	// SecretData becomes the generated Secret.
	SecretData map[string]string
}

// defaultParams is a 3-replica cluster over a 5-node pool.
func defaultParams(ns, name, pool string) *clusterParams {
	return &clusterParams{
		Namespace:  ns,
		Name:       name,
		Pool:       pool,
		Nodes:      []string{"node-0", "node-1", "node-2", "node-3", "node-4"},
		Replicas:   3,
		Image:      "registry.example/ordinal/db:1.0",
		ConfigData: map[string]string{"db.conf": "tick=2000\n"},
	}
}

// Ports of the test cluster.
const (
	clientPort = 2181
	peerPort   = 2888
)

// clusterProgram is the inline Pulumi program for p.
func clusterProgram(p *clusterParams) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		var pool *components.LocalVolumePool
		var class pulumi.StringInput
		if p.StorageClass != "" {
			class = pulumi.String(p.StorageClass)
		} else {
			var err error
			if pool, err = components.NewLocalVolumePool(ctx, p.Pool, poolArgs(p)); err != nil {
				return err
			}
			class = pool.StorageClassName
		}
		secrets := map[string]pulumi.StringInput{}
		for k, v := range p.SecretData {
			secrets[k] = pulumi.String(v)
		}
		c, err := components.NewDatabaseCluster(ctx, p.Name, &components.DatabaseClusterArgs{
			Namespace:           pulumi.String(p.Namespace),
			Spec:                clusterSpec(p),
			Image:               pulumi.String(p.Image),
			Pool:                pool,
			StorageClassName:    storageClassArg(p),
			SecretData:          secrets,
			AwaitTimeoutSeconds: awaitTimeoutSeconds,
		})
		if err != nil {
			return err
		}
		ctx.Export("namespace", c.Namespace)
		ctx.Export("statefulSetName", c.StatefulSetName)
		ctx.Export("serviceName", c.ServiceName)
		ctx.Export("initJobName", c.InitJobName)
		ctx.Export("podFqdns", c.PodFQDNs)
		ctx.Export("peerList", c.PeerList)
		ctx.Export("clientEndpoints", c.ClientEndpoints)
		ctx.Export("configChecksum", c.ConfigChecksum)
		ctx.Export("storageClassName", class)
		return nil
	}
}

// storageClassArg is the cluster's StorageClassName argument: nil with a
// pool.
func storageClassArg(p *clusterParams) pulumi.StringInput {
	if p.StorageClass == "" {
		return nil
	}
	return pulumi.String(p.StorageClass)
}

// poolArgs is p's pool: a volume of 1Gi on each of p's nodes.
func poolArgs(p *clusterParams) *components.LocalVolumePoolArgs {
	return &components.LocalVolumePoolArgs{
		Spec: localpv.Spec{Nodes: p.Nodes, Path: "/mnt/disks/" + p.Pool, Capacity: "1Gi"},
	}
}

// clusterSpec is a ZooKeeper-like ensemble: parallel start, hard
// anti-affinity, one data claim per pod, a projected config directory, a
// client Service and an init Job.
func clusterSpec(p *clusterParams) cluster.Spec {
	spec := cluster.Spec{
		AppName:             "e2e-db",
		Replicas:            p.Replicas,
		PodManagementPolicy: appsv1.ParallelPodManagement,
		UpdateStrategy:      cluster.UpdateStrategy{Partition: p.Partition},
		Ports: []network.Port{
			{Name: "client", Port: clientPort, Client: true},
			{Name: "peer", Port: peerPort, Peer: true},
		},
		Network: cluster.Network{Client: &network.ClientService{}},
		Containers: []corev1.Container{{
			Name:    "db",
			Command: []string{"/bin/db", "--config", cluster.DefaultConfigMountPath + "/db.conf"},
			ReadinessProbe: &corev1.Probe{ProbeHandler: corev1.ProbeHandler{
				TCPSocket: &corev1.TCPSocketAction{Port: intstr.FromString("client")},
			}},
		}},
		Claims: []cluster.Claim{{Name: "data", Size: cmp.Or(p.ClaimSize, "1Gi"), MountPath: "/data", Labels: maps.Clone(p.ClaimLabels)}},
		Config: &cluster.Config{Data: maps.Clone(p.ConfigData)},
		Scheduling: cluster.Scheduling{
			AntiAffinity: cluster.AntiAffinityHard,
		},
		Init: &cluster.InitJob{
			Command: []string{"/bin/db", "init", "--host", fmt.Sprintf("%s-0.%s", p.Name, p.Name)},
		},
	}
	return spec
}
