package network_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/ordinal-dev/ordinal/pkg/labels"
	"github.com/ordinal-dev/ordinal/pkg/network"
	"github.com/ordinal-dev/ordinal/pkg/validation"
	"github.com/ordinal-dev/ordinal/pkg/validation/validationtest"
)

// validSpec is a CockroachDB-like network: a peer+client port and a client-only port.
func validSpec() network.Spec {
	return network.Spec{
		Replicas: 3,
		Ports: []network.Port{
			{Name: "grpc", Port: 26257, Client: true, Peer: true},
			{Name: "http", Port: 8080, Client: true, AppProtocol: "http"},
		},
	}
}

func TestDefaults(t *testing.T) {
	in := validSpec()
	in.Client = &network.ClientService{}
	got := network.Defaults("db", in)

	assert.Equal(t, "db", got.ServiceName)
	assert.Equal(t, "db", got.StatefulSetName)
	assert.Equal(t, "cluster.local", got.ClusterDomain)
	assert.Equal(t, map[string]string{labels.Instance: "db", labels.Component: "database"}, got.Selector)
	for _, p := range got.Ports {
		assert.Equal(t, corev1.ProtocolTCP, p.Protocol, p.Name)
	}
	require.NotNil(t, got.Client)
	assert.Equal(t, "db-public", got.Client.Name)
	assert.Equal(t, corev1.ServiceTypeClusterIP, got.Client.Type)

	// The caller's spec is untouched.
	assert.Empty(t, in.Ports[0].Protocol)
	assert.Empty(t, in.Client.Name)
}

func TestDefaultsKeepsUserValues(t *testing.T) {
	in := validSpec()
	in.ServiceName = "peers"
	in.StatefulSetName = "crdb"
	in.ClusterDomain = "corp.local"
	in.Selector = map[string]string{"app": "crdb"}
	in.Ports[0].Protocol = corev1.ProtocolUDP
	in.Client = &network.ClientService{Name: "sql", Type: corev1.ServiceTypeLoadBalancer}
	got := network.Defaults("db", in)

	assert.Equal(t, "peers", got.ServiceName)
	assert.Equal(t, "crdb", got.StatefulSetName)
	assert.Equal(t, "corp.local", got.ClusterDomain)
	assert.Equal(t, map[string]string{"app": "crdb"}, got.Selector)
	assert.Equal(t, corev1.ProtocolUDP, got.Ports[0].Protocol)
	assert.Equal(t, "sql", got.Client.Name)
	assert.Equal(t, corev1.ServiceTypeLoadBalancer, got.Client.Type)
}

func TestDefaultsSelectorFollowsStatefulSet(t *testing.T) {
	in := validSpec()
	in.StatefulSetName = "crdb"
	got := network.Defaults("net", in)
	assert.Equal(t, "crdb", got.Selector[labels.Instance])
}

func TestDefaultPorts(t *testing.T) {
	in := []network.Port{{Name: "a", Port: 1}, {Name: "b", Port: 2, Protocol: corev1.ProtocolSCTP}}
	got := network.DefaultPorts(in)
	assert.Equal(t, corev1.ProtocolTCP, got[0].Protocol)
	assert.Equal(t, corev1.ProtocolSCTP, got[1].Protocol)
	assert.Empty(t, in[0].Protocol, "input not modified")
	assert.Empty(t, network.DefaultPorts(nil))
}

func TestGoverningService(t *testing.T) {
	in := validSpec()
	in.Labels = map[string]string{"team": "data"}
	in.Annotations = map[string]string{"example.com/owner": "dba"}
	plan, err := network.New("db", in)
	require.NoError(t, err)

	svc := plan.Service
	require.NotNil(t, svc)
	assert.Equal(t, "v1", svc.APIVersion)
	assert.Equal(t, "Service", svc.Kind)
	assert.Equal(t, "db", svc.Name)
	assert.Equal(t, corev1.ClusterIPNone, svc.Spec.ClusterIP, "headless")
	assert.True(t, svc.Spec.PublishNotReadyAddresses, "peers resolve each other before they are Ready")
	assert.Empty(t, svc.Spec.Type)
	assert.Equal(t, plan.Spec.Selector, svc.Spec.Selector)
	assert.Equal(t, "data", svc.Labels["team"])
	assert.Equal(t, "db", svc.Labels[labels.Instance])
	assert.Equal(t, map[string]string{"example.com/owner": "dba"}, svc.Annotations)

	require.Len(t, svc.Spec.Ports, 2, "the governing Service publishes every port")
	assert.Equal(t, corev1.ServicePort{
		Name: "grpc", Port: 26257, Protocol: corev1.ProtocolTCP, TargetPort: intstr.FromString("grpc"),
	}, svc.Spec.Ports[0])
	require.NotNil(t, svc.Spec.Ports[1].AppProtocol)
	assert.Equal(t, "http", *svc.Spec.Ports[1].AppProtocol)
	assert.Equal(t, intstr.FromString("http"), svc.Spec.Ports[1].TargetPort, "target ports are named")

	assert.Nil(t, plan.ClientService)
	assert.Empty(t, plan.ClientPorts)
}

func TestClientService(t *testing.T) {
	tests := []struct {
		name      string
		ports     []network.Port
		client    network.ClientService
		wantName  string
		wantType  corev1.ServiceType
		wantPorts []string
		check     func(t *testing.T, svc *corev1.Service)
	}{
		{
			name:      "default: ports marked Client",
			ports:     []network.Port{{Name: "grpc", Port: 26257, Client: true, Peer: true}, {Name: "raft", Port: 2380, Peer: true}, {Name: "http", Port: 8080, Client: true}},
			wantName:  "db-public",
			wantType:  corev1.ServiceTypeClusterIP,
			wantPorts: []string{"grpc", "http"},
		},
		{
			name:      "explicit ports in the order given",
			ports:     []network.Port{{Name: "grpc", Port: 26257, Client: true}, {Name: "raft", Port: 2380, Peer: true}, {Name: "http", Port: 8080, Client: true}},
			client:    network.ClientService{Name: "sql", Ports: []string{"http", "raft"}},
			wantName:  "sql",
			wantType:  corev1.ServiceTypeClusterIP,
			wantPorts: []string{"http", "raft"},
		},
		{
			name:  "load balancer with node ports, source ranges and traffic policy",
			ports: []network.Port{{Name: "sql", Port: 5432, Client: true}},
			client: network.ClientService{
				Type:                     corev1.ServiceTypeLoadBalancer,
				NodePorts:                map[string]int32{"sql": 30432},
				LoadBalancerSourceRanges: []string{"10.0.0.0/8"},
				ExternalTrafficPolicy:    corev1.ServiceExternalTrafficPolicyLocal,
				Labels:                   map[string]string{"exposed": "true"},
				Annotations:              map[string]string{"service.beta.kubernetes.io/aws-load-balancer-type": "nlb"},
			},
			wantName:  "db-public",
			wantType:  corev1.ServiceTypeLoadBalancer,
			wantPorts: []string{"sql"},
			check: func(t *testing.T, svc *corev1.Service) {
				assert.Equal(t, int32(30432), svc.Spec.Ports[0].NodePort)
				assert.Equal(t, []string{"10.0.0.0/8"}, svc.Spec.LoadBalancerSourceRanges)
				assert.Equal(t, corev1.ServiceExternalTrafficPolicyLocal, svc.Spec.ExternalTrafficPolicy)
				assert.Equal(t, "true", svc.Labels["exposed"])
				assert.Equal(t, "dba", svc.Annotations["example.com/owner"], "network annotations are kept")
				assert.Equal(t, "nlb", svc.Annotations["service.beta.kubernetes.io/aws-load-balancer-type"])
			},
		},
		{
			name:      "node port",
			ports:     []network.Port{{Name: "sql", Port: 5432, Client: true}},
			client:    network.ClientService{Type: corev1.ServiceTypeNodePort},
			wantName:  "db-public",
			wantType:  corev1.ServiceTypeNodePort,
			wantPorts: []string{"sql"},
			check: func(t *testing.T, svc *corev1.Service) {
				assert.Zero(t, svc.Spec.Ports[0].NodePort, "left to the API server")
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := tt.client
			plan, err := network.New("db", network.Spec{
				Replicas: 3, Ports: tt.ports, Client: &c,
				Annotations: map[string]string{"example.com/owner": "dba"},
			})
			require.NoError(t, err)
			svc := plan.ClientService
			require.NotNil(t, svc)
			assert.Equal(t, tt.wantName, svc.Name)
			assert.Equal(t, tt.wantType, svc.Spec.Type)
			assert.Empty(t, svc.Spec.ClusterIP, "not headless")
			assert.False(t, svc.Spec.PublishNotReadyAddresses, "clients only reach Ready pods")
			assert.Equal(t, plan.Service.Spec.Selector, svc.Spec.Selector)
			var names []string
			for _, p := range svc.Spec.Ports {
				names = append(names, p.Name)
				assert.Equal(t, intstr.FromString(p.Name), p.TargetPort)
			}
			assert.Equal(t, tt.wantPorts, names)
			var planNames []string
			for _, p := range plan.ClientPorts {
				planNames = append(planNames, p.Name)
			}
			assert.Equal(t, tt.wantPorts, planNames)
			if tt.check != nil {
				tt.check(t, svc)
			}
		})
	}
}

func TestNames(t *testing.T) {
	in := validSpec()
	in.OrdinalStart = 1
	in.ServiceName = "peers"
	plan, err := network.New("db", in)
	require.NoError(t, err)

	assert.Equal(t, []string{"db-1.peers", "db-2.peers", "db-3.peers"}, plan.PodHosts())
	assert.Equal(t, []string{
		"db-1.peers.prod.svc.cluster.local",
		"db-2.peers.prod.svc.cluster.local",
		"db-3.peers.prod.svc.cluster.local",
	}, plan.PodFQDNs("prod"))
	assert.Equal(t, "peers.prod.svc.cluster.local", plan.ServiceFQDN("prod"))
}

func TestPeerList(t *testing.T) {
	tests := []struct {
		name     string
		ports    []network.Port
		wantPort int32
		want     string
	}{
		{
			name:     "first port marked Peer",
			ports:    []network.Port{{Name: "client", Port: 2181, Client: true}, {Name: "peer", Port: 2888, Peer: true}, {Name: "leader", Port: 3888, Peer: true}},
			wantPort: 2888,
			want:     "db-0.db.ns.svc.cluster.local:2888,db-1.db.ns.svc.cluster.local:2888,db-2.db.ns.svc.cluster.local:2888",
		},
		{
			name:     "no Peer port: the first port",
			ports:    []network.Port{{Name: "sql", Port: 5432}, {Name: "metrics", Port: 9187}},
			wantPort: 5432,
			want:     "db-0.db.ns.svc.cluster.local:5432,db-1.db.ns.svc.cluster.local:5432,db-2.db.ns.svc.cluster.local:5432",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plan, err := network.New("db", network.Spec{Replicas: 3, Ports: tt.ports})
			require.NoError(t, err)
			assert.Equal(t, tt.wantPort, plan.PeerPort().Port)
			assert.Equal(t, tt.want, plan.PeerList("ns"))
		})
	}
	assert.Equal(t, network.Port{}, (&network.Plan{}).PeerPort(), "a plan without ports has no peer port")
}

func TestClientEndpoints(t *testing.T) {
	tests := []struct {
		name   string
		ports  []network.Port
		client *network.ClientService
		want   []string
	}{
		{
			name:   "client Service",
			ports:  []network.Port{{Name: "grpc", Port: 26257, Client: true}, {Name: "raft", Port: 2380, Peer: true}},
			client: &network.ClientService{},
			want:   []string{"db-public.ns.svc.cluster.local:26257"},
		},
		{
			name:  "no client Service: client ports of the governing Service",
			ports: []network.Port{{Name: "raft", Port: 2380, Peer: true}, {Name: "sql", Port: 5432, Client: true}},
			want:  []string{"db.ns.svc.cluster.local:5432"},
		},
		{
			name:  "no port marked Client: every port",
			ports: []network.Port{{Name: "a", Port: 1}, {Name: "b", Port: 2}},
			want:  []string{"db.ns.svc.cluster.local:1", "db.ns.svc.cluster.local:2"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plan, err := network.New("db", network.Spec{Replicas: 1, Ports: tt.ports, Client: tt.client})
			require.NoError(t, err)
			assert.Equal(t, tt.want, plan.ClientEndpoints("ns"))
		})
	}
}

// problem is one expected validation problem: its field path and words of
// its message (what is wrong and how to fix it).
type problem struct{ Field, Contains string }

func TestValidation(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(s *network.Spec)
		want   []problem
	}{
		{"service name not DNS-1123", func(s *network.Spec) { s.ServiceName = "My_Service" }, []problem{{"spec.serviceName", "must be a lower-case RFC 1123 label"}}},
		{"service name too long", func(s *network.Spec) { s.ServiceName = strings.Repeat("s", 64) }, []problem{{"spec.serviceName", "no more than 63 characters"}}},
		{"statefulset name not DNS-1123", func(s *network.Spec) { s.StatefulSetName = "DB" }, []problem{{"spec.statefulSetName", "lower-case RFC 1123 label"}}},
		{"replicas < 1", func(s *network.Spec) { s.Replicas = 0 }, []problem{{"spec.replicas", "must be >= 1, got 0"}}},
		{"negative ordinal start", func(s *network.Spec) { s.OrdinalStart = -1 }, []problem{{"spec.ordinalStart", "must be >= 0, got -1"}}},
		{"bad cluster domain", func(s *network.Spec) { s.ClusterDomain = "Cluster_Local" }, []problem{{"spec.clusterDomain", `must be a DNS domain such as "cluster.local"`}}},
		{"bad selector key", func(s *network.Spec) { s.Selector = map[string]string{"bad key": "x"} }, []problem{{"spec.selector[bad key]", "label key"}}},
		{"empty selector", func(s *network.Spec) { s.Selector = map[string]string{} }, []problem{{"spec.selector", "set the labels of the pods"}}},
		{"bad label value", func(s *network.Spec) { s.Labels = map[string]string{"team": "data team"} }, []problem{{"spec.labels[team]", "label value"}}},
		{"bad annotation key", func(s *network.Spec) { s.Annotations = map[string]string{"a/b/c": "x"} }, []problem{{"spec.annotations[a/b/c]", "annotation key"}}},
		{"no ports", func(s *network.Spec) { s.Ports = nil }, []problem{{"spec.ports", "declare at least one named port"}}},
		{"unnamed port", func(s *network.Spec) { s.Ports[1].Name = "" }, []problem{{"spec.ports[1].name", "name every port"}}},
		{"port name too long", func(s *network.Spec) { s.Ports[1].Name = "prometheus-metrics" }, []problem{{"spec.ports[1].name", "must be an IANA service name"}}},
		{"port name upper case", func(s *network.Spec) { s.Ports[1].Name = "HTTP" }, []problem{{"spec.ports[1].name", "IANA service name"}}},
		{"duplicate port name", func(s *network.Spec) { s.Ports[1].Name = "grpc" }, []problem{{"spec.ports[1].name", "ports[0] already uses this name; give each port a unique name"}}},
		{"duplicate port number", func(s *network.Spec) { s.Ports[1].Port = 26257 }, []problem{{"spec.ports[1].port", "ports[0] already listens on 26257/TCP; use another number"}}},
		{"port zero", func(s *network.Spec) { s.Ports[0].Port = 0 }, []problem{{"spec.ports[0].port", "must be between 1 and 65535"}}},
		{"port too high", func(s *network.Spec) { s.Ports[0].Port = 70000 }, []problem{{"spec.ports[0].port", "must be between 1 and 65535, got 70000"}}},
		{"unsupported protocol", func(s *network.Spec) { s.Ports[0].Protocol = "HTTP" }, []problem{{"spec.ports[0].protocol", `use one of "SCTP", "TCP", "UDP"`}}},
		{"client name equals governing", func(s *network.Spec) { s.Client = &network.ClientService{Name: "db"} }, []problem{{"spec.client.name", `must differ from the governing Service's name; leave it empty for "<service>-public"`}}},
		{"client name not DNS-1123", func(s *network.Spec) { s.Client = &network.ClientService{Name: "Public"} }, []problem{{"spec.client.name", "lower-case RFC 1123 label"}}},
		{"client type", func(s *network.Spec) { s.Client = &network.ClientService{Type: "ExternalName"} }, []problem{{"spec.client.type", `use one of "ClusterIP", "LoadBalancer", "NodePort"`}}},
		{"client port names no port", func(s *network.Spec) { s.Client = &network.ClientService{Ports: []string{"grpc", "sql"}} }, []problem{{"spec.client.ports[1]", "names no declared port; use one of the names in ports"}}},
		{"client service without ports", func(s *network.Spec) {
			s.Ports = []network.Port{{Name: "raft", Port: 2380, Peer: true}}
			s.Client = &network.ClientService{}
		}, []problem{{"spec.client.ports", "mark ports with Client: true or list port names here"}}},
		{"node ports on ClusterIP", func(s *network.Spec) { s.Client = &network.ClientService{NodePorts: map[string]int32{"grpc": 30000}} }, []problem{{"spec.client.nodePorts[grpc]", "node ports need type NodePort or LoadBalancer"}}},
		{"node port out of range", func(s *network.Spec) {
			s.Client = &network.ClientService{Type: corev1.ServiceTypeNodePort, NodePorts: map[string]int32{"grpc": 8080}}
		}, []problem{{"spec.client.nodePorts[grpc]", "must be in the default node port range 30000-32767, got 8080"}}},
		{"node port for unknown port", func(s *network.Spec) {
			s.Client = &network.ClientService{Type: corev1.ServiceTypeNodePort, NodePorts: map[string]int32{"sql": 30001}}
		}, []problem{{"spec.client.nodePorts[sql]", "names no declared port"}}},
		{"source ranges without load balancer", func(s *network.Spec) {
			s.Client = &network.ClientService{Type: corev1.ServiceTypeNodePort, LoadBalancerSourceRanges: []string{"10.0.0.0/8"}}
		}, []problem{{"spec.client.loadBalancerSourceRanges", "only applies to type LoadBalancer"}}},
		{"traffic policy on ClusterIP", func(s *network.Spec) {
			s.Client = &network.ClientService{ExternalTrafficPolicy: corev1.ServiceExternalTrafficPolicyLocal}
		}, []problem{{"spec.client.externalTrafficPolicy", "only applies to type NodePort or LoadBalancer"}}},
		{"unsupported traffic policy", func(s *network.Spec) {
			s.Client = &network.ClientService{Type: corev1.ServiceTypeLoadBalancer, ExternalTrafficPolicy: "Nearest"}
		}, []problem{{"spec.client.externalTrafficPolicy", `use one of "Cluster", "Local"`}}},
		{"bad client label", func(s *network.Spec) { s.Client = &network.ClientService{Labels: map[string]string{"x": "-bad-"}} }, []problem{{"spec.client.labels[x]", "label value"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := validSpec()
			tt.mutate(&s)
			plan, err := network.New("db", s)
			assert.Nil(t, plan)
			validationtest.Assert(t, err, network.Kind, tt.want)
		})
	}
}

func TestValidationReportsEverythingAtOnce(t *testing.T) {
	_, err := network.New("db", network.Spec{
		ServiceName: "Bad_Name",
		Replicas:    0,
		Ports:       []network.Port{{Name: "a", Port: 1}, {Name: "a", Port: 0}},
		Client:      &network.ClientService{Type: "Weird"},
	})
	var verr *validation.Error
	require.ErrorAs(t, err, &verr)
	assert.Equal(t, network.Kind, verr.Component)
	assert.Equal(t, []string{
		"spec.serviceName",
		"spec.replicas",
		"spec.ports[1].name",
		"spec.ports[1].port",
		"spec.client.name", // defaulted from the invalid service name
		"spec.client.type",
		"spec.client.ports",
	}, verr.Fields())
	assert.True(t, strings.HasPrefix(err.Error(), `HeadlessNetwork "db": 7 invalid arguments:`), err.Error())
	assert.Contains(t, err.Error(), `got "Bad_Name-public"`)
}

func TestStandaloneNetworkLabels(t *testing.T) {
	plan, err := network.New("zk", network.Spec{
		Replicas: 3,
		Ports:    []network.Port{{Name: "client", Port: 2181, Client: true}},
		Labels:   map[string]string{"team": "data", "app.kubernetes.io/instance": "not-zk"},
	})
	require.NoError(t, err)
	want := map[string]string{
		"app.kubernetes.io/name":       "zk",
		"app.kubernetes.io/managed-by": "ordinal",
		"app.kubernetes.io/instance":   "zk",
		"app.kubernetes.io/component":  "database",
		"team":                         "data",
	}
	assert.Equal(t, want, plan.Service.Labels, "recommended labels, the user's, and selector labels that cannot be overridden")
}

func TestHasClientPorts(t *testing.T) {
	ports := []network.Port{{Name: "sql", Port: 5432, Client: true}, {Name: "peer", Port: 7000}}
	tests := []struct {
		name   string
		ports  []network.Port
		client *network.ClientService
		want   bool
	}{
		{"no client Service", ports, nil, false},
		{"ports marked Client", ports, &network.ClientService{}, true},
		{"no port marked Client", ports[1:], &network.ClientService{}, false},
		{"listed port", ports, &network.ClientService{Ports: []string{"peer"}}, true},
		{"listed ports override Client marks", ports, &network.ClientService{Ports: []string{"other"}}, false},
		{"no ports", nil, &network.ClientService{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spec := network.Spec{Ports: tt.ports, Client: tt.client}
			assert.Equal(t, tt.want, network.HasClientPorts(spec))
			assert.Equal(t, len(network.ClientPorts(spec)) > 0, network.HasClientPorts(spec))
		})
	}
}
