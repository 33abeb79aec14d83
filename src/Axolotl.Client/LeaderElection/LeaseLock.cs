using Axolotl.Api.Coordination;
using Axolotl.Api.Core;
using Axolotl.Api.Meta;
using Axolotl.Client.Events;

namespace Axolotl.Client.LeaderElection;

/// <summary>
/// An election held on a coordination.k8s.io/v1 Lease, as client-go's LeaseLock: the record is the
/// Lease's spec, and an update carries the resourceVersion the Lease was read at, so the API server
/// refuses it (409) when another candidate wrote in between.
/// </summary>
public sealed class LeaseLock(KubeClient client, string ns, string name, string identity, EventRecorder? events) : IResourceLock
{
    private Lease? _lease;

    public string Describe => $"{ns}/{name}";

    public async Task<LeaderElectionRecord?> GetAsync(CancellationToken ct)
    {
        var lease = await client.Resource<Lease>().TryGetAsync(ns, name, ct);
        _lease = lease;
        return lease is null ? null : ToRecord(lease);
    }

    public async Task<LeaderElectionRecord> CreateAsync(LeaderElectionRecord record, CancellationToken ct)
    {
        var lease = new Lease
        {
            ApiVersion = "coordination.k8s.io/v1",
            Kind = "Lease",
            Metadata = new ObjectMeta { Name = name, Namespace = ns },
            Spec = ToSpec(record, null),
        };
        _lease = await client.CreateAsync(lease, ct);
        return ToRecord(_lease);
    }

    public async Task<LeaderElectionRecord> UpdateAsync(LeaderElectionRecord record, CancellationToken ct)
    {
        if (_lease is null || _lease.Metadata.ResourceVersion != record.Version)
        {
            // The record was not read through this lock: write it at the version it names, no later one.
            _lease = new Lease
            {
                ApiVersion = "coordination.k8s.io/v1",
                Kind = "Lease",
                Metadata = new ObjectMeta { Name = name, Namespace = ns },
            };
        }
        var lease = _lease;
        lease.Metadata.ResourceVersion = record.Version ?? throw new InvalidOperationException("an update needs the version the record was read at");
        lease.Spec = ToSpec(record, lease.Spec);
        _lease = await client.UpdateAsync(lease, ct);
        return ToRecord(_lease);
    }

    public void RecordEvent(string message)
    {
        if (events is null)
        {
            return;
        }
        var subject = new ObjectReference
        {
            Kind = "Lease",
            ApiVersion = "coordination.k8s.io/v1",
            Namespace = ns,
            Name = name,
            Uid = _lease?.Metadata.Uid,
            ResourceVersion = _lease?.Metadata.ResourceVersion,
        };
        events.Record(subject, EventRecorder.Normal, "LeaderElection", $"{identity} {message}");
    }

    private static LeaseSpec ToSpec(LeaderElectionRecord record, LeaseSpec? old) => new()
    {
        HolderIdentity = record.HolderIdentity,
        LeaseDurationSeconds = record.LeaseDurationSeconds,
        AcquireTime = record.AcquireTime,
        RenewTime = record.RenewTime,
        LeaseTransitions = record.LeaseTransitions,
        // Coordinated leader election's fields are not ours to clear.
        Strategy = old?.Strategy,
        PreferredHolder = old?.PreferredHolder,
        ExtensionData = old?.ExtensionData,
    };

    private static LeaderElectionRecord ToRecord(Lease lease) => new()
    {
        HolderIdentity = lease.Spec?.HolderIdentity ?? "",
        LeaseDurationSeconds = lease.Spec?.LeaseDurationSeconds ?? 0,
        AcquireTime = lease.Spec?.AcquireTime,
        RenewTime = lease.Spec?.RenewTime,
        LeaseTransitions = lease.Spec?.LeaseTransitions ?? 0,
        Version = lease.Metadata.ResourceVersion,
    };
}
