package cluster

import (
	"fmt"
	"strconv"

	corev1 "k8s.io/api/core/v1"

	"github.com/ordinal-dev/ordinal/pkg/validation"
)

// This file holds the checks of limits and duplicates the API server
// enforces on the objects of a cluster, so that they fail before any
// resource is registered rather than in the middle of an `up`.

// containerPort is a container port's identity under server-side apply:
// two ports of one container with the same number and protocol are refused.
type containerPort struct {
	port     int32
	protocol corev1.Protocol
}

func newContainerPort(port int32, protocol corev1.Protocol) containerPort {
	if protocol == "" {
		protocol = corev1.ProtocolTCP
	}
	return containerPort{port, protocol}
}

// portNumbers checks that no two ports of container c (index among the
// main containers, -1 for an init container) share a number and protocol,
// counting the cluster's ports the first container declares (container).
func (v *validator) portNumbers(p *validation.Path, c corev1.Container, index int) {
	if len(c.Ports) == 0 {
		return
	}
	seen := map[containerPort]string{}
	if index == 0 {
		declared := map[string]bool{}
		for _, port := range c.Ports {
			declared[port.Name] = true
		}
		for _, port := range v.spec.Ports {
			if !declared[port.Name] {
				seen[newContainerPort(port.Port, port.Protocol)] = fmt.Sprintf("the cluster port %q (spec.ports), which ordinal declares on this container,", port.Name)
			}
		}
	}
	for j, port := range c.Ports {
		key := newContainerPort(port.ContainerPort, port.Protocol)
		if prev, dup := seen[key]; dup {
			v.Duplicate(p.Child("ports").Index(j).Child("containerPort"), port.ContainerPort, fmt.Sprintf(
				"%s already uses %d/%s, and the API server refuses two ports of a container with the same number and protocol; remove this port, give it the same name, or use another number",
				prev, key.port, key.protocol))
			continue
		}
		seen[key] = p.Child("ports").Index(j).String()
	}
}

// valueFrom checks the source of an env var: exactly one, and ConfigMap or
// Secret references that name an object and a key.
func (v *validator) valueFrom(p *validation.Path, vf *corev1.EnvVarSource) {
	set := 0
	for _, ok := range []bool{vf.FieldRef != nil, vf.ResourceFieldRef != nil, vf.ConfigMapKeyRef != nil, vf.SecretKeyRef != nil, vf.FileKeyRef != nil} {
		if ok {
			set++
		}
	}
	switch {
	case set == 0:
		v.Required(p, "set one source: configMapKeyRef, secretKeyRef, fieldRef or resourceFieldRef (see cluster.ConfigEnv, cluster.SecretEnv, cluster.FieldEnv), or set value instead of valueFrom")
	case set > 1:
		v.Forbidden(p, "set only one source: configMapKeyRef, secretKeyRef, fieldRef, resourceFieldRef or fileKeyRef")
	}
	if r := vf.ConfigMapKeyRef; r != nil && r.Name != GeneratedConfigMap {
		v.keyRef(p.Child("configMapKeyRef"), r.Name, r.Key, "ConfigMap", "cluster.ConfigEnv")
	}
	if r := vf.SecretKeyRef; r != nil && r.Name != GeneratedSecret {
		v.keyRef(p.Child("secretKeyRef"), r.Name, r.Key, "Secret", "cluster.SecretEnv")
	}
	if r := vf.FieldRef; r != nil && r.FieldPath == "" {
		v.Required(p.Child("fieldRef").Child("fieldPath"), "name the field, e.g. metadata.name (see cluster.FieldEnv)")
	}
}

// keyRef checks a reference to a key of a ConfigMap or Secret of the user's.
func (v *validator) keyRef(p *validation.Path, name, key, kind, helper string) {
	if name == "" {
		v.Required(p.Child("name"), fmt.Sprintf("name the %s to read from, or use %s for the one ordinal generates", kind, helper))
	} else {
		v.DNSSubdomain(p.Child("name"), name)
	}
	if key == "" {
		v.Required(p.Child("key"), fmt.Sprintf("name the key of the %s to read", kind))
	} else if msgs := validation.IsConfigMapKey(key); len(msgs) > 0 {
		v.Invalid(p.Child("key"), key, fmt.Sprintf("must be a %s key (%s)", kind, msgs[0]))
	}
}

// envFromNames checks that an envFrom source names its ConfigMap or Secret.
func (v *validator) envFromNames(p *validation.Path, ef corev1.EnvFromSource) {
	if ef.ConfigMapRef != nil && ef.ConfigMapRef.Name == "" {
		v.Required(p.Child("configMapRef").Child("name"), "name the ConfigMap, or use "+strconv.Quote(GeneratedConfigMap)+" for the one ordinal generates")
	}
	if ef.SecretRef != nil && ef.SecretRef.Name == "" {
		v.Required(p.Child("secretRef").Child("name"), "name the Secret, or use "+strconv.Quote(GeneratedSecret)+" for the one ordinal generates")
	}
	if ef.ConfigMapRef == nil && ef.SecretRef == nil {
		v.Required(p, "set configMapRef or secretRef")
	} else if ef.ConfigMapRef != nil && ef.SecretRef != nil {
		v.Forbidden(p, "set configMapRef or secretRef, not both")
	}
}

// configSize checks that the generated ConfigMap's data fits the API
// server's limit of 1 MiB (keys and values, as the API server counts).
func (v *validator) configSize(p *validation.Path, data map[string]string) {
	size := 0
	for k, val := range data {
		size += len(k) + len(val)
	}
	if size > corev1.MaxSecretSize {
		v.Invalid(p, fmt.Sprintf("%d bytes", size), fmt.Sprintf("a ConfigMap holds at most %d bytes (1 MiB) of keys and values; put large files in the image, a volume or a ConfigMap of your own in spec.config.sources", corev1.MaxSecretSize))
	}
}

// annotationSizes checks that the annotations of each object fit the API
// server's limit: spec.annotations go on every object, spec.podAnnotations
// with them on the pod template, a claim's on its PVCs.
func (v *validator) annotationSizes(root *validation.Path) {
	s := &v.spec
	if v.AnnotationsSize(root.Child("annotations"), "every object of the cluster", s.Annotations) && len(s.PodAnnotations) > 0 {
		v.AnnotationsSize(root.Child("podAnnotations"), "the pod template (spec.annotations and spec.podAnnotations)", s.Annotations, s.PodAnnotations)
	}
	for i, c := range s.Claims {
		if len(c.Annotations) > 0 {
			v.AnnotationsSize(root.Child("claims").Index(i).Child("annotations"), "the claim's PVCs", c.Annotations)
		}
	}
}
