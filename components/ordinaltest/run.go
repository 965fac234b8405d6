package ordinaltest

import (
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Default project and stack names of Run and RunErr.
const (
	DefaultProject = "test"
	DefaultStack   = "dev"
)

// Option configures Run and RunErr.
type Option func(*settings)

type settings struct {
	project, stack string
	config         map[string]string
	secrets        []string
	preview        bool
	recorder       *Recorder
}

// WithProject sets the project name (default "test"); bare config keys are
// prefixed with it.
func WithProject(name string) Option { return func(s *settings) { s.project = name } }

// WithStack sets the stack name (default "dev").
func WithStack(name string) Option { return func(s *settings) { s.stack = name } }

// WithConfig adds plain config values. A key without a namespace ("image")
// belongs to the project ("<project>:image"); a key with one
// ("kubernetes:namespace") is kept as is.
func WithConfig(values map[string]string) Option {
	return func(s *settings) {
		for k, v := range values {
			s.config[k] = v
		}
	}
}

// WithSecret adds a secret config value, read with config.RequireSecret or
// config.GetSecret. Keys work as in WithConfig.
func WithSecret(key, value string) Option {
	return func(s *settings) {
		s.config[key] = value
		s.secrets = append(s.secrets, key)
	}
}

// WithPreview runs the program as a preview (ctx.DryRun() is true).
func WithPreview() Option { return func(s *settings) { s.preview = true } }

// WithRecorder records into rec instead of a new Recorder, for example to
// set its OutputsFor or CallResult hooks.
func WithRecorder(rec *Recorder) Option { return func(s *settings) { s.recorder = rec } }

// RunErr runs program under the Recorder's mocks and returns the recorder
// together with the error the program returned (as is, not wrapped), or
// the error of a failed registration or output. Like `pulumi up`, it returns only after
// every resource was registered and every output resolved. Config comes
// only from the options, never from the environment.
func RunErr(program pulumi.RunFunc, opts ...Option) (*Recorder, error) {
	s := &settings{project: DefaultProject, stack: DefaultStack, config: map[string]string{}}
	for _, o := range opts {
		o(s)
	}
	if s.recorder == nil {
		s.recorder = NewRecorder()
	}
	config := make(map[string]string, len(s.config))
	for k, v := range s.config {
		config[s.key(k)] = v
	}
	secrets := make([]string, 0, len(s.secrets))
	for _, k := range s.secrets {
		secrets = append(secrets, s.key(k))
	}
	// Keep the program's own error: pulumi.RunErr wraps it in a
	// multierror ("1 error occurred: ...").
	var programErr error
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		programErr = program(ctx)
		return programErr
	},
		pulumi.WithMocks(s.project, s.stack, s.recorder),
		func(info *pulumi.RunInfo) {
			info.Config = config
			info.ConfigSecretKeys = secrets
			info.DryRun = s.preview
		})
	if err != nil && programErr != nil {
		return s.recorder, programErr
	}
	return s.recorder, err
}

// Run runs program like RunErr and fails the test if it returns an error.
func Run(t TB, program pulumi.RunFunc, opts ...Option) *Recorder {
	t.Helper()
	rec, err := RunErr(program, opts...)
	if err != nil {
		t.Fatalf("program failed: %v", err)
	}
	return rec
}

func (s *settings) key(k string) string {
	if strings.Contains(k, ":") {
		return k
	}
	return s.project + ":" + k
}
