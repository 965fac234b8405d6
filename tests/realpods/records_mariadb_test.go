//go:build e2e

package realpods

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ordinal-dev/ordinal/tests/internal/harness"
)

// mariadbStore writes rows of table app.safety with the mariadb client,
// over TCP to the server's stable DNS name, as root with the password the
// stack was given. A single primary: its quorum is the one server, which
// must answer and accept writes.
type mariadbStore struct {
	ns, name, password string
}

func (m mariadbStore) sql(t *testing.T, what, statement string) string {
	t.Helper()
	pod := m.name + "-0"
	var out string
	harness.Eventually(t, 2*time.Minute, what, func() (bool, string) {
		o, err := env.Exec(m.ns, pod, "mysql", "sh", "-c",
			`MYSQL_PWD="$1" exec mariadb --no-defaults --protocol=TCP -h "$2" -u root -N -B -e "$3"`,
			"q", m.password, fqdn(pod, m.name, m.ns), statement)
		if err != nil {
			return false, harness.Tail(o+err.Error(), 3)
		}
		out = o
		return true, ""
	})
	return out
}

func (m mariadbStore) write(t *testing.T, keys []string) {
	t.Helper()
	var values []string
	for _, k := range keys {
		values = append(values, fmt.Sprintf("('%s','%s')", k, recordValue(k)))
	}
	m.sql(t, fmt.Sprintf("writing %d rows", len(keys)),
		"CREATE TABLE IF NOT EXISTS app.safety (k VARCHAR(64) PRIMARY KEY, v VARCHAR(128) NOT NULL);"+
			"INSERT INTO app.safety VALUES "+strings.Join(values, ",")+" ON DUPLICATE KEY UPDATE v = VALUES(v)")
}

func (m mariadbStore) read(t *testing.T) map[string]string {
	t.Helper()
	got := map[string]string{}
	for _, l := range strings.Split(strings.TrimSpace(m.sql(t, "reading rows", "SELECT k, v FROM app.safety")), "\n") {
		if k, v, ok := strings.Cut(l, "\t"); ok {
			got[k] = v
		}
	}
	return got
}

func (m mariadbStore) quorum(t *testing.T) quorum {
	t.Helper()
	q := quorum{}
	if strings.TrimSpace(m.sql(t, "read-write check", "SELECT @@read_only")) == "0" {
		q = quorum{Members: []string{m.name + "-0"}, Leaders: 1, Answered: 1}
	}
	return q
}
