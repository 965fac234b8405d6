package reliability

import (
	"encoding/json"
	"sort"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// registration is one resource the program registered with the mocks.
type registration struct {
	Type, Name string
	Custom     bool
	// Inputs are the engine-side inputs, as JSON with secrets and unknowns
	// rendered in a stable form.
	Inputs string
}

// recorder is a pulumi.MockResourceMonitor that counts and records every
// resource registration (components included) and echoes the inputs back
// as outputs.
type recorder struct {
	mu   sync.Mutex
	regs []registration
}

var _ pulumi.MockResourceMonitor = (*recorder)(nil)

func (r *recorder) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	in, err := json.Marshal(args.Inputs.MapRepl(nil, func(v resource.PropertyValue) (any, bool) {
		switch {
		case v.IsComputed(), v.IsOutput() && !v.OutputValue().Known:
			return "<unknown>", true
		}
		return nil, false
	}))
	if err != nil {
		return "", nil, err
	}
	r.mu.Lock()
	r.regs = append(r.regs, registration{Type: args.TypeToken, Name: args.Name, Custom: args.Custom, Inputs: string(in)})
	r.mu.Unlock()
	id := ""
	if args.Custom {
		id = args.Name + "-id"
	}
	return id, args.Inputs, nil
}

func (r *recorder) Call(pulumi.MockCallArgs) (resource.PropertyMap, error) {
	return resource.PropertyMap{}, nil
}

// count is the number of registrations so far.
func (r *recorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.regs)
}

// sorted returns the registrations sorted by type and name: the SDK
// registers resources concurrently, so arrival order is not stable.
func (r *recorder) sorted() []registration {
	r.mu.Lock()
	out := append([]registration(nil), r.regs...)
	r.mu.Unlock()
	sort.Slice(out, func(i, j int) bool {
		if out[i].Type != out[j].Type {
			return out[i].Type < out[j].Type
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// runMocked runs program under a fresh recorder and returns it with the
// error pulumi.RunErr returned.
func runMocked(program pulumi.RunFunc) (*recorder, error) {
	rec := &recorder{}
	err := pulumi.RunErr(program, pulumi.WithMocks("reliability", "test", rec))
	return rec, err
}
