package cluster

import (
	"fmt"
	"maps"
	"path"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	k8svalidation "k8s.io/apimachinery/pkg/util/validation"

	"github.com/ordinal-dev/ordinal/pkg/validation"
)

// container plans main container index of the pod: the first declares the
// cluster's ports; each mounts its claims and the config directory.
func (p *Plan) container(in corev1.Container, index int) corev1.Container {
	var c corev1.Container
	in.DeepCopyInto(&c)
	if index == 0 {
		declared := map[string]bool{}
		for _, port := range c.Ports {
			declared[port.Name] = true
		}
		var ports []corev1.ContainerPort
		if n := len(p.Spec.Ports) + len(c.Ports); n > 0 {
			ports = make([]corev1.ContainerPort, 0, n)
		}
		for _, port := range p.Spec.Ports {
			if !declared[port.Name] {
				ports = append(ports, corev1.ContainerPort{Name: port.Name, ContainerPort: port.Port, Protocol: port.Protocol})
			}
		}
		c.Ports = append(ports, c.Ports...)
	}
	for _, cl := range p.Spec.Claims {
		if !slices.Contains(cl.Containers, c.Name) {
			continue
		}
		if cl.VolumeMode == corev1.PersistentVolumeBlock {
			c.VolumeDevices = append(c.VolumeDevices, corev1.VolumeDevice{Name: cl.Name, DevicePath: cl.DevicePath})
		} else {
			c.VolumeMounts = append(c.VolumeMounts, corev1.VolumeMount{Name: cl.Name, MountPath: cl.MountPath})
		}
	}
	if cfg := p.Spec.Config; cfg != nil && slices.Contains(cfg.Containers, c.Name) {
		c.VolumeMounts = append(c.VolumeMounts, corev1.VolumeMount{Name: cfg.VolumeName, MountPath: cfg.MountPath, ReadOnly: true})
	}
	p.renameGenerated(c.Env, c.EnvFrom)
	return p.secureContainer(c)
}

// podContainers checks the names of the containers and init containers,
// then each of them.
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
	} else {
		v.Image(p.Child("image"), c.Image)
	}
	// Ports: the cluster's ports are added to the first container.
	names := map[string]int32{}
	if index == 0 {
		maps.Copy(names, v.ports)
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
	v.portNumbers(p, c, index)
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
	v.mounts(p, c, vols, main)
	v.resources(p.Child("resources"), c.Resources)
	v.env(p.Child("env"), c.Env)
	for j, ef := range c.EnvFrom {
		efp := p.Child("envFrom").Index(j)
		v.envFromNames(efp, ef)
		if ef.ConfigMapRef != nil && ef.ConfigMapRef.Name == GeneratedConfigMap && (v.spec.Config == nil || len(v.spec.Config.Data) == 0) {
			v.Invalid(efp.Child("configMapRef").Child("name"), GeneratedConfigMap, "refers to the generated ConfigMap, but spec.config.data is empty; add data")
		}
		if ef.SecretRef != nil && ef.SecretRef.Name == GeneratedSecret && len(v.opts.SecretKeys) == 0 {
			v.Invalid(efp.Child("secretRef").Child("name"), GeneratedSecret, "refers to the generated Secret, but the component was given no secret data")
		}
	}
}

// mounts checks the paths container c mounts at: its own volume mounts,
// and for a main container the claims and the config directory that
// container adds.
func (v *validator) mounts(p *validation.Path, c corev1.Container, vols map[string]bool, main bool) {
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
	if !main {
		return
	}
	for j, cl := range v.spec.Claims {
		if !slices.Contains(cl.Containers, c.Name) {
			continue
		}
		if cl.MountPath != "" {
			add(cl.MountPath, mountSource{"claim", cl.Name}, validation.NewPath("spec").Child("claims").Index(j).Child("mountPath"))
		}
		// A device path may not repeat another device or a mount path.
		if cl.VolumeMode == corev1.PersistentVolumeBlock && cl.DevicePath != "" {
			add(cl.DevicePath, mountSource{"claim", cl.Name}, validation.NewPath("spec").Child("claims").Index(j).Child("devicePath"))
		}
	}
	if cfg := v.spec.Config; cfg != nil && slices.Contains(cfg.Containers, c.Name) {
		add(cfg.MountPath, mountSource{}, validation.NewPath("spec").Child("config").Child("mountPath"))
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
			validation.NotSupported(v.List, p.Child("httpGet").Child("scheme"), pr.HTTPGet.Scheme, corev1.URISchemeHTTP, corev1.URISchemeHTTPS)
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
				v.Invalid(pp, port.StrVal, "names no declared port; use one of "+quoted(slices.Sorted(maps.Keys(ports))))
			}
		} else if msgs := k8svalidation.IsValidPortNum(int(port.IntVal)); len(msgs) > 0 {
			v.Invalid(pp, port.IntVal, "must be between 1 and 65535")
		}
	}
	for _, f := range []struct {
		name string
		val  int32
	}{{"initialDelaySeconds", pr.InitialDelaySeconds}, {"periodSeconds", pr.PeriodSeconds}, {"timeoutSeconds", pr.TimeoutSeconds}, {"successThreshold", pr.SuccessThreshold}, {"failureThreshold", pr.FailureThreshold}} {
		if f.val < 0 {
			v.Invalid(p.Child(f.name), f.val, "must be >= 0")
		}
	}
}

// quoted lists strings as "a", "b".
func quoted(s []string) string {
	out := make([]string, len(s))
	for i, x := range s {
		out[i] = strconv.Quote(x)
	}
	return strings.Join(out, ", ")
}

// resources checks the requests and limits of a container (or the init Job's).
func (v *validator) resources(p *validation.Path, r corev1.ResourceRequirements) {
	if resourcesValid(r) {
		return
	}
	for _, name := range slices.Sorted(maps.Keys(r.Requests)) {
		req := r.Requests[name]
		if req.Sign() < 0 {
			v.Invalid(p.Child("requests").Key(string(name)), req.String(), "must not be negative")
		}
		if lim, ok := r.Limits[name]; ok && req.Cmp(lim) > 0 {
			v.Invalid(p.Child("requests").Key(string(name)), req.String(), fmt.Sprintf("must be <= the limit %s; raise the limit or lower the request", lim.String()))
		}
	}
	for _, name := range slices.Sorted(maps.Keys(r.Limits)) {
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

// env checks the env vars of a container (or the init Job's), and that
// references to the generated ConfigMap and Secret name keys they have.
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
		v.valueFrom(ep.Child("valueFrom"), e.ValueFrom)
		if ref := e.ValueFrom.ConfigMapKeyRef; ref != nil && ref.Name == GeneratedConfigMap {
			if _, ok := v.configData()[ref.Key]; !ok {
				v.Invalid(ep.Child("valueFrom").Child("configMapKeyRef").Child("key"), ref.Key, "is not a key of spec.config.data; add it there or fix the key")
			}
		}
		if ref := e.ValueFrom.SecretKeyRef; ref != nil && ref.Name == GeneratedSecret {
			if !slices.Contains(v.opts.SecretKeys, ref.Key) {
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
