package localpv

// VolumeNameLength exposes volumeNameLength to the tests.
var VolumeNameLength = volumeNameLength

// NodeLabels exposes nodeLabels to the tests.
var NodeLabels = nodeLabels

// EntriesSeq collects entries, and EntryNodes lists node(i) for every entry.
func EntriesSeq(s Spec) (out []Volume) {
	for i, v := range s.entries() {
		if i != len(out) {
			panic("entries: index out of order")
		}
		out = append(out, v)
	}
	return out
}

func EntryNodes(s Spec) (out []string) {
	for i := range len(s.Nodes) + len(s.Volumes) {
		out = append(out, s.node(i))
	}
	return out
}
