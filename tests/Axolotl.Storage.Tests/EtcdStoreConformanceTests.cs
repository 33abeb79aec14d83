using Axolotl.Storage.Etcd;
using Axolotl.Testing.Etcd;

namespace Axolotl.Storage.Tests;

/// <summary>
/// The conformance suite against a real etcd: each store gets a fresh single-member cluster (etcd's
/// revisions and compaction are cluster-wide, so stores cannot share one).
/// </summary>
public sealed class EtcdStoreConformanceTests : StoreConformanceTests
{
    private readonly List<EtcdMember> _members = [];

    protected override long EmptyRevision => 1;

    protected override bool SendsProgress => false;

    protected override async Task<IStore> CreateStoreCoreAsync(int watchChannelCapacity)
    {
        var member = await EtcdMember.StartAsync(Ct);
        _members.Add(member);
        var options = new EtcdStoreOptions
        {
            Endpoints = [member.ClientUrl],
            CompactionInterval = TimeSpan.Zero,
            WatchChannelCapacity = watchChannelCapacity,
        };
        return await EtcdStore.OpenAsync(options, TimeProvider.System, Ct);
    }

    public override async Task DisposeAsync()
    {
        try
        {
            await base.DisposeAsync();
        }
        finally
        {
            foreach (var member in _members)
            {
                await member.DisposeAsync();
            }
        }
    }
}
