package render

import (
	"bytes"
	"fmt"
	"unicode/utf8"
)

// escapeUnreadable rewrites, in JSON text, every character the YAML
// reader of sigs.k8s.io/yaml refuses even inside a quoted scalar ("control
// characters are not allowed": DEL, the C1 controls, U+FFFE and U+FFFF)
// or reads as a line break and folds into a space (NEL, U+2028, U+2029)
// as a \u escape. The API accepts them in any string (a
// ConfigMap value, a local volume's path), so a manifest must carry them:
// the YAML writer escapes them again in a double-quoted scalar. They can
// stand only inside JSON strings, whose structure is printable ASCII, and
// json.Marshal writes valid UTF-8; other text is copied unchanged.
func escapeUnreadable(j []byte) []byte {
	first := bytes.IndexFunc(j, unreadable)
	if first < 0 {
		return j
	}
	out := append(make([]byte, 0, len(j)+16), j[:first]...)
	for i := first; i < len(j); {
		r, n := utf8.DecodeRune(j[i:])
		if unreadable(r) {
			out = fmt.Appendf(out, `\u%04x`, r)
		} else {
			out = append(out, j[i:i+n]...)
		}
		i += n
	}
	return out
}

// unreadable is what YAML 1.1 does not read as itself, past what JSON
// escapes itself (C0 controls).
func unreadable(r rune) bool {
	return r == 0x7f || (r >= 0x80 && r <= 0x9f) || r == 0x2028 || r == 0x2029 || r == 0xfffe || r == 0xffff
}
