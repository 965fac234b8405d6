package engines_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ordinal-dev/ordinal/pkg/engines"
)

// A fake `timeout` for the ZooKeeper membership script: it stands for the
// four-letter word sent to a server ("5 bash -c SCRIPT zk HOST PORT
// WORD") and prints the file "HOST.WORD", or fails as if nobody answered.
// A fake getent resolves the names listed in "hosts". Every word is
// logged to "calls".
const (
	fakeZKTimeout = `d=$(dirname "$0")
echo "$6 $8" >> "$d/calls"
[ -f "$d/$6.$8" ] || exit 1
cat "$d/$6.$8"`
	fakeZKGetent = `d=$(dirname "$0")
grep -qxF "$2" "$d/hosts" 2>/dev/null || exit 2
echo "10.0.0.1 $2"`
)

// zkConf is a server's answer to `conf` in an ensemble of n servers.
func zkConf(n int) string {
	var b strings.Builder
	b.WriteString("clientPort=2181\ndataDir=/var/lib/zookeeper/data/version-2\n")
	if n > 1 {
		for i := 0; i < n; i++ {
			b.WriteString("server." + string(rune('1'+i)) + "=zk-" + string(rune('0'+i)) + ".zk-hs:2888:3888:participant;0.0.0.0:2181\n")
		}
		b.WriteString("version=0\n")
	}
	return b.String()
}

// TestZooKeeperMembershipScript runs the membership Job's script against
// fake servers: which steps it lets through, which it refuses and why.
func TestZooKeeperMembershipScript(t *testing.T) {
	serving := func(n int, mode string, except ...string) map[string]string {
		files := map[string]string{}
		for i := 0; i < n; i++ {
			h := "zk-" + string(rune('0'+i)) + ".zk-hs"
			files[h+".conf"] = zkConf(n)
			m := mode
			if i == 0 && mode == "follower" {
				m = "leader"
			}
			files[h+".srvr"] = "Zookeeper version: 3.8.0\nMode: " + m + "\n"
		}
		for _, e := range except {
			delete(files, e)
		}
		return files
	}
	tests := []struct {
		name    string
		running int // pods whose names resolve
		files   map[string]string
		want    string // ORDINAL_REPLICAS
		wantErr bool
		wantOut []string // in this order
	}{
		{name: "no pod: creation", running: 0, want: "3", wantOut: []string{"no pod of zk exists: nothing to check"}},
		{name: "same size: an image change", running: 3, files: serving(3, "follower"), want: "3",
			wantOut: []string{"the ensemble has 3 servers; the StatefulSet is to run 3", "nothing to check"}},
		{name: "5 to 3", running: 5, files: serving(5, "follower"), want: "3",
			wantOut: []string{"zk-0 serves (leader)", "zk-2 serves (follower)", "leaving: zk-4", "leaving: zk-3", "safe:"}},
		{name: "3 to 2", running: 3, files: serving(3, "follower"), want: "2", wantOut: []string{"leaving: zk-2", "safe:"}},
		{name: "3 to 5", running: 3, files: serving(3, "follower"), want: "5",
			wantOut: []string{"zk-2 serves (follower)", "joining: zk-3", "joining: zk-4", "safe:"}},
		{name: "1 to 2 from standalone", running: 1, files: serving(1, "standalone"), want: "2",
			wantOut: []string{"the ensemble has 1 servers", "zk-0 serves (standalone)", "joining: zk-1"}},
		{name: "3 to 1 refused", running: 3, files: serving(3, "follower"), want: "1", wantErr: true,
			wantOut: []string{"scaling ZooKeeper from 3 to 1 servers at once could lose writes", "to 2 first", "the StatefulSet keeps its replicas"}},
		{name: "5 to 2 refused", running: 5, files: serving(5, "follower"), want: "2", wantErr: true,
			wantOut: []string{"from 5 to 2", "to 3 first"}},
		{name: "1 to 3 refused", running: 1, files: serving(1, "standalone"), want: "3", wantErr: true,
			wantOut: []string{"the 2 new, empty servers elect a leader among themselves", "to 2 first"}},
		{name: "3 to 7 refused", running: 3, files: serving(3, "follower"), want: "7", wantErr: true,
			wantOut: []string{"the 4 new, empty servers", "to 6 first"}},
		{name: "a server that stays is out of the quorum", running: 5, want: "3", wantErr: true,
			files: func() map[string]string {
				f := serving(5, "follower")
				f["zk-1.zk-hs.srvr"] = "This ZooKeeper instance is not currently serving requests\n"
				return f
			}(),
			wantOut: []string{"zk-1 does not serve (not serving requests): no server joins or leaves while one that stays is out of the quorum"}},
		{name: "mixed lists after an interrupted scale-up: the larger counts", running: 5, want: "3",
			files: func() map[string]string {
				f := serving(5, "follower")
				f["zk-0.zk-hs.conf"] = zkConf(3)
				return f
			}(),
			wantOut: []string{"the ensemble has 5 servers", "leaving: zk-3"}},
		{name: "a server that stays does not answer", running: 3, want: "2", wantErr: true,
			files: func() map[string]string {
				f := serving(3, "follower")
				delete(f, "zk-1.zk-hs.srvr")
				return f
			}(),
			wantOut: []string{"zk-1 does not serve (no answer)"}},
		{name: "pods exist, none answers", running: 3, files: map[string]string{}, want: "3", wantErr: true,
			wantOut: []string{"no server of zk that stays answers"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			writeExe(t, filepath.Join(dir, "timeout"), fakeZKTimeout)
			writeExe(t, filepath.Join(dir, "getent"), fakeZKGetent)
			writeExe(t, filepath.Join(dir, "sleep"), "exit 0")
			var hosts []string
			for i := 0; i < tc.running; i++ {
				hosts = append(hosts, "zk-"+string(rune('0'+i))+".zk-hs")
			}
			if tc.running > 0 {
				hosts = append(hosts, "zk-hs.ns.svc.cluster.local")
			}
			require.NoError(t, os.WriteFile(filepath.Join(dir, "hosts"), []byte(strings.Join(hosts, "\n")+"\n"), 0o644))
			for f, body := range tc.files {
				require.NoError(t, os.WriteFile(filepath.Join(dir, f), []byte(body), 0o644))
			}
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, "bash", "-c", engines.ZooKeeperMembershipScript(), "zookeeper-membership")
			cmd.Env = []string{"PATH=" + dir + ":" + os.Getenv("PATH"), "ORDINAL_STATEFULSET=zk", "ORDINAL_SERVICE=zk-hs",
				"ORDINAL_SERVICE_FQDN=zk-hs.ns.svc.cluster.local", "ORDINAL_START=0", "ORDINAL_REPLICAS=" + tc.want}
			b, err := cmd.CombinedOutput()
			out := string(b)
			if tc.wantErr {
				require.Error(t, err, out)
			} else {
				require.NoError(t, err, out)
			}
			assertInOrder(t, "bash", out, tc.wantOut)
		})
	}
}

// assertInOrder checks that out, the output of a script run with shell,
// holds every one of wants, in that order.
func assertInOrder(t *testing.T, shell, out string, wants []string) {
	t.Helper()
	last := -1
	for _, w := range wants {
		i := strings.Index(out, w)
		require.GreaterOrEqual(t, i, 0, "%s: %q in:\n%s", shell, w, out)
		assert.Greater(t, i, last, "%s: %q comes after the lines before it:\n%s", shell, w, out)
		last = i
	}
}
