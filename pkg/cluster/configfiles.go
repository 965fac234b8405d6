package cluster

import (
	"fmt"
	"path"
	"strings"

	"github.com/ordinal-dev/ordinal/pkg/validation"
)

// fileSet collects the files of the projected config directory (config.go)
// and reports those that collide: the same path twice, or a file whose
// path is a directory of another.
type fileSet struct {
	l *validation.List
	// files are the files added so far; fields holds the paths of the
	// fields that project them, back to back.
	files  []projectedFile
	fields []byte
}

// projectedFile is the path of a file, and where fileSet.fields holds the
// path of the field that projects it.
type projectedFile struct {
	rel        string
	start, end int
}

func newFileSet(l *validation.List) *fileSet {
	return &fileSet{l: l, files: make([]projectedFile, 0, 8), fields: make([]byte, 0, 256)}
}

// field is the path of the field that projects files[i].
func (f *fileSet) field(i int) string {
	return string(f.fields[f.files[i].start:f.files[i].end])
}

// add checks the path rel of a file projected by the field at p, and adds it.
func (f *fileSet) add(p *validation.Path, rel string) {
	switch {
	case rel == "":
		f.l.Required(p, "give the file's path relative to the config directory, e.g. \"my-group/my-config\"")
		return
	case path.IsAbs(rel):
		f.l.Invalid(p, rel, "must be relative to the config directory; remove the leading \"/\"")
		return
	case hasDotDot(rel):
		f.l.Invalid(p, rel, "must not contain \"..\"; projected files stay inside the config directory")
		return
	case strings.HasPrefix(rel, "..") || path.Clean(rel) != rel:
		f.l.Invalid(p, rel, "must be a clean relative path (no \".\", \"..\" prefix, trailing or doubled slashes)")
		return
	}
	// The same path, else the first colliding path in sorted order.
	other := -1
	for i, o := range f.files {
		if o.rel == rel {
			f.l.Duplicate(p, rel, f.field(i)+" already projects a file at this path; choose another path")
			return
		}
		if (below(o.rel, rel) || below(rel, o.rel)) && (other < 0 || o.rel < f.files[other].rel) {
			other = i
		}
	}
	if other >= 0 {
		f.l.Invalid(p, rel, fmt.Sprintf("collides with %q from %s: one file cannot be another's directory", f.files[other].rel, f.field(other)))
		return
	}
	start := len(f.fields)
	f.fields = p.AppendTo(f.fields)
	f.files = append(f.files, projectedFile{rel, start, len(f.fields)})
}

// below reports whether path p is inside directory dir.
func below(p, dir string) bool {
	return len(p) > len(dir) && p[len(dir)] == '/' && strings.HasPrefix(p, dir)
}

func hasDotDot(p string) bool {
	for part := range strings.SplitSeq(p, "/") {
		if part == ".." {
			return true
		}
	}
	return false
}
