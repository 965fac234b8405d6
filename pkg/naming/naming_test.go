package naming_test

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ordinal-dev/ordinal/pkg/naming"
)

func TestChild(t *testing.T) {
	tests := []struct {
		component, suffix, want string
	}{
		{"db", "network", "db-network"},
		{"db", "", "db"},
		{"my-db", "config-abc", "my-db-config-abc"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			assert.Equal(t, tt.want, naming.Child(tt.component, tt.suffix))
		})
	}
}

func TestOrdinals(t *testing.T) {
	tests := []struct {
		name            string
		start, replicas int32
		want            []int32
	}{
		{"from zero", 0, 3, []int32{0, 1, 2}},
		{"custom start", 5, 3, []int32{5, 6, 7}},
		{"single", 2, 1, []int32{2}},
		{"none", 0, 0, []int32{}},
		{"negative replicas", 0, -1, []int32{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, naming.Ordinals(tt.start, tt.replicas))
		})
	}
}

func TestPodNames(t *testing.T) {
	tests := []struct {
		name string
		got  string
		want string
	}{
		{"pod name", naming.PodName("db", 0), "db-0"},
		{"pod name high ordinal", naming.PodName("db", 12), "db-12"},
		{"pod host", naming.PodHost("db", "db-hl", 1), "db-1.db-hl"},
		{"service fqdn", naming.ServiceFQDN("db", "prod", "cluster.local"), "db.prod.svc.cluster.local"},
		{"service fqdn default domain", naming.ServiceFQDN("db", "prod", ""), "db.prod.svc.cluster.local"},
		{"service fqdn custom domain", naming.ServiceFQDN("db", "prod", "corp.example"), "db.prod.svc.corp.example"},
		{"pod fqdn", naming.PodFQDN("db", "db", "prod", "", 2), "db-2.db.prod.svc.cluster.local"},
		{"pod fqdn other service", naming.PodFQDN("db", "peers", "ns", "k8s.local", 0), "db-0.peers.ns.svc.k8s.local"},
		{"host port", naming.HostPort("db-0.db", 26257), "db-0.db:26257"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.got)
		})
	}
}

func TestPodFQDNsAndHosts(t *testing.T) {
	tests := []struct {
		name            string
		start, replicas int32
		wantFQDNs       []string
		wantHosts       []string
	}{
		{
			name: "three from zero", start: 0, replicas: 3,
			wantFQDNs: []string{"db-0.svc.ns.svc.cluster.local", "db-1.svc.ns.svc.cluster.local", "db-2.svc.ns.svc.cluster.local"},
			wantHosts: []string{"db-0.svc", "db-1.svc", "db-2.svc"},
		},
		{
			name: "ordinals start at 1", start: 1, replicas: 2,
			wantFQDNs: []string{"db-1.svc.ns.svc.cluster.local", "db-2.svc.ns.svc.cluster.local"},
			wantHosts: []string{"db-1.svc", "db-2.svc"},
		},
		{name: "no replicas", start: 0, replicas: 0, wantFQDNs: []string{}, wantHosts: []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.wantFQDNs, naming.PodFQDNs("db", "svc", "ns", "", tt.start, tt.replicas))
			assert.Equal(t, tt.wantHosts, naming.PodHosts("db", "svc", tt.start, tt.replicas))
		})
	}
}

func TestJoinList(t *testing.T) {
	tests := []struct {
		name  string
		hosts []string
		port  int32
		want  string
	}{
		{"with port", []string{"a", "b", "c"}, 26257, "a:26257,b:26257,c:26257"},
		{"bare hosts", []string{"a", "b"}, 0, "a,b"},
		{"one host", []string{"db-0.db"}, 2181, "db-0.db:2181"},
		{"empty", nil, 2181, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, naming.JoinList(tt.hosts, tt.port))
		})
	}
}

func TestContentHash(t *testing.T) {
	base := naming.ContentHash("a.conf", "x=1")
	require.Len(t, base, 64, "a hex SHA-256")
	assert.Regexp(t, "^[0-9a-f]{64}$", base)
	for range 5 {
		assert.Equal(t, base, naming.ContentHash("a.conf", "x=1"), "same input, same digest")
	}

	tests := []struct {
		name string
		a, b []string
	}{
		{"boundaries between parts matter", []string{"ab", "c"}, []string{"a", "bc"}},
		{"order matters", []string{"k", "v"}, []string{"v", "k"}},
		{"empty part is not absent", []string{"a", ""}, []string{"a"}},
		{"value change", []string{"a.conf", "x=1"}, []string{"a.conf", "x=2"}},
		{"separator inside a part", []string{"a;b"}, []string{"a", "b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.NotEqual(t, naming.ContentHash(tt.a...), naming.ContentHash(tt.b...))
		})
	}
}

func TestContentHashGolden(t *testing.T) {
	// Pinned values: a change here renames every generated ConfigMap of
	// every deployed cluster, which rolls all their pods.
	tests := []struct {
		parts []string
		want  string
	}{
		{nil, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
		{[]string{"a.conf", "x"}, "2ca6b632ce13a39303181c7188fb75abce29ce4e0348d073d1efcff1311944e5"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, naming.ContentHash(tt.parts...))
	}
}

// fmtContentHash is ContentHash as first written, with fmt: the framing
// of the parts must never change, or every content-addressed name would.
func fmtContentHash(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		fmt.Fprintf(h, "%d:%s;", len(p), p)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func TestContentHashFraming(t *testing.T) {
	long := strings.Repeat("x", 600) // past the stack buffer
	tests := []struct {
		name  string
		parts []string
	}{
		{"none", nil},
		{"one empty part", []string{""}},
		{"volume", []string{"node-0", "/mnt/disks/ssd0"}},
		{"multi-digit lengths", []string{strings.Repeat("a", 9), strings.Repeat("b", 10), strings.Repeat("c", 100)}},
		{"separators inside parts", []string{"1:a;", ";", ":"}},
		{"not UTF-8", []string{"\xff\x00"}},
		{"larger than the stack buffer", []string{"key", long}},
		{"many parts together larger than the stack buffer", slices.Repeat([]string{"k", strings.Repeat("v", 50)}, 10)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, fmtContentHash(tt.parts...), naming.ContentHash(tt.parts...))
		})
	}
}

func TestAppendContentHash(t *testing.T) {
	tests := []struct {
		name  string
		dst   []byte
		parts []string
	}{
		{"to nothing", nil, []string{"a.conf", "x"}},
		{"after a prefix", []byte("pool-node-0-"), []string{"node-0", "/mnt/disks/ssd0"}},
		{"no parts", []byte("x"), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := string(tt.dst) + naming.ContentHash(tt.parts...)
			assert.Equal(t, want, string(naming.AppendContentHash(tt.dst, tt.parts...)))
		})
	}
}

func FuzzContentHash(f *testing.F) {
	f.Add("a.conf", "x=1", "")
	f.Add(strings.Repeat("k", 300), strings.Repeat("v", 300), ";")
	f.Fuzz(func(t *testing.T, a, b, c string) {
		if got, want := naming.ContentHash(a, b, c), fmtContentHash(a, b, c); got != want {
			t.Fatalf("ContentHash(%q, %q, %q) = %s, want %s", a, b, c, got, want)
		}
	})
}

func TestShort(t *testing.T) {
	tests := []struct {
		hash string
		n    int
		want string
	}{
		{"abcdef", 3, "abc"},
		{"abcdef", 6, "abcdef"},
		{"abc", 10, "abc"},
		{"", 4, ""},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, naming.Short(tt.hash, tt.n))
	}
}

func TestClaimName(t *testing.T) {
	assert.Equal(t, "data-db-0", naming.ClaimName("data", "db", 0))
	assert.Equal(t, "datadir-zk-12", naming.ClaimName("datadir", "zk", 12))
}
