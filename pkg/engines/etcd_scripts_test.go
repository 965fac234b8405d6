package engines_test

import (
	"cmp"
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

// A fake etcdctl for the etcd scripts: the member list is the file
// "members" (the lines `etcdctl member list` prints); "down" makes every
// call fail as if no member answered; "refuse" makes member remove fail
// with its content; the endpoints listed in "unhealthy" fail endpoint
// health. member add appends an unstarted member and prints the
// ETCD_* lines etcdctl prints; member remove deletes the member's line.
// Every call is logged to "calls".
const fakeEtcdctl = `d=$(dirname "$0")
echo "$*" | sed 's/--endpoints=[^ ]* //; s/--dial-timeout=[^ ]* //; s/--command-timeout=[^ ]* //' >> "$d/calls"
[ -e "$d/down" ] && { echo "context deadline exceeded" >&2; exit 1; }
url=$(echo "$*" | sed -n 's/.*--peer-urls=//p')
ep=$(echo "$*" | sed -n 's/.*--endpoints=\([^ ]*\).*/\1/p')
for a in "$@"; do case "$a" in --*) ;; *) set -- "$@" "$a" ;; esac; shift; done
case "$1 $2" in
"member list") cat "$d/members" ;;
"member add")
  [ -e "$d/refuse" ] && { cat "$d/refuse" >&2; exit 1; }
  echo "ffff, unstarted, , $url, , false" >> "$d/members"
  printf 'Member ffff added to cluster c\n\nETCD_NAME="%s"\nETCD_INITIAL_CLUSTER="' "$3"
  awk -F', ' -v n="$3" '{ printf "%s%s=%s", s, ($3 == "" && $4 != "'"$url"'") ? "" : ($3 == "" ? n : $3), $4; s = "," }' "$d/members"
  printf '"\nETCD_INITIAL_CLUSTER_STATE="existing"\n' ;;
"member remove")
  [ -e "$d/refuse" ] && { cat "$d/refuse" >&2; exit 1; }
  grep -q "^$3, " "$d/members" || { echo "member not found" >&2; exit 1; }
  grep -v "^$3, " "$d/members" > "$d/m.new"; mv "$d/m.new" "$d/members"
  echo "Member $3 removed" ;;
"endpoint health")
  grep -qxF "$ep" "$d/unhealthy" 2>/dev/null && { echo "$ep is unhealthy: failed to commit proposal" >&2; exit 1; }
  echo "$ep is healthy" ;;
*) echo "unexpected: $*" >&2; exit 3 ;;
esac`

// etcdScriptDir is a directory with the fake tools on a PATH of their own
// (the busybox applets the scripts use come from the host).
func etcdScriptDir(t *testing.T, members ...string) string {
	t.Helper()
	dir := t.TempDir()
	writeExe(t, filepath.Join(dir, "etcdctl"), fakeEtcdctl)
	writeExe(t, filepath.Join(dir, "sleep"), "exit 0")
	require.NoError(t, os.WriteFile(filepath.Join(dir, "members"), []byte(strings.Join(members, "")), 0o644))
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "data"), 0o755))
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "tools"), 0o755))
	return dir
}

// localized rewrites the scripts' absolute paths into dir.
func localized(script, dir string) string {
	return strings.NewReplacer(
		engines.EtcdDataDir, filepath.Join(dir, "data"),
		engines.EtcdToolsDir, filepath.Join(dir, "tools"),
		"/dev/termination-log", filepath.Join(dir, "termination-log"),
	).Replace(script)
}

// runEtcdScript runs script in dir with env; "$@" is a fake etcd that
// prints the initial-cluster settings it was started with.
func runEtcdScript(t *testing.T, dir, script string, limit time.Duration, env ...string) (string, error) {
	t.Helper()
	fakeEtcd := filepath.Join(dir, "etcd")
	writeExe(t, fakeEtcd, `echo "etcd started: $ETCD_INITIAL_CLUSTER_STATE $ETCD_INITIAL_CLUSTER"`)
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	cmd := exec.CommandContext(ctx, "sh", "-c", localized(script, dir), "etcd-start", fakeEtcd, "--name=kv-3")
	cmd.Env = append([]string{"PATH=" + dir + ":" + os.Getenv("PATH"), "ORDINAL_ETCDCTL=" + filepath.Join(dir, "etcdctl")}, env...)
	cmd.WaitDelay = time.Second // a child the killed shell left must not hold the output open
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func member(id, state, name string, ord string) string {
	client := ""
	if state == "started" {
		client = "http://kv-" + ord + ".kv:2379"
	}
	return id + ", " + state + ", " + name + ", http://kv-" + ord + ".kv:2380, " + client + ", false\n"
}

// TestEtcdStartScript runs the member's start script in each situation of
// its contract against the fake etcdctl.
func TestEtcdStartScript(t *testing.T) {
	founding := []string{"ETCD_INITIAL_CLUSTER=kv-0=http://kv-0.kv:2380", "ETCD_INITIAL_CLUSTER_STATE=new", "ORDINAL_ETCD_ENDPOINTS=http://kv:2379"}
	three := []string{member("a0", "started", "kv-0", "0"), member("a1", "started", "kv-1", "1"), member("a2", "started", "kv-2", "2")}
	tests := []struct {
		name    string
		pod     string
		members []string
		down    bool
		wal     bool // the data directory holds a member
		marker  bool // this pod ran a member before
		want    []string
		calls   []string // member add/remove calls, in order
		noStart bool
		aside   bool // the data directory was moved aside
	}{
		{name: "the founder founds when nobody answers", pod: "kv-0", down: true,
			want: []string{"etcd started: new kv-0=http://kv-0.kv:2380"}},
		{name: "a new member adds itself and joins", pod: "kv-3", members: three,
			want:  []string{"added kv-3", "etcd started: existing kv-0=http://kv-0.kv:2380,kv-1=http://kv-1.kv:2380,kv-2=http://kv-2.kv:2380,kv-3=http://kv-3.kv:2380"},
			calls: []string{"member add kv-3 --peer-urls=http://kv-3.kv:2380"}},
		{name: "a member added but never started joins without a second add", pod: "kv-3",
			members: append(append([]string{}, three...), member("a3", "unstarted", "", "3")),
			want:    []string{"etcd started: existing kv-0=http://kv-0.kv:2380,kv-1=http://kv-1.kv:2380,kv-2=http://kv-2.kv:2380,kv-3=http://kv-3.kv:2380"}},
		{name: "a member whose data is gone is removed and added anew", pod: "kv-2", members: three,
			want:  []string{"whose data directory is gone", "etcd started: existing"},
			calls: []string{"member remove a2", "member add kv-2 --peer-urls=http://kv-2.kv:2380"}},
		{name: "a member with its data just starts", pod: "kv-1", members: three, wal: true,
			want: []string{"etcd started: new kv-0=http://kv-0.kv:2380"}},
		{name: "a member with its data starts when nobody answers", pod: "kv-1", down: true, wal: true,
			want: []string{"etcd started: new"}},
		{name: "a pod back on the claim of a removed member keeps the data aside and joins", pod: "kv-3", members: three, wal: true,
			want:  []string{"keeping it as", "added kv-3", "etcd started: existing"},
			calls: []string{"member add kv-3 --peer-urls=http://kv-3.kv:2380"}, aside: true},
		{name: "a member removed while its pod runs waits to be deleted", pod: "kv-3", members: three, wal: true, marker: true,
			want: []string{"waiting for the StatefulSet to delete the pod"}, noStart: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := etcdScriptDir(t, tc.members...)
			if tc.down {
				require.NoError(t, os.WriteFile(filepath.Join(dir, "down"), nil, 0o644))
			}
			if tc.wal {
				require.NoError(t, os.MkdirAll(filepath.Join(dir, "data/data/member/wal"), 0o755))
				require.NoError(t, os.WriteFile(filepath.Join(dir, "data/data/member/wal/0.wal"), []byte("records"), 0o644))
			}
			if tc.marker {
				require.NoError(t, os.WriteFile(filepath.Join(dir, "tools/ran-a-member"), nil, 0o644))
			}
			ord := strings.TrimPrefix(tc.pod, "kv-")
			limit := 10 * time.Second
			if tc.noStart {
				limit = time.Second // it waits for ever
			}
			out, _ := runEtcdScript(t, dir, engines.EtcdStartScript(), limit, append(founding,
				"POD_NAME="+tc.pod, "ORDINAL_ETCD_PEER_URL=http://kv-"+ord+".kv:2380")...)
			for _, w := range tc.want {
				assert.Contains(t, out, w)
			}
			assert.Equal(t, tc.noStart, !strings.Contains(out, "etcd started"), out)
			calls, _ := os.ReadFile(filepath.Join(dir, "calls"))
			var changes []string
			for _, c := range strings.Split(strings.TrimSpace(string(calls)), "\n") {
				if strings.HasPrefix(c, "member add") || strings.HasPrefix(c, "member remove") {
					changes = append(changes, c)
				}
			}
			assert.Equal(t, tc.calls, changes, out)
			entries, _ := filepath.Glob(filepath.Join(dir, "data/data.removed-*/member/wal/0.wal"))
			assert.Equal(t, tc.aside, len(entries) == 1, "the removed member's data kept aside: %v", entries)
			if !tc.noStart && !tc.down || tc.pod == "kv-0" {
				assert.FileExists(t, filepath.Join(dir, "tools/ran-a-member"), "the pod remembers it ran a member")
			}
		})
	}
}

// TestEtcdMembershipScript runs the membership Job's script against the
// fake etcdctl and a fake nslookup.
func TestEtcdMembershipScript(t *testing.T) {
	five := []string{member("a0", "started", "kv-0", "0"), member("a1", "started", "kv-1", "1"), member("a2", "started", "kv-2", "2"),
		member("a3", "started", "kv-3", "3"), member("a4", "started", "kv-4", "4")}
	tests := []struct {
		name     string
		replicas string
		dns      string // what the fake nslookup prints; it fails unless the output has a Name:
		members  []string
		refuse   string
		down     string // a member that stays, unhealthy
		wantExit int
		want     []string
		removed  []string
	}{
		{name: "no pod yet", replicas: "3", dns: "** server can't find kv.ns.svc.cluster.local: NXDOMAIN",
			want: []string{"no pod of kv exists"}},
		{name: "DNS does not answer", replicas: "3", dns: ";; connection timed out; no servers could be reached",
			wantExit: 1, want: []string{"cannot tell whether pods of kv exist"}},
		{name: "a scale-up removes nobody", replicas: "5", members: five,
			want: []string{"nothing to remove"}},
		{name: "a scale-down removes the highest first", replicas: "3", members: five,
			want: []string{"removed kv-4", "removed kv-3"}, removed: []string{"a4", "a3"}},
		{name: "a member added but not started is removed too", replicas: "3",
			members: append(five[:3:3], member("a3", "unstarted", "", "3")),
			want:    []string{"removed kv-3"}, removed: []string{"a3"}},
		{name: "a member of another StatefulSet is left alone", replicas: "1",
			members: []string{member("a0", "started", "kv-0", "0"), "b9, started, other-1, http://other-1.kv:2380, , false\n"},
			want:    []string{"nothing to remove"}},
		{name: "etcd refuses", replicas: "3", members: five, refuse: "etcdserver: unhealthy cluster",
			wantExit: 1, want: []string{"etcd refused to remove kv-4, so the StatefulSet keeps its replicas: etcdserver: unhealthy cluster"},
			removed: []string{"a4"}}, // asked once, and not again
		{name: "no member leaves while one that stays is down", replicas: "3", members: five, down: "http://kv-1.kv:2379",
			wantExit: 1, want: []string{"the member at http://kv-1.kv:2379 does not answer"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := etcdScriptDir(t, tc.members...)
			dns := cmp.Or(tc.dns, "Server: 10.96.0.10\n\nName: kv.ns.svc.cluster.local\nAddress: 10.88.1.2")
			require.NoError(t, os.WriteFile(filepath.Join(dir, "dns"), []byte(dns+"\n"), 0o644))
			writeExe(t, filepath.Join(dir, "nslookup"), `cat "$(dirname "$0")/dns"; grep -q '^Name:' "$(dirname "$0")/dns"`)
			if tc.refuse != "" {
				require.NoError(t, os.WriteFile(filepath.Join(dir, "refuse"), []byte(tc.refuse), 0o644))
			}
			if tc.down != "" {
				require.NoError(t, os.WriteFile(filepath.Join(dir, "unhealthy"), []byte(tc.down+"\n"), 0o644))
			}
			out, err := runEtcdScript(t, dir, engines.EtcdMembershipScript(), 10*time.Second,
				"ORDINAL_STATEFULSET=kv", "ORDINAL_SERVICE=kv", "ORDINAL_START=0", "ORDINAL_REPLICAS="+tc.replicas,
				"ORDINAL_SERVICE_FQDN=kv.ns.svc.cluster.local")
			code := 0
			if exit, ok := err.(*exec.ExitError); ok {
				code = exit.ExitCode()
			}
			assert.Equal(t, tc.wantExit, code, "exit code\n%s", out)
			for _, w := range tc.want {
				assert.Contains(t, out, w)
			}
			calls, _ := os.ReadFile(filepath.Join(dir, "calls"))
			var removed []string
			for _, c := range strings.Split(string(calls), "\n") {
				if id, ok := strings.CutPrefix(c, "member remove "); ok {
					removed = append(removed, id)
				}
			}
			assert.Equal(t, tc.removed, removed, out)
			if tc.wantExit != 0 {
				msg, _ := os.ReadFile(filepath.Join(dir, "termination-log"))
				assert.Contains(t, out, strings.TrimSpace(string(msg)), "the termination message is the failure")
				assert.NotEmpty(t, msg)
			}
		})
	}
}
