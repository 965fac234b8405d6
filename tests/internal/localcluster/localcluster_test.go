package localcluster

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRepoRootFindsGoMod(t *testing.T) {
	root, err := RepoRoot()
	require.NoError(t, err)
	assert.FileExists(t, filepath.Join(root, "go.mod"))
	assert.FileExists(t, filepath.Join(root, "scripts", "cluster.sh"), "the repository root, not a nested module")
}

func TestRepoRootOutsideAModule(t *testing.T) {
	wd, err := os.Getwd()
	require.NoError(t, err)
	t.Cleanup(func() { _ = os.Chdir(wd) })
	require.NoError(t, os.Chdir(t.TempDir()))
	_, err = RepoRoot()
	assert.ErrorContains(t, err, "no go.mod above the working directory")
}

func TestStartReportsAScriptFailure(t *testing.T) {
	// A root without scripts/cluster.sh: `up` fails, Start says which script
	// and returns no stop function.
	stop, err := Start(t.TempDir(), t.TempDir(), "", "test")
	assert.Nil(t, stop)
	assert.ErrorContains(t, err, filepath.Join("scripts", "cluster.sh")+" up")
}

func TestIPTablesLines(t *testing.T) {
	tests := []struct {
		name, save string
		want       []string
	}{
		{"no table loaded", "", nil},
		{"tables loaded since, empty, policy ACCEPT", "*filter\n:INPUT ACCEPT [12:900]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [3:1]\nCOMMIT\n*nat\n:PREROUTING ACCEPT [0:0]\nCOMMIT\n", nil},
		{"a policy that is not ACCEPT", "*filter\n:FORWARD DROP [0:0]\nCOMMIT\n", []string{"*filter :FORWARD DROP"}},
		{"a chain of its own and a rule", "*nat\n:POSTROUTING ACCEPT [0:0]\n:ORDINAL-POSTROUTING - [0:0]\n-A POSTROUTING -j ORDINAL-POSTROUTING\nCOMMIT\n",
			[]string{"*nat -A POSTROUTING -j ORDINAL-POSTROUTING", "*nat :ORDINAL-POSTROUTING"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, iptablesLines(tt.save))
		})
	}
}
