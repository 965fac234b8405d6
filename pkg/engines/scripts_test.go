package engines_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ordinal-dev/ordinal/pkg/engines"
)

// writeExe writes an executable shell script.
func writeExe(t *testing.T, path, body string) {
	t.Helper()
	require.NoError(t, os.WriteFile(path, []byte("#!/bin/sh\n"+body+"\n"), 0o755))
}

// TestCockroachInitScript runs the init Job's script against a fake
// cockroach binary that answers with a scripted sequence of results.
func TestCockroachInitScript(t *testing.T) {
	tests := []struct {
		name      string
		responses []string // "<exit code> <output>" per call
		wantCalls int
		wantOut   string
	}{
		{"initializes at once", []string{"0 Cluster successfully initialized"}, 1, "Cluster successfully initialized"},
		{"already initialized counts as success", []string{"1 ERROR: cluster has already been initialized"}, 1, "cluster already initialized"},
		{"retries until pod 0 answers", []string{
			"1 ERROR: cannot dial server: lookup db-0.db: no such host",
			"1 ERROR: connection refused",
			"0 Cluster successfully initialized",
		}, 3, "Cluster successfully initialized"},
		{"retries, then finds it initialized", []string{"1 ERROR: connection refused", "1 ERROR: cluster has already been initialized"}, 2, "cluster already initialized"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			for i, r := range tc.responses {
				code, out, _ := strings.Cut(r, " ")
				require.NoError(t, os.WriteFile(filepath.Join(dir, "resp"+string(rune('0'+i))), []byte(code+"\n"+out+"\n"), 0o644))
			}
			// The fake binary logs its arguments and replays response N on call N.
			writeExe(t, filepath.Join(dir, "cockroach"), `d=$(dirname "$0")
n=$(wc -l < "$d/calls" 2>/dev/null || echo 0)
echo "$*" >> "$d/calls"
f="$d/resp$n"
[ -f "$f" ] || { echo "unexpected call $n" >&2; exit 3; }
sed -n 2p "$f"
exit $(sed -n 1p "$f")`)
			// sleep is a no-op so the retries are instant.
			writeExe(t, filepath.Join(dir, "sleep"), "exit 0")

			script := engines.CockroachInitScript(filepath.Join(dir, "cockroach"), "db-0.db", []string{"--insecure"})
			cmd := exec.Command("sh", "-c", script)
			cmd.Env = append(os.Environ(), "PATH="+dir+":"+os.Getenv("PATH"))
			out, err := cmd.CombinedOutput()
			require.NoError(t, err, string(out))
			assert.Contains(t, string(out), tc.wantOut)

			calls, err := os.ReadFile(filepath.Join(dir, "calls"))
			require.NoError(t, err)
			lines := strings.Split(strings.TrimSpace(string(calls)), "\n")
			assert.Len(t, lines, tc.wantCalls)
			for _, l := range lines {
				assert.Equal(t, "init --insecure --host=db-0.db:26257", l)
			}
		})
	}
}

// TestZooKeeperStartScript runs the start script with fake hostname and
// zkServer.sh commands and checks myid and the generated zoo.cfg.
func TestZooKeeperStartScript(t *testing.T) {
	tests := []struct {
		host     string
		wantMyID string
	}{
		{"zk-0", "1"},
		{"zk-2", "3"},
		{"my-zk-cluster-11", "12"},
	}
	for _, tc := range tests {
		t.Run(tc.host, func(t *testing.T) {
			bin, data := t.TempDir(), t.TempDir()
			writeExe(t, filepath.Join(bin, "hostname"), "echo "+tc.host)
			writeExe(t, filepath.Join(bin, "zkServer.sh"), `echo "zkServer $* cfgdir=$ZOOCFGDIR jvm=$JVMFLAGS"`)

			cmd := exec.Command("sh", "-c", engines.ZooKeeperStartScript(data))
			cmd.Env = append(os.Environ(),
				"PATH="+bin+":"+os.Getenv("PATH"),
				"ZK_ENSEMBLE=zk-0.zk-hs;zk-1.zk-hs;zk-2.zk-hs",
				"ZK_HEAP_SIZE=512M", "ZK_TICK_TIME=2000", "ZK_INIT_LIMIT=10", "ZK_SYNC_LIMIT=5",
				"ZK_MAX_CLIENT_CNXNS=60", "ZK_SNAP_RETAIN_COUNT=3", "ZK_PURGE_INTERVAL=12",
			)
			out, err := cmd.CombinedOutput()
			require.NoError(t, err, string(out))
			assert.Contains(t, string(out), "zkServer start-foreground cfgdir="+data+"/conf jvm=-Xms512M -Xmx512M")

			myid, err := os.ReadFile(filepath.Join(data, "data", "myid"))
			require.NoError(t, err)
			assert.Equal(t, tc.wantMyID+"\n", string(myid))

			cfg, err := os.ReadFile(filepath.Join(data, "conf", "zoo.cfg"))
			require.NoError(t, err)
			for _, line := range []string{
				"clientPort=2181", "dataDir=" + data + "/data", "tickTime=2000", "initLimit=10", "syncLimit=5",
				"maxClientCnxns=60", "autopurge.snapRetainCount=3", "autopurge.purgeInterval=12",
				"server.1=zk-0.zk-hs:2888:3888", "server.2=zk-1.zk-hs:2888:3888", "server.3=zk-2.zk-hs:2888:3888",
			} {
				assert.Contains(t, strings.Split(string(cfg), "\n"), line)
			}
		})
	}
}
