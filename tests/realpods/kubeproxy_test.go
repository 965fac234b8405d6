//go:build e2e

package realpods

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ordinal-dev/ordinal/tests/internal/harness"
)

// TestKubeProxyOutlivesItsNode deletes the Node kube-proxy is named after
// (node-0), as a node lost for good is deleted, and checks that Services
// made afterwards still get their rules on the host: kube-proxy exits when
// its Node goes (by design), and the cluster script restarts it, as a
// node's service manager would. Without that, a node loss on node-0 left
// every later Service unreachable (stop 22's CI: the next suite's client
// Service never answered). Then node-0 registers again (its kubelet
// restarted) and a Service made after that gets its rules too. It runs
// alone: while kube-proxy restarts, no rule of any Service changes.
func TestKubeProxyOutlivesItsNode(t *testing.T) {
	g := useNodeGroup(t, examplesGroup)
	ns := env.Namespace(t, "rp-kube-proxy", nil)
	log := filepath.Join(clusterDir, "logs", "kube-proxy.log")
	restarts := func() int {
		b, err := os.ReadFile(log)
		require.NoError(t, err)
		return strings.Count(string(b), "ordinal: kube-proxy exited")
	}
	// serviceGetsRules makes a Service without endpoints: kube-proxy's
	// REJECT rule for its ClusterIP in the filter table's KUBE-SERVICES
	// shows that it saw the Service and synced the host's rules.
	serviceGetsRules := func(name string) {
		env.MustKubectl(t, "create", "service", "clusterip", name, "-n", ns, "--tcp=80:80")
		ip := strings.TrimSpace(string(env.MustKubectl(t, "get", "service", name, "-n", ns, "-o", "jsonpath={.spec.clusterIP}")))
		require.NotEmpty(t, ip)
		harness.Eventually(t, 2*time.Minute, "rules for Service "+name+" ("+ip+")", func() (bool, string) {
			out, err := exec.Command("iptables", "-S", "KUBE-SERVICES").CombinedOutput()
			return err == nil && strings.Contains(string(out), ip+"/32"), harness.Tail(string(out), 3)
		})
	}

	alone(func() {
		before := restarts()
		env.MustKubectl(t, "delete", "node", "node-0")
		repaired := false
		defer func() {
			if !repaired {
				clusterScript(t, "node-stop", "0")
				clusterScript(t, "node-start", "0")
			}
		}()
		harness.Eventually(t, time.Minute, "kube-proxy restarted", func() (bool, string) {
			n := restarts()
			return n > before, fmt.Sprintf("%d restarts, %d before", n, before)
		})
		serviceGetsRules("after-node-deleted")

		clusterScript(t, "node-stop", "0")
		clusterScript(t, "node-start", "0")
		repaired = true
		g.nodeBack(t, "node-0")
		serviceGetsRules("after-node-back")
	})
}
