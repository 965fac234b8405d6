package cluster

import (
	"fmt"
	"path"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	k8svalidation "k8s.io/apimachinery/pkg/util/validation"

	"github.com/ordinal-dev/ordinal/pkg/labels"
	"github.com/ordinal-dev/ordinal/pkg/network"
	"github.com/ordinal-dev/ordinal/pkg/validation"
)

// MaxNameLength is the longest cluster name: the StatefulSet controller
// labels each pod with "<name>-<10-character hash>", which must fit in 63.
const MaxNameLength = 52

// validator walks one Spec (defaults applied).
type validator struct {
	validation.Reporter
	name string
	spec Spec
	opts Options
	// containers maps every main container name to its index.
	containers map[string]int
	// ports maps the cluster's port names to numbers.
	ports map[string]int32
}

// Validate records every problem of spec (defaults applied) and opts.
func Validate(l *validation.List, name string, spec Spec, opts Options) {
	v := &validator{Reporter: validation.Reporter{List: l}, name: name, spec: spec, opts: opts, containers: map[string]int{}, ports: map[string]int32{}}
	root := validation.NewPath("spec")
	switch np := validation.NewPath("name"); {
	case !v.DNSLabel(np, name):
	case len(name) > MaxNameLength:
		v.Invalid(np, name, fmt.Sprintf("must be at most %d characters (the StatefulSet controller appends a revision hash to it in a 63-character label); use a shorter name", MaxNameLength))
	case spec.Network.ServiceName == name && len(validation.IsDNS1035Label(name)) > 0:
		v.Invalid(np, name, "must start with a letter: it also names the governing Service, which must be a DNS-1035 label; rename the cluster or set spec.network.serviceName")
	}
	for _, p := range spec.Ports {
		v.ports[p.Name] = p.Port
	}
	v.workload(root)
	network.ValidatePorts(v.Reporter, root.Child("ports"), spec.Ports)
	v.network(root.Child("network"))
	v.podContainers(root)
	v.claims(root.Child("claims"))
	v.volumes(root.Child("volumes"))
	if spec.Config != nil {
		v.config(root.Child("config"))
	} else {
		// Without a config directory the keys still become the generated
		// Secret's keys, which the API server checks the same way.
		for _, k := range opts.SecretKeys {
			if msgs := validation.IsConfigMapKey(k); len(msgs) > 0 {
				v.Invalid(validation.NewPath("secretData").Key(k), k, "must be a Secret key ("+strings.Join(msgs, "; ")+")")
			}
		}
	}
	v.disruption(root.Child("disruption"))
	v.scheduling(root.Child("scheduling"))
	v.security(root.Child("security"))
	v.metadata(root)
	if spec.Init != nil {
		v.initJob(root.Child("init"))
	}
	v.networkPolicy(root.Child("networkPolicy"))
	v.access(root.Child("access"))
	v.deployTimeImages()
}

func (v *validator) deployTimeImages() {
	known := map[string]bool{}
	for _, c := range v.spec.Containers {
		known[c.Name] = true
	}
	for _, c := range v.spec.InitContainers {
		known[c.Name] = true
	}
	if v.spec.Init != nil {
		known[InitContainerName] = true
	}
	for _, name := range v.opts.DeployTimeImages {
		if !known[name] {
			v.Invalid(validation.NewPath("images").Key(name), name, "names no container; use the name of a container, an init container, or \"init\" for the init Job")
		}
	}
}

func (v *validator) workload(root *validation.Path) {
	s := &v.spec
	network.ValidateOrdinals(v.Reporter, root, s.Replicas, s.OrdinalStart)
	switch s.PodManagementPolicy {
	case appsv1.OrderedReadyPodManagement, appsv1.ParallelPodManagement:
	default:
		validation.NotSupported(v.List, root.Child("podManagementPolicy").Field(), s.PodManagementPolicy, appsv1.OrderedReadyPodManagement, appsv1.ParallelPodManagement)
	}
	us := root.Child("updateStrategy")
	switch s.UpdateStrategy.Type {
	case appsv1.RollingUpdateStatefulSetStrategyType:
		if p := s.UpdateStrategy.Partition; p < 0 {
			v.Invalid(us.Child("partition"), p, "must be >= 0")
		} else if p > s.Replicas && s.Replicas >= 1 {
			v.Invalid(us.Child("partition"), p, fmt.Sprintf("must be <= replicas (%d): pods with an ordinal index >= partition are updated; use %d to hold every pod", s.Replicas, s.Replicas))
		}
		if mu := s.UpdateStrategy.MaxUnavailable; mu != nil {
			v.intOrPercent(us.Child("maxUnavailable"), *mu, 1, s.Replicas)
		}
	case appsv1.OnDeleteStatefulSetStrategyType:
		if s.UpdateStrategy.Partition != 0 {
			v.Forbidden(us.Child("partition"), "partition only applies to type RollingUpdate; remove it or change type")
		}
		if s.UpdateStrategy.MaxUnavailable != nil {
			v.Forbidden(us.Child("maxUnavailable"), "maxUnavailable only applies to type RollingUpdate; remove it or change type")
		}
	default:
		validation.NotSupported(v.List, us.Child("type").Field(), s.UpdateStrategy.Type, appsv1.RollingUpdateStatefulSetStrategyType, appsv1.OnDeleteStatefulSetStrategyType)
	}
	if s.MinReadySeconds < 0 {
		v.Invalid(root.Child("minReadySeconds"), s.MinReadySeconds, "must be >= 0")
	}
	if s.RevisionHistoryLimit != nil && *s.RevisionHistoryLimit < 0 {
		v.Invalid(root.Child("revisionHistoryLimit"), *s.RevisionHistoryLimit, "must be >= 0")
	}
	cr := root.Child("claimRetention")
	for _, f := range []struct {
		name string
		val  appsv1.PersistentVolumeClaimRetentionPolicyType
	}{{"whenDeleted", s.ClaimRetention.WhenDeleted}, {"whenScaled", s.ClaimRetention.WhenScaled}} {
		switch f.val {
		case appsv1.RetainPersistentVolumeClaimRetentionPolicyType, appsv1.DeletePersistentVolumeClaimRetentionPolicyType:
		default:
			validation.NotSupported(v.List, cr.Child(f.name).Field(), f.val, appsv1.RetainPersistentVolumeClaimRetentionPolicyType, appsv1.DeletePersistentVolumeClaimRetentionPolicyType)
		}
	}
	if s.TerminationGracePeriodSeconds != nil && *s.TerminationGracePeriodSeconds < 0 {
		v.Invalid(root.Child("terminationGracePeriodSeconds"), *s.TerminationGracePeriodSeconds, "must be >= 0")
	}
	if s.ServiceAccountName != "" {
		v.DNSSubdomain(root.Child("serviceAccountName"), s.ServiceAccountName)
	}
	if s.PriorityClassName != "" {
		v.DNSSubdomain(root.Child("priorityClassName"), s.PriorityClassName)
	}
	for i, n := range s.ImagePullSecrets {
		v.DNSSubdomain(root.Child("imagePullSecrets").Index(i), n)
	}
}

// intOrPercent checks an int (lo..hi) or a percentage ("0%".."100%").
func (v *validator) intOrPercent(p *validation.Path, val intstr.IntOrString, lo, hi int32) {
	if val.Type == intstr.String {
		if msgs := k8svalidation.IsValidPercent(val.StrVal); len(msgs) > 0 {
			v.Invalid(p, val.StrVal, "must be an integer or a percentage such as \"50%\"")
		} else if n := percent(val.StrVal); n > 100 {
			v.Invalid(p, val.StrVal, "must be at most \"100%\"")
		} else if n < int(lo) {
			v.Invalid(p, val.StrVal, fmt.Sprintf("must be at least \"%d%%\"", lo))
		}
		return
	}
	if val.IntVal < lo || val.IntVal > hi {
		v.Invalid(p, val.IntVal, fmt.Sprintf("must be between %d and replicas (%d)", lo, hi))
	}
}

func percent(s string) int {
	n := 0
	fmt.Sscanf(strings.TrimSuffix(s, "%"), "%d", &n)
	return n
}

func (v *validator) network(p *validation.Path) {
	n := v.spec.Network
	// A service name defaulted from the cluster's name was checked as "name".
	if n.ServiceName != v.name {
		v.ServiceName(p.Child("serviceName"), n.ServiceName)
	}
	for _, msg := range validation.IsDNS1123Subdomain(orStr(n.ClusterDomain, "cluster.local")) {
		v.Invalid(p.Child("clusterDomain"), n.ClusterDomain, "must be a DNS domain such as \"cluster.local\" ("+msg+")")
	}
	if n.Client != nil {
		ns := network.Defaults(v.name, network.Spec{ServiceName: n.ServiceName, Ports: v.spec.Ports, Client: n.Client})
		network.ValidateClient(v.Reporter, p.Child("client"), ns)
	}
}

func orStr(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

// volumeNames returns the set of pod volume names.
func (v *validator) volumeNames() map[string]bool {
	out := make(map[string]bool, len(v.spec.Claims)+len(v.spec.Volumes)+1)
	for _, c := range v.spec.Claims {
		out[c.Name] = true
	}
	for _, vol := range v.spec.Volumes {
		out[vol.Name] = true
	}
	if v.spec.Config != nil {
		out[v.spec.Config.VolumeName] = true
	}
	return out
}

func (v *validator) podContainers(root *validation.Path) {
	s := &v.spec
	cp, ip := root.Child("containers"), root.Child("initContainers")
	if len(s.Containers) == 0 {
		v.Required(cp, "add the database container, e.g. {Name: \"db\", Image: \"postgres:17\"}")
	}
	// first holds the first container of each name: its index among the
	// containers, then the init containers.
	first := map[string]int{}
	firstPath := func(name string) string {
		i := first[name]
		if i < len(s.Containers) {
			return cp.Index(i).String()
		}
		return ip.Index(i - len(s.Containers)).String()
	}
	for i, c := range s.Containers {
		if c.Name != "" {
			if _, dup := first[c.Name]; dup {
				v.Duplicate(cp.Index(i).Child("name"), c.Name, firstPath(c.Name)+" already uses this name; give each container a unique name")
			} else {
				first[c.Name] = i
				v.containers[c.Name] = i
			}
		}
	}
	for i, c := range s.InitContainers {
		if c.Name != "" {
			if _, dup := first[c.Name]; dup {
				v.Duplicate(ip.Index(i).Child("name"), c.Name, firstPath(c.Name)+" already uses this name; give each container a unique name")
			} else {
				first[c.Name] = len(s.Containers) + i
			}
		}
	}
	vols := v.volumeNames()
	for i, c := range s.Containers {
		v.container(cp.Index(i), c, i, vols, true)
	}
	for i, c := range s.InitContainers {
		v.container(ip.Index(i), c, -1, vols, false)
	}
}

// container checks one container; index is its position among the main
// containers (-1 for init containers).
func (v *validator) container(p *validation.Path, c corev1.Container, index int, vols map[string]bool, main bool) {
	v.DNSLabel(p.Child("name"), c.Name)
	if c.Image == "" && !v.opts.deployTimeImage(c.Name) {
		v.Required(p.Child("image"), fmt.Sprintf("set the image of container %q, or pass it to the component as an input", c.Name))
	}
	// Ports: the cluster's ports are added to the first container.
	names := map[string]int32{}
	if index == 0 {
		for n, num := range v.ports {
			names[n] = num
		}
	}
	for j, port := range c.Ports {
		pp := p.Child("ports").Index(j)
		if msgs := k8svalidation.IsValidPortNum(int(port.ContainerPort)); len(msgs) > 0 {
			v.Invalid(pp.Child("containerPort"), port.ContainerPort, "must be between 1 and 65535")
		}
		if port.Name == "" {
			continue
		}
		if msgs := validation.IsValidPortName(port.Name); len(msgs) > 0 {
			v.Invalid(pp.Child("name"), port.Name, "must be an IANA service name ("+strings.Join(msgs, "; ")+")")
			continue
		}
		if num, dup := names[port.Name]; dup && (index != 0 || num != port.ContainerPort) {
			v.Duplicate(pp.Child("name"), port.Name, "this port name is already declared with another number; rename it")
		}
		names[port.Name] = port.ContainerPort
	}
	// Probes must refer to declared port names.
	if main {
		for _, pr := range []struct {
			name  string
			probe *corev1.Probe
		}{{"readinessProbe", c.ReadinessProbe}, {"livenessProbe", c.LivenessProbe}, {"startupProbe", c.StartupProbe}} {
			v.probe(p.Child(pr.name), pr.probe, names, pr.name != "readinessProbe")
		}
	} else if c.ReadinessProbe != nil || c.LivenessProbe != nil {
		if c.RestartPolicy == nil || *c.RestartPolicy != corev1.ContainerRestartPolicyAlways {
			v.Forbidden(p.Child("readinessProbe"), "init containers cannot have readiness or liveness probes unless they are sidecars (restartPolicy: Always)")
		}
	}
	// Mount paths: user mounts plus the ones the cluster adds.
	mounts := map[string]mountSource{}
	add := func(mp string, what mountSource, fp *validation.Path) {
		if !utf8.ValidString(mp) {
			v.Invalid(fp, "<not UTF-8>", "must be UTF-8 text (JSON, and so the API, cannot carry other bytes)")
			return
		}
		clean := path.Clean(mp)
		if prev, dup := mounts[clean]; dup {
			v.Duplicate(fp, mp, fmt.Sprintf("%s is already mounted at this path in container %q; use another path", prev, c.Name))
			return
		}
		mounts[clean] = what
	}
	for j, m := range c.VolumeMounts {
		mp := p.Child("volumeMounts").Index(j)
		if !vols[m.Name] {
			v.Invalid(mp.Child("name"), m.Name, "names no volume; declare it in spec.volumes or spec.claims")
		}
		if !path.IsAbs(m.MountPath) {
			v.Invalid(mp.Child("mountPath"), m.MountPath, "must be an absolute path")
		}
		add(m.MountPath, mountSource{"volume", m.Name}, mp.Child("mountPath"))
	}
	if main {
		for j, cl := range v.spec.Claims {
			if contains(cl.Containers, c.Name) && cl.MountPath != "" {
				add(cl.MountPath, mountSource{"claim", cl.Name}, validation.NewPath("spec").Child("claims").Index(j).Child("mountPath"))
			}
			// A device path may not repeat another device or a mount path.
			if contains(cl.Containers, c.Name) && cl.VolumeMode == corev1.PersistentVolumeBlock && cl.DevicePath != "" {
				add(cl.DevicePath, mountSource{"claim", cl.Name}, validation.NewPath("spec").Child("claims").Index(j).Child("devicePath"))
			}
		}
		if cfg := v.spec.Config; cfg != nil && contains(cfg.Containers, c.Name) {
			add(cfg.MountPath, mountSource{}, validation.NewPath("spec").Child("config").Child("mountPath"))
		}
	}
	v.resources(p.Child("resources"), c.Resources)
	v.env(p.Child("env"), c.Env)
	for j, ef := range c.EnvFrom {
		efp := p.Child("envFrom").Index(j)
		if ef.ConfigMapRef != nil && ef.ConfigMapRef.Name == GeneratedConfigMap && (v.spec.Config == nil || len(v.spec.Config.Data) == 0) {
			v.Invalid(efp.Child("configMapRef").Child("name"), GeneratedConfigMap, "refers to the generated ConfigMap, but spec.config.data is empty; add data")
		}
		if ef.SecretRef != nil && ef.SecretRef.Name == GeneratedSecret && len(v.opts.SecretKeys) == 0 {
			v.Invalid(efp.Child("secretRef").Child("name"), GeneratedSecret, "refers to the generated Secret, but the component was given no secret data")
		}
	}
}

// mountSource is what a container mounts at a path, as messages name it:
// volume "x", claim "x", or the config directory (the zero value).
type mountSource struct{ kind, name string }

func (m mountSource) String() string {
	if m.kind == "" {
		return "the config directory"
	}
	return m.kind + " " + strconv.Quote(m.name)
}

// probe checks one probe; liveness and startup probes (once) need a
// success threshold of 1.
func (v *validator) probe(p *validation.Path, pr *corev1.Probe, ports map[string]int32, once bool) {
	if pr == nil {
		return
	}
	handlers := 0
	for _, set := range []bool{pr.HTTPGet != nil, pr.TCPSocket != nil, pr.GRPC != nil, pr.Exec != nil} {
		if set {
			handlers++
		}
	}
	if handlers > 1 {
		v.Forbidden(p, "set only one handler: exec, httpGet, tcpSocket or grpc")
	}
	if once && pr.SuccessThreshold > 1 {
		v.Invalid(p.Child("successThreshold"), pr.SuccessThreshold, "must be 1 for liveness and startup probes; leave it 0 for the default")
	}
	var port *intstr.IntOrString
	var pp *validation.Path
	switch {
	case pr.HTTPGet != nil:
		port, pp = &pr.HTTPGet.Port, p.Child("httpGet").Child("port")
		switch pr.HTTPGet.Scheme {
		case "", corev1.URISchemeHTTP, corev1.URISchemeHTTPS:
		default:
			validation.NotSupported(v.List, p.Child("httpGet").Child("scheme").Field(), pr.HTTPGet.Scheme, corev1.URISchemeHTTP, corev1.URISchemeHTTPS)
		}
	case pr.TCPSocket != nil:
		port, pp = &pr.TCPSocket.Port, p.Child("tcpSocket").Child("port")
	case pr.GRPC != nil:
		if msgs := k8svalidation.IsValidPortNum(int(pr.GRPC.Port)); len(msgs) > 0 {
			v.Invalid(p.Child("grpc").Child("port"), pr.GRPC.Port, "must be between 1 and 65535")
		}
	case pr.Exec != nil:
		if len(pr.Exec.Command) == 0 {
			v.Required(p.Child("exec").Child("command"), "give the command to run")
		}
	default:
		v.Required(p, "set one handler: exec, httpGet, tcpSocket or grpc")
	}
	if port != nil {
		if port.Type == intstr.String {
			if _, ok := ports[port.StrVal]; !ok {
				v.Invalid(pp, port.StrVal, "names no declared port; use one of "+quoted(keys(ports)))
			}
		} else if msgs := k8svalidation.IsValidPortNum(int(port.IntVal)); len(msgs) > 0 {
			v.Invalid(pp, port.IntVal, "must be between 1 and 65535")
		}
	}
	for _, f := range []struct {
		name string
		val  int32
		min  int32
	}{{"initialDelaySeconds", pr.InitialDelaySeconds, 0}, {"periodSeconds", pr.PeriodSeconds, 0}, {"timeoutSeconds", pr.TimeoutSeconds, 0}, {"successThreshold", pr.SuccessThreshold, 0}, {"failureThreshold", pr.FailureThreshold, 0}} {
		if f.val < f.min {
			v.Invalid(p.Child(f.name), f.val, fmt.Sprintf("must be >= %d", f.min))
		}
	}
}

func (v *validator) resources(p *validation.Path, r corev1.ResourceRequirements) {
	if resourcesValid(r) {
		return
	}
	for _, name := range sortedResourceNames(r.Requests) {
		req := r.Requests[name]
		if req.Sign() < 0 {
			v.Invalid(p.Child("requests").Key(string(name)), req.String(), "must not be negative")
		}
		if lim, ok := r.Limits[name]; ok && req.Cmp(lim) > 0 {
			v.Invalid(p.Child("requests").Key(string(name)), req.String(), fmt.Sprintf("must be <= the limit %s; raise the limit or lower the request", lim.String()))
		}
	}
	for _, name := range sortedResourceNames(r.Limits) {
		if lim := r.Limits[name]; lim.Sign() < 0 {
			v.Invalid(p.Child("limits").Key(string(name)), lim.String(), "must not be negative")
		}
	}
}

// resourcesValid reports whether resources has nothing for resources to
// report, without sorting the names.
func resourcesValid(r corev1.ResourceRequirements) bool {
	for name, req := range r.Requests {
		if lim, ok := r.Limits[name]; req.Sign() < 0 || (ok && req.Cmp(lim) > 0) {
			return false
		}
	}
	for _, lim := range r.Limits {
		if lim.Sign() < 0 {
			return false
		}
	}
	return true
}

func sortedResourceNames(l corev1.ResourceList) []corev1.ResourceName {
	out := make([]corev1.ResourceName, 0, len(l))
	for k := range l {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

func (v *validator) env(p *validation.Path, env []corev1.EnvVar) {
	seen := map[string]bool{}
	for i, e := range env {
		ep := p.Index(i)
		if e.Name == "" {
			v.Required(ep.Child("name"), "name the variable")
		} else if msgs := k8svalidation.IsRelaxedEnvVarName(e.Name); len(msgs) > 0 {
			v.Invalid(ep.Child("name"), e.Name, "must be an environment variable name ("+strings.Join(msgs, "; ")+")")
		} else if seen[e.Name] {
			v.Duplicate(ep.Child("name"), e.Name, "this variable is already set; remove one")
		}
		seen[e.Name] = true
		if !utf8.ValidString(e.Value) {
			v.Invalid(ep.Child("value"), "<not UTF-8>", "must be UTF-8 text (JSON, and so the API, cannot carry other bytes)")
		}
		if e.Value != "" && e.ValueFrom != nil {
			v.Forbidden(ep, "set value or valueFrom, not both")
		}
		if e.ValueFrom == nil {
			continue
		}
		if ref := e.ValueFrom.ConfigMapKeyRef; ref != nil && ref.Name == GeneratedConfigMap {
			if v.spec.Config == nil || !hasKey(v.spec.Config.Data, ref.Key) {
				v.Invalid(ep.Child("valueFrom").Child("configMapKeyRef").Child("key"), ref.Key, "is not a key of spec.config.data; add it there or fix the key")
			}
		}
		if ref := e.ValueFrom.SecretKeyRef; ref != nil && ref.Name == GeneratedSecret {
			if !contains(v.opts.SecretKeys, ref.Key) {
				v.Invalid(ep.Child("valueFrom").Child("secretKeyRef").Child("key"), ref.Key, "is not a key of the secret data given to the component; add it or fix the key")
			}
		}
		if ref := e.ValueFrom.ResourceFieldRef; ref != nil && ref.ContainerName != "" {
			if _, ok := v.containers[ref.ContainerName]; !ok {
				v.Invalid(ep.Child("valueFrom").Child("resourceFieldRef").Child("containerName"), ref.ContainerName, "names no container of the pod")
			}
		}
	}
}

func (v *validator) claims(p *validation.Path) {
	names := map[string]int{}
	onPool := 0
	for i, c := range v.spec.Claims {
		cp := p.Index(i)
		if v.DNSLabel(cp.Child("name"), c.Name) {
			if j, dup := names[c.Name]; dup {
				v.Duplicate(cp.Child("name"), c.Name, fmt.Sprintf("spec.claims[%d] already uses this name", j))
			}
			names[c.Name] = i
		}
		size, sizeOK := v.Quantity(cp.Child("size"), c.Size)
		switch c.VolumeMode {
		case corev1.PersistentVolumeFilesystem:
			if c.MountPath == "" {
				v.Required(cp.Child("mountPath"), "set where the containers mount the claim, e.g. \"/var/lib/data\"")
			} else if !path.IsAbs(c.MountPath) {
				v.Invalid(cp.Child("mountPath"), c.MountPath, "must be an absolute path")
			}
			if c.DevicePath != "" {
				v.Forbidden(cp.Child("devicePath"), "devicePath applies to volumeMode Block; use mountPath")
			}
		case corev1.PersistentVolumeBlock:
			if c.DevicePath == "" {
				v.Required(cp.Child("devicePath"), "set the device path of the Block claim, e.g. \"/dev/xvda\"")
			} else if !path.IsAbs(c.DevicePath) {
				v.Invalid(cp.Child("devicePath"), c.DevicePath, "must be an absolute path")
			}
			if c.MountPath != "" {
				v.Forbidden(cp.Child("mountPath"), "a Block claim is not mounted; use devicePath")
			}
		default:
			validation.NotSupported(v.List, cp.Child("volumeMode").Field(), c.VolumeMode, corev1.PersistentVolumeFilesystem, corev1.PersistentVolumeBlock)
		}
		for j, name := range c.Containers {
			if _, ok := v.containers[name]; !ok {
				v.Invalid(cp.Child("containers").Index(j), name, "names no container in spec.containers")
			}
		}
		for j, m := range c.AccessModes {
			switch m {
			case corev1.ReadWriteOnce, corev1.ReadOnlyMany, corev1.ReadWriteMany, corev1.ReadWriteOncePod:
				if m == corev1.ReadWriteOncePod && len(c.AccessModes) > 1 {
					v.Forbidden(cp.Child("accessModes").Index(j), "ReadWriteOncePod cannot be combined with other access modes; use it alone")
				}
			default:
				validation.NotSupported(v.List, cp.Child("accessModes").Index(j).Field(), m, corev1.ReadWriteOnce, corev1.ReadOnlyMany, corev1.ReadWriteMany, corev1.ReadWriteOncePod)
			}
		}
		if c.StorageClassName != "" {
			v.DNSSubdomain(cp.Child("storageClassName"), c.StorageClassName)
		}
		v.Labels(cp.Child("labels"), c.Labels)
		v.Annotations(cp.Child("annotations"), c.Annotations)
		if pool := v.opts.Pool; pool != nil && sizeOK && v.spec.Replicas >= 1 && v.claimClass(c) == pool.Spec.StorageClassName {
			onPool++
			vols, nodes := pool.Fits(size)
			if int32(vols) < v.spec.Replicas {
				v.Invalid(cp.Child("size"), c.Size, fmt.Sprintf("the LocalVolumePool %q has %d volume(s) of at least this size, but %d replicas need one each; add volumes to the pool, or lower the size or the replicas", pool.Name, vols, v.spec.Replicas))
			} else if v.spec.Scheduling.AntiAffinity == AntiAffinityHard && v.spec.Scheduling.AntiAffinityTopologyKey == pool.Spec.NodeLabelKey && int32(nodes) < v.spec.Replicas {
				v.Invalid(validation.NewPath("spec").Child("scheduling").Child("antiAffinity"), string(AntiAffinityHard), fmt.Sprintf("requires one node per pod, but the LocalVolumePool %q has fitting volumes on only %d node(s) for %d replicas; add nodes to the pool, use \"soft\", or lower the replicas", pool.Name, nodes, v.spec.Replicas))
			}
		}
	}
	if pool := v.opts.Pool; pool != nil && onPool > 1 && int32(len(pool.Volumes)) < int32(onPool)*v.spec.Replicas {
		v.Invalid(p, onPool, fmt.Sprintf("claims on the LocalVolumePool %q need %d volumes (%d per pod), but the pool has %d; add volumes to the pool", pool.Name, int32(onPool)*v.spec.Replicas, onPool, len(pool.Volumes)))
	}
}

// claimClass is the storage class a claim ends up with ("" when supplied at deploy time).
func (v *validator) claimClass(c Claim) string {
	if c.StorageClassName != "" {
		return c.StorageClassName
	}
	if v.opts.Pool != nil && v.opts.StorageClassName == "" {
		return v.opts.Pool.Spec.StorageClassName
	}
	return v.opts.StorageClassName
}

func (v *validator) volumes(p *validation.Path) {
	claims := map[string]bool{}
	for _, c := range v.spec.Claims {
		claims[c.Name] = true
	}
	seen := map[string]int{}
	for i, vol := range v.spec.Volumes {
		vp := p.Index(i).Child("name")
		if !v.DNSLabel(vp, vol.Name) {
			continue
		}
		if j, dup := seen[vol.Name]; dup {
			v.Duplicate(vp, vol.Name, fmt.Sprintf("spec.volumes[%d] already uses this name", j))
		} else if claims[vol.Name] {
			v.Duplicate(vp, vol.Name, "a claim already uses this name; rename the volume")
		} else if v.spec.Config != nil && vol.Name == v.spec.Config.VolumeName {
			v.Duplicate(vp, vol.Name, "the config volume uses this name; rename the volume or set spec.config.volumeName")
		}
		seen[vol.Name] = i
	}
	if cfg := v.spec.Config; cfg != nil && claims[cfg.VolumeName] {
		v.Duplicate(validation.NewPath("spec").Child("config").Child("volumeName"), cfg.VolumeName, "a claim already uses this name; set another volumeName")
	}
}

var downwardFields = map[string]bool{
	"metadata.name": true, "metadata.namespace": true, "metadata.uid": true,
	"metadata.labels": true, "metadata.annotations": true,
}

var resourceFields = map[string]bool{
	"limits.cpu": true, "limits.memory": true, "limits.ephemeral-storage": true,
	"requests.cpu": true, "requests.memory": true, "requests.ephemeral-storage": true,
}

func (v *validator) config(p *validation.Path) {
	cfg := v.spec.Config
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
	files := newFileSet(v.Reporter)
	for _, k := range validation.SortedKeys(cfg.Data) {
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
		sp := p.Child("sources").Index(i)
		set := 0
		if src.ConfigMap != nil {
			set++
			ref := sp.Child("configMap")
			v.projectedRef(ref, src.ConfigMap.Name, GeneratedConfigMap, keysOf(cfg.Data), src.ConfigMap.Items, files)
		}
		if src.Secret != nil {
			set++
			ref := sp.Child("secret")
			v.projectedRef(ref, src.Secret.Name, GeneratedSecret, v.opts.SecretKeys, src.Secret.Items, files)
		}
		if src.DownwardAPI != nil {
			set++
			for j, it := range src.DownwardAPI.Items {
				ip := sp.Child("downwardAPI").Child("items").Index(j)
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
		} else if name == generated && !contains(keys, it.Key) {
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

// fileSet detects projected files that collide: the same path twice, or a
// file whose path is a directory of another.
type fileSet struct {
	l validation.Reporter
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

func newFileSet(l validation.Reporter) *fileSet {
	return &fileSet{l: l, files: make([]projectedFile, 0, 8), fields: make([]byte, 0, 256)}
}

// field is the path of the field that projects files[i].
func (f *fileSet) field(i int) string {
	return string(f.fields[f.files[i].start:f.files[i].end])
}

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

func (v *validator) disruption(p *validation.Path) {
	d := v.spec.Disruption
	if d == nil || d.Disabled {
		return
	}
	n := v.spec.Replicas
	if d.MinAvailable != nil && d.MaxUnavailable != nil {
		v.Forbidden(p, "set minAvailable or maxUnavailable, not both")
	}
	if d.MinAvailable != nil {
		v.intOrPercent(p.Child("minAvailable"), *d.MinAvailable, 0, n)
	}
	if d.MaxUnavailable != nil {
		v.intOrPercent(p.Child("maxUnavailable"), *d.MaxUnavailable, 0, n)
	}
	if pol := d.UnhealthyPodEvictionPolicy; pol != nil {
		switch *pol {
		case policyv1.IfHealthyBudget, policyv1.AlwaysAllow:
		default:
			validation.NotSupported(v.List, p.Child("unhealthyPodEvictionPolicy").Field(), *pol, policyv1.IfHealthyBudget, policyv1.AlwaysAllow)
		}
	}
}

func (v *validator) scheduling(p *validation.Path) {
	s := v.spec.Scheduling
	switch s.AntiAffinity {
	case AntiAffinitySoft, AntiAffinityHard, AntiAffinityNone:
	default:
		validation.NotSupported(v.List, p.Child("antiAffinity").Field(), s.AntiAffinity, AntiAffinitySoft, AntiAffinityHard, AntiAffinityNone)
	}
	switch s.ZoneSpread {
	case SpreadNone, SpreadSoft, SpreadHard:
	default:
		validation.NotSupported(v.List, p.Child("zoneSpread").Field(), s.ZoneSpread, SpreadSoft, SpreadHard)
	}
	for _, f := range []struct{ name, val string }{{"antiAffinityTopologyKey", s.AntiAffinityTopologyKey}, {"zoneTopologyKey", s.ZoneTopologyKey}} {
		for _, msg := range validation.IsQualifiedName(f.val) {
			v.Invalid(p.Child(f.name), f.val, "must be a node label key ("+msg+")")
		}
	}
	v.Labels(p.Child("nodeSelector"), s.NodeSelector)
	for i, t := range s.Tolerations {
		tp := p.Child("tolerations").Index(i)
		switch t.Operator {
		case "", corev1.TolerationOpEqual:
		case corev1.TolerationOpExists:
			if t.Value != "" {
				v.Invalid(tp.Child("value"), t.Value, "must be empty when operator is Exists")
			}
		default:
			validation.NotSupported(v.List, tp.Child("operator").Field(), t.Operator, corev1.TolerationOpEqual, corev1.TolerationOpExists)
		}
		if t.Key == "" && t.Operator != corev1.TolerationOpExists {
			v.Invalid(tp.Child("operator"), string(t.Operator), "an empty key needs operator Exists")
		}
		if t.Key != "" {
			for _, msg := range validation.IsQualifiedName(t.Key) {
				v.Invalid(tp.Child("key"), t.Key, "must be a taint key ("+msg+")")
			}
		}
		if t.Operator != corev1.TolerationOpExists {
			for _, msg := range validation.IsValidLabelValue(t.Value) {
				v.Invalid(tp.Child("value"), t.Value, "must be a taint value ("+msg+")")
			}
		}
		switch t.Effect {
		case "", corev1.TaintEffectNoSchedule, corev1.TaintEffectPreferNoSchedule, corev1.TaintEffectNoExecute:
		default:
			validation.NotSupported(v.List, tp.Child("effect").Field(), t.Effect, corev1.TaintEffectNoSchedule, corev1.TaintEffectPreferNoSchedule, corev1.TaintEffectNoExecute)
		}
	}
	if v.spec.Replicas > 0 && s.AntiAffinity == AntiAffinityHard && len(s.NodeSelector) > 0 && v.opts.Pool == nil {
		// Nothing more can be known without the node list.
		return
	}
}

func (v *validator) security(p *validation.Path) {
	s := v.spec.Security
	switch s.Profile {
	case SecurityRestricted:
		for _, f := range []struct {
			name string
			val  *int64
		}{{"runAsUser", s.RunAsUser}, {"runAsGroup", s.RunAsGroup}, {"fsGroup", s.FSGroup}} {
			if f.val == nil {
				continue
			}
			if *f.val == 0 {
				v.Invalid(p.Child(f.name), *f.val, "the restricted profile runs as non-root; use a non-zero id such as 1000, or set profile \"none\"")
			} else if msgs := k8svalidation.IsValidUserID(*f.val); len(msgs) > 0 {
				v.Invalid(p.Child(f.name), *f.val, strings.Join(msgs, "; "))
			}
		}
	case SecurityNone:
	default:
		validation.NotSupported(v.List, p.Child("profile").Field(), s.Profile, SecurityRestricted, SecurityNone)
	}
}

func (v *validator) metadata(root *validation.Path) {
	s := &v.spec
	for _, f := range []struct{ name, key, val string }{{"appName", labels.Name, s.AppName}, {"version", labels.Version, s.Version}, {"partOf", labels.PartOf, s.PartOf}} {
		if f.val == v.name {
			continue // an app name defaulted from the cluster's name was checked as "name"
		}
		for _, msg := range validation.IsValidLabelValue(f.val) {
			v.Invalid(root.Child(f.name), f.val, "becomes the label "+f.key+" and must be a label value ("+msg+")")
		}
	}
	for _, f := range []struct {
		name string
		m    map[string]string
	}{{"labels", s.Labels}, {"podLabels", s.PodLabels}} {
		v.Labels(root.Child(f.name), f.m)
		if len(f.m) == 0 {
			continue
		}
		reserved := labels.Identity{Instance: v.name, Component: "database"}.Selector()
		for _, k := range validation.SortedKeys(f.m) {
			if _, ok := reserved[k]; ok {
				v.Forbidden(root.Child(f.name).Key(k), "this label selects the cluster's pods and is set by ordinal; remove it")
			}
		}
	}
	v.Annotations(root.Child("annotations"), s.Annotations)
	v.Annotations(root.Child("podAnnotations"), s.PodAnnotations)
}

func (v *validator) initJob(p *validation.Path) {
	in := v.spec.Init
	if len(in.Command) == 0 && len(in.Args) == 0 {
		v.Required(p.Child("command"), "give the bootstrap command, e.g. [\"cockroach\", \"init\", \"--host=db-0.db\"]")
	}
	if in.Image == "" && !v.opts.deployTimeImage(InitContainerName) && len(v.spec.Containers) > 0 {
		first := v.spec.Containers[0]
		if first.Image == "" && !v.opts.deployTimeImage(first.Name) {
			v.Required(p.Child("image"), "set the init Job's image (it defaults to the first container's image, which is not set either)")
		}
	}
	if in.BackoffLimit != nil && *in.BackoffLimit < 0 {
		v.Invalid(p.Child("backoffLimit"), *in.BackoffLimit, "must be >= 0")
	}
	if in.ActiveDeadlineSeconds != nil && *in.ActiveDeadlineSeconds <= 0 {
		v.Invalid(p.Child("activeDeadlineSeconds"), *in.ActiveDeadlineSeconds, "must be > 0")
	}
	v.resources(p.Child("resources"), in.Resources)
	v.env(p.Child("env"), in.Env)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func hasKey(m map[string]string, k string) bool { _, ok := m[k]; return ok }

func keysOf(m map[string]string) []string { return validation.SortedKeys(m) }

func keys(m map[string]int32) []string { return validation.SortedKeys(m) }

func quoted(s []string) string {
	out := make([]string, len(s))
	for i, x := range s {
		out[i] = fmt.Sprintf("%q", x)
	}
	return strings.Join(out, ", ")
}
