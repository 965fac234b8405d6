package cluster

import (
	"fmt"
	"maps"
	"path"
	"slices"
	"strings"
	"unicode/utf8"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/ordinal-dev/ordinal/pkg/naming"
	"github.com/ordinal-dev/ordinal/pkg/validation"
)

// ConfigChecksumAnnotation is the pod template annotation holding the hash
// of the generated ConfigMap's content.
const ConfigChecksumAnnotation = "ordinal.dev/config-checksum"

// Config is the projected config directory mounted read-only in the containers.
type Config struct {
	// MountPath of the directory; default "/etc/ordinal".
	MountPath string
	// VolumeName of the projected volume; default "config".
	VolumeName string
	// DefaultMode of files without their own mode (Kubernetes default 0644).
	DefaultMode *int32
	// Data becomes the generated ConfigMap; every key is projected as a file
	// of the same name.
	Data map[string]string
	// SecretMode is the file mode of the generated Secret's keys; default 0400.
	SecretMode *int32
	// Sources are further projections: ConfigMaps and Secrets (all keys or
	// chosen items), downward-API items (pod name, namespace, labels,
	// annotations, resource limits), service account tokens.
	Sources []corev1.VolumeProjection
	// Containers that mount the directory; default: the first container.
	Containers []string
	// InitJob mounts the directory in the init Job's pod too.
	InitJob bool
}

// ConfigEnv is an env var read from a key of the generated ConfigMap.
func ConfigEnv(name, key string) corev1.EnvVar {
	return corev1.EnvVar{Name: name, ValueFrom: &corev1.EnvVarSource{ConfigMapKeyRef: &corev1.ConfigMapKeySelector{
		LocalObjectReference: corev1.LocalObjectReference{Name: GeneratedConfigMap}, Key: key,
	}}}
}

// SecretEnv is an env var read from a key of the generated Secret; the
// value never appears in the pod spec.
func SecretEnv(name, key string) corev1.EnvVar {
	return corev1.EnvVar{Name: name, ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{
		LocalObjectReference: corev1.LocalObjectReference{Name: GeneratedSecret}, Key: key,
	}}}
}

// FieldEnv is an env var from a downward-API field such as metadata.name.
func FieldEnv(name, fieldPath string) corev1.EnvVar {
	return corev1.EnvVar{Name: name, ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: fieldPath}}}
}

// configMap plans the generated ConfigMap of Config.Data, named by the hash
// of its content, and returns it with the full hash; nil and "" without data.
func (p *Plan) configMap(objLabels map[string]string) (*corev1.ConfigMap, string) {
	if p.Spec.Config == nil || len(p.Spec.Config.Data) == 0 {
		return nil, ""
	}
	data := p.Spec.Config.Data
	parts := make([]string, 0, 2*len(data))
	for _, k := range slices.Sorted(maps.Keys(data)) {
		parts = append(parts, k, data[k])
	}
	sum := naming.ContentHash(parts...)
	// Objects.ConfigMap.Name is only the base of the name: see configMapName.
	return &corev1.ConfigMap{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "ConfigMap"},
		ObjectMeta: p.child(Object{Labels: p.Spec.Objects.ConfigMap.Labels}, p.configMapName(sum), objLabels),
		Data:       maps.Clone(data),
	}, sum
}

// secret plans the generated Secret's metadata (the component sends the
// data, and Pulumi chooses the name); nil without secret keys.
func (p *Plan) secret(objLabels map[string]string) *corev1.Secret {
	if len(p.Options.SecretKeys) == 0 {
		return nil
	}
	return &corev1.Secret{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Secret"},
		ObjectMeta: p.meta(GeneratedSecret, objLabels),
		Type:       corev1.SecretTypeOpaque,
	}
}

// configVolume is the projected volume of the config directory.
func (p *Plan) configVolume() corev1.Volume {
	cfg := p.Spec.Config
	return corev1.Volume{
		Name: cfg.VolumeName,
		VolumeSource: corev1.VolumeSource{Projected: &corev1.ProjectedVolumeSource{
			DefaultMode: cfg.DefaultMode,
			Sources:     p.projections(),
		}},
	}
}

// projections are the generated ConfigMap, the generated Secret (each key
// with Config.SecretMode), then Config.Sources.
func (p *Plan) projections() []corev1.VolumeProjection {
	cfg := p.Spec.Config
	n := len(cfg.Sources)
	if p.ConfigMap != nil {
		n++
	}
	if p.Secret != nil {
		n++
	}
	if n == 0 {
		return nil
	}
	out := make([]corev1.VolumeProjection, 0, n)
	if p.ConfigMap != nil {
		out = append(out, corev1.VolumeProjection{ConfigMap: &corev1.ConfigMapProjection{
			LocalObjectReference: corev1.LocalObjectReference{Name: p.ConfigMap.Name},
		}})
	}
	if p.Secret != nil {
		items := make([]corev1.KeyToPath, 0, len(p.Options.SecretKeys)) // not empty: see secret
		for _, k := range p.Options.SecretKeys {
			items = append(items, corev1.KeyToPath{Key: k, Path: k, Mode: new(*cfg.SecretMode)})
		}
		out = append(out, corev1.VolumeProjection{Secret: &corev1.SecretProjection{
			LocalObjectReference: corev1.LocalObjectReference{Name: GeneratedSecret},
			Items:                items,
		}})
	}
	for i := range cfg.Sources {
		out = append(out, corev1.VolumeProjection{})
		src := &out[len(out)-1]
		cfg.Sources[i].DeepCopyInto(src)
		if src.ConfigMap != nil && src.ConfigMap.Name == GeneratedConfigMap && p.ConfigMap != nil {
			src.ConfigMap.Name = p.ConfigMap.Name
		}
	}
	return out
}

// renameGenerated points references to the generated ConfigMap at its
// content-addressed name. Secret references keep the placeholder until Resolve.
func (p *Plan) renameGenerated(env []corev1.EnvVar, envFrom []corev1.EnvFromSource) {
	if p.ConfigMap == nil {
		return
	}
	for i := range env {
		if vf := env[i].ValueFrom; vf != nil && vf.ConfigMapKeyRef != nil && vf.ConfigMapKeyRef.Name == GeneratedConfigMap {
			vf.ConfigMapKeyRef.Name = p.ConfigMap.Name
		}
	}
	for i := range envFrom {
		if r := envFrom[i].ConfigMapRef; r != nil && r.Name == GeneratedConfigMap {
			r.Name = p.ConfigMap.Name
		}
	}
}

// configData is Config.Data, nil without a config directory.
func (v *validator) configData() map[string]string {
	if v.spec.Config == nil {
		return nil
	}
	return v.spec.Config.Data
}

var downwardFields = map[string]bool{
	"metadata.name": true, "metadata.namespace": true, "metadata.uid": true,
	"metadata.labels": true, "metadata.annotations": true,
}

var resourceFields = map[string]bool{
	"limits.cpu": true, "limits.memory": true, "limits.ephemeral-storage": true,
	"requests.cpu": true, "requests.memory": true, "requests.ephemeral-storage": true,
}

// config checks spec.config and the keys of the secret data: every file
// of the projected directory, wherever it comes from, at a path of its own.
func (v *validator) config(p *validation.Path) {
	cfg := v.spec.Config
	if cfg == nil {
		// Without a config directory the keys still become the generated
		// Secret's keys, which the API server checks the same way.
		for _, k := range v.opts.SecretKeys {
			if msgs := validation.IsConfigMapKey(k); len(msgs) > 0 {
				v.Invalid(validation.NewPath("secretData").Key(k), k, "must be a Secret key ("+strings.Join(msgs, "; ")+")")
			}
		}
		return
	}
	if !path.IsAbs(cfg.MountPath) {
		v.Invalid(p.Child("mountPath"), cfg.MountPath, "must be an absolute path such as \"/etc/ordinal\"")
	}
	v.DNSLabel(p.Child("volumeName"), cfg.VolumeName)
	v.mode(p.Child("defaultMode"), cfg.DefaultMode)
	v.mode(p.Child("secretMode"), cfg.SecretMode)
	for j, name := range cfg.Containers {
		if _, ok := v.containers[name]; !ok {
			v.Invalid(p.Child("containers").Index(j), name, "names no container in spec.containers")
		}
	}
	v.configSize(p.Child("data"), cfg.Data)
	files := newFileSet(v.List)
	dataKeys := slices.Sorted(maps.Keys(cfg.Data))
	for _, k := range dataKeys {
		kp := p.Child("data").Key(k)
		if msgs := validation.IsConfigMapKey(k); len(msgs) > 0 {
			v.Invalid(kp, k, "must be a ConfigMap key ("+strings.Join(msgs, "; ")+")")
			continue
		}
		if !utf8.ValidString(cfg.Data[k]) {
			v.Invalid(kp, "<not UTF-8>", "must be UTF-8 text: a ConfigMap's data cannot hold binary content; base64-encode it or pass it as secret data")
		}
		files.add(kp, k)
	}
	for _, k := range v.opts.SecretKeys {
		kp := validation.NewPath("secretData").Key(k)
		if msgs := validation.IsConfigMapKey(k); len(msgs) > 0 {
			v.Invalid(kp, k, "must be a Secret key ("+strings.Join(msgs, "; ")+")")
			continue
		}
		files.add(kp, k)
	}
	if len(cfg.Data) == 0 && len(v.opts.SecretKeys) == 0 && len(cfg.Sources) == 0 {
		v.Required(p, "the config directory is empty: add data, secret data or sources, or remove spec.config")
	}
	for i, src := range cfg.Sources {
		v.source(p.Child("sources").Index(i), src, dataKeys, files)
	}
}

// source checks one of Config.Sources and adds its files to files.
func (v *validator) source(sp *validation.Path, src corev1.VolumeProjection, dataKeys []string, files *fileSet) {
	set := 0
	if src.ConfigMap != nil {
		set++
		v.projectedRef(sp.Child("configMap"), src.ConfigMap.Name, GeneratedConfigMap, dataKeys, src.ConfigMap.Items, files)
	}
	if src.Secret != nil {
		set++
		v.projectedRef(sp.Child("secret"), src.Secret.Name, GeneratedSecret, v.opts.SecretKeys, src.Secret.Items, files)
	}
	if src.DownwardAPI != nil {
		set++
		for j, it := range src.DownwardAPI.Items {
			v.downwardItem(sp.Child("downwardAPI").Child("items").Index(j), it, files)
		}
	}
	if src.ServiceAccountToken != nil {
		set++
		files.add(sp.Child("serviceAccountToken").Child("path"), src.ServiceAccountToken.Path)
		if e := src.ServiceAccountToken.ExpirationSeconds; e != nil && (*e < 600 || *e > 1<<32) {
			v.Invalid(sp.Child("serviceAccountToken").Child("expirationSeconds"), *e, "must be between 600 (10 minutes) and 4294967296 seconds")
		}
	}
	if src.ClusterTrustBundle != nil {
		set++
		files.add(sp.Child("clusterTrustBundle").Child("path"), src.ClusterTrustBundle.Path)
	}
	if src.PodCertificate != nil {
		set++
	}
	if set != 1 {
		v.Invalid(sp, set, "each source must set exactly one of configMap, secret, downwardAPI, serviceAccountToken, clusterTrustBundle")
	}
}

// downwardItem checks one downward-API file and adds it to files.
func (v *validator) downwardItem(ip *validation.Path, it corev1.DownwardAPIVolumeFile, files *fileSet) {
	files.add(ip.Child("path"), it.Path)
	v.mode(ip.Child("mode"), it.Mode)
	switch {
	case it.FieldRef != nil && it.ResourceFieldRef != nil:
		v.Forbidden(ip, "set fieldRef or resourceFieldRef, not both")
	case it.FieldRef != nil:
		fp := it.FieldRef.FieldPath
		switch {
		case downwardFields[fp]:
		case strings.HasPrefix(fp, "metadata.labels[") || strings.HasPrefix(fp, "metadata.annotations["):
			v.downwardKey(ip.Child("fieldRef").Child("fieldPath"), fp)
		default:
			v.Invalid(ip.Child("fieldRef").Child("fieldPath"), fp, "a projected volume supports metadata.name, metadata.namespace, metadata.uid, metadata.labels, metadata.annotations (or one key of them)")
		}
	case it.ResourceFieldRef != nil:
		rf := it.ResourceFieldRef
		if rf.ContainerName == "" {
			v.Required(ip.Child("resourceFieldRef").Child("containerName"), "name the container whose resources to expose")
		} else if _, ok := v.containers[rf.ContainerName]; !ok {
			v.Invalid(ip.Child("resourceFieldRef").Child("containerName"), rf.ContainerName, "names no container in spec.containers")
		}
		if !resourceFields[rf.Resource] {
			v.Invalid(ip.Child("resourceFieldRef").Child("resource"), rf.Resource, "use one of limits.cpu, limits.memory, limits.ephemeral-storage, requests.cpu, requests.memory, requests.ephemeral-storage")
		}
	default:
		v.Required(ip, "set fieldRef (e.g. metadata.labels) or resourceFieldRef (e.g. limits.cpu)")
	}
}

// downwardKey checks a field path such as "metadata.labels['app']".
func (v *validator) downwardKey(p *validation.Path, fp string) {
	prefix, annotation := "metadata.labels['", false
	if strings.HasPrefix(fp, "metadata.annotations[") {
		prefix, annotation = "metadata.annotations['", true
	}
	if len(fp) < len(prefix)+2 || !strings.HasPrefix(fp, prefix) || !strings.HasSuffix(fp, "']") {
		v.Invalid(p, fp, "name one key as metadata.labels['<key>'] or metadata.annotations['<key>']")
		return
	}
	key := fp[len(prefix) : len(fp)-2]
	if annotation {
		key = strings.ToLower(key)
	}
	for _, msg := range validation.IsQualifiedName(key) {
		v.Invalid(p, fp, "names no valid key ("+msg+")")
	}
}

// projectedRef checks a projected ConfigMap or Secret, which may be the
// generated one (name == generated, with the given keys).
func (v *validator) projectedRef(p *validation.Path, name, generated string, keys []string, items []corev1.KeyToPath, files *fileSet) {
	if name == generated {
		if len(keys) == 0 {
			v.Invalid(p.Child("name"), name, "refers to generated data, but none was given")
		}
	} else {
		v.DNSSubdomain(p.Child("name"), name)
	}
	for j, it := range items {
		ip := p.Child("items").Index(j)
		if it.Key == "" {
			v.Required(ip.Child("key"), "name the key to project")
		} else if name == generated && !slices.Contains(keys, it.Key) {
			v.Invalid(ip.Child("key"), it.Key, "is not a key of the generated data; add it or fix the key")
		}
		files.add(ip.Child("path"), it.Path)
		v.mode(ip.Child("mode"), it.Mode)
	}
}

func (v *validator) mode(p *validation.Path, m *int32) {
	if m != nil && (*m < 0 || *m > 0o777) {
		v.Invalid(p, fmt.Sprintf("%#o", *m), "must be a file mode between 0000 and 0777, e.g. 0400")
	}
}
