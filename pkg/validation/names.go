package validation

import (
	"strings"

	k8svalidation "k8s.io/apimachinery/pkg/util/validation"
)

// The checks below return exactly what their namesakes in
// k8s.io/apimachinery/pkg/util/validation return, and so stay the API
// server's rules. They are cheaper for valid values, by far the common
// case: a loop over the bytes recognises those, and only a value the loop
// refuses goes through apimachinery's regular expressions, which also say
// what is wrong with it. TestNameChecksMatchApimachinery and
// FuzzNameChecks hold every loop to apimachinery's answer.

// IsDNS1123Label is k8s.io/apimachinery's IsDNS1123Label.
func IsDNS1123Label(value string) []string {
	if isDNS1123Label(value) {
		return nil
	}
	return k8svalidation.IsDNS1123Label(value)
}

// IsDNS1035Label is k8s.io/apimachinery's IsDNS1035Label.
func IsDNS1035Label(value string) []string {
	if isDNS1035Label(value) {
		return nil
	}
	return k8svalidation.IsDNS1035Label(value)
}

// IsDNS1123Subdomain is k8s.io/apimachinery's IsDNS1123Subdomain.
func IsDNS1123Subdomain(value string) []string {
	if isDNS1123Subdomain(value) {
		return nil
	}
	return k8svalidation.IsDNS1123Subdomain(value)
}

// IsQualifiedName is k8s.io/apimachinery's IsQualifiedName (label and
// annotation keys).
func IsQualifiedName(value string) []string {
	if isQualifiedName(value) {
		return nil
	}
	return k8svalidation.IsQualifiedName(value)
}

// IsValidLabelValue is k8s.io/apimachinery's IsValidLabelValue.
func IsValidLabelValue(value string) []string {
	if isLabelValue(value) {
		return nil
	}
	return k8svalidation.IsValidLabelValue(value)
}

// IsConfigMapKey is k8s.io/apimachinery's IsConfigMapKey.
func IsConfigMapKey(value string) []string {
	if isConfigMapKey(value) {
		return nil
	}
	return k8svalidation.IsConfigMapKey(value)
}

// IsValidPortName is k8s.io/apimachinery's IsValidPortName.
func IsValidPortName(value string) []string {
	if isPortName(value) {
		return nil
	}
	return k8svalidation.IsValidPortName(value)
}

func isLowerAlnum(c byte) bool { return 'a' <= c && c <= 'z' || '0' <= c && c <= '9' }

func isAlnum(c byte) bool { return isLowerAlnum(c) || 'A' <= c && c <= 'Z' }

// isDNS1123Label matches [a-z0-9]([-a-z0-9]*[a-z0-9])? of at most 63 bytes.
func isDNS1123Label(s string) bool {
	return len(s) <= k8svalidation.DNS1123LabelMaxLength && isDNSLabelShape(s)
}

// isDNS1035Label matches [a-z]([-a-z0-9]*[a-z0-9])? of at most 63 bytes.
func isDNS1035Label(s string) bool {
	return isDNS1123Label(s) && 'a' <= s[0] && s[0] <= 'z'
}

// isDNS1123Subdomain matches DNS-1123 label shapes joined by dots, of at
// most 253 bytes in all (a label alone has no length limit here).
func isDNS1123Subdomain(s string) bool {
	if len(s) > k8svalidation.DNS1123SubdomainMaxLength {
		return false
	}
	for label := range strings.SplitSeq(s, ".") {
		if !isDNSLabelShape(label) {
			return false
		}
	}
	return true
}

// isDNSLabelShape matches [a-z0-9]([-a-z0-9]*[a-z0-9])? of any length.
func isDNSLabelShape(s string) bool {
	if s == "" || !isLowerAlnum(s[0]) || !isLowerAlnum(s[len(s)-1]) {
		return false
	}
	for i := 1; i < len(s)-1; i++ {
		if c := s[i]; !isLowerAlnum(c) && c != '-' {
			return false
		}
	}
	return true
}

// isQualifiedName matches an optional DNS-1123 subdomain and "/", then a
// name of at most 63 bytes shaped like a label value.
func isQualifiedName(s string) bool {
	prefix, name, hasPrefix := strings.Cut(s, "/")
	if !hasPrefix {
		name = prefix
	} else if !isDNS1123Subdomain(prefix) {
		return false
	}
	return name != "" && len(name) <= 63 && isLabelValue(name)
}

// isLabelValue matches (([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])? of at
// most 63 bytes.
func isLabelValue(s string) bool {
	if s == "" {
		return true
	}
	if len(s) > 63 || !isAlnum(s[0]) || !isAlnum(s[len(s)-1]) {
		return false
	}
	for i := 1; i < len(s)-1; i++ {
		if c := s[i]; !isAlnum(c) && c != '-' && c != '_' && c != '.' {
			return false
		}
	}
	return true
}

// isConfigMapKey matches [-._a-zA-Z0-9]+ of at most 253 bytes that is not
// "." and does not start with "..".
func isConfigMapKey(s string) bool {
	if s == "" || len(s) > k8svalidation.DNS1123SubdomainMaxLength || s == "." || strings.HasPrefix(s, "..") {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !isAlnum(c) && c != '-' && c != '_' && c != '.' {
			return false
		}
	}
	return true
}

// isPortName matches at most 15 bytes of [-a-z0-9] with a letter, no
// leading, trailing or doubled hyphen.
func isPortName(s string) bool {
	if s == "" || len(s) > 15 || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	letter := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case 'a' <= c && c <= 'z':
			letter = true
		case '0' <= c && c <= '9':
		case c == '-' && s[i-1] != '-':
		default:
			return false
		}
	}
	return letter
}
