package toolversions

import (
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/mod/modfile"
)

const root = "../.."

// aligned are the wrapper modules that select the project's versions of
// every module they share with it and with each other.
var aligned = []string{
	"pulumi", "pulumi-language-yaml", "pulumi-sdkgen",
	"kubernetes", "coredns", "etcd", "etcdctl", "kwok",
}

// mainModule names the module each wrapper builds its tool from: it must select
// the version scripts/install-tools.sh declares for the tool, whatever the
// alignment asks of the modules around it. (Raising every shared module
// once moved etcd's wrapper to etcd server v3.7.0 as a side effect: built
// without a complaint, reporting "3.6.16", while etcdctl v3.6.16 no longer
// compiled against client v3.7.2.)
var mainModule = map[string]string{
	"pulumi":                     "github.com/pulumi/pulumi/pkg/v3",
	"pulumi-language-go":         "github.com/pulumi/pulumi/sdk/v3",
	"pulumi-language-nodejs":     "github.com/pulumi/pulumi/sdk/v3",
	"pulumi-language-yaml":       "github.com/pulumi/pulumi-yaml",
	"pulumi-sdkgen":              "github.com/pulumi/pulumi/pkg/v3",
	"pulumi-resource-kubernetes": "github.com/pulumi/pulumi-kubernetes/sdk/v4",
	"kubernetes":                 "k8s.io/kubernetes",
	"etcd":                       "go.etcd.io/etcd/server/v3",
	"etcdctl":                    "go.etcd.io/etcd/etcdctl/v3",
	"coredns":                    "github.com/coredns/coredns",
	"kwok":                       "sigs.k8s.io/kwok",
	"kruise":                     "github.com/openkruise/kruise",
}

// own are module path prefixes a wrapper keeps at its tool's release,
// outside the alignment: etcd's own modules follow etcd v3.6.16 while
// client-go's users (kubernetes, kwok) take the etcd client of k8s.io v0.37.
var own = map[string][]string{
	"etcd":    {"go.etcd.io/"},
	"etcdctl": {"go.etcd.io/"},
}

// apart are the wrapper modules left on versions of their own, and why.
var apart = map[string]string{
	"pulumi-language-go":         "built from the Pulumi SDK tree of v3.66.0, where the language host lived; its graph is another generation",
	"pulumi-language-nodejs":     "as pulumi-language-go",
	"pulumi-resource-kubernetes": "provider v4.25.0 is built on Pulumi v3.215.0 (its schema generator does not compile against v3.274.1's codegen/schema), k8s.io v0.33 and Helm v3.18, with kube-openapi's older gnostic-models: moving those is a provider upgrade, not a pin",
	"kruise":                     "OpenKruise's replace block pins k8s.io v0.32 and golang.org/x/sys v0.19 under everything it compiles",
}

// versions returns the version a go.mod selects for each module it names:
// the target of a replace by version, else the required version.
func versions(t *testing.T, path string) map[string]string {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	f, err := modfile.Parse(path, data, nil)
	require.NoError(t, err)
	out := map[string]string{}
	for _, r := range f.Require {
		out[r.Mod.Path] = r.Mod.Version
	}
	for _, r := range f.Replace {
		if _, ok := out[r.Old.Path]; ok && r.New.Version != "" {
			out[r.Old.Path] = r.New.Version
		}
	}
	return out
}

func TestEveryToolIsAlignedOrSaysWhyNot(t *testing.T) {
	entries, err := os.ReadDir(filepath.Join(root, "scripts", "tools"))
	require.NoError(t, err)
	var tools []string
	for _, e := range entries {
		if _, err := os.Stat(filepath.Join(root, "scripts", "tools", e.Name(), "go.mod")); err == nil {
			tools = append(tools, e.Name())
		}
	}
	require.NotEmpty(t, tools)
	for _, tool := range tools {
		_, isApart := apart[tool]
		require.Truef(t, slices.Contains(aligned, tool) != isApart,
			"scripts/tools/%s: list it in exactly one of aligned or apart (with the reason) in tests/toolversions", tool)
	}
	for _, tool := range append(slices.Clone(aligned), slices.Collect(maps.Keys(apart))...) {
		require.Containsf(t, tools, tool, "tests/toolversions names %s, which scripts/tools does not have", tool)
	}
}

func TestSharedModulesHaveOneVersion(t *testing.T) {
	byModule := map[string]map[string]string{} // module -> go.mod -> version
	add := func(name, path string, skip []string) {
		for mod, v := range versions(t, path) {
			if slices.ContainsFunc(skip, func(prefix string) bool { return strings.HasPrefix(mod, prefix) }) {
				continue
			}
			if byModule[mod] == nil {
				byModule[mod] = map[string]string{}
			}
			byModule[mod][name] = v
		}
	}
	add("go.mod", filepath.Join(root, "go.mod"), nil)
	for _, tool := range aligned {
		add("scripts/tools/"+tool+"/go.mod", filepath.Join(root, "scripts", "tools", tool, "go.mod"), own[tool])
	}
	shared := 0
	for _, mod := range slices.Sorted(maps.Keys(byModule)) {
		seen := byModule[mod]
		if len(seen) < 2 {
			continue
		}
		shared++
		distinct := map[string]bool{}
		var lines []string
		for _, name := range slices.Sorted(maps.Keys(seen)) {
			distinct[seen[name]] = true
			lines = append(lines, name+": "+seen[name])
		}
		if len(distinct) > 1 {
			t.Errorf("%s has %d versions:\n  %s\nraise the lower ones to the highest (go mod edit -require=%s@VERSION, then build or go list the tool with -mod=mod so go.sum follows)",
				mod, len(distinct), strings.Join(lines, "\n  "), mod)
		}
	}
	// The check must see the graph it is about: the Pulumi SDK, gRPC and
	// client-go among a few hundred shared modules.
	require.Greater(t, shared, 100, "modules named by two or more of the go.mod files")
	for _, mod := range []string{"github.com/pulumi/pulumi/sdk/v3", "google.golang.org/grpc", "k8s.io/client-go", "golang.org/x/sys"} {
		require.GreaterOrEqualf(t, len(byModule[mod]), 2, "%s should be shared", mod)
	}
}

// toolVersions reads the VERSION table of scripts/install-tools.sh
// ("  [tool]=vX.Y.Z" lines).
func toolVersions(t *testing.T) map[string]string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(root, "scripts", "install-tools.sh"))
	require.NoError(t, err)
	out := map[string]string{}
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		tool, version, ok := strings.Cut(strings.TrimPrefix(line, "["), "]=")
		if ok && strings.HasPrefix(line, "[") && strings.HasPrefix(version, "v") {
			out[tool] = version
		}
	}
	require.NotEmpty(t, out, "no [tool]=version line in scripts/install-tools.sh")
	return out
}

func TestEachToolIsBuiltAtItsDeclaredVersion(t *testing.T) {
	declared := toolVersions(t)
	for tool, mod := range mainModule {
		t.Run(tool, func(t *testing.T) {
			want, ok := declared[tool]
			require.Truef(t, ok, "scripts/install-tools.sh declares no version of %s", tool)
			got := versions(t, filepath.Join(root, "scripts", "tools", tool, "go.mod"))[mod]
			require.Equalf(t, want, got,
				"scripts/tools/%s/go.mod selects %s %s, but install-tools.sh builds %s %s: pin it (go mod edit -require=%s@%s) and keep the alignment off the tool's own modules",
				tool, mod, got, tool, want, mod, want)
		})
	}
}
