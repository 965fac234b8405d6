package naming

import (
	"crypto/sha256"
	"encoding/hex"
	"math"
	"slices"
	"strconv"
	"strings"
)

// DefaultClusterDomain is the DNS domain of a Kubernetes cluster unless the
// user configures another one.
const DefaultClusterDomain = "cluster.local"

// Child returns the name of a component's child: "<component>-<suffix>".
// Prefixing every child with its component's name keeps names unique in a
// stack that holds several clusters.
func Child(component, suffix string) string {
	if suffix == "" {
		return component
	}
	return component + "-" + suffix
}

// Ordinals returns the ordinals of a StatefulSet's pods, in order.
func Ordinals(start, replicas int32) []int32 {
	out := make([]int32, 0, max(replicas, 0))
	for i := int32(0); i < replicas; i++ {
		out = append(out, start+i)
	}
	return out
}

// OrdinalsExcept returns the ordinals of an Advanced StatefulSet's pods,
// in order: the first replicas ordinals from start that are not in
// reserved (OpenKruise's reserveOrdinals). With no reserved ordinals it is
// Ordinals.
func OrdinalsExcept(start, replicas int32, reserved []int32) []int32 {
	out := make([]int32, 0, max(replicas, 0))
	for o := int64(start); int32(len(out)) < replicas && o <= math.MaxInt32; o++ {
		if !slices.Contains(reserved, int32(o)) {
			out = append(out, int32(o))
		}
	}
	return out
}

// PodName is the name the StatefulSet controller gives the pod with an ordinal.
func PodName(statefulSet string, ordinal int32) string {
	return statefulSet + "-" + strconv.Itoa(int(ordinal))
}

// PodHost is the pod's name qualified by its governing Service
// ("db-0.db"). It resolves from any pod in the same namespace.
func PodHost(statefulSet, service string, ordinal int32) string {
	return PodName(statefulSet, ordinal) + "." + service
}

// ServiceFQDN is a Service's fully qualified name: "<svc>.<ns>.svc.<domain>".
func ServiceFQDN(service, namespace, clusterDomain string) string {
	if clusterDomain == "" {
		clusterDomain = DefaultClusterDomain
	}
	return service + "." + namespace + ".svc." + clusterDomain
}

// PodFQDN is a StatefulSet pod's stable, fully qualified DNS name:
// "<sts>-<i>.<svc>.<ns>.svc.<domain>".
func PodFQDN(statefulSet, service, namespace, clusterDomain string, ordinal int32) string {
	return PodName(statefulSet, ordinal) + "." + ServiceFQDN(service, namespace, clusterDomain)
}

// PodFQDNs lists PodFQDN for every ordinal, in ordinal order.
func PodFQDNs(statefulSet, service, namespace, clusterDomain string, start, replicas int32) []string {
	out := make([]string, 0, max(replicas, 0))
	for _, o := range Ordinals(start, replicas) {
		out = append(out, PodFQDN(statefulSet, service, namespace, clusterDomain, o))
	}
	return out
}

// PodHosts lists PodHost for every ordinal, in ordinal order.
func PodHosts(statefulSet, service string, start, replicas int32) []string {
	out := make([]string, 0, max(replicas, 0))
	for _, o := range Ordinals(start, replicas) {
		out = append(out, PodHost(statefulSet, service, o))
	}
	return out
}

// HostPort joins a host and a port: "host:port".
func HostPort(host string, port int32) string {
	return host + ":" + strconv.Itoa(int(port))
}

// JoinList renders hosts as "host:port,host:port,..." (the --join or
// peer-list format most clustered databases accept). A port of 0 leaves
// the hosts bare.
func JoinList(hosts []string, port int32) string {
	parts := make([]string, len(hosts))
	for i, h := range hosts {
		if port == 0 {
			parts[i] = h
		} else {
			parts[i] = HostPort(h, port)
		}
	}
	return strings.Join(parts, ",")
}

// ContentHash returns a short, stable hex digest of the given parts, used for
// content-addressed names and checksum annotations: the SHA-256 of every
// part written as "<length>:<part>;".
func ContentHash(parts ...string) string {
	var out [2 * sha256.Size]byte
	return string(AppendContentHash(out[:0], parts...))
}

// AppendContentHash appends ContentHash(parts...) to dst.
func AppendContentHash(dst []byte, parts ...string) []byte {
	// Small inputs (volume names, most configs) are framed on the stack.
	var stack [512]byte
	n := 0
	for _, p := range parts {
		n += len(p) + 22 // up to 20 digits of length, ':' and ';'
	}
	buf := stack[:0]
	if n > len(stack) {
		buf = make([]byte, 0, n)
	}
	for _, p := range parts {
		buf = strconv.AppendInt(buf, int64(len(p)), 10)
		buf = append(buf, ':')
		buf = append(buf, p...)
		buf = append(buf, ';')
	}
	sum := sha256.Sum256(buf)
	return hex.AppendEncode(dst, sum[:])
}

// Short truncates a content hash to n characters for use in names.
func Short(hash string, n int) string {
	if len(hash) <= n {
		return hash
	}
	return hash[:n]
}

// ClaimName is the name the StatefulSet controller gives the claim that
// volumeClaimTemplate template makes for the pod with an ordinal:
// "<template>-<statefulset>-<ordinal>" ("data-db-0").
func ClaimName(template, statefulSet string, ordinal int32) string {
	return template + "-" + PodName(statefulSet, ordinal)
}
