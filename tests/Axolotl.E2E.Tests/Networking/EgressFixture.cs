using Axolotl.E2E.Tests.Harness;

namespace Axolotl.E2E.Tests.Networking;

/// <summary>
/// A server whose node's resolv.conf (--resolv-conf) names the remote network's resolver and whose
/// pods may each hold 20 connections through the node (--conntrack-max-per-pod). The remote network
/// is made before the server and removed after it, even when the server fails to start.
/// </summary>
public sealed class EgressFixture : ServerFixture
{
    public const int ConntrackMaxPerPod = 20;
    private readonly string _dir = Directory.CreateTempSubdirectory("axolotl-e2e-egress-").FullName;
    private RemoteNetwork? _remote;

    public RemoteNetwork Remote => _remote ?? throw new InvalidOperationException("the fixture is not initialised");

    /// <summary>What the node's resolv.conf says: the remote resolver and a search domain.</summary>
    public string NodeResolvConf => $"nameserver {Remote.DnsAddress}\nsearch remote.test\noptions timeout:3\n";

    protected override IReadOnlyList<string> ServerArgs =>
        ["--resolv-conf", Path.Combine(_dir, "resolv.conf"), "--conntrack-max-per-pod", ConntrackMaxPerPod.ToString()];

    public override async Task InitializeAsync()
    {
        _remote = await RemoteNetwork.StartAsync(_dir);
        try
        {
            await File.WriteAllTextAsync(Path.Combine(_dir, "resolv.conf"), NodeResolvConf);
            await base.InitializeAsync();
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    public override async Task DisposeAsync()
    {
        try
        {
            await base.DisposeAsync();
        }
        finally
        {
            if (_remote is not null)
            {
                await _remote.DisposeAsync();
            }
            Directory.Delete(_dir, recursive: true);
        }
    }
}
