using System.Globalization;
using Axolotl.Api.Meta;
using Axolotl.Client.LeaderElection;

namespace Axolotl.Client.Tests.LeaderElection;

/// <summary>One stored lock object with a version bumped on every write, as the API server keeps a Lease.</summary>
internal sealed class FakeLockStore
{
    private readonly Lock _lock = new();
    private long _version;

    public LeaderElectionRecord? Record { get; private set; }

    /// <summary>While true every call fails as an unreachable server's would (503).</summary>
    public bool Down { get; set; }

    public int Writes { get; private set; }

    public List<string> Events { get; } = [];

    public LeaderElectionRecord? Get()
    {
        lock (_lock)
        {
            ThrowIfDown();
            return Record;
        }
    }

    public LeaderElectionRecord Create(LeaderElectionRecord record)
    {
        lock (_lock)
        {
            ThrowIfDown();
            if (Record is not null)
            {
                throw new KubeApiException(new Status { Code = 409, Reason = "AlreadyExists", Message = "leases.coordination.k8s.io \"lock\" already exists" });
            }
            return Store(record);
        }
    }

    public LeaderElectionRecord Update(LeaderElectionRecord record)
    {
        lock (_lock)
        {
            ThrowIfDown();
            if (Record is null || Record.Version != record.Version)
            {
                throw new KubeApiException(new Status { Code = 409, Reason = "Conflict", Message = "the object has been modified; please apply your changes to the latest version and try again" });
            }
            return Store(record);
        }
    }

    /// <summary>A write by someone else (another candidate, a user's kubectl edit).</summary>
    public void Overwrite(LeaderElectionRecord record)
    {
        lock (_lock)
        {
            Store(record);
        }
    }

    private LeaderElectionRecord Store(LeaderElectionRecord record)
    {
        Writes++;
        Record = record with { Version = (++_version).ToString(CultureInfo.InvariantCulture) };
        return Record;
    }

    private void ThrowIfDown()
    {
        if (Down)
        {
            throw new KubeApiException(new Status { Code = 503, Reason = "ServiceUnavailable", Message = "etcdserver: request timed out" });
        }
    }
}
