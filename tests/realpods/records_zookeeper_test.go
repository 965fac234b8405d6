//go:build e2e

package realpods

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ordinal-dev/ordinal/pkg/engines"
	"github.com/ordinal-dev/ordinal/tests/internal/harness"
)

// zkStore writes znodes under /safety with zkCli.sh, ZooKeeper's own
// client, through the client Service (one JVM per batch: the commands go
// to its standard input), and asks every server for its mode (`srvr`) and
// the leader for the ensemble it runs (`conf`). replicas follows the
// run's server count (a scale changes it), written the records written
// so far (a read gets each of them in the session that lists them).
type zkStore struct {
	ns, name string
	replicas *int
	written  *[]string
}

// zkPrefix is the suite's parent znode.
const zkPrefix = "/safety"

// cli runs the zkCli.sh commands in the first server pod where the client
// connects, against the client Service, retrying for up to two minutes
// while servers restart; ok says whether the output is complete.
func (z zkStore) cli(t *testing.T, what string, commands []string, ok func(out string) (bool, string)) string {
	t.Helper()
	return z.cliTo(t, fmt.Sprintf("%s-cs:%d", z.name, engines.ZooKeeperClientPort), what, commands, ok)
}

// cliTo is cli against server (host:port).
func (z zkStore) cliTo(t *testing.T, server, what string, commands []string, ok func(out string) (bool, string)) string {
	t.Helper()
	var out string
	script := strings.Join(commands, "\n") + "\nquit\n"
	harness.Eventually(t, 2*time.Minute, what, func() (bool, string) {
		var failed []string
		for i := 0; i < *z.replicas; i++ {
			pod := fmt.Sprintf("%s-%d", z.name, i)
			o, err := env.Exec(z.ns, pod, "zookeeper", "sh", "-c",
				`printf '%s' "$1" | exec zkCli.sh -server "$2" 2>&1`, "zkcli", script, server)
			// zkCli's exit code is that of a command, not of the
			// session: what counts is the output.
			if good, why := ok(o); !good {
				failed = append(failed, fmt.Sprintf("%s: %s (%v): %s", pod, why, err, harness.Tail(o, 6)))
				continue
			}
			out = o
			return true, ""
		}
		return false, strings.Join(failed, "; ")
	})
	return out
}

// write creates one znode per key; a znode a retried batch already made
// counts when it exists (read compares every value anyway).
func (z zkStore) write(t *testing.T, keys []string) {
	t.Helper()
	cmds := []string{"create " + zkPrefix + " parent"}
	for _, k := range keys {
		cmds = append(cmds, fmt.Sprintf("create %s/%s %s", zkPrefix, k, recordValue(k)))
	}
	z.cli(t, fmt.Sprintf("writing %d znodes", len(keys)), cmds, func(out string) (bool, string) {
		for _, k := range keys {
			p := zkPrefix + "/" + k
			if !strings.Contains(out, "Created "+p+"\n") && !strings.Contains(out, "Node already exists: "+p) {
				return false, "no answer for " + p
			}
		}
		return true, ""
	})
}

// zkChildren is the line `ls` prints: the children in brackets.
var zkChildren = regexp.MustCompile(`(?m)^\[([^\]]*)\]$`)

// zkRecord is a line `get` prints: a record's value.
var zkRecord = regexp.MustCompile(`(?m)^([A-Za-z0-9-]+):[0-9a-f]{24}$`)

func (z zkStore) read(t *testing.T) map[string]string {
	t.Helper()
	return z.readFrom(t, fmt.Sprintf("%s-cs:%d", z.name, engines.ZooKeeperClientPort))
}

// readMember reads the znodes pod's server holds: a ZooKeeper server
// answers reads from its own copy.
func (z zkStore) readMember(t *testing.T, pod string) map[string]string {
	t.Helper()
	return z.readFrom(t, fmt.Sprintf("%s.%s-hs:%d", pod, z.name, engines.ZooKeeperClientPort))
}

// readFrom reads every znode under zkPrefix through server, in one
// zkCli session (a JVM start is seconds of CPU): it lists the children,
// and gets every record written so far; a child nobody wrote is read in
// a second session, so the result still holds every znode there is.
func (z zkStore) readFrom(t *testing.T, server string) map[string]string {
	t.Helper()
	cmds := []string{"ls " + zkPrefix}
	asked := map[string]bool{}
	for _, k := range *z.written {
		cmds = append(cmds, "get "+zkPrefix+"/"+k)
		asked[k] = true
	}
	got := map[string]string{}
	var children []string
	z.cliTo(t, server, fmt.Sprintf("listing and reading %d znodes", len(asked)), cmds, func(out string) (bool, string) {
		m := zkChildren.FindStringSubmatch(out)
		if m == nil {
			return false, "no children list"
		}
		children = strings.Split(m[1], ", ")
		for _, m := range zkRecord.FindAllStringSubmatch(out, -1) {
			got[m[1]] = m[0]
		}
		return true, ""
	})
	var rest []string
	for _, c := range children {
		if c != "" && !asked[c] {
			rest = append(rest, "get "+zkPrefix+"/"+c)
		}
	}
	if len(rest) > 0 {
		z.cliTo(t, server, fmt.Sprintf("reading %d znodes nobody wrote", len(rest)), rest, func(out string) (bool, string) {
			for _, m := range zkRecord.FindAllStringSubmatch(out, -1) {
				got[m[1]] = m[0]
			}
			return true, ""
		})
	}
	return got
}

// quorum asks every server for its mode; the members are the servers of
// the ensemble the leader runs (its `conf`), the leaders the servers in
// mode leader.
func (z zkStore) quorum(t *testing.T) quorum {
	t.Helper()
	var q quorum
	for i := 0; i < *z.replicas; i++ {
		pod := fmt.Sprintf("%s-%d", z.name, i)
		mode := zkMode(t, z.ns, pod)
		switch mode {
		case "leader":
			q.Leaders++
			q.Answered++
			conf := z.fourLetterWord(t, pod, "conf")
			for _, l := range strings.Split(conf, "\n") {
				if id, addr, ok := strings.Cut(l, "="); ok && strings.HasPrefix(id, "server.") {
					host, _, _ := strings.Cut(addr, ":")
					q.Members = append(q.Members, host)
				}
			}
		case "follower":
			q.Answered++
		}
	}
	return q
}

// fourLetterWord sends word to pod's client port from inside.
func (z zkStore) fourLetterWord(t *testing.T, pod, word string) string {
	t.Helper()
	return env.MustExec(t, z.ns, pod, "zookeeper", "bash", "-c",
		fmt.Sprintf("exec 3<>/dev/tcp/127.0.0.1/%d; printf %s >&3; cat <&3", engines.ZooKeeperClientPort, word))
}

// leaderPod is the pod of the server in mode leader.
func (z zkStore) leaderPod(t *testing.T) string {
	t.Helper()
	for i := 0; i < *z.replicas; i++ {
		pod := fmt.Sprintf("%s-%d", z.name, i)
		if zkMode(t, z.ns, pod) == "leader" {
			return pod
		}
	}
	t.Fatalf("no server of %s leads", z.name)
	return ""
}
