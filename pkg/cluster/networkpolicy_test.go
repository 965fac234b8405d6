package cluster_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/ordinal-dev/ordinal/pkg/cluster"
	"github.com/ordinal-dev/ordinal/pkg/network"
	"github.com/ordinal-dev/ordinal/pkg/validation"
)

func policySpec(np *cluster.NetworkPolicy) cluster.Spec {
	return cluster.Spec{
		Replicas: 3,
		Ports: []network.Port{
			{Name: "sql", Port: 26257, Client: true, Peer: true},
			{Name: "http", Port: 8080, Client: true},
			{Name: "raft", Port: 7000, Peer: true},
			{Name: "metrics", Port: 9100},
		},
		Containers:    []corev1.Container{{Name: "db", Image: "db:1"}},
		Init:          &cluster.InitJob{Command: []string{"init"}},
		NetworkPolicy: np,
	}
}

// ports renders a rule's ports as "proto/number" for compact assertions.
func ports(ps []networkingv1.NetworkPolicyPort) []string {
	var out []string
	for _, p := range ps {
		out = append(out, string(*p.Protocol)+"/"+p.Port.String())
	}
	return out
}

func TestNetworkPolicy(t *testing.T) {
	members := map[string]string{"app.kubernetes.io/instance": "db", "app.kubernetes.io/component": "database"}
	initPods := map[string]string{"app.kubernetes.io/instance": "db", "app.kubernetes.io/component": "init"}
	appClients := []networkingv1.NetworkPolicyPeer{{PodSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"role": "app"}}}}

	tests := []struct {
		name        string
		np          *cluster.NetworkPolicy
		want        bool
		clientsFrom []networkingv1.NetworkPolicyPeer
		egress      bool
	}{
		{name: "nil: no policy", np: nil},
		{name: "disabled: no policy", np: &cluster.NetworkPolicy{Clients: appClients}},
		{name: "enabled, clients from anywhere", np: &cluster.NetworkPolicy{Enabled: true}, want: true},
		{name: "enabled, chosen clients", np: &cluster.NetworkPolicy{Enabled: true, Clients: appClients}, want: true, clientsFrom: appClients},
		{name: "egress restricted", np: &cluster.NetworkPolicy{Enabled: true, RestrictEgress: true}, want: true, egress: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := cluster.New("db", policySpec(tt.np), cluster.Options{})
			require.NoError(t, err)
			if !tt.want {
				assert.Nil(t, p.NetworkPolicy)
				return
			}
			pol := p.NetworkPolicy
			require.NotNil(t, pol)
			assert.Equal(t, "db", pol.Name)
			assert.Equal(t, members, pol.Spec.PodSelector.MatchLabels)
			require.Len(t, pol.Spec.Ingress, 2)

			peer := pol.Spec.Ingress[0]
			require.Len(t, peer.From, 2, "members and the init Job")
			assert.Equal(t, members, peer.From[0].PodSelector.MatchLabels)
			assert.Equal(t, initPods, peer.From[1].PodSelector.MatchLabels)
			assert.Equal(t, []string{"TCP/26257", "TCP/8080", "TCP/7000"}, ports(peer.Ports), "peers reach peer and client ports, never metrics")

			client := pol.Spec.Ingress[1]
			assert.Equal(t, tt.clientsFrom, client.From)
			assert.Equal(t, []string{"TCP/26257", "TCP/8080"}, ports(client.Ports), "clients reach client ports only")

			if !tt.egress {
				assert.Equal(t, []networkingv1.PolicyType{networkingv1.PolicyTypeIngress}, pol.Spec.PolicyTypes)
				assert.Empty(t, pol.Spec.Egress)
				return
			}
			assert.Equal(t, []networkingv1.PolicyType{networkingv1.PolicyTypeIngress, networkingv1.PolicyTypeEgress}, pol.Spec.PolicyTypes)
			require.Len(t, pol.Spec.Egress, 2)
			assert.Equal(t, []string{"UDP/53", "TCP/53"}, ports(pol.Spec.Egress[0].Ports))
			assert.Equal(t, members, pol.Spec.Egress[1].To[0].PodSelector.MatchLabels)
		})
	}
}

func TestNetworkPolicyValidation(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(*cluster.Spec)
		field string
		fix   string
	}{
		{
			name: "no open port",
			edit: func(s *cluster.Spec) {
				for i := range s.Ports {
					s.Ports[i].Client, s.Ports[i].Peer = false, false
				}
			},
			field: "spec.networkPolicy.enabled", fix: "mark the ports clients and members use",
		},
		{
			name: "bad CIDR",
			edit: func(s *cluster.Spec) {
				s.NetworkPolicy.Clients = []networkingv1.NetworkPolicyPeer{{IPBlock: &networkingv1.IPBlock{CIDR: "10.0.0.300/8"}}}
			},
			field: "spec.networkPolicy.clients[0].ipBlock.cidr", fix: "must be a CIDR",
		},
		{
			name: "selector and ipBlock together",
			edit: func(s *cluster.Spec) {
				s.NetworkPolicy.Clients = []networkingv1.NetworkPolicyPeer{{
					PodSelector: &metav1.LabelSelector{}, IPBlock: &networkingv1.IPBlock{CIDR: "10.0.0.0/8"},
				}}
			},
			field: "spec.networkPolicy.clients[0]", fix: "but not both kinds",
		},
		{
			name: "bad selector label",
			edit: func(s *cluster.Spec) {
				s.NetworkPolicy.Clients = []networkingv1.NetworkPolicyPeer{{
					NamespaceSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"team": "a b"}},
				}}
			},
			field: "spec.networkPolicy.clients[0].namespaceSelector.matchLabels[team]", fix: "label value",
		},
		{
			name: "access with restricted egress and no way to the API server",
			edit: func(s *cluster.Spec) {
				s.NetworkPolicy.RestrictEgress = true
				s.Access = &cluster.Access{Rules: []rbacv1.PolicyRule{endpointsReader}}
			},
			field: "spec.networkPolicy.restrictEgress", fix: "allow it in spec.networkPolicy.egress",
		},
		{
			name:  "egress without restrictEgress",
			edit:  func(s *cluster.Spec) { s.NetworkPolicy.Egress = apiServerEgress },
			field: "spec.networkPolicy.egress", fix: "set restrictEgress or remove egress",
		},
		{
			name: "egress to a bad CIDR",
			edit: func(s *cluster.Spec) {
				s.NetworkPolicy.RestrictEgress = true
				s.NetworkPolicy.Egress = []networkingv1.NetworkPolicyEgressRule{{To: []networkingv1.NetworkPolicyPeer{{IPBlock: &networkingv1.IPBlock{CIDR: "10.0.0.1"}}}}}
			},
			field: "spec.networkPolicy.egress[0].to[0].ipBlock.cidr", fix: "must be a CIDR",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spec := policySpec(&cluster.NetworkPolicy{Enabled: true})
			tt.edit(&spec)
			_, err := cluster.New("db", spec, cluster.Options{})
			var verr *validation.Error
			require.ErrorAs(t, err, &verr)
			assert.Contains(t, verr.Fields(), tt.field)
			assert.Contains(t, err.Error(), tt.fix)
		})
	}
}

var apiServerEgress = []networkingv1.NetworkPolicyEgressRule{{
	To:    []networkingv1.NetworkPolicyPeer{{IPBlock: &networkingv1.IPBlock{CIDR: "172.18.0.2/32"}}},
	Ports: []networkingv1.NetworkPolicyPort{{Port: new(intstr.FromInt32(6443))}},
}}

// TestEgressToTheAPIServer: with access and restricted egress, the user's
// egress rules (to the API server) follow the policy's own.
func TestEgressToTheAPIServer(t *testing.T) {
	spec := policySpec(&cluster.NetworkPolicy{Enabled: true, RestrictEgress: true, Egress: apiServerEgress})
	spec.Access = &cluster.Access{Rules: []rbacv1.PolicyRule{endpointsReader}}
	p, err := cluster.New("db", spec, cluster.Options{})
	require.NoError(t, err)
	eg := p.NetworkPolicy.Spec.Egress
	require.Len(t, eg, 3)
	assert.Equal(t, apiServerEgress[0], eg[2])
}
