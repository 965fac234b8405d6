package bridge

import (
	"crypto/rand"
	"encoding/hex"
)

// Placeholders returns n strings that stand for values still to come while
// a tree is built: unguessable (random for each call), so no string of a
// user's spec can be one of them.
func Placeholders(n int) []string {
	out := make([]string, n)
	for i := range out {
		b := make([]byte, 16)
		_, _ = rand.Read(b) // never fails (crypto/rand)
		out[i] = "\x00ordinal-pending-" + hex.EncodeToString(b)
	}
	return out
}

// Holes are the places of a tree that hold one of a set of placeholders.
type Holes struct {
	holes []hole
}

type hole struct {
	obj   map[string]any // the object holding the placeholder, or nil
	key   string
	list  []any // the list holding it, when obj is nil
	index int
	which int // index of the placeholder
}

// FindHoles finds every string of tree (from Tree or AwaitedTree) that is
// one of placeholders.
func FindHoles(tree any, placeholders []string) *Holes {
	h := &Holes{}
	which := func(v any) int {
		if s, ok := v.(string); ok {
			for i, p := range placeholders {
				if s == p {
					return i
				}
			}
		}
		return -1
	}
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				if i := which(e); i >= 0 {
					h.holes = append(h.holes, hole{obj: x, key: k, which: i})
				} else {
					walk(e)
				}
			}
		case []any:
			for j, e := range x {
				if i := which(e); i >= 0 {
					h.holes = append(h.holes, hole{list: x, index: j, which: i})
				} else {
					walk(e)
				}
			}
		}
	}
	walk(tree)
	return h
}

// Fill writes values[i] into every hole of placeholder i, in the tree
// FindHoles walked (which the caller must own: nothing else may read it
// meanwhile).
func (h *Holes) Fill(values []string) {
	for _, x := range h.holes {
		if x.obj != nil {
			x.obj[x.key] = values[x.which]
		} else {
			x.list[x.index] = values[x.which]
		}
	}
}
