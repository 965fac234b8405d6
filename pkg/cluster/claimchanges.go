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
// and the existing claims keep what they had, with no word about it (issue
// 17, item 10). A pool swapped for another is the same change: the claims
// stay on the old pool's volumes.
//
// So the StatefulSet carries ClaimsAnnotation, what its claims were made
// with, the component ignores changes to those four fields of the
// templates, and ClaimChanges compares the annotation of the live
// StatefulSet with the new one before an update (components.claimsHook, in
// `preview` too): a change is refused, naming the claim, what the claims
// have, and what to do. New claims, removed claims and other template
// fields (labels, annotations) replace the StatefulSet as before.

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
		r := ClaimRecord{Name: t.Name}
		if q, ok := t.Spec.Resources.Requests[corev1.ResourceStorage]; ok {
			r.Size = q.String()
		}
		switch {
		case t.Spec.StorageClassName != nil:
			r.StorageClass = *t.Spec.StorageClassName
		case p.Options.DeployTimeStorageClass && p.Spec.Claims[i].StorageClassName == "":
			r.StorageClass = deployTimeClassRecord
		}
		for _, m := range t.Spec.AccessModes {
			r.AccessModes = append(r.AccessModes, string(m))
		}
		if t.Spec.VolumeMode != nil {
			r.VolumeMode = string(*t.Spec.VolumeMode)
		}
		records = append(records, r)
	}
	b, _ := json.Marshal(records) // strings only: cannot fail
	return string(b)
}

// ClaimTemplatePaths are the property paths (Pulumi ignoreChanges syntax)
// of the template fields ClaimsAnnotation records, for n claim templates.
func ClaimTemplatePaths(n int) []string {
	var out []string
	for i := range n {
		p := fmt.Sprintf("spec.volumeClaimTemplates[%d].spec.", i)
		out = append(out, p+"resources.requests.storage", p+"storageClassName", p+"accessModes", p+"volumeMode")
	}
	return out
}

// ClaimChanges lists, one line each, the changes from the claims recorded
// in old (a ClaimsAnnotation value) to those in new that the existing
// claims would not follow; nil when there are none, or when old is empty
// or unreadable (a StatefulSet from before the annotation). Claims only in
// one of them are new or removed, not changed.
func ClaimChanges(old, new string) []string {
	var before, after []ClaimRecord
	if old == "" || json.Unmarshal([]byte(old), &before) != nil || json.Unmarshal([]byte(new), &after) != nil {
		return nil
	}
	var out []string
	for _, a := range after {
		i := slices.IndexFunc(before, func(b ClaimRecord) bool { return b.Name == a.Name })
		if i < 0 {
			continue
		}
		b := before[i]
		field := fmt.Sprintf("spec.claims[%s]", a.Name)
		if !sameSize(b.Size, a.Size) {
			out = append(out, fmt.Sprintf("%s.size: the claims of %q were made with %s and keep it (Kubernetes does not resize the claims of a StatefulSet, and a local volume cannot grow); set it back to %s", field, a.Name, b.Size, b.Size))
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

// sameSize compares two sizes as quantities ("1Gi" and "1024Mi" are one).
func sameSize(a, b string) bool {
	qa, errA := resource.ParseQuantity(a)
	qb, errB := resource.ParseQuantity(b)
	if errA != nil || errB != nil {
		return a == b
	}
	return qa.Cmp(qb) == 0
}
