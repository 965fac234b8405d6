package harness

// Engine operations in one CLI process each. The Automation API's Up runs
// the CLI four times (`up`, `stack output` twice, `stack history`), and
// its Destroy twice (`destroy`, `stack history`); a CLI start costs about
// 0.5 s of CPU (measured with process accounting), and the end-to-end
// suites keep both cores busy. Contract: runOp runs one `pulumi up` or
// `pulumi destroy` of the stack, as the Automation API would (same
// workspace, environment, flags and program host), and returns the
// engine's events and the change summary the engine reported; the stack's
// outputs are read only when a test asks for them (Stack.Outputs).

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/emptypb"
)

// inlineHost serves a program of this process to the engine as its
// language host (the CLI's --client flag), as the Automation API does for
// inline programs; its own server is not exported.
type inlineHost struct {
	pulumirpc.UnimplementedLanguageRuntimeServer

	program pulumi.RunFunc
	addr    string
	cancel  chan bool
	done    <-chan error
	// running counts the programs still running: Close waits for them.
	running sync.WaitGroup
}

func startInlineHost(program pulumi.RunFunc) (*inlineHost, error) {
	h := &inlineHost{program: program, cancel: make(chan bool)}
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Cancel: h.cancel,
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, h)
			return nil
		},
		Options: rpcutil.TracingServerInterceptorOptions(nil),
	})
	if err != nil {
		return nil, err
	}
	h.addr, h.done = fmt.Sprintf("127.0.0.1:%d", handle.Port), handle.Done
	return h, nil
}

// Close waits for a running program, then stops the server.
func (h *inlineHost) Close() error {
	h.running.Wait()
	h.cancel <- true
	close(h.cancel)
	return <-h.done
}

func (h *inlineHost) GetRequiredPlugins(context.Context, *pulumirpc.GetRequiredPluginsRequest) (*pulumirpc.GetRequiredPluginsResponse, error) {
	return &pulumirpc.GetRequiredPluginsResponse{}, nil
}

func (h *inlineHost) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: "1.0.0"}, nil
}

func (h *inlineHost) InstallDependencies(*pulumirpc.InstallDependenciesRequest, pulumirpc.LanguageRuntime_InstallDependenciesServer) error {
	return nil
}

// Run runs the program against the engine's resource monitor.
func (h *inlineHost) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	h.running.Add(1)
	defer h.running.Done()
	var engine string
	if len(req.Args) > 0 {
		engine = req.Args[0]
	}
	pctx, err := pulumi.NewContext(ctx, pulumi.RunInfo{
		EngineAddr: engine, MonitorAddr: req.GetMonitorAddress(),
		Config: req.GetConfig(), ConfigSecretKeys: req.GetConfigSecretKeys(),
		Project: req.GetProject(), Stack: req.GetStack(), Parallel: req.GetParallel(),
		DryRun: req.GetDryRun(), Organization: req.GetOrganization(),
	})
	if err != nil {
		return nil, err
	}
	defer pctx.Close()
	err = func() (err error) {
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("inline program panicked: %v", r)
			}
		}()
		return pulumi.RunWithContext(pctx, h.program)
	}()
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	return &pulumirpc.RunResponse{}, nil
}

// opResult is what one engine operation reported.
type opResult struct {
	stdout, stderr string
	events         []events.EngineEvent
	// changes are the summary event's counts by operation (nil when the
	// engine ended before its summary).
	changes *map[string]int
}

// runOp runs `pulumi <op> --yes --skip-preview <flags>` for the stack, its
// progress streamed to progress.
func (s *Stack) runOp(ctx context.Context, op string, progress io.Writer, flags ...string) (opResult, error) {
	var res opResult
	ws := s.stack.Workspace()
	dir, err := os.MkdirTemp("", "ordinal-op-")
	if err != nil {
		return res, err
	}
	defer os.RemoveAll(dir)
	eventLog := filepath.Join(dir, "events.jsonl")
	args := append([]string{op, "--yes", "--skip-preview", "--suppress-progress", "--event-log", eventLog}, flags...)
	kind := "auto.local"
	if s.program != nil {
		host, err := startInlineHost(s.program)
		if err != nil {
			return res, err
		}
		defer host.Close()
		kind = "auto.inline"
		args = append(args, "--client="+host.addr)
	}
	args = append(args, "--exec-kind="+kind, "--stack", s.name)
	// --event-log is a flag of the CLI's debug commands.
	env := []string{"PULUMI_DEBUG_COMMANDS=true"}
	if home := ws.PulumiHome(); home != "" {
		env = append(env, "PULUMI_HOME="+home)
	}
	for k, v := range ws.GetEnvVars() {
		env = append(env, k+"="+v)
	}
	outs := []io.Writer{progress}
	res.stdout, res.stderr, _, err = ws.PulumiCommand().Run(ctx, ws.WorkDir(), nil, outs, outs, env, args...)
	res.events, res.changes = readEventLog(eventLog)
	if err != nil {
		// As the Automation API: a failed operation reports no summary.
		res.changes = nil
		return res, fmt.Errorf("pulumi %s: %w: %s", op, err, res.stderr)
	}
	return res, nil
}

// readEventLog reads the engine's event log (one JSON event a line; a line
// cut by a killed CLI is skipped).
func readEventLog(path string) ([]events.EngineEvent, *map[string]int) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil
	}
	defer f.Close()
	var out []events.EngineEvent
	var changes *map[string]int
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 1<<20), 64<<20)
	for sc.Scan() {
		var e apitype.EngineEvent
		if json.Unmarshal(sc.Bytes(), &e) != nil {
			continue
		}
		out = append(out, events.EngineEvent{EngineEvent: e})
		if e.SummaryEvent != nil {
			m := map[string]int{}
			for op, n := range e.SummaryEvent.ResourceChanges {
				m[string(op)] = n
			}
			changes = &m
		}
	}
	return out, changes
}

// upResult is an auto.UpResult of runOp's (Outputs are not read).
func (r opResult) upResult() auto.UpResult {
	return auto.UpResult{StdOut: r.stdout, StdErr: r.stderr, Summary: r.summary("update")}
}

func (r opResult) summary(kind string) auto.UpdateSummary {
	result := "succeeded"
	if r.changes == nil {
		result = "failed"
	}
	return auto.UpdateSummary{Kind: kind, Result: result, ResourceChanges: r.changes}
}

// UpWith runs `pulumi up` with its progress streamed to progress, in one
// CLI process (runOp), and returns the engine's events too; the config
// values are set by that process (`--config`, saved before the update).
// The result's Outputs are not read: Stack.Outputs reads them.
func (s *Stack) UpWith(ctx context.Context, progress io.Writer, config ...map[string]string) (auto.UpResult, []events.EngineEvent, error) {
	var flags []string
	for _, c := range config {
		for _, k := range slices.Sorted(maps.Keys(c)) {
			flags = append(flags, "--config", k+"="+c[k])
		}
	}
	r, err := s.runOp(ctx, "up", progress, flags...)
	return r.upResult(), r.events, err
}
