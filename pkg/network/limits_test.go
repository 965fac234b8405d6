package network_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"

	"github.com/ordinal-dev/ordinal/pkg/network"
	"github.com/ordinal-dev/ordinal/pkg/validation/validationtest"
)

// TestAPILimits: what the API server refuses, or what would silently be
// dropped, is refused at the field to fix.
func TestAPILimits(t *testing.T) {
	tests := []struct {
		name    string
		netName string
		mutate  func(s *network.Spec)
		want    []problem
	}{
		{"node port for a port the client Service does not publish", "db", func(s *network.Spec) {
			s.Ports = append(s.Ports, network.Port{Name: "raft", Port: 2380, Peer: true})
			s.Client = &network.ClientService{Type: corev1.ServiceTypeNodePort, NodePorts: map[string]int32{"raft": 30001}}
		}, []problem{{"spec.client.nodePorts[raft]", "the client Service does not publish this port, so the node port would be dropped"}}},
		{"node port for a port left out of client.ports", "db", func(s *network.Spec) {
			s.Client = &network.ClientService{Type: corev1.ServiceTypeNodePort, Ports: []string{"grpc"}, NodePorts: map[string]int32{"http": 30001}}
		}, []problem{{"spec.client.nodePorts[http]", "publish the port (list it in client.ports, or mark it Client: true) or remove the node port"}}},
		{"pod hostnames over 63 characters (name)", strings.Repeat("d", 62), func(s *network.Spec) {}, []problem{
			{"name", `the last pod, "` + strings.Repeat("d", 62) + `-2", has 64; use a name of at most 61 characters`},
		}},
		{"pod hostnames over 63 characters with a high ordinal start", strings.Repeat("d", 55), func(s *network.Spec) { s.OrdinalStart = 1000000000 },
			[]problem{{"name", "use a name of at most 52 characters"}}},
		{"pod hostnames over 63 characters (statefulSetName)", "db", func(s *network.Spec) {
			s.StatefulSetName = strings.Repeat("s", 62)
			s.Replicas = 10
		}, []problem{{"spec.statefulSetName", "must be a DNS label of at most 63 characters"}}},
		{"annotations over 256 KiB", "db", func(s *network.Spec) {
			s.Annotations = map[string]string{"example.com/blob": strings.Repeat("x", 256<<10)}
		}, []problem{{"spec.annotations", "the annotations of every Service (keys and values) must total at most"}}},
		{"client annotations over 256 KiB with the others", "db", func(s *network.Spec) {
			s.Annotations = map[string]string{"example.com/a": strings.Repeat("x", 130<<10)}
			s.Client = &network.ClientService{Annotations: map[string]string{"example.com/b": strings.Repeat("x", 130<<10)}}
		}, []problem{{"spec.client.annotations", "the annotations of the client Service"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := validSpec()
			tt.mutate(&s)
			plan, err := network.New(tt.netName, s)
			assert.Nil(t, plan)
			validationtest.Assert(t, err, network.Kind, tt.want)
		})
	}
}

func TestAPILimitsAccepted(t *testing.T) {
	s := validSpec()
	s.Client = &network.ClientService{Name: "public", Type: corev1.ServiceTypeNodePort, NodePorts: map[string]int32{"grpc": 30001}}
	_, err := network.New(strings.Repeat("d", 61), s) // last pod "ddd…-2": 63
	require.NoError(t, err)
}
