using Axolotl.Api.Apps;
using Axolotl.Api.Core;
using Axolotl.Api.Meta;
using Axolotl.Client.Events;
using Axolotl.Controllers.Deployments;
using Axolotl.Controllers.Runtime;
using Axolotl.Controllers.Tests.ReplicaSets;
using Axolotl.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using CoreLabelSelector = Axolotl.Api.Core.LabelSelector;

namespace Axolotl.Controllers.Tests.Deployments;

/// <summary>
/// A Deployment reconciler over <see cref="FakeApi"/> and hand-filled caches. <see cref="RunReplicaSets"/>
/// plays the ReplicaSet controller and the kubelets (status = spec, pods ready and available), so a
/// whole rollout can be stepped through deterministically.
/// </summary>
internal sealed class DeploymentFixture : IAsyncDisposable
{
    public const string Ns = "default";

    public DeploymentFixture()
    {
        Api = new FakeApi(Time);
        Events = new EventRecorder(Api.Client, new EventRecorderOptions { Component = "deployment-controller" }, Time, NullLogger.Instance);
        Reconciler = new DeploymentReconciler(Api.Client, Deployments, ReplicaSets, Pods, Events, Time, NullLogger.Instance);
    }

    public FakeTimeProvider Time { get; } = new();

    public FakeApi Api { get; }

    public FakeCache<Deployment> Deployments { get; } = new();

    public FakeCache<ReplicaSet> ReplicaSets { get; } = new();

    public FakeCache<Pod> Pods { get; } = new();

    public EventRecorder Events { get; }

    public DeploymentReconciler Reconciler { get; }

    public static PodTemplateSpec Template(string image = "busybox:1.36") => new()
    {
        Metadata = new ObjectMeta { Labels = new() { ["app"] = "web" } },
        Spec = new PodSpec { Containers = [new Container { Name = "c", Image = image, Command = ["sleep", "3600"] }] },
    };

    public Deployment SeedDeployment(int replicas = 3, string strategy = "RollingUpdate", IntOrString? maxSurge = null, IntOrString? maxUnavailable = null,
        string image = "busybox:1.36", int? progressDeadlineSeconds = 600, int revisionHistoryLimit = 10, bool paused = false,
        Dictionary<string, string>? annotations = null)
    {
        var d = Api.Seed(new Deployment
        {
            Metadata = new ObjectMeta { Name = "web", Namespace = Ns, Annotations = annotations },
            Spec = new DeploymentSpec
            {
                Replicas = replicas,
                Selector = new CoreLabelSelector { MatchLabels = new() { ["app"] = "web" } },
                Template = Template(image),
                Strategy = strategy == "Recreate"
                    ? new DeploymentStrategy { Type = "Recreate" }
                    : new DeploymentStrategy
                    {
                        Type = "RollingUpdate",
                        RollingUpdate = new RollingUpdateDeployment { MaxSurge = maxSurge ?? "25%", MaxUnavailable = maxUnavailable ?? "25%" },
                    },
                ProgressDeadlineSeconds = progressDeadlineSeconds,
                RevisionHistoryLimit = revisionHistoryLimit,
                Paused = paused,
            },
        });
        Deployments.Put(d);
        return d;
    }

    /// <summary>Changes the Deployment in the API (a user's kubectl) and in the cache, bumping its generation when the spec changed.</summary>
    public Deployment Edit(Action<Deployment> change)
    {
        var before = Api.Get<Deployment>(Ns, "web")!;
        var specBefore = Axolotl.Api.Serialization.KubeJson.Serialize(before.Spec);
        var d = Api.Mutate<Deployment>(Ns, "web", x =>
        {
            change(x);
            if (Axolotl.Api.Serialization.KubeJson.Serialize(x.Spec) != specBefore)
            {
                x.Metadata.Generation = (x.Metadata.Generation ?? 1) + 1;
            }
        });
        Deployments.Put(d);
        return d;
    }

    public void SetImage(string image) => Edit(d => d.Spec!.Template.Spec.Containers[0].Image = image);

    /// <summary>
    /// Plays the ReplicaSet controller: every ReplicaSet's status follows its spec, with
    /// <paramref name="available"/> deciding (per ReplicaSet) whether its pods become available.
    /// </summary>
    public void RunReplicaSets(Func<ReplicaSet, bool>? available = null)
    {
        foreach (var rs in Api.List<ReplicaSet>(Ns))
        {
            var replicas = rs.Spec?.Replicas ?? 0;
            var ok = available?.Invoke(rs) ?? true;
            Api.Mutate<ReplicaSet>(Ns, rs.Metadata.Name!, r => r.Status = new ReplicaSetStatus
            {
                Replicas = replicas,
                FullyLabeledReplicas = replicas,
                ReadyReplicas = ok ? replicas : 0,
                AvailableReplicas = ok ? replicas : 0,
                ObservedGeneration = r.Metadata.Generation,
            });
        }
    }

    public void SyncCaches()
    {
        Deployments.Replace(Api.List<Deployment>(Ns));
        ReplicaSets.Replace(Api.List<ReplicaSet>(Ns));
        Pods.Replace(Api.List<Pod>(Ns));
    }

    public Task<ReconcileResult> ReconcileAsync() => Reconciler.ReconcileAsync(new ObjectKey(Ns, "web"), CancellationToken.None);

    /// <summary>Reconcile, let the ReplicaSets catch up, refresh the caches; until a reconcile writes nothing (at most 30 rounds).</summary>
    public async Task<int> SettleAsync(Func<ReplicaSet, bool>? available = null, Action? afterEachRound = null)
    {
        for (var round = 1; round <= 30; round++)
        {
            var writes = Api.Writes.Count;
            await ReconcileAsync();
            RunReplicaSets(available);
            SyncCaches();
            afterEachRound?.Invoke();
            if (Api.Writes.Count == writes)
            {
                return round;
            }
        }
        throw new InvalidOperationException("the rollout did not settle in 30 rounds");
    }

    public Deployment Deployment => Api.Get<Deployment>(Ns, "web")!;

    public List<ReplicaSet> ReplicaSetsByRevision() =>
        [.. Api.List<ReplicaSet>(Ns).OrderBy(rs => long.Parse(rs.Metadata.Annotations?.GetValueOrDefault(DeploymentAnnotations.Revision) ?? "0", System.Globalization.CultureInfo.InvariantCulture))];

    public DeploymentCondition? Condition(string type) => Deployment.Status?.Conditions?.FirstOrDefault(c => c.Type == type);

    public async Task<List<(string Type, string Reason, string Message, string Object)>> EventsAsync()
    {
        await Events.FlushAsync(CancellationToken.None);
        return Api.Events();
    }

    public async ValueTask DisposeAsync()
    {
        await Events.DisposeAsync();
        Api.Dispose();
    }
}
