package engines_test

import (
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"

	"github.com/ordinal-dev/ordinal/pkg/cluster"
	"github.com/ordinal-dev/ordinal/pkg/engines"
)

// docProfile is a profile with every option on that adds a container, a
// port, a claim or a config file, as the documentation tables describe it.
type docProfile struct {
	name    string // as in the tables: Cockroach, ZooKeeper, MySQL, Etcd
	cluster string
	// spec has every option on; plain has none (for the default image).
	spec, plain cluster.Spec
	opts        cluster.Options
}

func docProfiles() []docProfile {
	return []docProfile{
		{
			name: "Cockroach", cluster: "db",
			spec: engines.Cockroach("db", engines.CockroachOptions{
				TLS: &engines.CockroachTLS{NodeSecret: "db-node", ClientSecret: "db-root"},
			}),
			plain: engines.Cockroach("db", engines.CockroachOptions{}),
		},
		{
			name: "ZooKeeper", cluster: "zk",
			spec:  engines.ZooKeeper("zk", engines.ZooKeeperOptions{}),
			plain: engines.ZooKeeper("zk", engines.ZooKeeperOptions{}),
		},
		{
			name: "MySQL", cluster: "mysql",
			spec:  engines.MySQL("mysql", engines.MySQLOptions{Database: "app"}),
			plain: engines.MySQL("mysql", engines.MySQLOptions{}),
			opts:  cluster.Options{SecretKeys: []string{engines.MySQLRootPasswordKey}},
		},
		{
			name: "Etcd", cluster: "etcd",
			spec:  engines.Etcd("etcd", engines.EtcdOptions{}),
			plain: engines.Etcd("etcd", engines.EtcdOptions{}),
		},
	}
}

// docFacts are the names a profile's plan gives, each as "kind name value"
// like a row of the table in doc.go (value: a port's number and role, a
// mount path, or nothing).
func docFacts(t *testing.T, p docProfile) []string {
	t.Helper()
	plan, err := cluster.New(p.cluster, p.spec, p.opts)
	require.NoError(t, err)
	var facts []string
	add := func(kind, name, value string) { facts = append(facts, strings.TrimSpace(kind+" "+name+" "+value)) }

	add("image", p.plain.Containers[0].Image, "")
	pod := plan.StatefulSet.Spec.Template.Spec
	roles := map[string]string{}
	for _, port := range plan.Spec.Ports {
		var r []string
		if port.Client {
			r = append(r, "client")
		}
		if port.Peer {
			r = append(r, "peer")
		}
		roles[port.Name] = strings.Join(r, "+")
		if roles[port.Name] == "" {
			roles[port.Name] = "none"
		}
	}
	mounts := func(c corev1.Container) {
		for _, m := range c.VolumeMounts {
			for _, cl := range plan.StatefulSet.Spec.VolumeClaimTemplates {
				if cl.Name == m.Name {
					add("claim", m.Name, m.MountPath)
				}
			}
			if cfg := plan.Spec.Config; cfg != nil && m.Name == cfg.VolumeName {
				add("config", m.Name, m.MountPath)
			}
		}
	}
	for _, c := range pod.InitContainers {
		add("init-container", c.Name, "")
	}
	for _, c := range pod.Containers {
		add("container", c.Name, "")
		for _, port := range c.Ports {
			add("port", port.Name, strconv.Itoa(int(port.ContainerPort))+" "+roles[port.Name])
		}
		mounts(c)
	}
	if plan.InitJob != nil {
		for _, c := range plan.InitJob.Spec.Template.Spec.Containers {
			add("job", c.Name, "")
		}
	}
	if plan.MembershipJob != nil {
		for _, c := range plan.MembershipJob.Spec.Template.Spec.Containers {
			add("members", c.Name, "")
		}
	}
	if plan.ConfigMap != nil {
		for k := range plan.ConfigMap.Data {
			add("file", k, "")
		}
	}
	for _, k := range plan.Options.SecretKeys {
		add("file", k, "")
	}
	if cfg := plan.Spec.Config; cfg != nil {
		for _, src := range cfg.Sources {
			var items []corev1.KeyToPath
			switch {
			case src.Secret != nil:
				items = src.Secret.Items
			case src.ConfigMap != nil:
				items = src.ConfigMap.Items
			}
			require.NotEmpty(t, items, "%s: a projected source without items: its files cannot be listed", p.name)
			for _, it := range items {
				add("file", it.Path, "")
			}
		}
	}
	slices.Sort(facts)
	return slices.Compact(facts)
}

// valueFields is how many fields after the name a row of kind holds
// before its notes.
var valueFields = map[string]int{"port": 2, "claim": 1, "config": 1}

// docTable parses the table of section "# Containers, ports, config files
// and claims" of doc.go: profile -> rows as "kind name value".
func docTable(t *testing.T) map[string][]string {
	t.Helper()
	src, err := os.ReadFile("doc.go")
	require.NoError(t, err)
	_, section, ok := strings.Cut(string(src), "// # Containers, ports, config files and claims\n")
	require.True(t, ok, "doc.go has the section")
	section, _, _ = strings.Cut(section, "\n// #")
	table := map[string][]string{}
	header := false
	for _, line := range strings.Split(section, "\n") {
		row, ok := strings.CutPrefix(line, "//\t")
		if !ok {
			continue
		}
		f := strings.Fields(row)
		if !header {
			require.Equal(t, []string{"profile", "kind", "name", "value", "notes"}, f, "the table's header")
			header = true
			continue
		}
		require.GreaterOrEqual(t, len(f), 3, "row %q: profile, kind, name", row)
		n, known := valueFields[f[1]]
		if !known && !slices.Contains([]string{"image", "container", "init-container", "job", "members", "file"}, f[1]) {
			t.Fatalf("row %q: unknown kind %q", row, f[1])
		}
		require.GreaterOrEqual(t, len(f), 3+n, "row %q: a %s row has %d value fields", row, f[1], n)
		table[f[0]] = append(table[f[0]], strings.Join(f[1:3+n], " "))
	}
	require.True(t, header, "the section holds a table")
	return table
}

// TestDocTable keeps the table of doc.go true: every container, init
// container, init Job container, port (number and role), claim (mount
// path), config directory and config file a profile's plan has is a row,
// and every row is in the plan. A name a profile adds or renames fails
// here until the table says so.
func TestDocTable(t *testing.T) {
	table := docTable(t)
	var names []string
	for _, p := range docProfiles() {
		names = append(names, p.name)
		t.Run(p.name, func(t *testing.T) {
			rows := slices.Clone(table[p.name])
			slices.Sort(rows)
			assert.Equal(t, docFacts(t, p), rows, "doc.go's rows of %s (kind name value) against its plan", p.name)
		})
	}
	for profile := range table {
		assert.Contains(t, names, profile, "doc.go documents a profile the test does not plan")
	}
}

var (
	readmeBacktick = regexp.MustCompile("`([^`]+)`")
	readmePort     = regexp.MustCompile("`([^`]+)` (\\d+) ([a-z+]+)")
)

// TestReadmeTable keeps the README's table of the same facts true, cell by
// cell: the code spans of each cell are exactly the plan's names.
func TestReadmeTable(t *testing.T) {
	src, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	const header = "| profile | default image | containers | ports (name, number, role) | config directory (volume): files | claims |"
	_, rest, ok := strings.Cut(string(src), header+"\n")
	require.True(t, ok, "README.md has the table %s", header)
	rows := map[string][]string{}
	for _, line := range strings.Split(rest, "\n")[1:] { // after the |---| line
		if !strings.HasPrefix(line, "|") {
			break
		}
		cells := strings.Split(strings.Trim(line, "|"), "|")
		require.Len(t, cells, 6, "row %q", line)
		m := readmeBacktick.FindStringSubmatch(cells[0])
		require.NotNil(t, m, "row %q: the profile as `engines.Name`", line)
		rows[strings.TrimPrefix(m[1], "engines.")] = cells
	}
	spans := func(cell string) []string {
		var out []string
		for _, m := range readmeBacktick.FindAllStringSubmatch(cell, -1) {
			out = append(out, m[1])
		}
		slices.Sort(out)
		return out
	}
	for _, p := range docProfiles() {
		t.Run(p.name, func(t *testing.T) {
			cells, ok := rows[p.name]
			require.True(t, ok, "README.md has a row for engines.%s", p.name)
			want := map[string][]string{}
			for _, f := range docFacts(t, p) {
				parts := strings.Fields(f)
				switch kind := parts[0]; kind {
				case "image":
					want["image"] = append(want["image"], parts[1])
				case "container", "init-container", "job", "members":
					want["containers"] = append(want["containers"], parts[1])
				case "port":
					want["ports"] = append(want["ports"], strings.Join(parts[1:], " "))
				case "config":
					want["config"] = append(want["config"], parts[1], parts[2])
				case "file":
					want["config"] = append(want["config"], parts[1])
				case "claim":
					want["claims"] = append(want["claims"], parts[1], parts[2])
				default:
					t.Fatalf("fact %q: no README column", f)
				}
			}
			for _, w := range want {
				slices.Sort(w)
			}
			var ports []string
			for _, m := range readmePort.FindAllStringSubmatch(cells[3], -1) {
				ports = append(ports, m[1]+" "+m[2]+" "+m[3])
			}
			slices.Sort(ports)
			assert.Equal(t, want["image"], spans(cells[1]), "default image")
			assert.Equal(t, want["containers"], spans(cells[2]), "containers")
			assert.Equal(t, want["ports"], ports, "ports")
			assert.Len(t, spans(cells[3]), len(ports), "every port as `name` number role")
			assert.Equal(t, want["config"], spans(cells[4]), "config directory, volume and files")
			assert.Equal(t, want["claims"], spans(cells[5]), "claims and mount paths")
		})
	}
	assert.Len(t, rows, len(docProfiles()), "README.md documents a profile the test does not plan")
}
