using Axolotl.E2E.Tests.Harness;
using Axolotl.Testing.Etcd;

namespace Axolotl.E2E.Tests.Etcd;

/// <summary>A server whose store is an etcd member started for it (and removed with it).</summary>
public sealed class EtcdServerFixture : ServerFixture
{
    private EtcdMember? _etcd;

    public EtcdMember Etcd => _etcd ?? throw new InvalidOperationException("the fixture is not initialised");

    protected override IReadOnlyList<string> ServerArgs => ["--datastore-endpoint", Etcd.ClientUrl.ToString(), "--local-agent", "false"];

    public override async Task InitializeAsync()
    {
        _etcd = await EtcdMember.StartAsync(CancellationToken.None);
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        try
        {
            await base.DisposeAsync();
        }
        finally
        {
            if (_etcd is not null)
            {
                await _etcd.DisposeAsync();
            }
        }
    }
}
