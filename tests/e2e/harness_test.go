//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"

	"github.com/ordinal-dev/ordinal/tests/internal/harness"
)

// Bounds of one engine operation and of the waits on the API server. The
// components' own await timeout (awaitTimeoutSeconds below) is shorter
// than opTimeout, so a stuck await fails with the provider's message.
const (
	opTimeout           = 8 * time.Minute
	awaitTimeoutSeconds = 300
	waitTimeout         = 2 * time.Minute
	passphrase          = "ordinal-e2e"
)

// stack is one Pulumi stack of a test, in a file backend of its own.
type stack struct {
	t     *testing.T
	name  string
	stack auto.Stack
	h     *harness.Stack
}

// henv is the suite's environment for the shared harness.
func henv() *harness.Env {
	return &harness.Env{Root: env.root, Bin: env.bin, Kubeconfig: env.kubeconfig, PulumiHome: env.pulumiHome}
}

// newInlineStack creates a stack that runs program in this process. The
// stack is destroyed (best effort) when the test ends.
func newInlineStack(t *testing.T, stackName string, program pulumi.RunFunc) *stack {
	t.Helper()
	h := henv().InlineStack(t, stackName, program)
	return &stack{t: t, name: stackName, stack: h.Auto(), h: h}
}

// setConfig sets plain config values (keys without a namespace go to the
// project's namespace, as config.New(ctx, "") reads them).
func (s *stack) setConfig(values map[string]string) {
	s.t.Helper()
	s.h.SetConfig(values)
}

func progress() (*bytes.Buffer, io.Writer) { return harness.Progress() }

// upResult is an update's result and the steps it took per resource.
type upResult struct {
	auto.UpResult
	// Steps maps "<type>/<name>" to the operations the engine ran on the
	// resource, in order ("same" steps left out).
	Steps map[string][]string
	// Output is what the engine wrote to stdout and stderr; Events are its
	// engine events, one JSON document a line.
	Output, Events string
}

// up runs `pulumi up` and fails the test with the engine's output if it
// fails. It logs how long the update took and what it changed.
func (s *stack) up(what string) upResult {
	s.t.Helper()
	res, err := s.tryUp(what)
	require.NoError(s.t, err)
	return res
}

// tryUp is up that returns the error (with the engine's output) instead.
func (s *stack) tryUp(what string) (upResult, error) {
	s.t.Helper()
	return s.upUntil(what, nil)
}

// upUntil is tryUp that cancels the update as soon as abort (polled every
// two seconds, may be nil) reports a reason, so a test fails fast instead
// of waiting for an await timeout.
func (s *stack) upUntil(what string, abort func() string) (upResult, error) {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
	defer cancel()
	abortedCh := make(chan string, 1)
	if abort != nil {
		stop := make(chan struct{})
		defer close(stop)
		go func() {
			tick := time.NewTicker(2 * time.Second)
			defer tick.Stop()
			for {
				select {
				case <-stop:
					return
				case <-tick.C:
					if reason := abort(); reason != "" {
						abortedCh <- reason
						cancel()
						return
					}
				}
			}
		}()
	}
	buf, w := progress()
	steps := map[string][]string{}
	var evLog strings.Builder
	start := time.Now()
	// One CLI process (harness.Stack.UpWith): the engine's events are
	// read from its event log when it ends.
	res, evs, err := s.h.UpWith(ctx, w)
	for _, e := range evs {
		if b, err := json.Marshal(e); err == nil {
			evLog.Write(b)
			evLog.WriteByte('\n')
		}
		if e.ResourcePreEvent == nil {
			continue
		}
		md := e.ResourcePreEvent.Metadata
		if md.Op == apitype.OpSame {
			continue
		}
		key := md.Type + "/" + urnName(md.URN)
		steps[key] = append(steps[key], string(md.Op))
	}
	s.t.Logf("up (%s): %s, changes %v, steps %v", what, time.Since(start).Round(100*time.Millisecond), changes(res.Summary.ResourceChanges), steps)
	out := upResult{UpResult: res, Steps: steps, Output: buf.String(), Events: evLog.String()}
	if err != nil {
		select {
		case reason := <-abortedCh:
			return out, fmt.Errorf("up (%s) cancelled: %s\n--- engine output ---\n%s", what, reason, tail(buf.String(), 60))
		default:
		}
		return out, fmt.Errorf("up (%s): %w\n--- engine output ---\n%s", what, err, tail(buf.String(), 120))
	}
	return out, nil
}

// urnName is the resource name at the end of a URN.
func urnName(urn string) string {
	if i := strings.LastIndex(urn, "::"); i >= 0 {
		return urn[i+2:]
	}
	return urn
}

// preview runs `pulumi preview`.
func (s *stack) preview(what string) auto.PreviewResult {
	s.t.Helper()
	return s.h.PreviewResult(what)
}

// destroy runs `pulumi destroy`.
func (s *stack) destroy(what string) auto.DestroyResult {
	s.t.Helper()
	return s.h.Destroy(what)
}

// exportEncrypted is `pulumi stack export` without --show-secrets (the
// Automation API's Export always decrypts): the state as stored.
func (s *stack) exportEncrypted() string {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	ws := s.stack.Workspace()
	var vars []string
	for k, v := range ws.GetEnvVars() {
		vars = append(vars, k+"="+v)
	}
	stdout, stderr, _, err := ws.PulumiCommand().Run(ctx, ws.WorkDir(), nil, nil, nil, vars, "stack", "export", "--stack", s.name)
	require.NoError(s.t, err, "pulumi stack export: %s", stderr)
	return stdout
}

// outputs returns the stack outputs as plain values.
func (s *stack) outputs() map[string]any {
	s.t.Helper()
	return s.h.Outputs()
}

// changes drops nil maps for logging.
func changes(m *map[string]int) map[string]int {
	if m == nil {
		return nil
	}
	return *m
}

// onlySame reports whether an update summary holds nothing but "same"
// (and "read": reading an object, as a DatabaseCluster on an Advanced
// StatefulSet reads OpenKruise's CRD, changes nothing).
func onlySame(summary *map[string]int) bool {
	if summary == nil {
		return false
	}
	for op, n := range *summary {
		if op != "same" && op != "read" && n > 0 {
			return false
		}
	}
	return (*summary)["same"] > 0
}

func tail(s string, lines int) string { return harness.Tail(s, lines) }

// --- reading the API server ---------------------------------------------

// kubectl runs .tools/bin/kubectl against the test cluster.
func kubectl(args ...string) ([]byte, error) { return henv().Kubectl(args...) }

func mustKubectl(t *testing.T, args ...string) []byte {
	t.Helper()
	return henv().MustKubectl(t, args...)
}

// getJSON reads objects with `kubectl get -o json` into into (a k8s.io/api
// type or list).
func getJSON(t *testing.T, into any, args ...string) {
	t.Helper()
	henv().GetJSON(t, into, args...)
}

// tryGetJSON is getJSON that reports NotFound (or any failure) as an error.
func tryGetJSON(into any, args ...string) error {
	out, err := kubectl(append(append([]string{"get"}, args...), "-o", "json")...)
	if err != nil {
		return err
	}
	return json.Unmarshal(out, into)
}

// eventually polls cond until it holds or timeout passes (harness.Eventually).
func eventually(t *testing.T, timeout time.Duration, what string, cond func() (bool, string)) {
	t.Helper()
	harness.Eventually(t, timeout, what, cond)
}

// namespace creates a namespace for one test (with the given labels) and
// deletes it when the test ends. It lives outside the stacks, so PVCs in it
// survive `pulumi destroy` like they would in a real cluster.
func namespace(t *testing.T, name string, labels map[string]string) string {
	t.Helper()
	return henv().Namespace(t, name, labels)
}

// deletePoolVolumes removes a pool's retained PVs (and its StorageClass)
// when the test ends: RetainOnDelete keeps them out of `pulumi destroy`.
func deletePoolVolumes(t *testing.T, pool string) {
	t.Cleanup(func() {
		sel := "app.kubernetes.io/instance=" + pool
		// A pool with Protection none guards its Bound PVs (localpv.KeepBound).
		if _, err := kubectl("delete", "validatingadmissionpolicybinding,validatingadmissionpolicy", "-l", sel, "--ignore-not-found"); err != nil {
			t.Logf("cleanup: %v", err)
		}
		if _, err := kubectl("delete", "pv", "-l", sel, "--wait=false", "--ignore-not-found"); err != nil {
			t.Logf("cleanup: %v", err)
		}
		if _, err := kubectl("delete", "storageclass", "-l", sel, "--wait=false", "--ignore-not-found"); err != nil {
			t.Logf("cleanup: %v", err)
		}
	})
}

// step logs the duration of one step of a test.
func step(t *testing.T, name string) func() {
	t.Helper()
	start := time.Now()
	t.Logf("step %q: start", name)
	return func() {
		t.Helper()
		t.Logf("step %q: done in %s", name, time.Since(start).Round(100*time.Millisecond))
	}
}
