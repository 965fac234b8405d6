//go:build e2e

package realpods

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ordinal-dev/ordinal/pkg/engines"
	"github.com/ordinal-dev/ordinal/tests/internal/harness"
)

// Records are what the data-safety suite writes through a database's own
// client before each operation and reads back, every one written so far,
// after it. A record's value is derived from its key (the key and a hash
// of it), so a lost, truncated, stale or swapped value counts as lost.

// recordValue is the value stored under key.
func recordValue(key string) string {
	sum := sha256.Sum256([]byte(key))
	return key + ":" + hex.EncodeToString(sum[:12])
}

// recordKeys are n keys of batch: "<batch>-000" ...
func recordKeys(batch string, n int) []string {
	keys := make([]string, n)
	for i := range keys {
		keys[i] = fmt.Sprintf("%s-%03d", batch, i)
	}
	return keys
}

// readBack counts the keys whose value came back exactly.
func readBack(keys []string, got map[string]string) int {
	n := 0
	for _, k := range keys {
		if got[k] == recordValue(k) {
			n++
		}
	}
	return n
}

// quorum is a database's own account of its membership.
type quorum struct {
	// Members are the member names the database lists.
	Members []string
	// Leaders is how many distinct leaders the members report (1 in one
	// healthy cluster); Answered how many members answered.
	Leaders, Answered int
}

// recordStore is a database reached through its own client, run in its
// pods.
type recordStore interface {
	// write stores recordValue(k) under every key k.
	write(t *testing.T, keys []string)
	// read returns every record of the suite's keyspace.
	read(t *testing.T) map[string]string
	// quorum asks the members who they are.
	quorum(t *testing.T) quorum
}

// memberReader is a store that can read the records one member holds
// itself, not through the cluster: a member that joined anew must have
// every record.
type memberReader interface {
	readMember(t *testing.T, pod string) map[string]string
}

// etcdStore writes through etcdctl to the client Service and asks every
// member's endpoint for its status. replicas follows the run's member
// count (a scale changes it).
type etcdStore struct {
	ns, name string
	replicas *int
}

// etcdPrefix is the suite's keyspace in etcd.
const etcdPrefix = "/safety/"

func (e etcdStore) clientURL() string {
	return fmt.Sprintf("http://%s-client:%d", e.name, engines.EtcdClientPort)
}

func (e etcdStore) memberURLs() []string {
	var out []string
	for i := 0; i < *e.replicas; i++ {
		out = append(out, fmt.Sprintf("http://%s:%d", fqdn(fmt.Sprintf("%s-%d", e.name, i), e.name, e.ns), engines.EtcdClientPort))
	}
	return out
}

// ctl runs etcdctl in the first member pod that runs it, retrying while
// members restart after an operation (an election, a DNS name that
// follows a new pod IP).
func (e etcdStore) ctl(t *testing.T, args ...string) string {
	t.Helper()
	return e.inPod(t, "etcdctl "+strings.Join(args, " "), append([]string{"etcdctl", "--command-timeout=10s"}, args...)...)
}

// inPod runs cmd in the etcd container of the first member pod where it
// succeeds, retrying for up to two minutes.
func (e etcdStore) inPod(t *testing.T, what string, cmd ...string) string {
	t.Helper()
	var out string
	harness.Eventually(t, 2*time.Minute, what, func() (bool, string) {
		var failed []string
		for i := 0; i < *e.replicas; i++ {
			pod := fmt.Sprintf("%s-%d", e.name, i)
			o, err := env.Exec(e.ns, pod, "etcd", cmd...)
			if err == nil {
				out = o
				return true, ""
			}
			failed = append(failed, pod+": "+harness.Tail(o+err.Error(), 2))
		}
		return false, strings.Join(failed, "; ")
	})
	return out
}

// write puts the records in one transaction (etcd allows 128 operations
// in one; the suite writes 100 at a time), through the client Service.
func (e etcdStore) write(t *testing.T, keys []string) {
	t.Helper()
	require.LessOrEqual(t, len(keys), 128, "etcd's --max-txn-ops")
	// etcdctl txn reads compares, then the requests if they hold, then the
	// requests if not, each block ended by an empty line.
	var txn strings.Builder
	txn.WriteString("\n")
	for _, k := range keys {
		fmt.Fprintf(&txn, "put %s%s %s\n", etcdPrefix, k, recordValue(k))
	}
	txn.WriteString("\n\n")
	out := e.inPod(t, fmt.Sprintf("writing %d records", len(keys)), "sh", "-c",
		`printf '%s' "$1" | exec etcdctl --endpoints="$2" --command-timeout=10s txn`, "txn", txn.String(), e.clientURL())
	require.True(t, strings.HasPrefix(out, "SUCCESS"), "the transaction of %d puts: %s", len(keys), harness.Tail(out, 3))
	oks := 0
	for _, l := range strings.Split(out, "\n") {
		if strings.TrimSpace(l) == "OK" {
			oks++
		}
	}
	require.Equal(t, len(keys), oks, "every put of the transaction answered OK")
}

func (e etcdStore) read(t *testing.T) map[string]string {
	t.Helper()
	return e.parse(e.ctl(t, "--endpoints="+e.clientURL(), "get", etcdPrefix, "--prefix"))
}

// readMember reads the records pod's member holds (a serializable read,
// answered from its own copy).
func (e etcdStore) readMember(t *testing.T, pod string) map[string]string {
	t.Helper()
	url := fmt.Sprintf("http://%s:%d", fqdn(pod, e.name, e.ns), engines.EtcdClientPort)
	return e.parse(e.ctl(t, "--endpoints="+url, "get", etcdPrefix, "--prefix", "--consistency=s"))
}

// parse reads the key and value lines of `etcdctl get`.
func (e etcdStore) parse(out string) map[string]string {
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	got := map[string]string{}
	for i := 0; i+1 < len(lines); i += 2 {
		got[strings.TrimPrefix(lines[i], etcdPrefix)] = lines[i+1]
	}
	return got
}

func (e etcdStore) quorum(t *testing.T) quorum {
	t.Helper()
	var members struct {
		Members []struct {
			Name string `json:"name"`
		} `json:"members"`
	}
	require.NoError(t, json.Unmarshal([]byte(e.ctl(t, "--endpoints="+e.clientURL(), "member", "list", "-w", "json")), &members))
	var q quorum
	for _, m := range members.Members {
		q.Members = append(q.Members, m.Name)
	}
	var status []etcdEndpointStatus
	require.NoError(t, json.Unmarshal([]byte(e.ctl(t, "--endpoints="+strings.Join(e.memberURLs(), ","), "endpoint", "status", "-w", "json")), &status))
	leaders := map[uint64]bool{}
	for _, s := range status {
		leaders[s.Status.Leader] = true
	}
	q.Leaders, q.Answered = len(leaders), len(status)
	return q
}

// etcdEndpointStatus is one endpoint of `etcdctl endpoint status -w json`.
type etcdEndpointStatus struct {
	Endpoint string `json:"Endpoint"`
	Status   struct {
		Header struct {
			MemberID uint64 `json:"member_id"`
		} `json:"header"`
		Leader uint64 `json:"leader"`
	} `json:"Status"`
}

// leaderPod is the pod of the member the others follow.
func (e etcdStore) leaderPod(t *testing.T) string {
	t.Helper()
	var status []etcdEndpointStatus
	require.NoError(t, json.Unmarshal([]byte(e.ctl(t, "--endpoints="+strings.Join(e.memberURLs(), ","), "endpoint", "status", "-w", "json")), &status))
	for _, s := range status {
		if s.Status.Leader == s.Status.Header.MemberID {
			host := strings.TrimPrefix(s.Endpoint, "http://")
			return host[:strings.IndexByte(host, '.')]
		}
	}
	require.FailNow(t, "no member is the leader", "%+v", status)
	return ""
}
