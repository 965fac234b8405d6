package harness

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optrefresh"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/stretchr/testify/require"
)

// Faults of the engine itself: an `up` run in the background and killed
// (SIGKILL, by pid, with the provider plugins it started), and the
// recovery the README documents for it (cancel a left lock, clear pending
// creates, up again).

// TryUp runs `pulumi up` and returns its error with the tail of the
// engine's output instead of failing the test. Config values given are
// set by the same CLI process (`up --config`), saved before the update
// runs, as SetConfig saves them.
func (s *Stack) TryUp(what string, config ...map[string]string) (auto.UpResult, error) {
	ctx, cancel := context.WithTimeout(context.Background(), OpTimeout)
	defer cancel()
	buf, w := Progress()
	start := time.Now()
	res, _, err := s.UpWith(ctx, w, config...)
	s.t.Logf("up (%s): %s, changes %v", what, time.Since(start).Round(100*time.Millisecond), res.Summary.ResourceChanges)
	if err != nil {
		return res, fmt.Errorf("up (%s): %w\n--- engine output ---\n%s", what, err, Tail(buf.String(), 120))
	}
	return res, nil
}

// Background runs `pulumi up` (TryUp) in a goroutine; the channel yields
// its error.
func (s *Stack) Background(what string, config ...map[string]string) <-chan error {
	done := make(chan error, 1)
	go func() {
		_, err := s.TryUp(what, config...)
		done <- err
	}()
	return done
}

// Refresh runs `pulumi refresh` with opts and fails the test if it fails.
func (s *Stack) Refresh(what string, opts ...optrefresh.Option) auto.RefreshResult {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), OpTimeout)
	defer cancel()
	buf, w := Progress()
	start := time.Now()
	opts = append(opts, optrefresh.ProgressStreams(w), optrefresh.ErrorProgressStreams(w), optrefresh.SuppressProgress())
	res, err := s.stack.Refresh(ctx, opts...)
	s.t.Logf("refresh (%s): %s, changes %v", what, time.Since(start).Round(100*time.Millisecond), res.Summary.ResourceChanges)
	require.NoError(s.t, err, "refresh (%s)\n--- engine output ---\n%s", what, Tail(buf.String(), 80))
	return res
}

// PendingOperations lists the state's pending operations as
// "<type> <urn>".
func (s *Stack) PendingOperations() []string {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	state, err := s.stack.Export(ctx)
	require.NoError(s.t, err, "pulumi stack export")
	var d apitype.DeploymentV3
	require.NoError(s.t, json.Unmarshal(state.Deployment, &d))
	var out []string
	for _, op := range d.PendingOperations {
		out = append(out, string(op.Type)+" "+string(op.Resource.URN))
	}
	return out
}

// Locks lists the lock files of the stack's file backend (a killed update
// leaves its lock behind).
func (s *Stack) Locks() []string {
	s.t.Helper()
	backend := strings.TrimPrefix(s.stack.Workspace().GetEnvVars()["PULUMI_BACKEND_URL"], "file://")
	require.NotEmpty(s.t, backend, "the stack has no file backend")
	var out []string
	root := filepath.Join(backend, ".pulumi", "locks")
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			out = append(out, strings.TrimPrefix(path, root+"/"))
		}
		return nil
	})
	if err != nil && !os.IsNotExist(err) {
		require.NoError(s.t, err, "reading the backend's locks")
	}
	return out
}

// Recover is the README's recovery after a killed update: `pulumi cancel`
// when the stack is still locked, then `pulumi refresh
// --clear-pending-creates` when the state holds pending operations. It
// returns the pending operations it found.
func (s *Stack) Recover(what string) []string {
	s.t.Helper()
	if locks := s.Locks(); len(locks) > 0 {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		require.NoError(s.t, s.stack.Cancel(ctx), "pulumi cancel removes the killed update's lock (%s)", what)
		cancel()
		require.Empty(s.t, s.Locks(), "locks left after pulumi cancel (%s)", what)
	}
	pending := s.PendingOperations()
	if len(pending) > 0 {
		s.Refresh(what+": clear pending creates", optrefresh.ClearPendingCreates())
		require.Empty(s.t, s.PendingOperations(), "pending operations left after the refresh (%s)", what)
	}
	return pending
}

// KillPulumiCLI sends SIGKILL to every pulumi CLI this test process
// started and to all their descendants (the provider plugins), by pid. It
// returns the pids it killed.
func KillPulumiCLI(t testing.TB) []int {
	t.Helper()
	return killPulumiCLI(t, func(int) bool { return true })
}

// KillCLI is KillPulumiCLI for this stack's CLI only (the one running in
// its workspace directory): tests that run side by side keep theirs.
func (s *Stack) KillCLI(t testing.TB) []int {
	t.Helper()
	dir, err := filepath.EvalSymlinks(s.stack.Workspace().WorkDir())
	require.NoError(t, err)
	return killPulumiCLI(t, func(pid int) bool {
		cwd, err := os.Readlink(filepath.Join("/proc", strconv.Itoa(pid), "cwd"))
		return err == nil && cwd == dir
	})
}

// killPulumiCLI kills the pulumi CLIs this process started that match
// wants, with their descendants, by pid.
func killPulumiCLI(t testing.TB, wants func(pid int) bool) []int {
	t.Helper()
	entries, err := os.ReadDir("/proc")
	require.NoError(t, err)
	children := map[int][]int{}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...
		rest := string(stat)
		if i := strings.LastIndexByte(rest, ')'); i >= 0 {
			rest = rest[i+1:]
		}
		fields := strings.Fields(rest)
		if len(fields) < 2 {
			continue
		}
		if ppid, err := strconv.Atoi(fields[1]); err == nil {
			children[ppid] = append(children[ppid], pid)
		}
	}
	var tree []int
	var walk func(int)
	walk = func(pid int) {
		tree = append(tree, pid)
		for _, c := range children[pid] {
			walk(c)
		}
	}
	for _, pid := range children[os.Getpid()] {
		if exe, err := os.Readlink(filepath.Join("/proc", strconv.Itoa(pid), "exe")); err == nil && filepath.Base(exe) == "pulumi" && wants(pid) {
			walk(pid)
		}
	}
	var killed []int
	for _, pid := range tree {
		if err := syscall.Kill(pid, syscall.SIGKILL); err == nil {
			killed = append(killed, pid)
		}
	}
	return killed
}
