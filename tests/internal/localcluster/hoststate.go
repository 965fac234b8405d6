package localcluster

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
)

// HostState is what a local cluster with real nodes may change on this
// machine, each aspect as a sorted list of lines: network links, iptables
// rules (IPv4 and IPv6, every table), mount points, cgroup directories
// directly under each hierarchy, network namespaces, the two sysctls the
// nodes set, and the host paths the nodes mount over. Two states taken
// before `up` and after `down` must be equal.
type HostState map[string][]string

// CaptureHostState reads the current HostState.
func CaptureHostState() HostState {
	s := HostState{}
	s["links"] = linesOf(run("ip", "-o", "link", "show"), func(l string) string {
		// "3: name@if2: <FLAGS> ..." -> name
		f := strings.Fields(l)
		if len(f) < 2 {
			return ""
		}
		return strings.TrimSuffix(strings.SplitN(f[1], "@", 2)[0], ":")
	})
	for _, c := range []string{"iptables-save", "ip6tables-save"} {
		s[c] = iptablesLines(run(c))
	}
	mounts, _ := os.ReadFile("/proc/self/mountinfo")
	s["mounts"] = linesOf(string(mounts), func(l string) string {
		f := strings.Fields(l)
		if len(f) < 5 {
			return ""
		}
		return f[4]
	})
	cg, _ := filepath.Glob("/sys/fs/cgroup/*/*/")
	s["cgroups"] = sortedUnique(cg)
	netns, _ := filepath.Glob("/run/netns/*")
	s["netns"] = sortedUnique(netns)
	for _, p := range []string{"/proc/sys/net/ipv4/ip_forward", "/proc/sys/net/bridge/bridge-nf-call-iptables"} {
		b, _ := os.ReadFile(p)
		s["sysctls"] = append(s["sysctls"], p+"="+strings.TrimSpace(string(b)))
	}
	for _, p := range []string{"/var/lib/kubelet", "/var/log/containers", "/var/lib/cni", "/run/containerd", "/run/netns", "/mnt/disks"} {
		if _, err := os.Stat(p); err == nil {
			s["paths"] = append(s["paths"], p)
		}
	}
	return s
}

// Diff lists what differs from before, one line per change ("+ mounts
// /x", "- links ordbr0"); nil when nothing does.
func (s HostState) Diff(before HostState) []string {
	var out []string
	keys := make([]string, 0, len(s))
	for k := range s {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		for _, l := range s[k] {
			if !slices.Contains(before[k], l) {
				out = append(out, fmt.Sprintf("+ %s %s", k, l))
			}
		}
		for _, l := range before[k] {
			if !slices.Contains(s[k], l) {
				out = append(out, fmt.Sprintf("- %s %s", k, l))
			}
		}
	}
	return out
}

// iptablesLines reduces iptables-save output to what a cluster may leave
// behind: every rule, every chain of its own, and a built-in chain only
// when its policy is not ACCEPT. A built-in chain with policy ACCEPT and
// no rules is what a table that was never loaded behaves like; the kernel
// loads a table on first use (on a fresh machine, the cluster's first
// rule) and never unloads it, so such a chain is not a leftover.
func iptablesLines(out string) []string {
	table := ""
	return linesOf(out, func(l string) string {
		switch {
		case strings.HasPrefix(l, "*"):
			table = l
		case strings.HasPrefix(l, ":"):
			// ":NAME POLICY [packets:bytes]": counters change, names and
			// policies are state. A chain of one's own has policy "-".
			f := strings.Fields(l)
			switch policy := f[min(1, len(f)-1)]; policy {
			case "ACCEPT":
				return ""
			case "-":
				return table + " " + f[0]
			default:
				return table + " " + f[0] + " " + policy
			}
		case strings.HasPrefix(l, "-A "):
			return table + " " + l
		}
		return ""
	})
}

func run(name string, args ...string) string {
	var out bytes.Buffer
	cmd := exec.Command(name, args...)
	cmd.Stdout = &out
	_ = cmd.Run()
	return out.String()
}

func linesOf(text string, pick func(string) string) []string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		if v := pick(strings.TrimSpace(l)); v != "" {
			out = append(out, v)
		}
	}
	return sortedUnique(out)
}

func sortedUnique(v []string) []string {
	slices.Sort(v)
	return slices.Compact(v)
}
