package harness

// In-process requests for the kubectl commands the suites run most: `get`
// and `exec`. A kubectl process costs about 0.2 s of CPU (its start and
// its discovery cache, measured with process accounting); the end-to-end
// suites keep both cores of a 2-core machine busy, and their kubectl
// calls were 18% of all CPU used.
//
// Contract: for the argument forms parseKubectl accepts, Env.Kubectl
// returns what kubectl prints (`-o json`: the object, or a List of the
// items; `-o jsonpath=...`: the template's output; no -o: a name per
// line) and an error whose text carries the server's reason as kubectl's
// does ("Error from server (NotFound): ..."); `exec` returns the command's
// standard output, and an error with its standard error when it fails.
// Every other form runs kubectl itself.

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/restmapper"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/client-go/tools/remotecommand"
	"k8s.io/client-go/util/jsonpath"
)

// kubeClient is the in-process client of one kubeconfig.
type kubeClient struct {
	config    *rest.Config
	dynamic   dynamic.Interface
	discovery discovery.CachedDiscoveryInterface
	mapper    meta.RESTMapper
	deferred  *restmapper.DeferredDiscoveryRESTMapper
}

// clients are the kubeClients by kubeconfig path: suites make an Env per
// call, and discovery is read once.
var clients sync.Map

// client is the kubeClient of kubeconfig.
func client(kubeconfig string) (*kubeClient, error) {
	if c, ok := clients.Load(kubeconfig); ok {
		return c.(*kubeClient), nil
	}
	config, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", kubeconfig, err)
	}
	// Suites poll side by side: no client-side throttling.
	config.QPS, config.Burst = 500, 1000
	dyn, err := dynamic.NewForConfig(config)
	if err != nil {
		return nil, err
	}
	disc, err := discovery.NewDiscoveryClientForConfig(config)
	if err != nil {
		return nil, err
	}
	cached := memory.NewMemCacheClient(disc)
	deferred := restmapper.NewDeferredDiscoveryRESTMapper(cached)
	c := &kubeClient{
		config: config, dynamic: dyn, discovery: cached, deferred: deferred,
		mapper: restmapper.NewShortcutExpander(deferred, cached, func(string) {}),
	}
	actual, _ := clients.LoadOrStore(kubeconfig, c)
	return actual.(*kubeClient), nil
}

// kubectlCall is a kubectl command the client runs itself.
type kubectlCall struct {
	verb string // "get" or "exec"
	// get: the resource argument (kind, plural, short name or
	// resource.group), the object's name ("" lists), the label selector,
	// and the output: "json", "jsonpath=..." or "" (names).
	resource, name, selector, output string
	namespace                        string
	// exec: the pod, its container ("" for the default) and the command.
	pod, container string
	command        []string
}

// takesValue are the kubectl flags parseKubectl knows; each takes a value.
var takesValue = map[string]bool{"-n": true, "--namespace": true, "-l": true, "--selector": true,
	"-o": true, "--output": true, "-c": true, "--container": true}

// parseKubectl reads args as kubectl would, for the forms the client
// runs; ok is false for any other form.
func parseKubectl(args []string) (call kubectlCall, ok bool) {
	if len(args) == 0 {
		return call, false
	}
	call.verb = args[0]
	var positional []string
	rest := args[1:]
	for i := 0; i < len(rest); i++ {
		a := rest[i]
		if a == "--" && call.verb == "exec" {
			call.command = rest[i+1:]
			break
		}
		flag, value, inline := strings.Cut(a, "=")
		if !strings.HasPrefix(a, "-") {
			positional = append(positional, a)
			continue
		}
		if !takesValue[flag] {
			return call, false
		}
		if !inline {
			if i+1 >= len(rest) {
				return call, false
			}
			i++
			value = rest[i]
		}
		switch flag {
		case "-n", "--namespace":
			call.namespace = value
		case "-l", "--selector":
			call.selector = value
		case "-o", "--output":
			call.output = value
		case "-c", "--container":
			call.container = value
		}
	}
	switch call.verb {
	case "get":
		if call.container != "" || len(positional) == 0 || len(positional) > 2 {
			return call, false
		}
		if call.output != "" && call.output != "json" && !strings.HasPrefix(call.output, "jsonpath=") {
			return call, false
		}
		call.resource = positional[0]
		if r, n, slash := strings.Cut(call.resource, "/"); slash {
			if len(positional) > 1 {
				return call, false
			}
			call.resource, positional = r, []string{r, n}
		}
		if len(positional) == 2 {
			call.name = positional[1]
		}
		return call, call.name == "" || call.selector == ""
	case "exec":
		if len(positional) != 1 || len(call.command) == 0 || call.selector != "" || call.output != "" {
			return call, false
		}
		call.pod = positional[0]
		return call, true
	}
	return call, false
}

// run runs call and returns what kubectl would print on standard output.
func (c *kubeClient) run(ctx context.Context, call kubectlCall) ([]byte, error) {
	if call.verb == "exec" {
		return c.exec(ctx, call)
	}
	return c.get(ctx, call)
}

// resource resolves a kubectl resource argument; after a miss it reads
// discovery again once (a CRD may have been created since).
func (c *kubeClient) resource(arg string) (schema.GroupVersionResource, bool, error) {
	var gvr schema.GroupVersionResource
	var err error
	for attempt := 0; attempt < 2; attempt++ {
		full, partial := schema.ParseResourceArg(strings.ToLower(arg))
		if full != nil {
			gvr, err = c.mapper.ResourceFor(*full)
		}
		if full == nil || err != nil {
			gvr, err = c.mapper.ResourceFor(partial.WithVersion(""))
		}
		if err == nil {
			var gvk schema.GroupVersionKind
			if gvk, err = c.mapper.KindFor(gvr); err == nil {
				var mapping *meta.RESTMapping
				if mapping, err = c.mapper.RESTMapping(gvk.GroupKind(), gvk.Version); err == nil {
					return gvr, mapping.Scope.Name() == meta.RESTScopeNameNamespace, nil
				}
			}
		}
		c.deferred.Reset()
	}
	return gvr, false, fmt.Errorf("error: the server doesn't have a resource type %q: %w", arg, err)
}

func (c *kubeClient) get(ctx context.Context, call kubectlCall) ([]byte, error) {
	var objects []*unstructured.Unstructured
	single := call.name != ""
	// "statefulset,service,...": every kind's objects, in that order.
	for _, resource := range strings.Split(call.resource, ",") {
		gvr, namespaced, err := c.resource(resource)
		if err != nil {
			return nil, err
		}
		all := c.dynamic.Resource(gvr)
		var r dynamic.ResourceInterface = all
		if namespaced {
			r = all.Namespace(cmp.Or(call.namespace, metav1.NamespaceDefault))
		}
		if single {
			obj, err := r.Get(ctx, call.name, metav1.GetOptions{})
			if err != nil {
				return nil, serverError(err)
			}
			objects = append(objects, obj)
			continue
		}
		list, err := r.List(ctx, metav1.ListOptions{LabelSelector: call.selector})
		if err != nil {
			return nil, serverError(err)
		}
		for i := range list.Items {
			objects = append(objects, &list.Items[i])
		}
	}
	// kubectl prints one object as itself and several as a List.
	var doc any
	if single && len(objects) == 1 {
		doc = objects[0].UnstructuredContent()
	} else {
		items := make([]any, 0, len(objects))
		for _, o := range objects {
			items = append(items, o.UnstructuredContent())
		}
		doc = map[string]any{"apiVersion": "v1", "kind": "List", "items": items,
			"metadata": map[string]any{"resourceVersion": ""}}
	}
	switch {
	case call.output == "json":
		return json.MarshalIndent(doc, "", "    ")
	case strings.HasPrefix(call.output, "jsonpath="):
		j := jsonpath.New("out").AllowMissingKeys(true)
		if err := j.Parse(strings.TrimPrefix(call.output, "jsonpath=")); err != nil {
			return nil, fmt.Errorf("error: %w", err)
		}
		var out bytes.Buffer
		if err := j.Execute(&out, doc); err != nil {
			return nil, fmt.Errorf("error: %w", err)
		}
		return out.Bytes(), nil
	default:
		var out bytes.Buffer
		for _, o := range objects {
			fmt.Fprintln(&out, o.GetName())
		}
		return out.Bytes(), nil
	}
}

// exec runs the command in the pod over the API server's WebSocket exec
// protocol (what kubectl uses).
func (c *kubeClient) exec(ctx context.Context, call kubectlCall) ([]byte, error) {
	ns := cmp.Or(call.namespace, metav1.NamespaceDefault)
	q := url.Values{"stdout": {"true"}, "stderr": {"true"}, "command": call.command}
	if call.container != "" {
		q.Set("container", call.container)
	}
	host := strings.TrimSuffix(c.config.Host, "/")
	u := fmt.Sprintf("%s/api/v1/namespaces/%s/pods/%s/exec?%s", host, url.PathEscape(ns), url.PathEscape(call.pod), q.Encode())
	executor, err := remotecommand.NewWebSocketExecutor(c.config, "GET", u)
	if err != nil {
		return nil, err
	}
	var stdout, stderr bytes.Buffer
	err = executor.StreamWithContext(ctx, remotecommand.StreamOptions{Stdout: &stdout, Stderr: &stderr})
	if err != nil {
		if msg := strings.TrimSpace(stderr.String()); msg != "" {
			return stdout.Bytes(), fmt.Errorf("%s\n%w", msg, serverError(err))
		}
		return stdout.Bytes(), serverError(err)
	}
	return stdout.Bytes(), nil
}

// serverError words an API error as kubectl does: "Error from server
// (Reason): message".
func serverError(err error) error {
	var status apierrors.APIStatus
	if !errors.As(err, &status) {
		return err
	}
	reason := apierrors.ReasonForError(err)
	if reason == metav1.StatusReasonUnknown {
		return fmt.Errorf("Error from server: %w", err)
	}
	return fmt.Errorf("Error from server (%s): %w", reason, err)
}
