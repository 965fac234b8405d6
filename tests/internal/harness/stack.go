package harness

import (
	"bytes"
	"context"
	"io"
	"maps"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"
)

// OpTimeout bounds one engine operation.
const OpTimeout = 10 * time.Minute

// Passphrase of every test stack's secrets.
const Passphrase = "ordinal-e2e"

// Stack is one Pulumi stack of a test, in a file backend of its own.
type Stack struct {
	t     testing.TB
	name  string
	stack auto.Stack
	// program is an inline stack's program (nil: the project's own).
	program pulumi.RunFunc
}

// WorkspaceEnv is the environment of every engine call of a stack whose
// backend is the directory backend: isolated home and backend, no plugin
// downloads or update checks, the provider pointed at the cluster under test.
func (e *Env) WorkspaceEnv(backend string) map[string]string {
	env := map[string]string{
		"PULUMI_SKIP_UPDATE_CHECK":                    "true",
		"PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
		"PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK":    "true",
		"PULUMI_BACKEND_URL":                          "file://" + backend,
		"PULUMI_CONFIG_PASSPHRASE":                    Passphrase,
		"PULUMI_HOME":                                 e.PulumiHome,
		"KUBECONFIG":                                  e.Kubeconfig,
	}
	maps.Copy(env, e.ExtraEnv)
	return env
}

// Pulumi is the project's own CLI build in .tools/bin.
func (e *Env) Pulumi(t testing.TB) auto.PulumiCommand {
	t.Helper()
	cmd, err := auto.NewPulumiCommand(&auto.PulumiCommandOptions{Root: e.Root + "/.tools", SkipVersionCheck: true})
	require.NoError(t, err, "the pulumi CLI in .tools/bin does not run: rebuild it with scripts/install-tools.sh")
	return cmd
}

// InlineStack creates a stack that runs program in this process through
// the real engine and the project's CLI; it is destroyed when the test ends.
func (e *Env) InlineStack(t testing.TB, name string, program pulumi.RunFunc) *Stack {
	t.Helper()
	backend := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := e.Pulumi(t)
	project := workspace.Project{
		Name:    tokens.PackageName("ordinal-e2e"),
		Runtime: workspace.NewProjectRuntimeInfo("go", nil),
		Backend: &workspace.ProjectBackend{URL: "file://" + backend},
	}
	for _, name := range slices.Sorted(maps.Keys(e.Providers)) {
		if project.Plugins == nil {
			project.Plugins = &workspace.Plugins{}
		}
		project.Plugins.Providers = append(project.Plugins.Providers, workspace.PluginOptions{Name: name, Path: e.Providers[name]})
	}
	s, err := auto.UpsertStackInlineSource(ctx, name, "ordinal-e2e", program,
		auto.Project(project), auto.Pulumi(cmd), auto.PulumiHome(e.PulumiHome),
		auto.SecretsProvider("passphrase"), auto.EnvVars(e.WorkspaceEnv(backend)))
	require.NoError(t, err, "creating the inline stack")
	st := &Stack{t: t, name: name, stack: s, program: program}
	t.Cleanup(st.cleanup)
	return st
}

func (s *Stack) cleanup() {
	ctx, cancel := context.WithTimeout(context.Background(), OpTimeout)
	defer cancel()
	if _, err := s.runOp(ctx, "destroy", io.Discard, "--continue-on-error"); err != nil {
		s.t.Logf("cleanup: destroy of stack %s: %v", s.name, err)
	}
	_ = s.stack.Workspace().RemoveStack(ctx, s.name)
}

// Auto is the Automation API stack, for operations this type does not wrap.
func (s *Stack) Auto() auto.Stack { return s.stack }

// SetConfig sets plain config values of the project's namespace.
func (s *Stack) SetConfig(values map[string]string) {
	s.setConfig(values, false)
}

// SetSecretConfig sets secret config values.
func (s *Stack) SetSecretConfig(values map[string]string) {
	s.setConfig(values, true)
}

func (s *Stack) setConfig(values map[string]string, secret bool) {
	s.t.Helper()
	cm := auto.ConfigMap{}
	for k, v := range values {
		cm[k] = auto.ConfigValue{Value: v, Secret: secret}
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	require.NoError(s.t, s.stack.SetAllConfig(ctx, cm))
}

// Progress collects an operation's output; ORDINAL_E2E_VERBOSE=1 also
// streams it to stderr.
func Progress() (*bytes.Buffer, io.Writer) {
	var buf bytes.Buffer
	if os.Getenv("ORDINAL_E2E_VERBOSE") != "" {
		return &buf, io.MultiWriter(&buf, os.Stderr)
	}
	return &buf, &buf
}

// Up runs `pulumi up` and fails the test with the engine's output if it
// fails; it logs how long it took and what changed.
func (s *Stack) Up(what string, config ...map[string]string) auto.UpResult {
	s.t.Helper()
	res, err := s.TryUp(what, config...)
	require.NoError(s.t, err)
	return res
}

// Destroy runs `pulumi destroy` (in one CLI process: runOp).
func (s *Stack) Destroy(what string) auto.DestroyResult {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), OpTimeout)
	defer cancel()
	buf, w := Progress()
	start := time.Now()
	r, err := s.runOp(ctx, "destroy", w)
	s.t.Logf("destroy (%s): %s", what, time.Since(start).Round(100*time.Millisecond))
	require.NoError(s.t, err, "destroy (%s)\n--- engine output ---\n%s", what, Tail(buf.String(), 120))
	return auto.DestroyResult{StdOut: r.stdout, StdErr: r.stderr, Summary: r.summary("destroy")}
}

// Outputs returns the stack outputs as plain values.
func (s *Stack) Outputs() map[string]any {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, err := s.stack.Outputs(ctx)
	require.NoError(s.t, err)
	plain := map[string]any{}
	for k, v := range out {
		plain[k] = v.Value
	}
	return plain
}

// LocalStack creates a stack of the Pulumi project in workDir, run as a
// user runs it: the CLI starts the project's language host, which builds
// and runs the program. It is destroyed when the test ends.
func (e *Env) LocalStack(t testing.TB, name, workDir string) *Stack {
	t.Helper()
	backend := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := e.Pulumi(t)
	s, err := auto.UpsertStackLocalSource(ctx, name, workDir, auto.Pulumi(cmd), auto.PulumiHome(e.PulumiHome),
		auto.SecretsProvider("passphrase"), auto.EnvVars(e.WorkspaceEnv(backend)))
	require.NoError(t, err, "creating the local-source stack")
	st := &Stack{t: t, name: name, stack: s}
	t.Cleanup(st.cleanup)
	return st
}

// Preview runs `pulumi preview` and returns the planned changes by operation.
func (s *Stack) Preview(what string) map[string]int {
	s.t.Helper()
	out := map[string]int{}
	for op, n := range s.PreviewResult(what).ChangeSummary {
		out[string(op)] = n
	}
	return out
}

// PreviewResult runs `pulumi preview`, logs how long it took and what it
// plans, and fails the test with the engine's output if it fails.
func (s *Stack) PreviewResult(what string) auto.PreviewResult {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), OpTimeout)
	defer cancel()
	buf, w := Progress()
	start := time.Now()
	res, err := s.stack.Preview(ctx, optpreview.ProgressStreams(w), optpreview.ErrorProgressStreams(w), optpreview.SuppressProgress())
	s.t.Logf("preview (%s): %s, changes %v", what, time.Since(start).Round(100*time.Millisecond), res.ChangeSummary)
	require.NoError(s.t, err, "preview (%s)\n--- engine output ---\n%s", what, Tail(buf.String(), 120))
	return res
}
