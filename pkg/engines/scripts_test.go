package engines_test

import (
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
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

// shells are the POSIX shells on this machine the start scripts are run
// with: the images have dash (Debian) or busybox ash.
func shells(t *testing.T) [][]string {
	t.Helper()
	var out [][]string
	for _, sh := range [][]string{{"sh"}, {"dash"}, {"bash", "--posix"}, {"busybox", "sh"}} {
		if _, err := exec.LookPath(sh[0]); err == nil {
			out = append(out, sh)
		}
	}
	require.NotEmpty(t, out)
	return out
}

func runScript(sh []string, script string, env ...string) *exec.Cmd {
	cmd := exec.Command(sh[0], append(append([]string{}, sh[1:]...), "-c", script)...)
	cmd.Env = env
	return cmd
}

// TestZooKeeperStartScript runs the start script with a fake zkServer.sh
// and checks myid, the heap and the config directory it starts with.
func TestZooKeeperStartScript(t *testing.T) {
	tests := []struct {
		name     string
		hostname string // $HOSTNAME; "" leaves it unset (the script runs `hostname`)
		command  string // what the fake `hostname` prints
		jvmflags string
		noData   bool // zoo.cfg has no dataDir
		// stale is how many times DNS still gives the server's name the
		// old pod's address (0: the new one at once, -1: never).
		stale    int
		wantWait string
		wantMyID string
		wantJVM  string
		wantErr  string
	}{
		{name: "first server", hostname: "zk-0", wantMyID: "1", wantJVM: "-Xms512M -Xmx512M"},
		{name: "third server", hostname: "zk-2", wantMyID: "3", wantJVM: "-Xms512M -Xmx512M"},
		{name: "dashes in the name", hostname: "my-zk-cluster-11", wantMyID: "12", wantJVM: "-Xms512M -Xmx512M"},
		{name: "no HOSTNAME: hostname command", command: "zk-4", wantMyID: "5", wantJVM: "-Xms512M -Xmx512M"},
		{name: "own JVMFLAGS come last and win", hostname: "zk-1", jvmflags: "-Xmx1G -Dfoo=bar", wantMyID: "2", wantJVM: "-Xms512M -Xmx512M -Xmx1G -Dfoo=bar"},
		{name: "no ordinal in the host name", hostname: "zookeeper", wantErr: "cannot derive myid from host name zookeeper"},
		{name: "no dataDir in zoo.cfg", hostname: "zk-0", noData: true, wantErr: "no dataDir in"},
		{name: "waits until DNS gives its new address", hostname: "zk-1", stale: 3, wantMyID: "2", wantJVM: "-Xms512M -Xmx512M",
			wantWait: "waiting until zk-1.zk-hs resolves to this pod's address 10.0.0.2"},
		{name: "starts anyway after two minutes", hostname: "zk-1", stale: -1, wantMyID: "2", wantJVM: "-Xms512M -Xmx512M",
			wantWait: "zk-1.zk-hs still does not resolve to this pod's address 10.0.0.2 after 120 s: starting anyway"},
	}
	for _, sh := range shells(t) {
		for _, tc := range tests {
			t.Run(strings.Join(sh, " ")+"/"+tc.name, func(t *testing.T) {
				if tc.stale < 0 && sh[0] == "busybox" {
					t.Skip("busybox sh runs its own sleep applet, not the fake: 120 real seconds")
				}
				bin, conf, data := t.TempDir(), t.TempDir(), filepath.Join(t.TempDir(), "zk", "data")
				writeExe(t, filepath.Join(bin, "hostname"), "echo "+tc.command)
				writeExe(t, filepath.Join(bin, "zkServer.sh"), `echo "zkServer $* cfgdir=$ZOOCFGDIR jvm=$JVMFLAGS"`)
				// getent: the host name is in /etc/hosts (10.0.0.2); the
				// server's name in zoo.cfg gives the old pod's address
				// (10.0.0.1) the first tc.stale times.
				writeExe(t, filepath.Join(bin, "getent"), fmt.Sprintf(`d=$(dirname "$0")
case "$2" in *.*) ;; *) echo "10.0.0.2 $2"; exit 0 ;; esac
n=$(($(cat "$d/lookups" 2>/dev/null || echo 0) + 1)); echo $n > "$d/lookups"
if [ %[1]d -lt 0 ] || [ $n -le %[1]d ]; then echo "10.0.0.1 $2"; else echo "10.0.0.2 $2"; fi`, tc.stale))
				writeExe(t, filepath.Join(bin, "sleep"), "exit 0")
				settings := map[string]string{"dataDir": data}
				if tc.noData {
					settings["dataDir"] = ""
				}
				cfg := engines.ZooKeeperConfig("zk", "zk-hs", 12, settings)
				require.NoError(t, os.WriteFile(filepath.Join(conf, "zoo.cfg"), []byte(cfg), 0o444))

				env := []string{"PATH=" + bin + ":" + os.Getenv("PATH"), "ZOOCFGDIR=" + conf, "ZK_HEAP_SIZE=512M"}
				if own, _ := runScript(sh, `echo "${HOSTNAME:-}"`).Output(); tc.hostname == "" && strings.TrimSpace(string(own)) != "" {
					t.Skip("this shell sets HOSTNAME itself (as container runtimes do)")
				}
				if tc.hostname != "" {
					env = append(env, "HOSTNAME="+tc.hostname)
				}
				if tc.jvmflags != "" {
					env = append(env, "JVMFLAGS="+tc.jvmflags)
				}
				out, err := runScript(sh, engines.ZooKeeperStartScript(), env...).CombinedOutput()
				if tc.wantErr != "" {
					require.Error(t, err, string(out))
					assert.Contains(t, string(out), tc.wantErr)
					assert.NotContains(t, string(out), "zkServer", "the server is not started")
					return
				}
				require.NoError(t, err, string(out))
				assert.Contains(t, string(out), "zkServer start-foreground cfgdir="+conf+" jvm="+tc.wantJVM+"\n")
				lookups, _ := os.ReadFile(filepath.Join(bin, "lookups"))
				switch {
				case tc.wantWait == "":
					assert.NotContains(t, string(out), "waiting until")
					assert.Equal(t, "1", strings.TrimSpace(string(lookups)), "one lookup of its name")
				case tc.stale > 0:
					assert.Contains(t, string(out), tc.wantWait)
					assert.Contains(t, string(out), fmt.Sprintf("zk-1.zk-hs resolves to 10.0.0.2 after %d s", tc.stale))
					assert.Equal(t, fmt.Sprint(tc.stale+1), strings.TrimSpace(string(lookups)), "looked up until the new address came")
				default:
					assert.Contains(t, string(out), tc.wantWait)
				}

				myid, err := os.ReadFile(filepath.Join(data, "myid"))
				require.NoError(t, err, "myid is written into zoo.cfg's dataDir")
				assert.Equal(t, tc.wantMyID+"\n", string(myid))
				assert.Contains(t, cfg, "server."+tc.wantMyID+"=", "myid names a server of zoo.cfg")
			})
		}
	}
}

// fakeZooKeeper answers one four-letter word per connection, as ZooKeeper
// does, and records the words it got.
func fakeZooKeeper(t *testing.T, answers map[string]string) (port int32, words chan string) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { l.Close() })
	words = make(chan string, 16)
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			buf := make([]byte, 4)
			_, _ = io.ReadFull(c, buf)
			words <- string(buf)
			_, _ = io.WriteString(c, answers[string(buf)])
			c.Close()
		}
	}()
	return int32(l.Addr().(*net.TCPAddr).Port), words
}

// TestZooKeeperProbes runs the probes' commands with bash against a fake
// server: readiness needs "Mode:" in the srvr answer, liveness "imok".
func TestZooKeeperProbes(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash")
	}
	spec := engines.ZooKeeper("zk", engines.ZooKeeperOptions{})
	ready, live := spec.Containers[0].ReadinessProbe.Exec.Command, spec.Containers[0].LivenessProbe.Exec.Command
	require.Equal(t, engines.FourLetterWord(2181, "srvr", "Mode: "), ready)
	require.Equal(t, engines.FourLetterWord(2181, "ruok", "imok"), live)

	serving := "Zookeeper version: 3.8.4\nLatency min/avg/max: 0/0.0/0\nReceived: 3\nSent: 2\nConnections: 1\nOutstanding: 0\nZxid: 0x100000000\nMode: follower\nNode count: 5\n"
	tests := []struct {
		name    string
		word    string
		want    string
		answers map[string]string
		ok      bool
	}{
		{"ready: follower", "srvr", "Mode: ", map[string]string{"srvr": serving}, true},
		{"ready: standalone", "srvr", "Mode: ", map[string]string{"srvr": "Zookeeper version: 3.8.4\nMode: standalone\n"}, true},
		{"not ready: no quorum", "srvr", "Mode: ", map[string]string{"srvr": "This ZooKeeper instance is not currently serving requests\n"}, false},
		{"not ready: word not allowed", "srvr", "Mode: ", map[string]string{"srvr": "srvr is not executed because it is not in the whitelist.\n"}, false},
		{"live", "ruok", "imok", map[string]string{"ruok": "imok"}, true},
		{"not live: silent", "ruok", "imok", map[string]string{}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			port, words := fakeZooKeeper(t, tc.answers)
			cmd := engines.FourLetterWord(port, tc.word, tc.want)
			out, err := exec.Command(cmd[0], cmd[1:]...).CombinedOutput()
			if tc.ok {
				require.NoError(t, err, string(out))
			} else {
				require.Error(t, err, string(out))
			}
			assert.Equal(t, tc.word, <-words, "the word sent")
		})
	}

	t.Run("no server", func(t *testing.T) {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		port := int32(l.Addr().(*net.TCPAddr).Port)
		l.Close()
		cmd := engines.FourLetterWord(port, "ruok", "imok")
		out, err := exec.Command(cmd[0], cmd[1:]...).CombinedOutput()
		require.Error(t, err, string(out))
	})
}

// mysqlFakes writes fake mariadb-install-db and mariadbd that log their
// arguments to <bin>/calls; mariadbd copies the init file it is given to
// <bin>/init.sql, with the file's mode and whether it is still linked.
func mysqlFakes(t *testing.T, installFails bool) string {
	t.Helper()
	bin := t.TempDir()
	install := `d=$(dirname "$0")
echo "install-db $*" >> "$d/calls"
for a in "$@"; do case "$a" in --datadir=*) dir=${a#--datadir=} ;; esac; done
mkdir -p "$dir/mysql" && echo x > "$dir/ibdata1"`
	if installFails {
		install += "\nexit 7"
	}
	writeExe(t, filepath.Join(bin, "mariadb-install-db"), install)
	writeExe(t, filepath.Join(bin, "mariadbd"), `d=$(dirname "$0")
echo "mariadbd $*" >> "$d/calls"
for a in "$@"; do case "$a" in --init-file=*) init=${a#--init-file=} ;; esac; done
cat "$init" > "$d/init.sql"
stat -L -c %a "$init" > "$d/init.mode"
readlink /proc/$$/fd/3 > "$d/init.link"
env > "$d/env"`)
	return bin
}

// TestMySQLStartScript runs the start script against fake MariaDB
// binaries on a fake claim.
func TestMySQLStartScript(t *testing.T) {
	const password = `p@ss'w"o\rd $(x) ` + "`y`;\u00e9"
	tests := []struct {
		name string
		// prepare lays out the claim before the start.
		prepare      func(t *testing.T, root string)
		password     string // default: the one above
		noPassword   bool   // no password file
		installFails bool
		wantInstall  bool
		wantErr      string
	}{
		{name: "first start initializes", prepare: func(*testing.T, string) {}, wantInstall: true},
		{name: "restart keeps the data", prepare: func(t *testing.T, root string) {
			require.NoError(t, os.MkdirAll(filepath.Join(root, "data", "mysql"), 0o700))
		}},
		{name: "an interrupted initialization is redone", prepare: func(t *testing.T, root string) {
			require.NoError(t, os.MkdirAll(filepath.Join(root, "data.init", "half"), 0o700))
			require.NoError(t, os.MkdirAll(filepath.Join(root, "data"), 0o700))
			require.NoError(t, os.MkdirAll(filepath.Join(root, "lost+found"), 0o700))
		}, wantInstall: true},
		{name: "stale socket and init file are removed", prepare: func(t *testing.T, root string) {
			require.NoError(t, os.MkdirAll(filepath.Join(root, "data", "mysql"), 0o700))
			require.NoError(t, os.MkdirAll(filepath.Join(root, "run"), 0o700))
			for _, f := range []string{"mysqld.sock", "mysqld.pid", "init.sql"} {
				require.NoError(t, os.WriteFile(filepath.Join(root, "run", f), []byte("old"), 0o600))
			}
		}},
		{name: "foreign data is not overwritten", prepare: func(t *testing.T, root string) {
			require.NoError(t, os.MkdirAll(filepath.Join(root, "data"), 0o700))
			require.NoError(t, os.WriteFile(filepath.Join(root, "data", "precious"), []byte("x"), 0o600))
		}, wantErr: "refusing to initialize"},
		{name: "failed initialization stops the start", prepare: func(*testing.T, string) {}, installFails: true, wantErr: "initializing"},
		{name: "no password file", prepare: func(*testing.T, string) {}, noPassword: true, wantErr: "no readable root password"},
		// od squeezes repeated 16-byte lines unless told not to (-v).
		{name: "long repetitive password", prepare: func(*testing.T, string) {}, password: strings.Repeat("x", 64), wantInstall: true},
		{name: "only newlines", prepare: func(*testing.T, string) {}, password: "\n\n", wantErr: "is empty"},
	}
	for _, sh := range shells(t) {
		for _, tc := range tests {
			t.Run(strings.Join(sh, " ")+"/"+tc.name, func(t *testing.T) {
				bin, root, secrets := mysqlFakes(t, tc.installFails), t.TempDir(), t.TempDir()
				tc.prepare(t, root)
				pwfile := filepath.Join(secrets, engines.MySQLRootPasswordKey)
				password := password
				if tc.password != "" {
					password = tc.password
				}
				if !tc.noPassword {
					// A trailing newline (kubectl create secret --from-file) is ignored.
					require.NoError(t, os.WriteFile(pwfile, []byte(password+"\n"), 0o440))
				}
				script := engines.MySQLStartScript(root, pwfile, []string{"--innodb-buffer-pool-size=64M"})
				out, err := runScript(sh, script, "PATH="+bin+":"+os.Getenv("PATH")).CombinedOutput()
				if strings.TrimSpace(password) != "" {
					assert.NotContains(t, string(out), password, "the password is never printed")
				}
				calls, _ := os.ReadFile(filepath.Join(bin, "calls"))
				if strings.TrimSpace(password) != "" {
					assert.NotContains(t, string(calls), password, "the password is on no command line")
				}
				if tc.wantErr != "" {
					require.Error(t, err, string(out))
					assert.Contains(t, string(out), tc.wantErr)
					assert.NotContains(t, string(calls), "mariadbd", "the server is not started")
					if tc.installFails {
						assert.NoDirExists(t, filepath.Join(root, "data", "mysql"), "a failed initialization leaves no data directory")
					}
					return
				}
				require.NoError(t, err, string(out))

				lines := strings.Split(strings.TrimSpace(string(calls)), "\n")
				if tc.wantInstall {
					require.Len(t, lines, 2, string(calls))
					assert.Equal(t, "install-db --no-defaults --datadir="+root+"/data.init --auth-root-authentication-method=normal --skip-test-db", lines[0])
				} else {
					require.Len(t, lines, 1, string(calls))
				}
				assert.DirExists(t, filepath.Join(root, "data", "mysql"))
				assert.NoDirExists(t, filepath.Join(root, "data.init"))
				assert.Equal(t, "mariadbd --no-defaults --datadir="+root+"/data --socket="+root+"/run/mysqld.sock --pid-file="+root+
					"/run/mysqld.pid --port=3306 --bind-address=0.0.0.0 --skip-name-resolve --character-set-server=utf8mb4 --init-file=/proc/self/fd/3 --innodb-buffer-pool-size=64M",
					lines[len(lines)-1])

				// The init file: private, already deleted when the server reads it.
				mode, _ := os.ReadFile(filepath.Join(bin, "init.mode"))
				assert.Equal(t, "600", strings.TrimSpace(string(mode)))
				link, _ := os.ReadFile(filepath.Join(bin, "init.link"))
				assert.True(t, strings.HasSuffix(strings.TrimSpace(string(link)), "(deleted)"), "fd 3 is an unlinked file: %s", link)
				entries, err := os.ReadDir(filepath.Join(root, "run"))
				require.NoError(t, err)
				assert.Empty(t, entries, "nothing is left in the run directory")
				env, _ := os.ReadFile(filepath.Join(bin, "env"))
				assert.NotContains(t, string(env), "pwhex", "the server's env holds no password")

				// The SQL sets the password from the file, hex-encoded.
				sql, err := os.ReadFile(filepath.Join(bin, "init.sql"))
				require.NoError(t, err)
				assert.NotContains(t, string(sql), password)
				m := regexp.MustCompile(`SET @pw=CONVERT\(0x([0-9a-f]+) USING utf8mb4\);`).FindStringSubmatch(string(sql))
				require.NotNil(t, m, string(sql))
				decoded, err := hex.DecodeString(m[1])
				require.NoError(t, err)
				assert.Equal(t, strings.TrimRight(password, "\n"), string(decoded))
				for _, stmt := range []string{
					"DROP USER IF EXISTS 'root'@'127.0.0.1', 'root'@'::1', ''@'localhost', ''@'%';",
					"EXECUTE IMMEDIATE CONCAT('ALTER USER ''root''@''localhost'' IDENTIFIED BY ', QUOTE(@pw));",
					"CREATE USER IF NOT EXISTS 'root'@'%';",
					"EXECUTE IMMEDIATE CONCAT('ALTER USER ''root''@''%'' IDENTIFIED BY ', QUOTE(@pw));",
					"GRANT ALL PRIVILEGES ON *.* TO 'root'@'%' WITH GRANT OPTION;",
				} {
					assert.Contains(t, strings.Split(string(sql), "\n"), stmt)
				}
			})
		}
	}
}

// TestMySQLReadinessQuery runs the readiness command line with a fake
// mariadb client: the password arrives in MYSQL_PWD, not in the arguments.
func TestMySQLReadinessQuery(t *testing.T) {
	const password = "s3cret 'quoted'"
	bin, secrets := t.TempDir(), t.TempDir()
	writeExe(t, filepath.Join(bin, "mariadb"), `d=$(dirname "$0")
echo "$*" > "$d/args"
printf '%s' "$MYSQL_PWD" > "$d/pwd"
echo 1`)
	pwfile := filepath.Join(secrets, "pw")
	require.NoError(t, os.WriteFile(pwfile, []byte(password+"\n"), 0o440))
	for _, sh := range shells(t) {
		t.Run(strings.Join(sh, " "), func(t *testing.T) {
			out, err := runScript(sh, engines.MySQLQuery(pwfile, "SELECT 1"), "PATH="+bin+":"+os.Getenv("PATH")).CombinedOutput()
			require.NoError(t, err, string(out))
			assert.Empty(t, string(out), "the query's output is discarded")
			args, _ := os.ReadFile(filepath.Join(bin, "args"))
			assert.Equal(t, "--no-defaults --protocol=TCP -h 127.0.0.1 -P 3306 -u root --connect-timeout=3 -N -e SELECT 1\n", string(args))
			pwd, _ := os.ReadFile(filepath.Join(bin, "pwd"))
			assert.Equal(t, password, string(pwd))
		})
	}
}
