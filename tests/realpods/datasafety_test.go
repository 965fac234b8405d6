//go:build e2e

package realpods

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"

	"github.com/ordinal-dev/ordinal/tests/internal/harness"
)

// The data-safety suite: a cluster of real pods runs a sequence of day-2
// operations and faults; before each one the suite writes a batch of
// records through the database's own client, after it reads back every
// record written so far, asks the members who they are and who leads,
// and compares each pod's claim and volume with the ones it started on.
// Each operation is a row of the report (RELIABILITY.md takes its numbers
// from it): records written, read back and lost, members before and
// after, and how long the operation took until the cluster was whole.

// recordsPerOperation is the batch written before each operation.
const recordsPerOperation = 100

// safetyOp is one operation of the sequence; run returns a note for the
// report ("" when there is nothing to add). An exclusive one disturbs the
// whole cluster (the API server): it runs while the suites beside it wait
// between two operations (nodegroups_test.go).
type safetyOp struct {
	name      string
	exclusive bool
	run       func(r *safetyRun) string
}

// safetyRow is one line of the report.
type safetyRow struct {
	Engine, Operation           string
	Written, ReadBack, Lost     int
	MembersBefore, MembersAfter int
	Leaders                     int
	ClaimsKept                  bool
	Duration                    time.Duration
	Note                        string
}

// claimIDs identify what a pod's data lives on.
type claimIDs struct{ PVC, PV, PVUID string }

// safetyRun is the state of one engine's sequence.
type safetyRun struct {
	t        *testing.T
	engine   string
	ns, name string
	replicas int
	// group is the suite's node group; diskPath the node directory its
	// volumes live in.
	group    nodeGroup
	diskPath string
	stack    *harness.Stack
	store    recordStore
	written  []string
	claims   map[string]claimIDs
	// retired are the claims of pods a scale-down removed: kept, and
	// taken again when the pods come back.
	retired map[string]claimIDs
	rows    []safetyRow
}

// podClaims maps each pod to its data claim's and volume's identity.
func (r *safetyRun) podClaims() map[string]claimIDs {
	out := map[string]claimIDs{}
	for i := 0; i < r.replicas; i++ {
		pod := fmt.Sprintf("%s-%d", r.name, i)
		out[pod] = r.claimOf(pod)
	}
	return out
}

// podUIDs maps each pod of the cluster to its UID: a pod that was
// deleted or re-created has another one.
func (r *safetyRun) podUIDs() map[string]string {
	out := map[string]string{}
	for n, p := range clusterPods(r.t, r.ns, r.name) {
		out[n] = string(p.UID)
	}
	return out
}

// start writes the first batch and records the claims every later
// operation must keep.
func (r *safetyRun) start() {
	waitPodsReady(r.t, r.ns, r.name, r.replicas)
	r.claims = r.podClaims()
	r.retired = map[string]claimIDs{}
	keys := recordKeys("initial", recordsPerOperation)
	r.store.write(r.t, keys)
	r.written = append(r.written, keys...)
}

// run writes the first batch, then runs ops in order, one row each; the
// report is written even when an operation fails the test.
func (r *safetyRun) run(ops []safetyOp) {
	defer r.report()
	r.start()
	for i, op := range ops {
		r.do(i, op)
	}
}

// do runs one operation as a row of the report.
func (r *safetyRun) do(i int, op safetyOp) {
	t := r.t
	betweenOperations()
	t.Logf("=== data safety, %s: %s", r.engine, op.name)
	keys := recordKeys(fmt.Sprintf("op%02d", i), recordsPerOperation)
	r.store.write(t, keys)
	r.written = append(r.written, keys...)
	before := r.store.quorum(t)

	start := time.Now()
	var note string
	if op.exclusive {
		alone(func() { note = op.run(r) })
	} else {
		note = op.run(r)
	}
	waitPodsReady(t, r.ns, r.name, r.replicas)
	after := r.store.quorum(t)
	took := time.Since(start)

	got := r.store.read(t)
	read := readBack(r.written, got)
	kept := assert.Equal(t, r.claims, r.podClaims(), "%s: every pod keeps its claim and volume", op.name)
	row := safetyRow{
		Engine: r.engine, Operation: op.name,
		Written: len(r.written), ReadBack: read, Lost: len(r.written) - read,
		MembersBefore: len(before.Members), MembersAfter: len(after.Members), Leaders: after.Leaders,
		ClaimsKept: kept, Duration: took, Note: note,
	}
	r.rows = append(r.rows, row)
	t.Logf("%s: %d written, %d read back, members %d -> %d, %d leader(s), %s", op.name, row.Written, row.ReadBack,
		row.MembersBefore, row.MembersAfter, row.Leaders, took.Round(time.Second))
	assert.Zero(t, row.Lost, "%s: records lost", op.name)
	assert.Len(t, after.Members, r.replicas, "%s: members after: %v", op.name, after.Members)
	assert.Equal(t, r.replicas, after.Answered, "%s: every member answers", op.name)
	assert.Equal(t, 1, after.Leaders, "%s: one leader", op.name)
}

// report logs the rows as the Markdown table RELIABILITY.md shows, and
// appends them to $ORDINAL_DATASAFETY_REPORT when it is set (the header
// once, when the file is empty: the suites of both engines make one table).
func (r *safetyRun) report() {
	const header = "| engine | operation | records written | read back | lost | members before → after | leaders | claims kept | time | note |\n" +
		"|---|---|---|---|---|---|---|---|---|---|\n"
	var rows strings.Builder
	for _, row := range r.rows {
		fmt.Fprintf(&rows, "| %s | %s | %d | %d | %d | %d → %d | %d | %v | %s | %s |\n", row.Engine, row.Operation,
			row.Written, row.ReadBack, row.Lost, row.MembersBefore, row.MembersAfter, row.Leaders,
			yesNo(row.ClaimsKept), row.Duration.Round(time.Second), row.Note)
	}
	r.t.Logf("data safety report:\n%s%s", header, rows.String())
	if path := os.Getenv("ORDINAL_DATASAFETY_REPORT"); path != "" {
		// Suites run side by side: one header, whole tables.
		reportMu.Lock()
		defer reportMu.Unlock()
		f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		require.NoError(r.t, err)
		defer f.Close()
		info, err := f.Stat()
		require.NoError(r.t, err)
		out := rows.String()
		if info.Size() == 0 {
			out = header + out
		}
		_, err = f.WriteString(out)
		require.NoError(r.t, err)
	}
}

// reportMu serializes the suites' appends to the report file.
var reportMu sync.Mutex

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// upAndWait applies config values and runs `up` (which waits for the
// rollout it starts).
func (r *safetyRun) upAndWait(what string, config map[string]string) {
	r.stack.Up(what, config)
}

// statefulSet reads the cluster's StatefulSet.
func (r *safetyRun) statefulSet() appsv1.StatefulSet {
	var sts appsv1.StatefulSet
	env.GetJSON(r.t, &sts, "statefulset", "-n", r.ns, r.name)
	return sts
}

// rolloutStarted waits until the StatefulSet has a new revision that not
// every pod runs yet: an `up` is between applying it and its await.
func (r *safetyRun) rolloutStarted(upErr <-chan error, revision string) {
	t := r.t
	harness.Eventually(t, 3*time.Minute, "the rollout started", func() (bool, string) {
		select {
		case err := <-upErr:
			require.FailNowf(t, "the up ended before the rollout started", "%v", err)
		default:
		}
		var sts appsv1.StatefulSet
		out, err := env.Kubectl("get", "statefulset", "-n", r.ns, r.name, "-o", "json")
		if err != nil {
			return false, err.Error()
		}
		if err := json.Unmarshal(out, &sts); err != nil {
			return false, err.Error()
		}
		n := int32(r.replicas)
		rolling := sts.Status.UpdatedReplicas < n || sts.Status.ReadyReplicas < n
		return sts.Status.UpdateRevision != revision && rolling,
			fmt.Sprintf("update revision %s (was %s), %d updated, %d ready", sts.Status.UpdateRevision, revision,
				sts.Status.UpdatedReplicas, sts.Status.ReadyReplicas)
	})
}

// waitRestarted waits until pod runs containers started after since and
// is Ready.
func (r *safetyRun) waitRestarted(pod string, since time.Time) {
	harness.Eventually(r.t, waitReady, pod+" restarted and Ready", func() (bool, string) {
		p, ok := clusterPods(r.t, r.ns, r.name)[pod]
		if !ok {
			return false, "no pod"
		}
		var seen []string
		fresh := len(p.Status.ContainerStatuses) > 0
		for _, c := range p.Status.ContainerStatuses {
			if c.State.Running == nil || !c.State.Running.StartedAt.After(since) {
				fresh = false
			}
			seen = append(seen, fmt.Sprintf("%s %+v", c.Name, c.State))
		}
		return fresh && ready(p), strings.Join(seen, "; ")
	})
}

// images is the image label each pod's container runs, read from inside
// (/etc/ordinal-image of the local images).
func (r *safetyRun) images(container string) map[string]string {
	out := map[string]string{}
	for i := 0; i < r.replicas; i++ {
		pod := fmt.Sprintf("%s-%d", r.name, i)
		out[pod] = strings.TrimSpace(env.MustExec(r.t, r.ns, pod, container, "cat", "/etc/ordinal-image"))
	}
	return out
}

// clusterScript runs scripts/cluster.sh with args against the suite's cluster.
func clusterScript(t *testing.T, args ...string) {
	t.Helper()
	env.ClusterScript(t, clusterDir, args...)
}
