//go:build e2e

package e2e

// The OpenKruise controller for the tests of Advanced StatefulSets
// (startKruise). Contract: when startKruise returns, the CRDs of OpenKruise
// v1.9.0 are established, the controller manager runs on this machine
// against the suite's API server, and its StatefulSet webhooks (defaulting
// and validation of apps.kruise.io StatefulSets, the only ones installed)
// answer; when the test ends, the webhook configurations are deleted and
// the manager is stopped by its PID, so no request of a later test is sent
// to a webhook that no longer runs. The CRDs stay: they cost nothing and
// another test may start the manager again.

import (
	"bytes"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	admissionv1 "k8s.io/api/admissionregistration/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"
)

// Names OpenKruise's webhook controller looks for (its
// pkg/webhook/util/configuration).
const (
	kruiseMutatingConfig   = "kruise-mutating-webhook-configuration"
	kruiseValidatingConfig = "kruise-validating-webhook-configuration"
	kruiseNamespace        = "kruise-system"
)

// startKruise installs OpenKruise's CRDs and StatefulSet webhooks and runs
// its controller manager for the rest of the test.
func startKruise(t *testing.T) {
	t.Helper()
	share := filepath.Join(env.root, ".tools", "kruise")
	mustKubectl(t, "apply", "--server-side", "-f", filepath.Join(share, "crds"))
	mustKubectl(t, "wait", "--for=condition=Established", "crd/statefulsets.apps.kruise.io", "--timeout=60s")
	_, err := henv().KubectlIn([]byte("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: "+kruiseNamespace+"\n"), "apply", "-f", "-")
	require.NoError(t, err)

	webhooks, err := kruiseStatefulSetWebhooks(filepath.Join(share, "webhooks.yaml"))
	require.NoError(t, err)
	_, err = henv().KubectlIn(webhooks, "apply", "-f", "-")
	require.NoError(t, err)
	t.Cleanup(func() {
		if _, err := kubectl("delete", "mutatingwebhookconfiguration", kruiseMutatingConfig, "--ignore-not-found"); err != nil {
			t.Logf("cleanup: %v", err)
		}
		if _, err := kubectl("delete", "validatingwebhookconfiguration", kruiseValidatingConfig, "--ignore-not-found"); err != nil {
			t.Logf("cleanup: %v", err)
		}
	})

	webhookPort, healthPort := freePort(t), freePort(t)
	dir := t.TempDir()
	logPath := filepath.Join(dir, "kruise-manager.log")
	logFile, err := os.Create(logPath)
	require.NoError(t, err)
	cmd := exec.Command(filepath.Join(env.bin, "kruise-manager"),
		"--kubeconfig="+env.kubeconfig,
		"--enable-leader-election=false",
		"--metrics-addr=127.0.0.1:0",
		fmt.Sprintf("--health-probe-addr=127.0.0.1:%d", healthPort),
		"--enable-pprof=false",
	)
	// WEBHOOK_HOST makes the manager serve its webhooks on this address
	// with a certificate of its own (written to WEBHOOK_CERT_DIR) and point
	// the webhook configurations at it by URL.
	cmd.Env = append(os.Environ(),
		"WEBHOOK_HOST=127.0.0.1",
		fmt.Sprintf("WEBHOOK_PORT=%d", webhookPort),
		"WEBHOOK_CERT_DIR="+filepath.Join(dir, "certs"),
		"POD_NAMESPACE="+kruiseNamespace,
	)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	require.NoError(t, cmd.Start())
	pid := cmd.Process.Pid
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = syscall.Kill(-pid, syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(15 * time.Second):
			_ = syscall.Kill(-pid, syscall.SIGKILL)
			<-exited
		}
		logFile.Close()
		if t.Failed() {
			if b, err := os.ReadFile(logPath); err == nil {
				t.Logf("kruise-manager log (last lines):\n%s", tail(string(b), 40))
			}
		}
	})

	ready := fmt.Sprintf("http://127.0.0.1:%d/readyz", healthPort)
	eventually(t, 2*time.Minute, "the OpenKruise manager ready (webhooks serving)", func() (bool, string) {
		select {
		case err := <-exited:
			exited <- err
			b, _ := os.ReadFile(logPath)
			require.FailNow(t, "kruise-manager exited", "%v\n%s", err, tail(string(b), 40))
		default:
		}
		resp, err := http.Get(ready)
		if err != nil {
			return false, err.Error()
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK, resp.Status
	})
}

// kruiseStatefulSetWebhooks are OpenKruise's webhook configurations
// reduced to the webhooks of its StatefulSet, under the names the manager
// fills in. Its pod webhook (and the others) are left out: with
// failurePolicy Fail, they would stop every pod of the cluster whenever the
// manager does not run.
func kruiseStatefulSetWebhooks(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	keep := func(cc admissionv1.WebhookClientConfig) bool {
		return cc.Service != nil && cc.Service.Path != nil && strings.Contains(*cc.Service.Path, "apps-kruise-io-statefulset")
	}
	var out [][]byte
	for _, doc := range bytes.Split(b, []byte("\n---")) {
		var meta struct{ Kind string }
		if err := yaml.Unmarshal(doc, &meta); err != nil {
			return nil, err
		}
		var obj any
		switch meta.Kind {
		case "MutatingWebhookConfiguration":
			var c admissionv1.MutatingWebhookConfiguration
			if err := yaml.Unmarshal(doc, &c); err != nil {
				return nil, err
			}
			var hooks []admissionv1.MutatingWebhook
			for _, w := range c.Webhooks {
				if keep(w.ClientConfig) {
					hooks = append(hooks, w)
				}
			}
			c.ObjectMeta, c.Webhooks = metaNamed(kruiseMutatingConfig), hooks
			obj = c
		case "ValidatingWebhookConfiguration":
			var c admissionv1.ValidatingWebhookConfiguration
			if err := yaml.Unmarshal(doc, &c); err != nil {
				return nil, err
			}
			var hooks []admissionv1.ValidatingWebhook
			for _, w := range c.Webhooks {
				if keep(w.ClientConfig) {
					hooks = append(hooks, w)
				}
			}
			c.ObjectMeta, c.Webhooks = metaNamed(kruiseValidatingConfig), hooks
			obj = c
		default:
			continue
		}
		y, err := yaml.Marshal(obj)
		if err != nil {
			return nil, err
		}
		out = append(out, y)
	}
	if len(out) != 2 {
		return nil, fmt.Errorf("%s: want a mutating and a validating webhook configuration, found %d", path, len(out))
	}
	return bytes.Join(out, []byte("---\n")), nil
}

func metaNamed(name string) metav1.ObjectMeta { return metav1.ObjectMeta{Name: name} }

// freePort is a TCP port on 127.0.0.1 that nothing listens on now.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
