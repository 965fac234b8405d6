package harness

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestParseKubectl(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want kubectlCall
		ok   bool
	}{
		{"get one as JSON", []string{"get", "statefulset", "-n", "ns", "db", "-o", "json"},
			kubectlCall{verb: "get", resource: "statefulset", name: "db", namespace: "ns", output: "json"}, true},
		{"list by selector", []string{"get", "pods", "-n", "ns", "-l", "app=db", "-o", "json"},
			kubectlCall{verb: "get", resource: "pods", selector: "app=db", namespace: "ns", output: "json"}, true},
		{"inline flag values", []string{"get", "--namespace=ns", "pvc", "--selector=a=b", "--output=json"},
			kubectlCall{verb: "get", resource: "pvc", selector: "a=b", namespace: "ns", output: "json"}, true},
		{"kind/name", []string{"get", "pv/disk-0", "-o", "jsonpath={.spec.capacity}"},
			kubectlCall{verb: "get", resource: "pv", name: "disk-0", output: "jsonpath={.spec.capacity}"}, true},
		{"existence check, no output", []string{"get", "job", "-n", "ns", "init"},
			kubectlCall{verb: "get", resource: "job", name: "init", namespace: "ns"}, true},
		{"resource.group", []string{"get", "statefulsets.apps.kruise.io", "-n", "ns", "-o", "json"},
			kubectlCall{verb: "get", resource: "statefulsets.apps.kruise.io", namespace: "ns", output: "json"}, true},
		{"several kinds", []string{"get", "statefulset,service,pdb", "-n", "ns", "-o", "json"},
			kubectlCall{verb: "get", resource: "statefulset,service,pdb", namespace: "ns", output: "json"}, true},
		{"exec", []string{"exec", "-n", "ns", "db-0", "-c", "etcd", "--", "etcdctl", "get", "-n", "x"},
			kubectlCall{verb: "exec", pod: "db-0", container: "etcd", namespace: "ns", command: []string{"etcdctl", "get", "-n", "x"}}, true},
		{"exec without a command", []string{"exec", "-n", "ns", "db-0"}, kubectlCall{}, false},
		{"a flag the client does not know", []string{"get", "pods", "--sort-by", ".metadata.name"}, kubectlCall{}, false},
		{"an output the client does not print", []string{"get", "pods", "-o", "wide"}, kubectlCall{}, false},
		{"two names", []string{"get", "pods", "a", "b"}, kubectlCall{}, false},
		{"a name and a selector", []string{"get", "pods", "a", "-l", "x=y"}, kubectlCall{}, false},
		{"other verbs", []string{"delete", "pod", "a"}, kubectlCall{}, false},
		{"a flag without its value", []string{"get", "pods", "-n"}, kubectlCall{}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := parseKubectl(tc.args)
			assert.Equal(t, tc.ok, ok)
			if tc.ok {
				assert.Equal(t, tc.want, got)
			}
		})
	}
}
