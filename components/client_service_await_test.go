package components

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	k8score "k8s.io/api/core/v1"

	"github.com/ordinal-dev/ordinal/components/kubetypes"
	"github.com/ordinal-dev/ordinal/components/ordinaltest"
	"github.com/ordinal-dev/ordinal/pkg/network"
)

// A ClusterIP or NodePort client Service is not awaited (the provider's
// await is a 10-second settle timer that held `pulumi up`); a LoadBalancer
// is, for its address. The governing (headless) Service is never awaited:
// it has nothing to wait for.
func TestClientServiceAwait(t *testing.T) {
	for _, tt := range []struct {
		typ  k8score.ServiceType
		want any
	}{
		{k8score.ServiceTypeClusterIP, map[string]any{"pulumi.com/skipAwait": "true"}},
		{k8score.ServiceTypeNodePort, map[string]any{"pulumi.com/skipAwait": "true"}},
		{k8score.ServiceTypeLoadBalancer, nil},
	} {
		t.Run(string(tt.typ), func(t *testing.T) {
			rec := ordinaltest.Run(t, func(ctx *pulumi.Context) error {
				_, err := NewHeadlessNetwork(ctx, "kv", &HeadlessNetworkArgs{Spec: network.Spec{
					Replicas: 3,
					Ports:    []network.Port{{Name: "client", Port: 2379, Client: true}},
					Client:   &network.ClientService{Type: tt.typ},
				}})
				return err
			})
			client := rec.Find(t, kubetypes.Service, "kv-client")
			got, _ := client.Lookup("metadata.annotations")
			assert.Equal(t, tt.want, got)
			assert.Equal(t, map[string]any{"pulumi.com/skipAwait": "true"}, rec.Find(t, kubetypes.Service, "kv-headless").Get(t, "metadata.annotations"))
			assert.Equal(t, map[string]string{"pulumi.com/skipAwait": "true"}, GoverningServiceAnnotations())
			if tt.want == nil {
				assert.Nil(t, ClientServiceAnnotations(tt.typ))
			} else {
				assert.Equal(t, map[string]string{"pulumi.com/skipAwait": "true"}, ClientServiceAnnotations(tt.typ))
			}
		})
	}
}
