using Axolotl.Api.Core;
using Axolotl.Api.Meta;
using Axolotl.Api.Storage;
using Axolotl.Client;
using Axolotl.Client.Events;
using Axolotl.Client.Informers;
using Axolotl.Controllers.Runtime;
using Axolotl.Hosting;
using Microsoft.Extensions.Logging;

namespace Axolotl.Controllers.Volumes;

/// <summary>
/// kube-controller-manager's persistentvolume-binder, pvc-protection and pv-protection controllers,
/// with k3s's local-path provisioner in the same loop: one queue of claims (<see cref="ClaimReconciler"/>)
/// and one of volumes (<see cref="VolumeReconciler"/>), fed by informers on claims, volumes, classes,
/// nodes and pods. A change on either side enqueues the other side it concerns.
/// </summary>
public sealed class PersistentVolumeController(KubeClient client, ILoggerFactory loggerFactory, TimeProvider time, SharedInformerFactory? informerFactory = null)
    : BackgroundLoop("persistentvolume-binder-controller", LoopFailurePolicy.RestartWithBackoff, time, loggerFactory.CreateLogger<PersistentVolumeController>())
{
    /// <summary>The local-path provisioner's event source, after k3s's "rancher.io/local-path_&lt;pod&gt;_&lt;id&gt;".</summary>
    public const string ProvisionerComponent = "rancher.io/local-path_axolotl";

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        var informers = new InformerGroup(informerFactory, client, loggerFactory, Time);
        var claims = informers.For<PersistentVolumeClaim>();
        var volumes = informers.For<PersistentVolume>();
        var classes = informers.For<StorageClass>();
        var nodes = informers.For<Node>();
        var pods = informers.For<Pod>();
        await using var events = new EventRecorder(client, new EventRecorderOptions { Component = "persistentvolume-controller" }, Time, Logger);
        await using var provisionerEvents = new EventRecorder(client, new EventRecorderOptions { Component = ProvisionerComponent }, Time, Logger);
        var cache = new ListerVolumeCache(claims.Lister, volumes.Lister, classes.Lister, nodes.Lister, pods.Lister);
        var writer = new KubeVolumeWriter(client, events, provisionerEvents);
        var claimController = new Controller<ObjectKey>("persistentvolume-claims", new ClaimReconciler(cache, writer, Time), Time, Logger);
        var volumeController = new Controller<ObjectKey>("persistentvolume-volumes", new VolumeReconciler(cache, writer, Time, claimController.Enqueue), Time, Logger);

        void ClaimChanged(PersistentVolumeClaim claim)
        {
            claimController.Enqueue(ObjectKey.Of(claim));
            if (!string.IsNullOrEmpty(claim.Spec?.VolumeName))
            {
                volumeController.Enqueue(new ObjectKey(null, claim.Spec.VolumeName));
            }
        }

        void ClaimDeleted(PersistentVolumeClaim claim)
        {
            ClaimChanged(claim);
            foreach (var volume in volumes.Lister.List(null, v => v.Spec?.ClaimRef is { } r && r.Namespace == claim.Metadata.Namespace && r.Name == claim.Metadata.Name))
            {
                volumeController.Enqueue(ObjectKey.Of(volume));
            }
        }

        void VolumeChanged(PersistentVolume volume)
        {
            volumeController.Enqueue(ObjectKey.Of(volume));
            if (volume.Spec?.ClaimRef is { Name: { } name } claimRef)
            {
                claimController.Enqueue(new ObjectKey(claimRef.Namespace, name));
            }
            // A volume that became available may serve a waiting claim.
            foreach (var claim in claims.Lister.List(null, c => c.Status?.Phase == ClaimReconciler.Pending))
            {
                claimController.Enqueue(ObjectKey.Of(claim));
            }
        }

        void PendingClaims()
        {
            foreach (var claim in claims.Lister.List(null, c => c.Status?.Phase != ClaimReconciler.Bound))
            {
                claimController.Enqueue(ObjectKey.Of(claim));
            }
        }

        void PodChanged(Pod pod)
        {
            foreach (var volume in pod.Spec?.Volumes ?? [])
            {
                if (volume.PersistentVolumeClaim is { ClaimName.Length: > 0 } source)
                {
                    claimController.Enqueue(new ObjectKey(pod.Metadata.Namespace, source.ClaimName));
                }
            }
        }

        informers.AddEventHandler(claims, new ResourceEventHandler<PersistentVolumeClaim>(onAdd: ClaimChanged, onUpdate: (_, c) => ClaimChanged(c), onDelete: ClaimDeleted));
        informers.AddEventHandler(volumes, new ResourceEventHandler<PersistentVolume>(onAdd: VolumeChanged, onUpdate: (_, v) => VolumeChanged(v), onDelete: VolumeChanged));
        informers.AddEventHandler(classes, new ResourceEventHandler<StorageClass>(onAdd: _ => PendingClaims(), onUpdate: (_, _) => PendingClaims()));
        informers.AddEventHandler(nodes, new ResourceEventHandler<Node>(
            onAdd: _ => PendingClaims(),
            onUpdate: (before, after) =>
            {
                // The agent announcing its storage root may unblock a provisioning.
                if (before.Metadata.Annotations?.GetValueOrDefault(LocalPath.RootAnnotation) != after.Metadata.Annotations?.GetValueOrDefault(LocalPath.RootAnnotation))
                {
                    PendingClaims();
                }
            }));
        informers.AddEventHandler(pods, new ResourceEventHandler<Pod>(onAdd: PodChanged, onUpdate: (_, p) => PodChanged(p), onDelete: PodChanged));

        await informers.RunAsync(token => Task.WhenAll(claimController.RunAsync(1, token), volumeController.RunAsync(1, token)), ct);
    }

    private sealed class ListerVolumeCache(Lister<PersistentVolumeClaim> claims, Lister<PersistentVolume> volumes, Lister<StorageClass> classes,
        Lister<Node> nodes, Lister<Pod> pods) : IVolumeCache
    {
        public PersistentVolumeClaim? Claim(string ns, string name) => claims.Get(ns, name);

        public PersistentVolume? Volume(string name) => volumes.Get(null, name);

        public IReadOnlyList<PersistentVolume> Volumes() => volumes.List();

        public StorageClass? Class(string name) => classes.Get(null, name);

        public Node? Node(string name) => nodes.Get(null, name);

        public IReadOnlyList<Pod> Pods(string ns) => pods.List(ns);
    }

    private sealed class KubeVolumeWriter(KubeClient client, EventRecorder events, EventRecorder provisionerEvents) : IVolumeWriter
    {
        public Task<PersistentVolumeClaim> UpdateClaimAsync(PersistentVolumeClaim claim, CancellationToken ct) => client.UpdateAsync(claim, ct);

        public Task<PersistentVolumeClaim> UpdateClaimStatusAsync(PersistentVolumeClaim claim, CancellationToken ct) => client.UpdateStatusAsync(claim, ct);

        public Task<PersistentVolume> CreateVolumeAsync(PersistentVolume volume, CancellationToken ct) => client.CreateAsync(volume, ct);

        public Task<PersistentVolume> UpdateVolumeAsync(PersistentVolume volume, CancellationToken ct) => client.UpdateAsync(volume, ct);

        public Task<PersistentVolume> UpdateVolumeStatusAsync(PersistentVolume volume, CancellationToken ct) => client.UpdateStatusAsync(volume, ct);

        public async Task DeleteVolumeAsync(string name, string? uid, CancellationToken ct)
        {
            try
            {
                await client.DeleteAsync<PersistentVolume>(null, name, new DeleteOptions { Preconditions = new Preconditions { Uid = uid } }, ct);
            }
            catch (KubeApiException e) when (e.IsNotFound || e.IsConflict)
            {
                // Gone already, or replaced by a new volume of the same name.
            }
        }

        public void Event(KubeObject about, string type, string reason, string message, bool provisioner = false) =>
            (provisioner ? provisionerEvents : events).Record(about, type, reason, message);
    }
}
