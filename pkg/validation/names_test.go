package validation_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	k8svalidation "k8s.io/apimachinery/pkg/util/validation"

	"github.com/ordinal-dev/ordinal/pkg/validation"
)

// nameChecks pairs every check with apimachinery's and with the byte loop
// that accepts valid values without a regular expression.
var nameChecks = []struct {
	name       string
	check, k8s func(string) []string
	loop       func(string) bool
}{
	{"IsDNS1123Label", validation.IsDNS1123Label, k8svalidation.IsDNS1123Label, validation.IsDNS1123LabelLoop},
	{"IsDNS1035Label", validation.IsDNS1035Label, k8svalidation.IsDNS1035Label, validation.IsDNS1035LabelLoop},
	{"IsDNS1123Subdomain", validation.IsDNS1123Subdomain, k8svalidation.IsDNS1123Subdomain, validation.IsDNS1123SubdomainLoop},
	{"IsQualifiedName", validation.IsQualifiedName, k8svalidation.IsQualifiedName, validation.IsQualifiedNameLoop},
	{"IsValidLabelValue", validation.IsValidLabelValue, k8svalidation.IsValidLabelValue, validation.IsLabelValueLoop},
	{"IsConfigMapKey", validation.IsConfigMapKey, k8svalidation.IsConfigMapKey, validation.IsConfigMapKeyLoop},
	{"IsValidPortName", validation.IsValidPortName, k8svalidation.IsValidPortName, validation.IsPortNameLoop},
}

// nameSamples covers the edges of every rule: lengths around each limit,
// each character class at the start, middle and end, prefixes and dots.
var nameSamples = func() []string {
	out := []string{
		"", "a", "A", "0", "-", ".", "..", "_", "/", "a-b", "a--b", "-a", "a-", "a.b", "a..b", ".a", "a.", "a_b", "_a", "a_",
		"my-name", "123-abc", "abc-123", "1abc", "MyName", "my.name", "my_value", "12345", "example.com", "Example.com",
		"example.com/key", "example.com/MyName", "Example.com/key", "example.com/", "/key", "a/b/c", "a//b", "example.com/-key",
		"kubernetes.io/hostname", "topology.kubernetes.io/zone", "app.kubernetes.io/instance", "a.-b.c", "a-.b", "a.b-",
		"..a", "...", "a..", ".a.", "key.name", "KEY_NAME", "key-name", "cluster.conf", "a b", "a\nb", "a\n", "\na", "ünï", "\xff", "a\xffb",
		"grpc", "http", "sql", "h2c", "123", "1-2", "a1", "x-y-z", "verylongportnam", "verylongportname", "UPPER", "up-Per",
		"cluster.local", "db-public", "local-ssd-node-0-0fe009", "*", "a*b", "a=b", "a%", "a:b",
	}
	for _, n := range []int{14, 15, 16, 62, 63, 64, 252, 253, 254} {
		out = append(out, strings.Repeat("a", n), strings.Repeat("a", n-1)+"-", "x"+strings.Repeat("-", n-2)+"y", strings.Repeat("A", n))
		out = append(out, "example.com/"+strings.Repeat("b", n), strings.Repeat("c", n)+"/name")
	}
	out = append(out, strings.Repeat("a.", 126)+"a", strings.Repeat("a.", 127)+"a", strings.Repeat("ab.", 84))
	return out
}()

func TestNameChecksMatchApimachinery(t *testing.T) {
	for _, c := range nameChecks {
		t.Run(c.name, func(t *testing.T) {
			for _, s := range nameSamples {
				want := c.k8s(s)
				assert.Equal(t, want, c.check(s), "%s(%q)", c.name, s)
				assert.Equal(t, len(want) == 0, c.loop(s), "the loop must accept exactly what apimachinery accepts: %q", s)
			}
		})
	}
}

func FuzzNameChecks(f *testing.F) {
	for _, s := range nameSamples {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, c := range nameChecks {
			want := c.k8s(s)
			if got := c.loop(s); got != (len(want) == 0) {
				t.Fatalf("%s loop(%q) = %v, apimachinery says %q", c.name, s, got, want)
			}
			if got := c.check(s); !slices.Equal(got, want) {
				t.Fatalf("%s(%q) = %q, want %q", c.name, s, got, want)
			}
		}
	})
}
