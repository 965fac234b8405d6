package cluster

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
)

// Changes to the claims of a cluster that exists.
//
// Kubernetes never changes the claims a StatefulSet has made: a new size,
// storage class, access mode or volume mode in its volumeClaimTemplates
// reaches only claims made afterwards (new ordinals), and the API server
// refuses the template change itself, so Pulumi replaces the StatefulSet
// and the existing claims would keep what they had, with no word about it
// (issue 17, item 10). A pool swapped for another is the same change: the
// claims stay on the old pool's volumes.
//
// Growth is the one change the claims can follow: the cluster declares its
// claims (ClaimObjects) and a larger size grows each of them in place, on a
// storage class that allows volume expansion, before the StatefulSet is
// re-created with the new template. Everything else is refused before any
// object changes (components.claimsHook, in `preview` too), naming the
// claim, what the claims have, and what to do:
//
//   - a smaller size (Kubernetes never shrinks a claim);
//   - a larger size on a local-volume pool (FixedSizeClasses: its volumes
//     are fixed-size disks on the nodes);
//   - another storage class, access modes or volume mode (immutable in a
//     claim). The StatefulSet carries ClaimsAnnotation, what its claims
//     were made with, and ignores changes to those three fields of its
//     templates, so they never replace it for nothing.
//
// A larger size on a storage class without allowVolumeExpansion is refused
// by the API server when the first claim is patched, before the StatefulSet
// changes (`preview` cannot show it: the provider drops a dry run's
// Forbidden answer). New claims, removed claims and other template fields
// (labels, annotations) replace the StatefulSet as before.

// ClaimsAnnotation is the StatefulSet annotation that records, per claim
// template, the size, storage class, access modes and volume mode the
// claims were made with (JSON of []ClaimRecord).
const ClaimsAnnotation = "ordinal.dev/claims"

// ClaimRecord is what ClaimsAnnotation records of one claim template.
type ClaimRecord struct {
	Name         string   `json:"name"`
	Size         string   `json:"size"`
	StorageClass string   `json:"storageClass,omitempty"`
	AccessModes  []string `json:"accessModes,omitempty"`
	VolumeMode   string   `json:"volumeMode,omitempty"`
}

// deployTimeClassRecord stands for a storage class supplied at deploy time,
// which the plan does not know: it is not compared.
const deployTimeClassRecord = "*"

// claimsAnnotation is the ClaimsAnnotation value of the planned templates.
func (p *Plan) claimsAnnotation(templates []corev1.PersistentVolumeClaim) string {
	records := make([]ClaimRecord, 0, len(templates))
	for i, t := range templates {
		r := ClaimRecordOf(t.Name, t.Spec)
		if t.Spec.StorageClassName == nil && p.Options.DeployTimeStorageClass && p.Spec.Claims[i].StorageClassName == "" {
			r.StorageClass = deployTimeClassRecord
		}
		records = append(records, r)
	}
	b, _ := json.Marshal(records) // strings only: cannot fail
	return string(b)
}

// ClaimTemplatePaths are the property paths (Pulumi ignoreChanges syntax)
// of the template fields ClaimsAnnotation records that no claim can follow
// (storage class, access modes, volume mode), for n claim templates. The
// size is not among them: a larger one grows the claims.
func ClaimTemplatePaths(n int) []string {
	var out []string
	for i := range n {
		p := fmt.Sprintf("spec.volumeClaimTemplates[%d].spec.", i)
		out = append(out, p+"storageClassName", p+"accessModes", p+"volumeMode")
	}
	return out
}

// ClaimChanges lists, one line each, the changes from the claims recorded
// in old (a ClaimsAnnotation value) to those in new that the existing
// claims cannot follow (CompareClaims); nil when there are none, or when
// old is empty or unreadable (a StatefulSet from before the annotation).
func ClaimChanges(old, new string, fixedSize []string) []string {
	var before, after []ClaimRecord
	if old == "" || json.Unmarshal([]byte(old), &before) != nil || json.Unmarshal([]byte(new), &after) != nil {
		return nil
	}
	return CompareClaims(before, after, fixedSize)
}

// ClaimRecordOf is the ClaimRecord of claims named name made with spec.
func ClaimRecordOf(name string, spec corev1.PersistentVolumeClaimSpec) ClaimRecord {
	r := ClaimRecord{Name: name}
	if q, ok := spec.Resources.Requests[corev1.ResourceStorage]; ok {
		r.Size = q.String()
	}
	if spec.StorageClassName != nil {
		r.StorageClass = *spec.StorageClassName
	}
	for _, m := range spec.AccessModes {
		r.AccessModes = append(r.AccessModes, string(m))
	}
	if spec.VolumeMode != nil {
		r.VolumeMode = string(*spec.VolumeMode)
	}
	return r
}

// CompareClaims lists, one line each, the changes from the claims before
// to the claims after that the existing claims cannot follow: a smaller
// size, a larger one on a class in fixedSize, another storage class,
// access modes or volume mode. Claims only in one of them are new or
// removed, not changed.
func CompareClaims(before, after []ClaimRecord, fixedSize []string) []string {
	var out []string
	for _, a := range after {
		i := slices.IndexFunc(before, func(b ClaimRecord) bool { return b.Name == a.Name })
		if i < 0 {
			continue
		}
		b := before[i]
		field := fmt.Sprintf("spec.claims[%s]", a.Name)
		switch c := compareSize(b.Size, a.Size); {
		case c < 0:
			out = append(out, fmt.Sprintf("%s.size: the claims of %q have %s, and Kubernetes never shrinks a claim; set it back to %s (or larger)", field, a.Name, b.Size, b.Size))
		case c > 0 && slices.Contains(fixedSize, b.StorageClass):
			out = append(out, fmt.Sprintf("%s.size: the claims of %q are on the local-volume pool's storage class %q, whose volumes are disks of a fixed size on the nodes and cannot grow; set it back to %s, or move the data to a cluster on larger volumes", field, a.Name, b.StorageClass, b.Size))
		}
		if b.StorageClass != a.StorageClass && b.StorageClass != deployTimeClassRecord && a.StorageClass != deployTimeClassRecord {
			was := "the cluster's default"
			if b.StorageClass != "" {
				was = strconv.Quote(b.StorageClass)
			}
			out = append(out, fmt.Sprintf("%s: the claims of %q are on the storage class %s and stay there (a new pool or class reaches only claims made from now on); keep %s, or move the data to a new cluster", field, a.Name, was, was))
		}
		if !slices.Equal(b.AccessModes, a.AccessModes) {
			out = append(out, fmt.Sprintf("%s.accessModes: the claims of %q were made with %s and keep them; set them back", field, a.Name, cmp.Or(strings.Join(b.AccessModes, ", "), "none")))
		}
		if b.VolumeMode != a.VolumeMode {
			out = append(out, fmt.Sprintf("%s.volumeMode: the claims of %q were made with %s and keep it; set it back", field, a.Name, cmp.Or(b.VolumeMode, "the default")))
		}
	}
	return out
}

// compareSize compares two sizes as quantities ("1Gi" and "1024Mi" are
// one); sizes that do not parse compare as strings, equal or not (-1).
func compareSize(a, b string) int {
	qa, errA := resource.ParseQuantity(a)
	qb, errB := resource.ParseQuantity(b)
	switch {
	case errA == nil && errB == nil:
		return qb.Cmp(qa)
	case a == b:
		return 0
	}
	return -1
}
