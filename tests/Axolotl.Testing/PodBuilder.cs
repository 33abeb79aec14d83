using Axolotl.Api.Core;
using Axolotl.Api.Meta;
using Axolotl.Api.Resources;

namespace Axolotl.Testing;

/// <summary>
/// A typed Pod for a test, stating only what the test is about: <c>PodBuilder.Named("web-1").Labeled("app", "web").Ready().Build()</c>.
/// A part the test never touches stays null (a pod without spec or status is a valid test input), so a
/// builder reproduces exactly the object a hand-written initializer did.
/// </summary>
public sealed class PodBuilder
{
    private readonly Pod _pod;

    private PodBuilder(string name, string ns)
    {
        _pod = new Pod { ApiVersion = "v1", Kind = "Pod", Metadata = new ObjectMeta { Name = name, Namespace = ns } };
    }

    /// <summary>A pod in namespace <paramref name="ns"/>, with only its name and namespace set.</summary>
    public static PodBuilder Named(string name, string ns = "default") => new(name, ns);

    private PodSpec Spec => _pod.Spec ??= new PodSpec();

    private PodStatus Status => _pod.Status ??= new PodStatus();

    /// <summary>The uid; <c>uid-&lt;name&gt;</c> when not given.</summary>
    public PodBuilder WithUid(string? uid = null)
    {
        _pod.Metadata.Uid = uid ?? $"uid-{_pod.Metadata.Name}";
        return this;
    }

    public PodBuilder WithResourceVersion(string resourceVersion)
    {
        _pod.Metadata.ResourceVersion = resourceVersion;
        return this;
    }

    public PodBuilder Labeled(string key, string value)
    {
        (_pod.Metadata.Labels ??= [])[key] = value;
        return this;
    }

    /// <summary>Uses <paramref name="labels"/> as the label map itself (not a copy), as a test that shares one map expects.</summary>
    public PodBuilder WithLabels(Dictionary<string, string>? labels)
    {
        _pod.Metadata.Labels = labels;
        return this;
    }

    public PodBuilder Annotated(string key, string value)
    {
        (_pod.Metadata.Annotations ??= [])[key] = value;
        return this;
    }

    public PodBuilder OwnedBy(params OwnerReference[] owners)
    {
        (_pod.Metadata.OwnerReferences ??= []).AddRange(owners);
        return this;
    }

    /// <summary>Adds a controller owner reference (controller: true).</summary>
    public PodBuilder ControlledBy(string apiVersion, string kind, string name, string uid, bool blockOwnerDeletion = false) =>
        OwnedBy(new OwnerReference { ApiVersion = apiVersion, Kind = kind, Name = name, Uid = uid, Controller = true, BlockOwnerDeletion = blockOwnerDeletion ? true : null });

    public PodBuilder CreatedAt(DateTimeOffset? at)
    {
        _pod.Metadata.CreationTimestamp = at;
        return this;
    }

    /// <summary>Marks the pod as being deleted (deletionTimestamp set) when <paramref name="at"/> is not null.</summary>
    public PodBuilder DeletedAt(DateTimeOffset? at)
    {
        _pod.Metadata.DeletionTimestamp = at;
        return this;
    }

    public PodBuilder OnNode(string? node)
    {
        Spec.NodeName = node;
        return this;
    }

    /// <summary>Adds a container; <paramref name="configure"/> sets what else it needs (ports, probes, resources).</summary>
    public PodBuilder WithContainer(string name, string? image = null, Action<Container>? configure = null)
    {
        var container = new Container { Name = name, Image = image };
        configure?.Invoke(container);
        Spec.Containers.Add(container);
        return this;
    }

    public PodBuilder WithInitContainer(string name, string? image = null, Action<Container>? configure = null)
    {
        var container = new Container { Name = name, Image = image };
        configure?.Invoke(container);
        (Spec.InitContainers ??= []).Add(container);
        return this;
    }

    /// <summary>Resource requests on the last container added (on none when both are null).</summary>
    public PodBuilder Requesting(string? cpu = null, string? memory = null)
    {
        var requests = new Dictionary<string, Quantity>();
        if (cpu is not null)
        {
            requests["cpu"] = Quantity.Parse(cpu);
        }
        if (memory is not null)
        {
            requests["memory"] = Quantity.Parse(memory);
        }
        if (requests.Count > 0)
        {
            (Spec.Containers[^1].Resources ??= new ResourceRequirements()).Requests = requests;
        }
        return this;
    }

    /// <summary>A volume backed by the persistent volume claim <paramref name="claim"/>.</summary>
    public PodBuilder WithClaimVolume(string volume, string claim, bool readOnly = false)
    {
        (Spec.Volumes ??= []).Add(new Volume { Name = volume, PersistentVolumeClaim = new PersistentVolumeClaimVolumeSource { ClaimName = claim, ReadOnly = readOnly ? true : null } });
        return this;
    }

    public PodBuilder WithSpec(Action<PodSpec> configure)
    {
        configure(Spec);
        return this;
    }

    public PodBuilder InPhase(string? phase)
    {
        Status.Phase = phase;
        return this;
    }

    /// <summary>The Ready condition, True or False, changed at <paramref name="since"/>.</summary>
    public PodBuilder Ready(bool ready = true, DateTimeOffset? since = null)
    {
        (Status.Conditions ??= []).Add(new PodCondition { Type = "Ready", Status = ready ? "True" : "False", LastTransitionTime = since });
        return this;
    }

    /// <summary>The pod IP, in both podIP and podIPs; none when <paramref name="ip"/> is null.</summary>
    public PodBuilder WithIp(string? ip)
    {
        Status.PodIP = ip;
        Status.PodIPs = ip is null ? null : [new PodIP { Ip = ip }];
        return this;
    }

    public PodBuilder StartedAt(DateTimeOffset? at)
    {
        Status.StartTime = at;
        return this;
    }

    public PodBuilder WithStatus(Action<PodStatus> configure)
    {
        configure(Status);
        return this;
    }

    public Pod Build() => _pod;
}
