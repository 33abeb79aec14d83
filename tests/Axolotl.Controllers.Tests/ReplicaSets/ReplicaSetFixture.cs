using Axolotl.Api.Apps;
using Axolotl.Api.Core;
using Axolotl.Api.Meta;
using Axolotl.Client.Events;
using Axolotl.Controllers.ReplicaSets;
using Axolotl.Controllers.Runtime;
using Axolotl.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using CoreLabelSelector = Axolotl.Api.Core.LabelSelector;

namespace Axolotl.Controllers.Tests.ReplicaSets;

/// <summary>
/// A ReplicaSet reconciler over <see cref="FakeApi"/>, hand-filled caches and a fake clock. Steps are
/// explicit: reconcile, look at the writes, <see cref="SyncCaches"/> (the informer catching up), repeat.
/// </summary>
internal sealed class ReplicaSetFixture : IAsyncDisposable
{
    public const string Ns = "default";

    public ReplicaSetFixture()
    {
        Api = new FakeApi(Time);
        Expectations = new ControllerExpectations(Time);
        Events = new EventRecorder(Api.Client, new EventRecorderOptions { Component = "replicaset-controller" }, Time, NullLogger.Instance);
        Reconciler = new ReplicaSetReconciler<ReplicaSet>(Api.Client, ReplicaSetKind.Instance, ReplicaSets, Pods, Expectations, Events, Time, NullLogger.Instance);
        Router = new ReplicaSetEventRouter<ReplicaSet>(ReplicaSetKind.Instance, ReplicaSets, Expectations, Enqueued.Add, (k, d) => EnqueuedAfter.Add((k, d)));
    }

    public FakeTimeProvider Time { get; } = new();

    public FakeApi Api { get; }

    public FakeCache<ReplicaSet> ReplicaSets { get; } = new();

    public FakeCache<Pod> Pods { get; } = new();

    public ControllerExpectations Expectations { get; }

    public EventRecorder Events { get; }

    public ReplicaSetReconciler<ReplicaSet> Reconciler { get; }

    public ReplicaSetEventRouter<ReplicaSet> Router { get; }

    public List<ObjectKey> Enqueued { get; } = [];

    public List<(ObjectKey Key, TimeSpan Delay)> EnqueuedAfter { get; } = [];

    public static Dictionary<string, string> WebLabels => new() { ["app"] = "web" };

    public ReplicaSet SeedReplicaSet(string name = "web", int replicas = 3, int minReadySeconds = 0, CoreLabelSelector? selector = null,
        Dictionary<string, string>? templateLabels = null, OwnerReference? owner = null)
    {
        var rs = Api.Seed(new ReplicaSet
        {
            Metadata = new ObjectMeta { Name = name, Namespace = Ns, OwnerReferences = owner is null ? null : [owner] },
            Spec = new ReplicaSetSpec
            {
                Replicas = replicas,
                MinReadySeconds = minReadySeconds,
                Selector = selector ?? new CoreLabelSelector { MatchLabels = WebLabels },
                Template = new PodTemplateSpec
                {
                    Metadata = new ObjectMeta { Labels = templateLabels ?? WebLabels },
                    Spec = new PodSpec { Containers = [new Container { Name = "c", Image = "busybox", Command = ["sleep", "3600"] }] },
                },
            },
        });
        ReplicaSets.Put(rs);
        return rs;
    }

    /// <summary>A pod stored in the API and the cache; ready pods became ready at <paramref name="readySince"/> (default: an hour ago).</summary>
    public Pod SeedPod(string name, KubeObject? owner, Dictionary<string, string>? labels = null, string? node = "node-1", string phase = "Running",
        bool ready = true, DateTimeOffset? readySince = null, int restarts = 0, DateTimeOffset? created = null, DateTimeOffset? deleting = null, string? ownerKind = null)
    {
        var pod = Api.Seed(NewPod(name, owner, labels, node, phase, ready, readySince ?? Time.GetUtcNow().AddHours(-1), restarts, created, deleting, ownerKind));
        Pods.Put(pod);
        return pod;
    }

    public static Pod NewPod(string name, KubeObject? owner, Dictionary<string, string>? labels, string? node, string phase, bool ready,
        DateTimeOffset readySince, int restarts, DateTimeOffset? created, DateTimeOffset? deleting, string? ownerKind = null)
    {
        var pod = PodBuilder.Named(name, Ns).WithUid().WithLabels(labels ?? WebLabels).CreatedAt(created).DeletedAt(deleting)
            .OnNode(node).WithContainer("c", "busybox")
            .InPhase(phase).Ready(ready, since: readySince)
            .WithStatus(s => s.ContainerStatuses = [new ContainerStatus { Name = "c", RestartCount = restarts, Ready = ready }]);
        if (owner is not null)
        {
            pod.ControlledBy(ownerKind == "ReplicationController" ? "v1" : "apps/v1", ownerKind ?? "ReplicaSet", owner.Metadata.Name!, owner.Metadata.Uid!, blockOwnerDeletion: true);
        }
        return pod.Build();
    }

    /// <summary>The informers catch up: the caches now hold exactly what the API holds.</summary>
    public void SyncCaches()
    {
        ReplicaSets.Replace(Api.List<ReplicaSet>(Ns));
        Pods.Replace(Api.List<Pod>(Ns));
    }

    /// <summary>Every pod the API holds is reported to the router as added (the watch delivering the creates).</summary>
    public void DeliverPodAdds()
    {
        foreach (var pod in Api.List<Pod>(Ns))
        {
            Router.PodAdded(pod);
        }
    }

    public Task<ReconcileResult> ReconcileAsync(string name = "web") =>
        Reconciler.ReconcileAsync(new ObjectKey(Ns, name), CancellationToken.None);

    public async Task<List<(string Type, string Reason, string Message, string Object)>> EventsAsync()
    {
        await Events.FlushAsync(CancellationToken.None);
        return Api.Events();
    }

    public List<RecordedRequest> Writes(HttpMethod method, string pathPart) =>
        Api.Writes.Where(r => r.Method == method && r.Path.Contains(pathPart, StringComparison.Ordinal)).ToList();

    public async ValueTask DisposeAsync()
    {
        await Events.DisposeAsync();
        Api.Dispose();
    }
}
