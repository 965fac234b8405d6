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
