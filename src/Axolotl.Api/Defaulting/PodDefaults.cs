using Axolotl.Api.Core;

namespace Axolotl.Api.Defaulting;

/// <summary>
/// Pod and pod-template defaults (upstream SetDefaults_Pod, SetDefaults_PodSpec, SetDefaults_Container,
/// SetDefaults_Probe, the volume source defaults and the declarative port protocol default).
/// Template defaults are the PodSpec ones only; the Pod-only ones (service links, requests from
/// limits, host-network ports, priority) are not applied to templates, as upstream.
/// </summary>
public static class PodDefaults
{
    public const string DefaultSchedulerName = "default-scheduler";
    public const long DefaultTerminationGracePeriodSeconds = 30;
    public const string TerminationMessagePathDefault = "/dev/termination-log";

    // 0644: the file mode upstream gives projected, secret, config map and downward API files.
    public const int DefaultVolumeFileMode = 420;

    public static void ApplyPod(Pod pod)
    {
        var spec = pod.Spec ??= new PodSpec();
        ApplyPodSpec(spec);

        foreach (var container in spec.Containers.Concat(spec.InitContainers ?? []))
        {
            DefaultRequestsToLimits(container);
        }

        spec.EnableServiceLinks ??= true;

        if (spec.HostNetwork == true)
        {
            foreach (var port in spec.Containers.Concat(spec.InitContainers ?? []).SelectMany(c => c.Ports ?? []))
            {
                if (port.HostPort is null or 0)
                {
                    port.HostPort = port.ContainerPortNumber;
                }
            }
        }

        // spec.priority and spec.preemptionPolicy are not defaults: the Priority admission plugin resolves them from the pod's class on create.

        if (pod.Status is { } status)
        {
            foreach (var containerStatus in (status.ContainerStatuses ?? []).Concat(status.InitContainerStatuses ?? []).Concat(status.EphemeralContainerStatuses ?? []))
            {
                ResourceListDefaults.RoundToMilli(containerStatus.AllocatedResources);
                ApplyResources(containerStatus.Resources);
            }
        }
    }

    public static void ApplyTemplate(PodTemplateSpec? template)
    {
        if (template is not null)
        {
            ApplyPodSpec(template.Spec);
        }
    }

    public static void ApplyPodSpec(PodSpec spec)
    {
        if (string.IsNullOrEmpty(spec.DnsPolicy))
        {
            spec.DnsPolicy = "ClusterFirst";
        }
        if (string.IsNullOrEmpty(spec.RestartPolicy))
        {
            spec.RestartPolicy = "Always";
        }
        spec.SecurityContext ??= new PodSecurityContext();
        spec.TerminationGracePeriodSeconds ??= DefaultTerminationGracePeriodSeconds;
        if (string.IsNullOrEmpty(spec.SchedulerName))
        {
            spec.SchedulerName = DefaultSchedulerName;
        }

        foreach (var container in spec.AllContainers())
        {
            ApplyContainer(container);
        }
        foreach (var volume in spec.Volumes ?? [])
        {
            ApplyVolume(volume);
        }
        ResourceListDefaults.RoundToMilli(spec.Overhead);
        ApplyResources(spec.Resources);
    }

    public static void ApplyContainer(Container container)
    {
        if (string.IsNullOrEmpty(container.ImagePullPolicy))
        {
            container.ImagePullPolicy = ImageReference.TagOf(container.Image) == "latest" ? "Always" : "IfNotPresent";
        }
        if (string.IsNullOrEmpty(container.TerminationMessagePath))
        {
            container.TerminationMessagePath = TerminationMessagePathDefault;
        }
        if (string.IsNullOrEmpty(container.TerminationMessagePolicy))
        {
            container.TerminationMessagePolicy = "File";
        }
        foreach (var port in container.Ports ?? [])
        {
            if (string.IsNullOrEmpty(port.Protocol))
            {
                port.Protocol = "TCP";
            }
        }
        foreach (var env in container.Env ?? [])
        {
            ApplyFieldSelector(env.ValueFrom?.FieldRef);
        }
        ApplyResources(container.Resources);
        ApplyProbe(container.LivenessProbe);
        ApplyProbe(container.ReadinessProbe);
        ApplyProbe(container.StartupProbe);
        ApplyHttpGet(container.Lifecycle?.PostStart?.HttpGet);
        ApplyHttpGet(container.Lifecycle?.PreStop?.HttpGet);
    }

    public static void ApplyProbe(Probe? probe)
    {
        if (probe is null)
        {
            return;
        }
        if (probe.TimeoutSeconds is null or 0)
        {
            probe.TimeoutSeconds = 1;
        }
        if (probe.PeriodSeconds is null or 0)
        {
            probe.PeriodSeconds = 10;
        }
        if (probe.SuccessThreshold is null or 0)
        {
            probe.SuccessThreshold = 1;
        }
        if (probe.FailureThreshold is null or 0)
        {
            probe.FailureThreshold = 3;
        }
        ApplyHttpGet(probe.HttpGet);
        if (probe.Grpc is { } grpc)
        {
            grpc.Service ??= "";
        }
    }

    private static void ApplyHttpGet(HTTPGetAction? action)
    {
        if (action is null)
        {
            return;
        }
        if (string.IsNullOrEmpty(action.Path))
        {
            action.Path = "/";
        }
        if (string.IsNullOrEmpty(action.Scheme))
        {
            action.Scheme = "HTTP";
        }
    }

    private static void ApplyResources(ResourceRequirements? resources)
    {
        if (resources is not null)
        {
            ResourceListDefaults.RoundToMilli(resources.Limits);
            ResourceListDefaults.RoundToMilli(resources.Requests);
        }
    }

    private static void DefaultRequestsToLimits(Container container)
    {
        var limits = container.Resources?.Limits;
        if (limits is null)
        {
            return;
        }
        var requests = container.Resources!.Requests ??= [];
        foreach (var (name, limit) in limits)
        {
            requests.TryAdd(name, limit);
        }
    }

    private static void ApplyFieldSelector(ObjectFieldSelector? selector)
    {
        if (selector is not null && string.IsNullOrEmpty(selector.ApiVersion))
        {
            selector.ApiVersion = "v1";
        }
    }

    public static void ApplyVolume(Volume volume)
    {
        if (volume.CountSources() == 0)
        {
            volume.EmptyDir = new EmptyDirVolumeSource();
        }
        if (volume.Secret is { } secret)
        {
            secret.DefaultMode ??= DefaultVolumeFileMode;
        }
        if (volume.ConfigMap is { } configMap)
        {
            configMap.DefaultMode ??= DefaultVolumeFileMode;
        }
        if (volume.DownwardAPI is { } downward)
        {
            downward.DefaultMode ??= DefaultVolumeFileMode;
            foreach (var item in downward.Items ?? [])
            {
                ApplyFieldSelector(item.FieldRef);
            }
        }
        if (volume.Projected is { } projected)
        {
            projected.DefaultMode ??= DefaultVolumeFileMode;
            foreach (var source in projected.Sources ?? [])
            {
                if (source.ServiceAccountToken is { } token)
                {
                    token.ExpirationSeconds ??= 3600;
                }
                foreach (var item in source.DownwardAPI?.Items ?? [])
                {
                    ApplyFieldSelector(item.FieldRef);
                }
            }
        }
        if (volume.HostPath is { } hostPath)
        {
            hostPath.Type ??= "";
        }
    }
}
