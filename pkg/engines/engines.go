package engines

import (
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	k8svalidation "k8s.io/apimachinery/pkg/util/validation"
)

// DataClaimName is the name of the data claim (and pod volume) of every
// profile; a pod's claim is "<claim>-<pod>", e.g. "datadir-db-0".
const DataClaimName = "datadir"

// ImageVersion returns the tag of an image reference ("v24.3.6" for
// "cockroachdb/cockroach:v24.3.6"), or "" when the reference has no tag,
// is pinned by digest, or its tag is not a valid label value. Profiles use
// it for the app.kubernetes.io/version label.
func ImageVersion(image string) string {
	if strings.Contains(image, "@") {
		return ""
	}
	slash := strings.LastIndex(image, "/")
	colon := strings.LastIndex(image, ":")
	if colon <= slash {
		return ""
	}
	tag := image[colon+1:]
	if len(k8svalidation.IsValidLabelValue(tag)) > 0 {
		return ""
	}
	return tag
}

// httpProbe probes path on the named port.
func httpProbe(path, port string, scheme corev1.URIScheme, initialDelay, period, failures int32) *corev1.Probe {
	return &corev1.Probe{
		ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{
			Path: path, Port: intstr.FromString(port), Scheme: scheme,
		}},
		InitialDelaySeconds: initialDelay,
		PeriodSeconds:       period,
		TimeoutSeconds:      5,
		FailureThreshold:    failures,
	}
}

// execProbe runs command in the container.
func execProbe(command []string, initialDelay, period, failures int32) *corev1.Probe {
	return &corev1.Probe{
		ProbeHandler:        corev1.ProbeHandler{Exec: &corev1.ExecAction{Command: command}},
		InitialDelaySeconds: initialDelay,
		PeriodSeconds:       period,
		TimeoutSeconds:      5,
		FailureThreshold:    failures,
	}
}

// tcpProbe opens a connection to the named port.
func tcpProbe(port string, initialDelay, period, failures int32) *corev1.Probe {
	return &corev1.Probe{
		ProbeHandler:        corev1.ProbeHandler{TCPSocket: &corev1.TCPSocketAction{Port: intstr.FromString(port)}},
		InitialDelaySeconds: initialDelay,
		PeriodSeconds:       period,
		TimeoutSeconds:      5,
		FailureThreshold:    failures,
	}
}

// shellQuote quotes s as one word for a POSIX shell, whatever it contains:
// it wraps s in single quotes and writes each single quote of s as the
// sequence quote, backslash, quote, quote.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
