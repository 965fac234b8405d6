package engines_test

import (
	"cmp"
	"context"
	"fmt"
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

// A fake cockroach for the membership script: `node status` prints the
// file "status" (tab-separated, as --format=tsv does; "down" makes it
// fail as if no node answered); `node decommission IDS` marks those
// nodes decommissioned, or fails with the content of "refuse". Every call
// is logged to "calls".
const fakeCockroach = `d=$(dirname "$0")
echo "$*" >> "$d/calls"
case "$1 $2" in
"node status")
  [ -e "$d/down" ] && { echo "ERROR: cannot dial server" >&2; exit 1; }
  cat "$d/status" ;;
"node decommission")
  [ -e "$d/refuse" ] && { cat "$d/refuse" >&2; exit 1; }
  shift 2
  for a in "$@"; do
    case "$a" in --*) continue ;; esac
    awk -F'\t' -v OFS='\t' -v id="$a" '$1 == id { $5 = "decommissioned" } { print }' "$d/status" > "$d/s.new" && mv "$d/s.new" "$d/status"
  done
  echo "No more data reported on target nodes. Please verify cluster health before removing the nodes." ;;
*) echo "unexpected: $*" >&2; exit 3 ;;
esac`

// crdbNode is a row of the fake's node status: id, address, live, membership.
func crdbNode(id, pod, live, membership string) string {
	return strings.Join([]string{id, pod + ".db:26257", "locality=a,b", live, membership}, "\t") + "\n"
}

// TestCockroachMembershipScript runs the membership Job's script against
// a fake cockroach: which nodes it decommissions, in what order, and when
// it refuses.
func TestCockroachMembershipScript(t *testing.T) {
	five := []string{
		crdbNode("1", "db-0", "true", "active"), crdbNode("2", "db-1", "true", "active"), crdbNode("3", "db-2", "true", "active"),
		crdbNode("4", "db-3", "true", "active"), crdbNode("5", "db-4", "true", "active"),
	}
	tests := []struct {
		name      string
		nodes     []string
		want      string
		minNodes  string
		down      bool   // node status fails
		noDNS     bool   // the governing Service does not resolve
		refuse    string // node decommission fails with this
		wantErr   bool
		wantOut   []string // in this order
		wantCalls []string // the decommission calls
	}{
		{name: "5 to 3: both at once, highest first", nodes: five, want: "3",
			wantOut:   []string{"decommissioning db-4 (node 5)", "decommissioning db-3 (node 4)", "decommissioned db-4 (node 5)", "decommissioned db-3 (node 4)"},
			wantCalls: []string{"node decommission 5 4 --wait=all --insecure --host=db-0.db:26257"}},
		{name: "a scale-up decommissions nothing", nodes: five[:3], want: "5",
			wantOut: []string{"no node at or above ordinal 5 to decommission"}},
		{name: "earlier incarnations are skipped", want: "3",
			nodes:     append([]string{crdbNode("4", "db-3", "false", "decommissioned")}, append(five[:3:3], crdbNode("6", "db-3", "true", "active"))...),
			wantOut:   []string{"decommissioning db-3 (node 6)", "decommissioned db-3 (node 6)"},
			wantCalls: []string{"node decommission 6 --wait=all --insecure --host=db-0.db:26257"}},
		{name: "a re-run finds them decommissioned", want: "3",
			nodes:   append(five[:3:3], crdbNode("4", "db-3", "true", "decommissioned"), crdbNode("5", "db-4", "true", "decommissioned")),
			wantOut: []string{"no node at or above ordinal 3 to decommission"}},
		{name: "a decommission left half done goes on", want: "3",
			nodes:     append(five[:3:3], crdbNode("4", "db-3", "true", "decommissioned"), crdbNode("5", "db-4", "true", "decommissioning")),
			wantOut:   []string{"decommissioning db-4 (node 5)", "decommissioned db-4 (node 5)"},
			wantCalls: []string{"node decommission 5 --wait=all --insecure --host=db-0.db:26257"}},
		{name: "below the replication factor refused", nodes: five[:3], want: "2", wantErr: true,
			wantOut: []string{"decommissioning would leave 2 nodes, fewer than the replication factor 3", "the StatefulSet keeps its replicas"}},
		{name: "a replication factor of 1 allows one node", nodes: five[:3], want: "1", minNodes: "1",
			wantOut:   []string{"decommissioned db-2 (node 3)", "decommissioned db-1 (node 2)"},
			wantCalls: []string{"node decommission 3 2 --wait=all --insecure --host=db-0.db:26257"}},
		{name: "a node that stays is down", want: "3", wantErr: true,
			nodes:   append([]string{five[0], crdbNode("2", "db-1", "false", "active")}, five[2:]...),
			wantOut: []string{"db-1 (node 2) is not live: no node is decommissioned while one that stays is down"}},
		{name: "CockroachDB refuses", nodes: five, want: "3", wantErr: true, refuse: "ERROR: some ranges cannot be moved",
			wantOut: []string{"CockroachDB did not decommission node(s) 5 4", "some ranges cannot be moved"}},
		{name: "no pod: creation", down: true, noDNS: true, want: "3", wantOut: []string{"no pod of db exists: nothing to decommission"}},
		{name: "pods, but no node answers", nodes: five, down: true, want: "3", wantErr: true,
			wantOut: []string{"no node of db answers node status at db-0.db:26257"}},
		{name: "scaling to 0 stops every node", nodes: five, want: "0", wantOut: []string{"no node is decommissioned"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			writeExe(t, filepath.Join(dir, "cockroach"), fakeCockroach)
			writeExe(t, filepath.Join(dir, "sleep"), "exit 0")
			getent := `echo "10.0.0.1 $2"`
			if tc.noDNS {
				getent = "exit 2"
			}
			writeExe(t, filepath.Join(dir, "getent"), getent)
			header := "id\taddress\tlocality\tis_live\tmembership\n"
			require.NoError(t, os.WriteFile(filepath.Join(dir, "status"), []byte(header+strings.Join(tc.nodes, "")), 0o644))
			if tc.down {
				require.NoError(t, os.WriteFile(filepath.Join(dir, "down"), nil, 0o644))
			}
			if tc.refuse != "" {
				require.NoError(t, os.WriteFile(filepath.Join(dir, "refuse"), []byte(tc.refuse+"\n"), 0o644))
			}
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			for _, sh := range shells(t) {
				if sh[0] == "busybox" {
					continue // busybox sh runs its own sleep applet
				}
				_ = os.Remove(filepath.Join(dir, "calls"))
				if tc.refuse == "" && !tc.down {
					require.NoError(t, os.WriteFile(filepath.Join(dir, "status"), []byte(header+strings.Join(tc.nodes, "")), 0o644))
				}
				cmd := exec.CommandContext(ctx, sh[0], append(append([]string{}, sh[1:]...), "-c", engines.CockroachMembershipScript(), "cockroach-membership")...)
				cmd.Env = []string{"PATH=" + dir + ":" + os.Getenv("PATH"), "ORDINAL_STATEFULSET=db", "ORDINAL_SERVICE=db",
					"ORDINAL_SERVICE_FQDN=db.ns.svc.cluster.local", "ORDINAL_START=0", "ORDINAL_REPLICAS=" + tc.want,
					"ORDINAL_COCKROACH=cockroach", "ORDINAL_COCKROACH_FLAGS=--insecure", "ORDINAL_COCKROACH_MIN_NODES=" + cmp.Or(tc.minNodes, "3")}
				b, err := cmd.CombinedOutput()
				out := string(b)
				if tc.wantErr {
					require.Error(t, err, "%v: %s", sh, out)
				} else {
					require.NoError(t, err, "%v: %s", sh, out)
				}
				assertInOrder(t, fmt.Sprint(sh), out, tc.wantOut)
				calls, _ := os.ReadFile(filepath.Join(dir, "calls"))
				var decommissions []string
				for _, c := range strings.Split(strings.TrimSpace(string(calls)), "\n") {
					if strings.HasPrefix(c, "node decommission") {
						decommissions = append(decommissions, c)
					}
				}
				if tc.refuse == "" {
					assert.Equal(t, tc.wantCalls, decommissions, "%v: the decommission calls", sh)
				}
			}
		})
	}
}
