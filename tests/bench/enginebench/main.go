package main

import (
	"context"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/blang/semver"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/utilities"
	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optremove"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	appsv1 "k8s.io/api/apps/v1"
	"sigs.k8s.io/yaml"

	"github.com/ordinal-dev/ordinal/components"
	"github.com/ordinal-dev/ordinal/examples/cockroach"
	"github.com/ordinal-dev/ordinal/pkg/engines"
	"github.com/ordinal-dev/ordinal/pkg/localpv"
)

// Approaches, as written to the CSV.
const (
	approachOrdinal = "ordinal"
	approachYAML    = "yaml/v2"
	approachKubectl = "kubectl"
)

const projectName = "ordinal-bench"

func main() {
	var (
		out       = flag.String("out", "bench/engine.csv", "CSV file to write (rows are appended as they are measured)")
		runs      = flag.Int("runs", 5, "measured runs of each case")
		warmups   = flag.Int("warmup", 1, "warm-up runs of each case, recorded but left out of the statistics")
		scenarios = flag.String("scenarios", "preview,up,policy", "scenarios to run: preview, up, policy, languages")
		replicas  = flag.String("replicas", "3,5,9", "replica counts of the policy scenario (needs that many nodes)")
		namespace = flag.String("namespace", "bench", "namespace to deploy to (created; emptied before every up)")
		work      = flag.String("work", "", "scratch directory for state and rendered manifests (default: a new temp dir)")
		timeout   = flag.Duration("timeout", 10*time.Minute, "limit of one operation")
		events    = flag.Bool("events", false, "log when each resource of every pulumi up starts and finishes (diagnosis; adds event-log tailing to the timed runs)")
	)
	flag.Parse()
	// A dependency points the standard logger elsewhere at init.
	log.SetOutput(os.Stderr)
	log.SetFlags(log.Ltime)
	if os.Getenv("KUBECONFIG") == "" {
		log.Fatal("KUBECONFIG is not set: run through scripts/bench.sh engine, or point it at a disposable cluster")
	}
	counts, err := parseInts(*replicas)
	if err != nil {
		log.Fatal(err)
	}
	b, err := newBench(*work, *namespace, *timeout)
	if err != nil {
		log.Fatal(err)
	}
	w, err := newWriter(*out)
	if err != nil {
		log.Fatal(err)
	}
	defer w.close()
	b.w = w
	b.events = *events
	if err := b.kubectl("create", "namespace", b.ns, "--dry-run=client", "-o", "yaml"); err != nil {
		log.Fatal(err)
	}
	_ = b.kubectl("create", "namespace", b.ns)
	total := *warmups + *runs
	for _, s := range strings.Split(*scenarios, ",") {
		switch strings.TrimSpace(s) {
		case "preview":
			err = b.scenarioPreview(total, *warmups)
		case "up":
			err = b.scenarioUp(total, *warmups)
		case "policy":
			err = b.scenarioPolicy(total, *warmups, counts)
		case "real":
			err = b.scenarioReal(total, *warmups)
		case "languages":
			err = b.scenarioLanguages(total, *warmups)
		case "":
			continue
		default:
			err = fmt.Errorf("unknown scenario %q", s)
		}
		if err != nil {
			log.Fatalf("scenario %s: %v", s, err)
		}
	}
	if err := b.cleanCluster(); err != nil {
		log.Printf("final clean-up: %v", err)
	}
	log.Printf("results in %s", *out)
}

func parseInts(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("bad replica count %q", f)
		}
		out = append(out, n)
	}
	return out, nil
}

// bench holds what every measurement needs.
type bench struct {
	ns      string
	work    string
	timeout time.Duration
	cmd     *timedCommand
	env     map[string]string
	w       *writer
	seq     int
	events  bool
}

func newBench(work, ns string, timeout time.Duration) (*bench, error) {
	if work == "" {
		d, err := os.MkdirTemp("", "enginebench-")
		if err != nil {
			return nil, err
		}
		work = d
	}
	work, err := filepath.Abs(work)
	if err != nil {
		return nil, err
	}
	for _, d := range []string{"state", "home", "render"} {
		if err := os.MkdirAll(filepath.Join(work, d), 0o755); err != nil {
			return nil, err
		}
	}
	env := map[string]string{
		"PULUMI_BACKEND_URL":                          "file://" + filepath.Join(work, "state"),
		"PULUMI_HOME":                                 filepath.Join(work, "home"),
		"PULUMI_CONFIG_PASSPHRASE":                    "enginebench",
		"PULUMI_SKIP_UPDATE_CHECK":                    "true",
		"PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
		"PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK":    "true",
	}
	for k, v := range env {
		if err := os.Setenv(k, v); err != nil {
			return nil, err
		}
	}
	inner, err := auto.NewPulumiCommand(&auto.PulumiCommandOptions{SkipVersionCheck: true})
	if err != nil {
		return nil, err
	}
	return &bench{ns: ns, work: work, timeout: timeout, cmd: &timedCommand{inner: inner}, env: env}, nil
}

// timedCommand runs the Pulumi CLI and remembers how long the last `up` or
// `preview` process ran.
type timedCommand struct {
	inner auto.PulumiCommand
	mu    sync.Mutex
	last  time.Duration
}

func (c *timedCommand) Run(ctx context.Context, workdir string, stdin io.Reader, out, errOut []io.Writer, env []string, args ...string) (string, string, int, error) {
	start := time.Now()
	stdout, stderr, code, err := c.inner.Run(ctx, workdir, stdin, out, errOut, env, args...)
	if len(args) > 0 && (args[0] == "up" || args[0] == "preview") {
		c.mu.Lock()
		c.last = time.Since(start)
		c.mu.Unlock()
	}
	return stdout, stderr, code, err
}

func (c *timedCommand) Version() semver.Version { return c.inner.Version() }

func (c *timedCommand) lastRun() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.last
}

// stack creates a fresh stack of program with config.
func (b *bench) stack(ctx context.Context, prefix string, program pulumi.RunFunc, config map[string]string) (auto.Stack, error) {
	b.seq++
	name := fmt.Sprintf("%s-%d-%d", prefix, os.Getpid(), b.seq)
	s, err := auto.UpsertStackInlineSource(ctx, name, projectName, program,
		auto.Project(workspace.Project{Name: projectName, Runtime: workspace.NewProjectRuntimeInfo("go", nil)}),
		auto.Pulumi(b.cmd),
		auto.EnvVars(b.env),
		auto.SecretsProvider("passphrase"),
	)
	if err != nil {
		return s, err
	}
	cfg := auto.ConfigMap{}
	for k, v := range config {
		cfg[k] = auto.ConfigValue{Value: v}
	}
	return s, s.SetAllConfig(ctx, cfg)
}

// dropStack forgets a stack without touching the cluster.
func (b *bench) dropStack(s auto.Stack) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := s.Workspace().RemoveStack(ctx, s.Name(), optremove.Force()); err != nil {
		log.Printf("remove stack %s: %v", s.Name(), err)
	}
}

func (b *bench) op() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), b.timeout)
}

// pulumiUp runs `pulumi up` on a stack and returns how long the CLI ran.
func (b *bench) pulumiUp(s auto.Stack) (time.Duration, error) {
	ctx, cancel := b.op()
	defer cancel()
	var opts []optup.Option
	if b.events {
		ch := make(chan events.EngineEvent)
		done := make(chan struct{})
		go logEvents(s.Name(), ch, done)
		defer func() { <-done }()
		opts = append(opts, optup.EventStreams(ch))
	}
	if _, err := s.Up(ctx, opts...); err != nil {
		return 0, err
	}
	return b.cmd.lastRun(), nil
}

// logEvents logs, for each resource, when the engine started and finished
// it, in seconds since the first event.
func logEvents(stack string, ch <-chan events.EngineEvent, done chan<- struct{}) {
	defer close(done)
	var start time.Time
	began := map[string]float64{}
	for e := range ch {
		now := time.Now()
		if start.IsZero() {
			start = now
		}
		at := now.Sub(start).Seconds()
		switch {
		case e.ResourcePreEvent != nil:
			began[e.ResourcePreEvent.Metadata.URN] = at
		case e.ResOutputsEvent != nil:
			urn := e.ResOutputsEvent.Metadata.URN
			log.Printf("  %s: %-60s %6.2fs -> %6.2fs (%s)", stack, urn[strings.LastIndex(urn, "::")+2:], began[urn], at, e.ResOutputsEvent.Metadata.Op)
		case e.SummaryEvent != nil:
			log.Printf("  %s: summary at %.2fs", stack, at)
		}
	}
}

func (b *bench) pulumiPreview(s auto.Stack) (time.Duration, error) {
	ctx, cancel := b.op()
	defer cancel()
	if _, err := s.Preview(ctx); err != nil {
		return 0, err
	}
	return b.cmd.lastRun(), nil
}

// kubectl runs kubectl, failing with its output.
func (b *bench) kubectl(args ...string) error {
	_, err := b.kubectlOut(args...)
	return err
}

func (b *bench) kubectlOut(args ...string) (string, error) {
	ctx, cancel := b.op()
	defer cancel()
	out, err := exec.CommandContext(ctx, "kubectl", args...).CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("kubectl %s: %w\n%s", strings.Join(args, " "), err, out)
	}
	return string(out), nil
}

// --- programs ---------------------------------------------------------------

// exampleConfig is the example's stack config for replicas pods on as many nodes.
func (b *bench) exampleConfig(replicas int) map[string]string {
	return map[string]string{
		"namespace": b.ns,
		"replicas":  strconv.Itoa(replicas),
		"nodes":     strings.Join(nodeNames(replicas), ","),
	}
}

func nodeNames(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("node-%d", i)
	}
	return out
}

// policyProgram is the example's Deploy with the pod management policy
// replaced (the example itself always uses Parallel).
func policyProgram(policy appsv1.PodManagementPolicyType) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		c, err := cockroach.LoadConfig(ctx)
		if err != nil {
			return err
		}
		var opts []pulumi.ResourceOption
		if c.Render != "" {
			p, err := kubernetes.NewProvider(ctx, "render", &kubernetes.ProviderArgs{
				RenderYamlToDirectory: pulumi.String(c.Render),
				Kubeconfig:            pulumi.String(""),
			})
			if err != nil {
				return err
			}
			opts = append(opts, pulumi.Providers(p))
		}
		pool, err := components.NewLocalVolumePool(ctx, c.Name+"-disks", &components.LocalVolumePoolArgs{
			Spec: localpv.Spec{Nodes: c.Nodes, Path: c.DiskPath, Capacity: c.DiskCapacity},
		}, opts...)
		if err != nil {
			return err
		}
		spec := engines.Cockroach(c.Name, engines.CockroachOptions{Replicas: c.Replicas, Image: c.Image, StorageSize: c.StorageSize})
		spec.PodManagementPolicy = policy
		_, err = components.NewDatabaseCluster(ctx, c.Name, &components.DatabaseClusterArgs{
			Namespace: pulumi.String(c.Namespace), Spec: spec, Pool: pool,
		}, opts...)
		return err
	}
}

// yamlProgram deploys rendered manifests with yaml/v2.
//
// It registers kubernetes:yaml/v2:ConfigGroup as the SDK's NewConfigGroup
// does (a remote component with the package's default options), without
// importing sdk/v4/go/kubernetes/yaml/v2: that package imports every API
// group of the SDK to register their output types, 16 MB of generated Go
// that nothing else in this module compiles (the engine does the work;
// this program reads no output of the group).
func yamlProgram(files []string) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		var group configGroup
		return ctx.RegisterRemoteComponentResource("kubernetes:yaml/v2:ConfigGroup", "manifests",
			pulumi.Map{"files": pulumi.ToStringArray(files)}, &group, utilities.PkgResourceDefaultOpts(nil)...)
	}
}

// configGroup is a kubernetes:yaml/v2:ConfigGroup whose outputs are not read.
type configGroup struct {
	pulumi.ResourceState
}

// rendered is a directory of manifests written by the render config.
type rendered struct {
	dir         string
	files       []string
	statefulSet string
	job         string
	replicas    int
}

// render writes the manifests of program with config to a new directory,
// through the example's `render` config (what `make render` does).
func (b *bench) render(name string, program pulumi.RunFunc, config map[string]string, replicas int) (*rendered, error) {
	dir := filepath.Join(b.work, "render", name)
	if err := os.RemoveAll(dir); err != nil {
		return nil, err
	}
	cfg := map[string]string{"render": dir}
	for k, v := range config {
		cfg[k] = v
	}
	ctx, cancel := b.op()
	defer cancel()
	s, err := b.stack(ctx, "render", program, cfg)
	if err != nil {
		return nil, err
	}
	defer b.dropStack(s)
	if _, err := s.Up(ctx); err != nil {
		return nil, fmt.Errorf("render %s: %w", name, err)
	}
	r := &rendered{dir: dir, replicas: replicas}
	err = filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".yaml") {
			return err
		}
		r.files = append(r.files, path)
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, doc := range strings.Split(string(data), "\n---") {
			var obj struct {
				Kind     string `json:"kind"`
				Metadata struct {
					Name string `json:"name"`
				} `json:"metadata"`
			}
			if yaml.Unmarshal([]byte(doc), &obj) != nil {
				continue
			}
			switch obj.Kind {
			case "StatefulSet":
				r.statefulSet = obj.Metadata.Name
			case "Job":
				r.job = obj.Metadata.Name
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(r.files) == 0 || r.statefulSet == "" {
		return nil, fmt.Errorf("render %s: no StatefulSet in %s", name, dir)
	}
	return r, nil
}

// --- cluster ----------------------------------------------------------------

// cleanCluster deletes everything the benchmarks create and waits until it
// is gone, so every up starts from nothing.
func (b *bench) cleanCluster() error {
	if err := b.kubectl("delete", "statefulsets,jobs,services,poddisruptionbudgets,configmaps,secrets,pods,persistentvolumeclaims",
		"--all", "-n", b.ns, "--ignore-not-found", "--wait=false"); err != nil {
		return err
	}
	if err := b.kubectl("delete", "persistentvolumes,storageclasses", "-l", "app.kubernetes.io/managed-by=ordinal",
		"--ignore-not-found", "--wait=false"); err != nil {
		return err
	}
	deadline := time.Now().Add(3 * time.Minute)
	for {
		left, err := b.kubectlOut("get", "pods,persistentvolumeclaims,statefulsets,jobs", "-n", b.ns, "-o", "name")
		if err != nil {
			return err
		}
		pvs, err := b.kubectlOut("get", "persistentvolumes,storageclasses", "-l", "app.kubernetes.io/managed-by=ordinal", "-o", "name")
		if err != nil {
			return err
		}
		left = strings.TrimSpace(left + pvs)
		if left == "" {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("clean-up: still present after 3 minutes:\n%s", left)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// verify checks, untimed, that an up left every pod Ready and the Job complete.
func (b *bench) verify(r *rendered) error {
	ready, err := b.kubectlOut("get", "statefulset", r.statefulSet, "-n", b.ns, "-o", "jsonpath={.status.readyReplicas}")
	if err != nil {
		return err
	}
	if strings.TrimSpace(ready) != strconv.Itoa(r.replicas) {
		return fmt.Errorf("statefulset %s: %q ready replicas after up, want %d", r.statefulSet, ready, r.replicas)
	}
	if r.job == "" {
		return nil
	}
	done, err := b.kubectlOut("get", "job", r.job, "-n", b.ns, "-o", `jsonpath={.status.conditions[?(@.type=="Complete")].status}`)
	if err != nil {
		return err
	}
	if strings.TrimSpace(done) != "True" {
		return fmt.Errorf("job %s is not complete after up", r.job)
	}
	return nil
}

// kubectlUp applies the manifests and waits like a user would.
func (b *bench) kubectlUp(r *rendered) (time.Duration, error) {
	start := time.Now()
	if err := b.kubectl("apply", "-R", "-f", r.dir); err != nil {
		return 0, err
	}
	if err := b.kubectl("rollout", "status", "statefulset/"+r.statefulSet, "-n", b.ns, "--timeout="+b.timeout.String()); err != nil {
		return 0, err
	}
	if r.job != "" {
		if err := b.kubectl("wait", "--for=condition=complete", "job/"+r.job, "-n", b.ns, "--timeout="+b.timeout.String()); err != nil {
			return 0, err
		}
	}
	return time.Since(start), nil
}

func (b *bench) kubectlApply(r *rendered) (time.Duration, error) {
	start := time.Now()
	err := b.kubectl("apply", "-R", "-f", r.dir)
	return time.Since(start), err
}

// --- scenarios --------------------------------------------------------------

// upVerified runs `pulumi up` of program with config on a fresh stack,
// checks the result like kubectl's (verify), and with again runs a second,
// no-op `up`; the stack's state is dropped afterwards.
func (b *bench) upVerified(prefix string, program pulumi.RunFunc, config map[string]string, r *rendered, again bool) (up, noop time.Duration, err error) {
	ctx, cancel := b.op()
	s, err := b.stack(ctx, prefix, program, config)
	cancel()
	if err != nil {
		return 0, 0, err
	}
	defer b.dropStack(s)
	if up, err = b.pulumiUp(s); err != nil {
		return up, 0, err
	}
	if err = b.verify(r); err != nil || !again {
		return up, 0, err
	}
	noop, err = b.pulumiUp(s)
	return up, noop, err
}

// rotate returns items starting at index i, so no approach always runs first.
func rotate[T any](items []T, i int) []T {
	k := i % len(items)
	return append(append([]T{}, items[k:]...), items[:k]...)
}

func (b *bench) scenarioPreview(total, warmups int) error {
	r, err := b.render("example", cockroach.Program, b.exampleConfig(3), 3)
	if err != nil {
		return err
	}
	if err := b.cleanCluster(); err != nil {
		return err
	}
	programs := map[string]pulumi.RunFunc{approachOrdinal: cockroach.Program, approachYAML: yamlProgram(r.files)}
	for i := range total {
		for _, a := range rotate([]string{approachOrdinal, approachYAML}, i) {
			ctx, cancel := b.op()
			s, err := b.stack(ctx, "preview", programs[a], b.exampleConfig(3))
			cancel()
			if err != nil {
				return err
			}
			d, err := b.pulumiPreview(s)
			b.dropStack(s)
			if err != nil {
				return err
			}
			b.w.row("preview", a, "Parallel", 3, i, i < warmups, d)
		}
	}
	return nil
}

func (b *bench) scenarioUp(total, warmups int) error {
	r, err := b.render("example", cockroach.Program, b.exampleConfig(3), 3)
	if err != nil {
		return err
	}
	programs := map[string]pulumi.RunFunc{approachOrdinal: cockroach.Program, approachYAML: yamlProgram(r.files)}
	for i := range total {
		for _, a := range rotate([]string{approachOrdinal, approachYAML, approachKubectl}, i) {
			if err := b.cleanCluster(); err != nil {
				return err
			}
			var up, noop time.Duration
			if a == approachKubectl {
				if up, err = b.kubectlUp(r); err != nil {
					return err
				}
				if err := b.verify(r); err != nil {
					return err
				}
				if noop, err = b.kubectlApply(r); err != nil {
					return err
				}
			} else if up, noop, err = b.upVerified("up", programs[a], b.exampleConfig(3), r, true); err != nil {
				return fmt.Errorf("%s: %w", a, err)
			}
			b.w.row("up", a, "Parallel", 3, i, i < warmups, up)
			b.w.row("noop", a, "Parallel", 3, i, i < warmups, noop)
		}
	}
	return b.cleanCluster()
}

func (b *bench) scenarioPolicy(total, warmups int, counts []int) error {
	policies := []appsv1.PodManagementPolicyType{appsv1.OrderedReadyPodManagement, appsv1.ParallelPodManagement}
	for _, n := range counts {
		for _, policy := range policies {
			program := policyProgram(policy)
			r, err := b.render(fmt.Sprintf("%s-%d", strings.ToLower(string(policy)), n), program, b.exampleConfig(n), n)
			if err != nil {
				return err
			}
			for i := range total {
				for _, a := range rotate([]string{approachOrdinal, approachKubectl}, i) {
					if err := b.cleanCluster(); err != nil {
						return err
					}
					var up time.Duration
					if a == approachKubectl {
						up, err = b.kubectlUp(r)
					} else {
						ctx, cancel := b.op()
						s, serr := b.stack(ctx, "policy", program, b.exampleConfig(n))
						cancel()
						if serr != nil {
							return serr
						}
						up, err = b.pulumiUp(s)
						b.dropStack(s)
					}
					if err == nil {
						err = b.verify(r)
					}
					if err != nil {
						return fmt.Errorf("%s %s %d replicas: %w", a, policy, n, err)
					}
					b.w.row("policy", a, string(policy), n, i, i < warmups, up)
				}
			}
		}
	}
	return b.cleanCluster()
}

// --- output -----------------------------------------------------------------

// writer appends CSV rows and flushes each one, so an interrupted run
// keeps what it measured.
type writer struct {
	f *os.File
	c *csv.Writer
}

// header of the CSV written by writer.row.
var header = []string{"scenario", "approach", "policy", "replicas", "run", "warmup", "seconds"}

func newWriter(path string) (*writer, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, err
	}
	_, statErr := os.Stat(path)
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return nil, err
	}
	w := &writer{f: f, c: csv.NewWriter(f)}
	if errors.Is(statErr, os.ErrNotExist) {
		if err := w.c.Write(header); err != nil {
			return nil, err
		}
		w.c.Flush()
	}
	return w, w.c.Error()
}

func (w *writer) row(scenario, approach, policy string, replicas, run int, warmup bool, d time.Duration) {
	rec := []string{scenario, approach, policy, strconv.Itoa(replicas), strconv.Itoa(run), strconv.FormatBool(warmup), strconv.FormatFloat(d.Seconds(), 'f', 3, 64)}
	if err := w.c.Write(rec); err != nil {
		log.Fatal(err)
	}
	w.c.Flush()
	if err := w.c.Error(); err != nil {
		log.Fatal(err)
	}
	tag := ""
	if warmup {
		tag = " (warm-up)"
	}
	log.Printf("%-8s %-8s %-12s %d replicas run %d: %.2fs%s", scenario, approach, policy, replicas, run, d.Seconds(), tag)
}

func (w *writer) close() {
	w.c.Flush()
	if err := w.f.Close(); err != nil {
		log.Print(err)
	}
}
