package examples_test

// The examples' READMEs must work as written from a fresh clone. This test
// reads every shell block of every examples/*/README.md in order, as one
// shell session that starts at the repository root, and checks what a
// fresh machine would stop at: a pulumi command without a backend or a
// passphrase, a kubectl or pulumi that is not on PATH, kubectl without a
// cluster, a make target or script command that does not exist, a
// command run from the wrong directory. It also checks that each README
// names its one command (make up|render EXAMPLE=<name>) before any pulumi
// command, and that the CockroachDB examples, which the local cluster
// cannot run, do not send their readers to the local cluster.

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// repo is what the READMEs may refer to: Makefile targets, script
// subcommands, the examples, the default stack's example.
type repo struct {
	root string
	// targets maps each Makefile target to its recipe.
	targets map[string]string
	// subcommands of each script (path relative to root).
	subcommands map[string][]string
	// exports are the variables `eval "$(<script> env)"` sets.
	exports map[string][]string
	// renderOnly are the examples stack.sh refuses to `up` on the local cluster.
	renderOnly []string
	// defaultExample is the example the root Pulumi.yaml runs.
	defaultExample string
}

func loadRepo(t *testing.T) *repo {
	t.Helper()
	root, err := filepath.Abs("..")
	require.NoError(t, err)
	r := &repo{root: root, targets: map[string]string{}, subcommands: map[string][]string{}, exports: map[string][]string{}}

	mk := read(t, filepath.Join(root, "Makefile"))
	target := regexp.MustCompile(`^([a-z][a-z0-9-]*):`)
	var cur string
	for _, line := range strings.Split(mk, "\n") {
		if m := target.FindStringSubmatch(line); m != nil {
			cur = m[1]
			r.targets[cur] = ""
		} else if cur != "" && strings.HasPrefix(line, "\t") {
			r.targets[cur] += line + "\n"
		} else {
			cur = ""
		}
	}

	scripts, err := filepath.Glob(filepath.Join(root, "scripts", "*.sh"))
	require.NoError(t, err)
	sub := regexp.MustCompile(`(?m)^  ([a-z][a-z-]*)\)`)
	export := regexp.MustCompile(`export ([A-Z_][A-Z0-9_]*)=`)
	for _, path := range scripts {
		src := read(t, path)
		rel, _ := filepath.Rel(root, path)
		// The subcommands are the patterns of the script's last
		// `case "${1:-}" in`.
		if i := strings.LastIndex(src, `case "${1:-}" in`); i >= 0 {
			for _, m := range sub.FindAllStringSubmatch(src[i:], -1) {
				r.subcommands[rel] = append(r.subcommands[rel], m[1])
			}
		}
		if _, body, ok := strings.Cut(src, "\ncmd_env() {\n"); ok {
			body, _, _ = strings.Cut(body, "\n}\n")
			for _, m := range export.FindAllStringSubmatch(body, -1) {
				r.exports[rel] = append(r.exports[rel], m[1])
			}
		}
	}
	stack := read(t, filepath.Join(root, "scripts", "stack.sh"))
	m := regexp.MustCompile(`(?m)^RENDER_ONLY_EXAMPLES=\(([^)]*)\)`).FindStringSubmatch(stack)
	require.NotNil(t, m, "scripts/stack.sh lists RENDER_ONLY_EXAMPLES")
	r.renderOnly = strings.Fields(m[1])

	main := regexp.MustCompile(`(?m)^main: *examples/([a-z0-9-]+)/cmd`).FindStringSubmatch(read(t, filepath.Join(root, "Pulumi.yaml")))
	require.NotNil(t, main, "the root Pulumi.yaml runs an example")
	r.defaultExample = main[1]
	return r
}

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return string(b)
}

// example returns the example an EXAMPLE value or script argument names
// ("etcd", "examples/etcd/"), or "" when there is none.
func (r *repo) example(arg string) string {
	name := strings.TrimPrefix(strings.TrimSuffix(arg, "/"), "examples/")
	if _, err := os.Stat(filepath.Join(r.root, "examples", name, "Pulumi.yaml")); err != nil || name == "" {
		return ""
	}
	return name
}

// shellBlocks returns the commands of the README's sh/bash/shell code
// blocks, in order, each with the line it starts on.
func shellBlocks(t *testing.T, path string) []command {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	var out []command
	var in bool
	var pending string
	var start int
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		trimmed := strings.TrimSpace(line)
		if strings.HasPrefix(trimmed, "```") {
			lang := strings.TrimPrefix(trimmed, "```")
			switch {
			case in:
				in = false
			case lang == "sh" || lang == "bash" || lang == "shell":
				in = true
			default:
				// Another language: skip to its closing fence.
				for sc.Scan() {
					n++
					if strings.HasPrefix(strings.TrimSpace(sc.Text()), "```") {
						break
					}
				}
			}
			continue
		}
		if !in {
			continue
		}
		if pending == "" {
			start = n
		}
		if strings.HasSuffix(line, `\`) {
			pending += strings.TrimSuffix(line, `\`) + " "
			continue
		}
		for _, c := range splitCommands(stripComment(pending + line)) {
			out = append(out, command{line: start, words: c})
		}
		pending = ""
	}
	require.NoError(t, sc.Err())
	return out
}

type command struct {
	line  int
	words []string
}

// stripComment drops a # comment (a # that starts a word outside quotes).
func stripComment(s string) string {
	var q rune
	for i, c := range s {
		switch {
		case q != 0:
			if c == q {
				q = 0
			}
		case c == '\'' || c == '"':
			q = c
		case c == '#' && (i == 0 || s[i-1] == ' ' || s[i-1] == '\t'):
			return s[:i]
		}
	}
	return s
}

// splitCommands splits a line into simple commands at ;, &&, ||, | and &
// outside quotes, and each command into words (quotes removed).
func splitCommands(s string) [][]string {
	var cmds [][]string
	var words []string
	var word strings.Builder
	var q rune
	inWord := false
	endWord := func() {
		if inWord {
			words = append(words, word.String())
			word.Reset()
			inWord = false
		}
	}
	endCmd := func() {
		endWord()
		if len(words) > 0 {
			cmds = append(cmds, words)
		}
		words = nil
	}
	for _, c := range s {
		switch {
		case q != 0:
			if c == q {
				q = 0
			} else {
				word.WriteRune(c)
			}
		case c == '\'' || c == '"':
			q = c
			inWord = true
		case c == ' ' || c == '\t':
			endWord()
		case c == ';' || c == '&' || c == '|':
			endCmd()
		default:
			word.WriteRune(c)
			inWord = true
		}
	}
	endCmd()
	return cmds
}

// session is the state of the shell a reader types the README into.
type session struct {
	r    *repo
	file string
	// cwd is relative to the repository root.
	cwd string
	env map[string]bool
	// toolsOnPath: PATH holds .tools/bin (kubectl, pulumi).
	toolsOnPath bool
	// ownCluster: KUBECONFIG names a cluster of the reader's, who then has
	// a kubectl of their own.
	ownCluster bool
	// stacks are the projects (directories) with a stack created so far.
	stacks map[string]bool
	// render: the stack writes YAML (config render set), needing no cluster.
	render bool
	// made are the make commands run, as "target example", and their lines.
	made     []string
	madeLine []int
	// firstPulumi is the line of the first pulumi command (0: none yet).
	firstPulumi int
	// errors are the problems found, one per command at most.
	errors []string
}

func (s *session) fail(c command, format string, args ...any) {
	msg := strings.Join(c.words, " ")
	s.errors = append(s.errors, s.file+":"+strconv.Itoa(c.line)+": `"+msg+"`: "+fmt.Sprintf(format, args...))
}

// has reports whether the variable is set, by export or before the command.
func (s *session) has(inline map[string]bool, name string) bool { return s.env[name] || inline[name] }

func (s *session) run(c command) {
	words := c.words
	inline := map[string]bool{}
	for len(words) > 0 && regexp.MustCompile(`^[A-Z_][A-Z0-9_]*=`).MatchString(words[0]) {
		inline[strings.SplitN(words[0], "=", 2)[0]] = true
		words = words[1:]
	}
	if len(words) == 0 {
		return
	}
	switch name := words[0]; {
	case name == "export":
		for _, w := range words[1:] {
			k, v, _ := strings.Cut(w, "=")
			s.env[k] = true
			if k == "PATH" && strings.Contains(v, ".tools/bin") {
				s.toolsOnPath = true
			}
			if k == "KUBECONFIG" && !strings.Contains(v, ".tools/") {
				s.ownCluster = true
			}
		}
	case name == "eval":
		m := regexp.MustCompile(`^\$\((\S+) env\)$`).FindStringSubmatch(strings.Join(words[1:], " "))
		if m == nil {
			return
		}
		script := s.script(c, m[1], "env")
		for _, k := range s.r.exports[script] {
			s.env[k] = true
			if k == "PATH" {
				s.toolsOnPath = true
			}
		}
	case name == "cd":
		if len(words) != 2 {
			s.fail(c, "cd takes one directory")
			return
		}
		if words[1] == "$(git rev-parse --show-toplevel)" {
			s.cwd = "."
			return
		}
		dir := filepath.Clean(filepath.Join(s.cwd, words[1]))
		if fi, err := os.Stat(filepath.Join(s.r.root, dir)); err != nil || !fi.IsDir() || strings.HasPrefix(dir, "..") {
			s.fail(c, "no directory %s in the repository (the session is in %s)", dir, s.cwd)
			return
		}
		s.cwd = dir
	case name == "make":
		s.make(c, words, inline)
	case strings.HasSuffix(name, ".sh"):
		if len(words) < 2 {
			s.fail(c, "a script command needs a subcommand")
			return
		}
		script := s.script(c, name, words[1])
		if script == "scripts/stack.sh" && len(words) > 2 {
			s.stackCommand(c, words[1], words[2], inline)
		}
	case name == "pulumi":
		s.pulumi(c, words, inline)
	case name == "kubectl":
		if !s.toolsOnPath && !s.ownCluster {
			s.fail(c, "kubectl is not on PATH on a fresh machine: export PATH with .tools/bin or eval \"$(scripts/cluster.sh env)\" first")
		} else if !s.has(inline, "KUBECONFIG") {
			s.fail(c, "no KUBECONFIG: after make up, eval \"$(scripts/cluster.sh env)\" (or export KUBECONFIG)")
		}
	}
}

// script checks that path (relative to the session's directory) is a
// script of the repository handling subcommand, and returns its path
// relative to the root.
func (s *session) script(c command, path, subcommand string) string {
	rel := filepath.Clean(filepath.Join(s.cwd, path))
	subs, ok := s.r.subcommands[rel]
	if !ok {
		s.fail(c, "no script %s from %s", rel, s.cwd)
		return rel
	}
	if !slices.Contains(subs, subcommand) {
		s.fail(c, "%s has no subcommand %q (it has %v)", rel, subcommand, subs)
	}
	return rel
}

func (s *session) make(c command, words []string, inline map[string]bool) {
	if s.cwd != "." {
		s.fail(c, "make runs from the repository root, the session is in %s", s.cwd)
		return
	}
	var targets []string
	example := ""
	for _, w := range words[1:] {
		if k, v, ok := strings.Cut(w, "="); ok {
			if k != "EXAMPLE" {
				s.fail(c, "unknown make variable %s", k)
				continue
			}
			if example = s.r.example(v); example == "" {
				s.fail(c, "EXAMPLE=%s is no directory of examples/ with a Pulumi.yaml", v)
			}
			continue
		}
		targets = append(targets, w)
	}
	if len(targets) == 0 {
		targets = []string{"all"}
	}
	for _, tg := range targets {
		recipe, ok := s.r.targets[tg]
		if !ok {
			s.fail(c, "the Makefile has no target %s", tg)
			continue
		}
		if example != "" {
			if !strings.Contains(recipe, "$(EXAMPLE)") {
				s.fail(c, "make %s does not pass EXAMPLE on", tg)
				continue
			}
			s.stackCommand(c, tg, example, inline)
		} else if tg == "up" || tg == "preview" {
			s.stacks["."] = true
		}
		s.made = append(s.made, tg+" "+example)
		s.madeLine = append(s.madeLine, c.line)
	}
}

// stackCommand is `scripts/stack.sh sub example` (what make passes on).
func (s *session) stackCommand(c command, sub, arg string, inline map[string]bool) {
	example := s.r.example(arg)
	if example == "" {
		s.fail(c, "no example %s", arg)
		return
	}
	if sub == "up" && slices.Contains(s.r.renderOnly, example) && !s.has(inline, "KUBECONFIG") {
		s.fail(c, "scripts/stack.sh refuses to run examples/%s on the local cluster: render it, or set KUBECONFIG to a cluster that can", example)
	}
	if sub == "up" || sub == "preview" {
		dir := "examples/" + example
		if example == s.r.defaultExample {
			dir = "."
		}
		s.stacks[dir] = true
	}
}

// pulumiLocal are the pulumi subcommands that need neither a backend nor
// a project.
var pulumiLocal = []string{"version", "about", "plugin", "login", "logout", "whoami", "help", "gen-completion"}

func (s *session) pulumi(c command, words []string, inline map[string]bool) {
	if s.firstPulumi == 0 {
		s.firstPulumi = c.line
	}
	args := words[1:]
	dir := s.cwd
	for i := 0; i < len(args); i++ {
		if (args[i] == "-C" || args[i] == "--cwd") && i+1 < len(args) {
			dir = filepath.Clean(filepath.Join(s.cwd, args[i+1]))
			args = slices.Delete(args, i, i+2)
			i--
		}
	}
	if len(args) == 0 || slices.Contains(pulumiLocal, args[0]) {
		if len(args) > 0 && args[0] == "login" {
			s.env["PULUMI_BACKEND_URL"] = true
		}
		return
	}
	switch {
	case !s.has(inline, "PULUMI_BACKEND_URL") && !s.has(inline, "PULUMI_ACCESS_TOKEN"):
		s.fail(c, "no backend: on a fresh machine pulumi stops at PULUMI_ACCESS_TOKEN; export PULUMI_BACKEND_URL (the local state: file://$PWD/.pulumi-state) first")
		return
	case !s.has(inline, "PULUMI_CONFIG_PASSPHRASE") && !s.has(inline, "PULUMI_CONFIG_PASSPHRASE_FILE"):
		s.fail(c, "no passphrase: pulumi asks for it; export PULUMI_CONFIG_PASSPHRASE first")
		return
	case !s.toolsOnPath:
		s.fail(c, "pulumi is not on PATH on a fresh machine: export PATH with .tools/bin first")
		return
	}
	if _, err := os.Stat(filepath.Join(s.r.root, dir, "Pulumi.yaml")); err != nil {
		s.fail(c, "no Pulumi.yaml in %s", dir)
		return
	}
	joined := " " + strings.Join(args, " ") + " "
	switch {
	case strings.HasPrefix(joined, " stack init "),
		strings.HasPrefix(joined, " stack select ") && (strings.Contains(joined, " --create ") || strings.Contains(joined, " -c ")):
		s.stacks[dir] = true
		return
	case strings.HasPrefix(joined, " stack "):
		return
	}
	if !s.stacks[dir] {
		s.fail(c, "no stack yet in %s: pulumi stack init (or stack select --create) first", dir)
		return
	}
	switch {
	case strings.HasPrefix(joined, " config set render "):
		s.render = true
	case strings.HasPrefix(joined, " config rm render "):
		s.render = false
	case args[0] == "up" || args[0] == "preview" || args[0] == "destroy" || args[0] == "refresh":
		if !s.render && !s.has(inline, "KUBECONFIG") {
			s.fail(c, "no KUBECONFIG: pulumi %s needs a cluster (export KUBECONFIG) unless the stack renders (config render)", args[0])
		}
	}
}

func TestReadmesWorkFromAFreshClone(t *testing.T) {
	r := loadRepo(t)
	readmes, err := filepath.Glob(filepath.Join(r.root, "examples", "*", "Pulumi.yaml"))
	require.NoError(t, err)
	require.NotEmpty(t, readmes)
	for _, project := range readmes {
		name := filepath.Base(filepath.Dir(project))
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(filepath.Dir(project), "README.md")
			s := &session{r: r, file: "examples/" + name + "/README.md", cwd: ".", env: map[string]bool{}, stacks: map[string]bool{}}
			cmds := shellBlocks(t, path)
			require.NotEmpty(t, cmds, "%s has shell blocks", s.file)
			for _, c := range cmds {
				s.run(c)
			}
			for _, e := range s.errors {
				t.Error(e)
			}

			// The one command, before any pulumi command: make up (make
			// render for the examples the local cluster cannot run), and
			// make down for the others.
			made := func(target string) (string, int) {
				forms := []string{target + " " + name}
				want := "make " + target + " EXAMPLE=" + name
				if name == r.defaultExample {
					forms = append(forms, target+" ") // make up runs the default stack
					want = "make " + target
				}
				i := slices.IndexFunc(s.made, func(m string) bool { return slices.Contains(forms, m) })
				return want, i
			}
			first := "up"
			if slices.Contains(r.renderOnly, name) {
				first = "render"
			} else {
				if want, i := made("down"); i < 0 {
					t.Errorf("%s does not say how to remove the example: %s", s.file, want)
				}
			}
			want, i := made(first)
			if i < 0 {
				t.Errorf("%s does not name its one command, %s", s.file, want)
			} else if s.firstPulumi != 0 && s.firstPulumi < s.madeLine[i] {
				t.Errorf("%s:%d: a pulumi command comes before the one command, %s", s.file, s.firstPulumi, want)
			}
		})
	}
}

// TestReadmeCheckerCatchesAFreshMachine runs the checker on the READMEs'
// old instructions: each stops on a fresh machine.
func TestReadmeCheckerCatchesAFreshMachine(t *testing.T) {
	r := loadRepo(t)
	tests := []struct {
		name, script, want string
	}{
		{"no backend", "cd examples/zookeeper\npulumi stack init dev", "PULUMI_ACCESS_TOKEN"},
		{"no passphrase", "export PATH=\"$PWD/.tools/bin:$PATH\" PULUMI_BACKEND_URL=file://$PWD/.pulumi-state\ncd examples/etcd\npulumi stack init dev", "no passphrase"},
		{"no pulumi", "export PULUMI_BACKEND_URL=file://$PWD/.pulumi-state PULUMI_CONFIG_PASSPHRASE=x\ncd examples/etcd\npulumi stack init dev", "not on PATH"},
		{"kubectl after make up", "make up EXAMPLE=etcd\nkubectl get pods", "not on PATH"},
		{"no cluster", "make up EXAMPLE=etcd\nexport PATH=\"$PWD/.tools/bin:$PATH\"\nkubectl get pods", "no KUBECONFIG"},
		{"no target", "make deploy EXAMPLE=etcd", "no target deploy"},
		{"no example", "make up EXAMPLE=etc", "EXAMPLE=etc"},
		{"make from an example", "cd examples/etcd\nmake up EXAMPLE=etcd", "repository root"},
		{"no subcommand", "scripts/stack.sh deploy etcd", `no subcommand "deploy"`},
		{"cockroach locally", "make up EXAMPLE=cockroach", "refuses"},
		{"no stack", "export PATH=\"$PWD/.tools/bin:$PATH\" PULUMI_BACKEND_URL=file://$PWD/.pulumi-state PULUMI_CONFIG_PASSPHRASE=x KUBECONFIG=k\ncd examples/etcd\npulumi up --yes", "no stack yet"},
		{"no Pulumi.yaml", "export PATH=\"$PWD/.tools/bin:$PATH\" PULUMI_BACKEND_URL=file://$PWD/.pulumi-state PULUMI_CONFIG_PASSPHRASE=x\ncd examples\npulumi stack init dev", "no Pulumi.yaml"},
		{"up without a cluster", "export PATH=\"$PWD/.tools/bin:$PATH\" PULUMI_BACKEND_URL=file://$PWD/.pulumi-state PULUMI_CONFIG_PASSPHRASE=x\ncd examples/etcd\npulumi stack init dev\npulumi up --yes", "no KUBECONFIG"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "README.md")
			require.NoError(t, os.WriteFile(path, []byte("# x\n\n```sh\n"+tc.script+"\n```\n"), 0o644))
			s := &session{r: r, file: "README.md", cwd: ".", env: map[string]bool{}, stacks: map[string]bool{}}
			for _, c := range shellBlocks(t, path) {
				s.run(c)
			}
			require.NotEmpty(t, s.errors)
			assert.Contains(t, strings.Join(s.errors, "\n"), tc.want)
		})
	}

	// And a working session passes.
	dir := t.TempDir()
	path := filepath.Join(dir, "README.md")
	ok := "make up EXAMPLE=etcd # deploy\neval \"$(scripts/cluster.sh env)\"\nkubectl get pods\n" +
		"export PULUMI_BACKEND_URL=\"file://$PWD/.pulumi-state\" PULUMI_CONFIG_PASSPHRASE=ordinal-local\n" +
		"cd examples/etcd\npulumi stack select --create dev\npulumi config set diskPath /mnt/disks/ssd1 && pulumi up --yes\n"
	require.NoError(t, os.WriteFile(path, []byte("```sh\n"+ok+"```\n"), 0o644))
	s := &session{r: r, file: "README.md", cwd: ".", env: map[string]bool{}, stacks: map[string]bool{}}
	for _, c := range shellBlocks(t, path) {
		s.run(c)
	}
	assert.Empty(t, s.errors)
}
