package bench

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	appsv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apps/v1"
	batchv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/batch/v1"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	policyv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/policy/v1"
	storagev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/storage/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/ordinal-dev/ordinal/components"
	"github.com/ordinal-dev/ordinal/pkg/cluster"
	"github.com/ordinal-dev/ordinal/pkg/localpv"
)

// The baseline is what a user writes without ordinal: the same objects as
// the benchmark cluster, typed out by hand as pulumi-kubernetes resources,
// with the same resource options. Content hashes that ordinal computes
// (the ConfigMap's name and checksum, the PV names) are constants here, as
// a user would paste them. TestBaselineMatchesComponent keeps the two
// programs equal.
const (
	baselineConfigName     = "-config-8ec05cbb3e"
	baselineConfigChecksum = "8ec05cbb3e6c652ed28784f9c1ad3452e936fd265401b2a53bcf3ddf07d3ffe9"
)

// baselinePVSuffix is the hash part of each PV name, by disk path and node:
// worked out once, before any benchmark, as a user would paste them.
var baselinePVSuffix = func() map[string]map[string]string {
	out := map[string]map[string]string{}
	for i := range 16 {
		path := diskPath(fmt.Sprintf("local-ssd%d", i))
		out[path] = map[string]string{}
		for _, node := range nodeNames(3) {
			name := localpv.VolumeName("p", localpv.Volume{Node: node, Path: path})
			out[path][node] = name[strings.LastIndex(name, "-")+1:]
		}
	}
	return out
}()

// The provider annotations (await timeouts, deletion propagation, ...) are
// taken from the components once, like constants, so the baseline follows
// the components' choice of provider knobs without paying for it per run.
var (
	baselineStatefulSetAnnotations = components.StatefulSetAnnotations(clusterSpec(), "", 0)
	baselineJobAnnotations         = components.InitJobAnnotations(0)
	baselineClientAnnotations      = components.ClientServiceAnnotations("ClusterIP")
	baselineGoverningAnnotations   = components.GoverningServiceAnnotations()
)

// baselineProgram registers n clusters without ordinal.
func baselineProgram(n int) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		for i := range n {
			name, pool := "db", "local-ssd"
			if n > 1 {
				name, pool = fmt.Sprintf("db%d", i), fmt.Sprintf("local-ssd%d", i)
			}
			if err := registerBaselineCluster(ctx, name, pool, parents{}); err != nil {
				return err
			}
		}
		return nil
	}
}

// baselinePoolProgram registers a StorageClass and n local PVs without ordinal.
func baselinePoolProgram(n int) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		_, err := registerBaselinePool(ctx, "local-ssd", diskPath("local-ssd"), nodeNames(n), func(node string) string {
			return "local-ssd-" + node
		}, nil)
		return err
	}
}

// parents places the baseline's objects in a tree of component resources
// (see floorProgram); the zero value registers them at the top level, as a
// user without ordinal would.
type parents struct{ pool, cluster, network []pulumi.ResourceOption }

func registerBaselinePool(ctx *pulumi.Context, pool, path string, nodes []string, pvName func(string) string, extra []pulumi.ResourceOption) ([]pulumi.Resource, error) {
	poolLabels := pulumi.StringMap{
		"app.kubernetes.io/component":  pulumi.String("storage"),
		"app.kubernetes.io/instance":   pulumi.String(pool),
		"app.kubernetes.io/managed-by": pulumi.String("ordinal"),
		"app.kubernetes.io/name":       pulumi.String(pool),
	}
	sc, err := storagev1.NewStorageClass(ctx, pool+"-class", &storagev1.StorageClassArgs{
		Metadata:    &metav1.ObjectMetaArgs{Name: pulumi.String(pool), Labels: poolLabels},
		Provisioner: pulumi.String("kubernetes.io/no-provisioner"),
		// The owner marker a careful hand-written class needs as well, so
		// that it never merges into a class someone else made.
		Parameters:        pulumi.StringMap{"ordinal.dev/owner": pulumi.String(ctx.Project() + "/" + ctx.Stack() + "/" + pool)},
		ReclaimPolicy:     pulumi.String("Retain"),
		VolumeBindingMode: pulumi.String("WaitForFirstConsumer"),
	},
		append([]pulumi.ResourceOption{
			pulumi.ReplaceOnChanges([]string{"provisioner", "parameters", "reclaimPolicy", "volumeBindingMode"}),
			pulumi.DeleteBeforeReplace(true),
		}, extra...)...)
	if err != nil {
		return nil, err
	}
	out := []pulumi.Resource{sc}
	for _, node := range nodes {
		name := pvName(node)
		pvLabels := pulumi.StringMap{"ordinal.dev/node": pulumi.String(node)}
		for k, v := range poolLabels {
			pvLabels[k] = v
		}
		pv, err := corev1.NewPersistentVolume(ctx, name, &corev1.PersistentVolumeArgs{
			Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String(name), Labels: pvLabels},
			Spec: &corev1.PersistentVolumeSpecArgs{
				AccessModes:                   pulumi.StringArray{pulumi.String("ReadWriteOnce")},
				Capacity:                      pulumi.StringMap{"storage": pulumi.String("10Gi")},
				Local:                         &corev1.LocalVolumeSourceArgs{Path: pulumi.String(path)},
				PersistentVolumeReclaimPolicy: pulumi.String("Retain"),
				StorageClassName:              pulumi.String(pool),
				VolumeMode:                    pulumi.String("Filesystem"),
				NodeAffinity: &corev1.VolumeNodeAffinityArgs{Required: &corev1.NodeSelectorArgs{
					NodeSelectorTerms: corev1.NodeSelectorTermArray{&corev1.NodeSelectorTermArgs{
						MatchExpressions: corev1.NodeSelectorRequirementArray{&corev1.NodeSelectorRequirementArgs{
							Key:      pulumi.String("kubernetes.io/hostname"),
							Operator: pulumi.String("In"),
							Values:   pulumi.StringArray{pulumi.String(node)},
						}},
					}},
				}},
			},
		},
			append([]pulumi.ResourceOption{
				pulumi.DependsOn([]pulumi.Resource{sc}),
				pulumi.ReplaceOnChanges([]string{"spec.nodeAffinity", "spec.local", "spec.volumeMode"}),
				pulumi.DeleteBeforeReplace(true),
				pulumi.RetainOnDelete(true),
			}, extra...)...)
		if err != nil {
			return nil, err
		}
		out = append(out, pv)
	}
	return out, nil
}

func registerBaselineCluster(ctx *pulumi.Context, name, pool string, p parents) error {
	path := diskPath(pool)
	poolResources, err := registerBaselinePool(ctx, pool, path, nodeNames(3), func(node string) string {
		return pool + "-" + node + "-" + baselinePVSuffix[path][node]
	}, p.pool)
	if err != nil {
		return err
	}
	ns := pulumi.String(benchNamespace)
	selector := pulumi.StringMap{
		"app.kubernetes.io/component": pulumi.String("database"),
		"app.kubernetes.io/instance":  pulumi.String(name),
	}
	// The init Job's labels carry no version: a new version must not
	// change the Job's template (which would re-run it).
	labels := func(component string) pulumi.StringMap {
		l := pulumi.StringMap{
			"app.kubernetes.io/component":  pulumi.String(component),
			"app.kubernetes.io/instance":   pulumi.String(name),
			"app.kubernetes.io/managed-by": pulumi.String("ordinal"),
			"app.kubernetes.io/name":       pulumi.String("cockroachdb"),
		}
		if component != "init" {
			l["app.kubernetes.io/version"] = pulumi.String("v24.1.0")
		}
		return l
	}
	ports := corev1.ServicePortArray{
		&corev1.ServicePortArgs{Name: pulumi.String("grpc"), Port: pulumi.Int(26257), Protocol: pulumi.String("TCP"), TargetPort: pulumi.String("grpc")},
		&corev1.ServicePortArgs{Name: pulumi.String("http"), Port: pulumi.Int(8080), Protocol: pulumi.String("TCP"), TargetPort: pulumi.String("http")},
	}
	headless, err := corev1.NewService(ctx, name+"-network-headless", &corev1.ServiceArgs{
		Metadata: &metav1.ObjectMetaArgs{
			Name: pulumi.String(name), Namespace: ns, Labels: labels("database"),
			Annotations: pulumi.ToStringMap(baselineGoverningAnnotations),
		},
		Spec: &corev1.ServiceSpecArgs{
			ClusterIP:                pulumi.String("None"),
			PublishNotReadyAddresses: pulumi.Bool(true),
			Selector:                 selector,
			Ports:                    ports,
		},
	}, named(p.network)...)
	if err != nil {
		return err
	}
	public, err := corev1.NewService(ctx, name+"-network-client", &corev1.ServiceArgs{
		Metadata: &metav1.ObjectMetaArgs{
			Name: pulumi.String(name + "-public"), Namespace: ns, Labels: labels("database"),
			Annotations: pulumi.ToStringMap(baselineClientAnnotations),
		},
		Spec: &corev1.ServiceSpecArgs{
			Type:     pulumi.String("ClusterIP"),
			Selector: selector,
			Ports:    ports,
		},
	}, named(p.network)...)
	if err != nil {
		return err
	}
	configName := name + baselineConfigName
	cm, err := corev1.NewConfigMap(ctx, configName, &corev1.ConfigMapArgs{
		Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String(configName), Namespace: ns, Labels: labels("database")},
		Data: pulumi.StringMap{
			"cache":        pulumi.String("25%"),
			"cluster.conf": pulumi.String("max-sql-memory=25%\nlocality=region=local\n"),
		},
	}, append(named(p.cluster), pulumi.Aliases([]pulumi.Alias{{Name: pulumi.String(name + "-config")}}))...)
	if err != nil {
		return err
	}
	secret, err := corev1.NewSecret(ctx, name+"-secret", &corev1.SecretArgs{
		Metadata:   &metav1.ObjectMetaArgs{Namespace: ns, Labels: labels("database")},
		Type:       pulumi.String("Opaque"),
		StringData: pulumi.StringMap{"password": pulumi.ToSecret(pulumi.String(benchPassword)).(pulumi.StringOutput)},
	}, p.cluster...)
	if err != nil {
		return err
	}
	secretName := secret.Metadata.Name().Elem()

	podSecurity := &corev1.PodSecurityContextArgs{
		FsGroup:             pulumi.Int(1000),
		FsGroupChangePolicy: pulumi.String("OnRootMismatch"),
		RunAsGroup:          pulumi.Int(1000),
		RunAsNonRoot:        pulumi.Bool(true),
		RunAsUser:           pulumi.Int(1000),
		SeccompProfile:      &corev1.SeccompProfileArgs{Type: pulumi.String("RuntimeDefault")},
	}
	containerSecurity := &corev1.SecurityContextArgs{
		AllowPrivilegeEscalation: pulumi.Bool(false),
		Capabilities:             &corev1.CapabilitiesArgs{Drop: pulumi.StringArray{pulumi.String("ALL")}},
		RunAsNonRoot:             pulumi.Bool(true),
		SeccompProfile:           &corev1.SeccompProfileArgs{Type: pulumi.String("RuntimeDefault")},
	}
	deps := append([]pulumi.Resource{headless, public, cm, secret}, poolResources...)
	stsAnnotations := maps.Clone(baselineStatefulSetAnnotations)
	stsAnnotations[cluster.ClaimsAnnotation] = `[{"name":"data","size":"10Gi","storageClass":"` + pool + `","accessModes":["ReadWriteOnce"],"volumeMode":"Filesystem"}]`
	// What the components add for the claims (components.ClaimTemplateOptions).
	hook, err := ctx.RegisterResourceHook(name+"-claims", func(*pulumi.ResourceHookArgs) error { return nil }, &pulumi.ResourceHookOptions{OnDryRun: true})
	if err != nil {
		return err
	}
	claimsGuard := pulumi.Composite(pulumi.IgnoreChanges(cluster.ClaimTemplatePaths(1)),
		pulumi.ResourceHooks(&pulumi.ResourceHookBinding{BeforeUpdate: []*pulumi.ResourceHook{hook}}))
	// The claims, declared before the StatefulSet (components/claim_patches.go).
	for i := range 3 {
		claim, err := corev1.NewPersistentVolumeClaimPatch(ctx, fmt.Sprintf("%s-claim-data-%s-%d", name, name, i), &corev1.PersistentVolumeClaimPatchArgs{
			Metadata: &metav1.ObjectMetaPatchArgs{
				Name: pulumi.String(fmt.Sprintf("data-%s-%d", name, i)), Namespace: ns, Labels: selector,
				Annotations: pulumi.StringMap{"pulumi.com/patchForce": pulumi.String("true"), "pulumi.com/skipAwait": pulumi.String("true")},
			},
			Spec: &corev1.PersistentVolumeClaimSpecPatchArgs{
				AccessModes:      pulumi.StringArray{pulumi.String("ReadWriteOnce")},
				Resources:        &corev1.VolumeResourceRequirementsPatchArgs{Requests: pulumi.StringMap{"storage": pulumi.String("10Gi")}},
				StorageClassName: pulumi.String(pool),
				VolumeMode:       pulumi.String("Filesystem"),
			},
		}, append([]pulumi.ResourceOption{pulumi.DependsOn(poolResources), pulumi.RetainOnDelete(true),
			pulumi.ResourceHooks(&pulumi.ResourceHookBinding{BeforeUpdate: []*pulumi.ResourceHook{hook}})}, p.cluster...)...)
		if err != nil {
			return err
		}
		deps = append(deps, claim)
	}
	// The lifetime ConfigMap owns the StatefulSet (components/lifetime.go).
	lifetime, err := corev1.NewConfigMap(ctx, name+"-lifetime", &corev1.ConfigMapArgs{
		Metadata: &metav1.ObjectMetaArgs{
			Name: pulumi.String(name + "-lifetime"), Namespace: ns, Labels: labels("database"),
			Annotations: pulumi.StringMap{"pulumi.com/deletionPropagationPolicy": pulumi.String("foreground")},
		},
		Data: pulumi.StringMap{"README": pulumi.String("This ConfigMap owns the StatefulSet " + name + ". Deleting it deletes the StatefulSet and its pods " +
			"(pulumi destroy does); the claims stay unless the StatefulSet's persistentVolumeClaimRetentionPolicy deletes them.\n")},
	}, append([]pulumi.ResourceOption{pulumi.DependsOn(deps)}, named(p.cluster)...)...)
	if err != nil {
		return err
	}
	_, err = appsv1.NewStatefulSet(ctx, name+"-statefulset", &appsv1.StatefulSetArgs{
		Metadata: &metav1.ObjectMetaArgs{
			Name: pulumi.String(name), Namespace: ns, Labels: labels("database"),
			Annotations: pulumi.ToStringMap(stsAnnotations),
			// No UID, no owner (the component's rule for render mode).
			OwnerReferences: lifetime.Metadata.Uid().ApplyT(func(uid *string) []metav1.OwnerReference {
				if uid == nil || *uid == "" {
					return nil
				}
				return []metav1.OwnerReference{{ApiVersion: "v1", Kind: "ConfigMap", Name: name + "-lifetime", Uid: *uid, BlockOwnerDeletion: new(true)}}
			}).(metav1.OwnerReferenceArrayOutput),
		},
		Spec: &appsv1.StatefulSetSpecArgs{
			PersistentVolumeClaimRetentionPolicy: &appsv1.StatefulSetPersistentVolumeClaimRetentionPolicyArgs{
				WhenDeleted: pulumi.String("Retain"),
				WhenScaled:  pulumi.String("Retain"),
			},
			PodManagementPolicy: pulumi.String("Parallel"),
			Replicas:            pulumi.Int(3),
			Selector:            &metav1.LabelSelectorArgs{MatchLabels: selector},
			ServiceName:         pulumi.String(name),
			UpdateStrategy: &appsv1.StatefulSetUpdateStrategyArgs{
				Type:          pulumi.String("RollingUpdate"),
				RollingUpdate: &appsv1.RollingUpdateStatefulSetStrategyArgs{Partition: pulumi.Int(0)},
			},
			Template: &corev1.PodTemplateSpecArgs{
				Metadata: &metav1.ObjectMetaArgs{
					Labels:      labels("database"),
					Annotations: pulumi.StringMap{"ordinal.dev/config-checksum": pulumi.String(baselineConfigChecksum)},
				},
				Spec: &corev1.PodSpecArgs{
					Affinity: &corev1.AffinityArgs{PodAntiAffinity: &corev1.PodAntiAffinityArgs{
						PreferredDuringSchedulingIgnoredDuringExecution: corev1.WeightedPodAffinityTermArray{&corev1.WeightedPodAffinityTermArgs{
							Weight: pulumi.Int(100),
							PodAffinityTerm: &corev1.PodAffinityTermArgs{
								LabelSelector: &metav1.LabelSelectorArgs{MatchLabels: selector},
								TopologyKey:   pulumi.String("kubernetes.io/hostname"),
							},
						}},
					}},
					AutomountServiceAccountToken: pulumi.Bool(false),
					SecurityContext:              podSecurity,
					Containers: corev1.ContainerArray{&corev1.ContainerArgs{
						Name:  pulumi.String("db"),
						Image: pulumi.String(benchImage),
						Command: pulumi.ToStringArray([]string{"/cockroach/cockroach", "start", "--insecure",
							fmt.Sprintf("--join=%[1]s-0.%[1]s,%[1]s-1.%[1]s,%[1]s-2.%[1]s", name), "--store=/cockroach/cockroach-data"}),
						Env: corev1.EnvVarArray{
							&corev1.EnvVarArgs{Name: pulumi.String("POD_NAME"), ValueFrom: &corev1.EnvVarSourceArgs{
								FieldRef: &corev1.ObjectFieldSelectorArgs{FieldPath: pulumi.String("metadata.name")}}},
							&corev1.EnvVarArgs{Name: pulumi.String("COCKROACH_CACHE"), ValueFrom: &corev1.EnvVarSourceArgs{
								ConfigMapKeyRef: &corev1.ConfigMapKeySelectorArgs{Name: pulumi.String(configName), Key: pulumi.String("cache")}}},
							&corev1.EnvVarArgs{Name: pulumi.String("COCKROACH_PASSWORD"), ValueFrom: &corev1.EnvVarSourceArgs{
								SecretKeyRef: &corev1.SecretKeySelectorArgs{Name: secretName, Key: pulumi.String("password")}}},
						},
						Ports: corev1.ContainerPortArray{
							&corev1.ContainerPortArgs{Name: pulumi.String("grpc"), ContainerPort: pulumi.Int(26257), Protocol: pulumi.String("TCP")},
							&corev1.ContainerPortArgs{Name: pulumi.String("http"), ContainerPort: pulumi.Int(8080), Protocol: pulumi.String("TCP")},
						},
						ReadinessProbe: &corev1.ProbeArgs{
							HttpGet:             &corev1.HTTPGetActionArgs{Path: pulumi.String("/health?ready=1"), Port: pulumi.String("http")},
							InitialDelaySeconds: pulumi.Int(10),
							PeriodSeconds:       pulumi.Int(5),
						},
						Resources: &corev1.ResourceRequirementsArgs{
							Limits:   pulumi.StringMap{"cpu": pulumi.String("1"), "memory": pulumi.String("1Gi")},
							Requests: pulumi.StringMap{"cpu": pulumi.String("500m"), "memory": pulumi.String("1Gi")},
						},
						SecurityContext: containerSecurity,
						VolumeMounts: corev1.VolumeMountArray{
							&corev1.VolumeMountArgs{Name: pulumi.String("data"), MountPath: pulumi.String("/cockroach/cockroach-data")},
							&corev1.VolumeMountArgs{Name: pulumi.String("config"), MountPath: pulumi.String("/etc/ordinal"), ReadOnly: pulumi.Bool(true)},
						},
					}},
					Volumes: corev1.VolumeArray{&corev1.VolumeArgs{
						Name: pulumi.String("config"),
						Projected: &corev1.ProjectedVolumeSourceArgs{Sources: corev1.VolumeProjectionArray{
							&corev1.VolumeProjectionArgs{ConfigMap: &corev1.ConfigMapProjectionArgs{Name: pulumi.String(configName)}},
							&corev1.VolumeProjectionArgs{Secret: &corev1.SecretProjectionArgs{
								Name: secretName,
								Items: corev1.KeyToPathArray{&corev1.KeyToPathArgs{
									Key: pulumi.String("password"), Path: pulumi.String("password"), Mode: pulumi.Int(0o400),
								}},
							}},
							&corev1.VolumeProjectionArgs{DownwardAPI: &corev1.DownwardAPIProjectionArgs{Items: corev1.DownwardAPIVolumeFileArray{
								&corev1.DownwardAPIVolumeFileArgs{Path: pulumi.String("labels"), FieldRef: &corev1.ObjectFieldSelectorArgs{FieldPath: pulumi.String("metadata.labels")}},
								&corev1.DownwardAPIVolumeFileArgs{Path: pulumi.String("annotations"), FieldRef: &corev1.ObjectFieldSelectorArgs{FieldPath: pulumi.String("metadata.annotations")}},
								&corev1.DownwardAPIVolumeFileArgs{Path: pulumi.String("cpu_limit"), ResourceFieldRef: &corev1.ResourceFieldSelectorArgs{
									ContainerName: pulumi.String("db"), Resource: pulumi.String("limits.cpu"),
								}},
							}}},
						}},
					}},
				},
			},
			VolumeClaimTemplates: corev1.PersistentVolumeClaimTypeArray{&corev1.PersistentVolumeClaimTypeArgs{
				ApiVersion: pulumi.String("v1"),
				Kind:       pulumi.String("PersistentVolumeClaim"),
				Metadata:   &metav1.ObjectMetaArgs{Name: pulumi.String("data"), Labels: selector},
				Spec: &corev1.PersistentVolumeClaimSpecArgs{
					AccessModes:      pulumi.StringArray{pulumi.String("ReadWriteOnce")},
					Resources:        &corev1.VolumeResourceRequirementsArgs{Requests: pulumi.StringMap{"storage": pulumi.String("10Gi")}},
					StorageClassName: pulumi.String(pool),
					VolumeMode:       pulumi.String("Filesystem"),
				},
			}},
		},
	}, append([]pulumi.ResourceOption{pulumi.DependsOn(deps), claimsGuard, pulumi.DeletedWith(lifetime)}, named(p.cluster)...)...)
	if err != nil {
		return err
	}
	_, err = policyv1.NewPodDisruptionBudget(ctx, name+"-pdb", &policyv1.PodDisruptionBudgetArgs{
		Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String(name), Namespace: ns, Labels: labels("database")},
		Spec: &policyv1.PodDisruptionBudgetSpecArgs{
			MinAvailable: pulumi.Int(2),
			Selector:     &metav1.LabelSelectorArgs{MatchLabels: selector},
		},
	}, append([]pulumi.ResourceOption{pulumi.DependsOn([]pulumi.Resource{headless, public})}, named(p.cluster)...)...)
	if err != nil {
		return err
	}
	_, err = batchv1.NewJob(ctx, name+"-init", &batchv1.JobArgs{
		Metadata: &metav1.ObjectMetaArgs{
			Name: pulumi.String(name + "-init"), Namespace: ns, Labels: labels("init"),
			Annotations: pulumi.ToStringMap(baselineJobAnnotations),
		},
		Spec: &batchv1.JobSpecArgs{
			ActiveDeadlineSeconds: pulumi.Int(900),
			BackoffLimit:          pulumi.Int(20),
			Completions:           pulumi.Int(1),
			Parallelism:           pulumi.Int(1),
			Template: &corev1.PodTemplateSpecArgs{
				Metadata: &metav1.ObjectMetaArgs{Labels: labels("init")},
				Spec: &corev1.PodSpecArgs{
					AutomountServiceAccountToken: pulumi.Bool(false),
					RestartPolicy:                pulumi.String("OnFailure"),
					SecurityContext:              podSecurity,
					Containers: corev1.ContainerArray{&corev1.ContainerArgs{
						Name:            pulumi.String("init"),
						Image:           pulumi.String(benchImage),
						Command:         pulumi.ToStringArray([]string{"/cockroach/cockroach", "init", "--insecure", fmt.Sprintf("--host=%s-0.%s", name, name)}),
						SecurityContext: containerSecurity,
					}},
				},
			},
		},
	}, append([]pulumi.ResourceOption{pulumi.DependsOn(deps)}, named(p.cluster)...)...)
	return err
}

// floorProgram is the least any component library can cost: the baseline's
// objects, parented like ordinal's (a pool component, and a cluster
// component holding a network component), under component resources that
// do nothing else and register no outputs. Component/floor is the cost of
// ordinal's own code; floor/baseline is what the Pulumi SDK charges for
// component resources at all.
func floorProgram(n int) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		for i := range n {
			name, pool := "db", "local-ssd"
			if n > 1 {
				name, pool = fmt.Sprintf("db%d", i), fmt.Sprintf("local-ssd%d", i)
			}
			poolC, clusterC, networkC := &emptyComponent{}, &emptyComponent{}, &emptyComponent{}
			if err := ctx.RegisterComponentResource(components.LocalVolumePoolType, pool, poolC); err != nil {
				return err
			}
			if err := ctx.RegisterComponentResource(components.DatabaseClusterType, name, clusterC); err != nil {
				return err
			}
			if err := ctx.RegisterComponentResource(components.HeadlessNetworkType, name+"-network", networkC, pulumi.Parent(clusterC)); err != nil {
				return err
			}
			err := registerBaselineCluster(ctx, name, pool, parents{
				pool:    []pulumi.ResourceOption{pulumi.Parent(poolC)},
				cluster: []pulumi.ResourceOption{pulumi.Parent(clusterC)},
				network: []pulumi.ResourceOption{pulumi.Parent(networkC)},
			})
			if err != nil {
				return err
			}
			for _, c := range []pulumi.ComponentResource{poolC, networkC, clusterC} {
				if err := ctx.RegisterResourceOutputs(c, pulumi.Map{}); err != nil {
					return err
				}
			}
		}
		return nil
	}
}

type emptyComponent struct{ pulumi.ResourceState }

// named adds to opts what the components give every object whose name
// they decide (components.NamedObjectOptions): delete before replace.
func named(opts []pulumi.ResourceOption) []pulumi.ResourceOption {
	return append(slices.Clip(opts), pulumi.DeleteBeforeReplace(true))
}
