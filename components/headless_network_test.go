package components

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	k8score "k8s.io/api/core/v1"

	"github.com/ordinal-dev/ordinal/components/kubetypes"
	"github.com/ordinal-dev/ordinal/components/ordinaltest"
	"github.com/ordinal-dev/ordinal/pkg/network"
)

func TestHeadlessNetwork(t *testing.T) {
	selector := map[string]any{"app.kubernetes.io/component": "database", "app.kubernetes.io/instance": "kv"}
	allPorts := []any{
		map[string]any{"name": "client", "port": 2379.0, "protocol": "TCP", "targetPort": "client"},
		map[string]any{"name": "peer", "port": 2380.0, "protocol": "TCP", "targetPort": "peer"},
		map[string]any{"name": "metrics", "port": 9090.0, "protocol": "TCP", "targetPort": "metrics", "appProtocol": "http"},
	}
	tests := []struct {
		name      string
		namespace pulumi.StringInput
		spec      network.Spec

		wantChildren    []string
		wantService     string
		wantNamespace   string
		wantServiceFQDN string
		wantPodFQDNs    []string
		wantPeerList    string
		wantEndpoints   []string
		// wantClient is the client Service's name and type; "" for none.
		wantClient, wantClientType string
		wantClientPorts            []any
	}{
		{
			name: "defaults: provider namespace, no client Service",
			spec: network.Spec{Replicas: 3, Ports: kvPorts()},

			wantChildren:    []string{kubetypes.Service + "::kv-headless"},
			wantService:     "kv",
			wantNamespace:   "default",
			wantServiceFQDN: "kv.default.svc.cluster.local",
			wantPodFQDNs: []string{
				"kv-0.kv.default.svc.cluster.local",
				"kv-1.kv.default.svc.cluster.local",
				"kv-2.kv.default.svc.cluster.local",
			},
			wantPeerList: "kv-0.kv.default.svc.cluster.local:2380,kv-1.kv.default.svc.cluster.local:2380,kv-2.kv.default.svc.cluster.local:2380",
			// Without a client Service, clients use the governing one on the client ports.
			wantEndpoints: []string{"kv.default.svc.cluster.local:2379", "kv.default.svc.cluster.local:9090"},
		},
		{
			name:      "namespace, ordinal start, cluster domain, names and a client Service",
			namespace: pulumi.String("prod"),
			spec: network.Spec{
				ServiceName:     "kv-peers",
				StatefulSetName: "kvs",
				Replicas:        2,
				OrdinalStart:    5,
				ClusterDomain:   "corp.example",
				Selector:        map[string]string{"app.kubernetes.io/component": "database", "app.kubernetes.io/instance": "kv"},
				Ports:           kvPorts(),
				Client:          &network.ClientService{Ports: []string{"client"}},
			},

			wantChildren:    []string{kubetypes.Service + "::kv-headless", kubetypes.Service + "::kv-client"},
			wantService:     "kv-peers",
			wantNamespace:   "prod",
			wantServiceFQDN: "kv-peers.prod.svc.corp.example",
			wantPodFQDNs:    []string{"kvs-5.kv-peers.prod.svc.corp.example", "kvs-6.kv-peers.prod.svc.corp.example"},
			wantPeerList:    "kvs-5.kv-peers.prod.svc.corp.example:2380,kvs-6.kv-peers.prod.svc.corp.example:2380",
			wantEndpoints:   []string{"kv-peers-public.prod.svc.corp.example:2379"},
			wantClient:      "kv-peers-public",
			wantClientType:  "ClusterIP",
			wantClientPorts: allPorts[:1],
		},
		{
			name:      "namespace from another resource's output, LoadBalancer client on every client port",
			namespace: pulumi.String("team-a").ToStringOutput().ApplyT(func(s string) string { return s + "-db" }).(pulumi.StringOutput),
			spec: network.Spec{
				Replicas: 1,
				Ports:    kvPorts(),
				Client:   &network.ClientService{Type: k8score.ServiceTypeLoadBalancer, Name: "kv-lb"},
			},

			wantChildren:    []string{kubetypes.Service + "::kv-headless", kubetypes.Service + "::kv-client"},
			wantService:     "kv",
			wantNamespace:   "team-a-db",
			wantServiceFQDN: "kv.team-a-db.svc.cluster.local",
			wantPodFQDNs:    []string{"kv-0.kv.team-a-db.svc.cluster.local"},
			wantPeerList:    "kv-0.kv.team-a-db.svc.cluster.local:2380",
			wantEndpoints:   []string{"kv-lb.team-a-db.svc.cluster.local:2379", "kv-lb.team-a-db.svc.cluster.local:9090"},
			wantClient:      "kv-lb",
			wantClientType:  "LoadBalancer",
			wantClientPorts: []any{allPorts[0], allPorts[2]},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var net *HeadlessNetwork
			rec := ordinaltest.Run(t, func(ctx *pulumi.Context) error {
				var err error
				net, err = NewHeadlessNetwork(ctx, "kv", &HeadlessNetworkArgs{Namespace: tt.namespace, Spec: tt.spec})
				return err
			})
			assert.Equal(t, 1+len(tt.wantChildren), rec.Count())
			requireChildrenOf(t, rec, HeadlessNetworkType, "kv", tt.wantChildren)

			svc := rec.Find(t, kubetypes.Service, "kv-headless")
			assert.Equal(t, tt.wantService, svc.Get(t, "metadata.name"))
			if tt.namespace == nil {
				assert.False(t, svc.Has("metadata.namespace"), "left to the provider's default namespace")
			} else {
				assert.Equal(t, tt.wantNamespace, svc.Get(t, "metadata.namespace"))
			}
			assert.Equal(t, "None", svc.Get(t, "spec.clusterIP"))
			assert.Equal(t, true, svc.Get(t, "spec.publishNotReadyAddresses"))
			assert.Equal(t, selector, svc.Get(t, "spec.selector"))
			assert.Equal(t, allPorts, svc.Get(t, "spec.ports"))
			assert.False(t, svc.Has("spec.type"), "a headless Service has no type but ClusterIP")
			assert.Equal(t, "v1", svc.Get(t, "apiVersion"))
			assert.Equal(t, "Service", svc.Get(t, "kind"))

			client, hasClient := rec.Lookup(kubetypes.Service, "kv-client")
			require.Equal(t, tt.wantClient != "", hasClient)
			if hasClient {
				assert.Equal(t, tt.wantClient, client.Get(t, "metadata.name"))
				assert.Equal(t, tt.wantClientType, client.Get(t, "spec.type"))
				assert.Equal(t, selector, client.Get(t, "spec.selector"))
				assert.Equal(t, tt.wantClientPorts, client.Get(t, "spec.ports"))
				assert.False(t, client.Has("spec.clusterIP"), "the client Service gets a cluster IP")
				assert.False(t, client.Has("spec.publishNotReadyAddresses"), "clients only reach Ready pods")
				require.NotNil(t, net.ClientService)
			} else {
				assert.Nil(t, net.ClientService)
			}

			assert.Equal(t, tt.wantNamespace, ordinaltest.Await[string](t, net.Namespace))
			assert.Equal(t, tt.wantService, ordinaltest.Await[string](t, net.ServiceName))
			assert.Equal(t, tt.wantServiceFQDN, ordinaltest.Await[string](t, net.ServiceFQDN))
			assert.Equal(t, tt.wantPodFQDNs, ordinaltest.Await[[]string](t, net.PodFQDNs))
			assert.Equal(t, tt.wantPeerList, ordinaltest.Await[string](t, net.PeerList))
			assert.Equal(t, tt.wantEndpoints, ordinaltest.Await[[]string](t, net.ClientEndpoints))
		})
	}
}

func TestHeadlessNetworkNilArgs(t *testing.T) {
	rec, err := ordinaltest.RunErr(func(ctx *pulumi.Context) error {
		_, err := NewHeadlessNetwork(ctx, "kv", nil)
		return err
	})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "spec.replicas")
	assert.Contains(t, err.Error(), "spec.ports")
	assert.Zero(t, rec.Count())
}
