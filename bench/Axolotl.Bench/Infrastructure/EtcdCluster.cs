using System.Diagnostics;
using Axolotl.Testing.Etcd;

namespace Axolotl.Bench.Infrastructure;

/// <summary>Members of one etcd cluster on loopback (Debian's etcd-server), stopped together.</summary>
internal sealed class EtcdCluster : IAsyncDisposable
{
    private readonly IReadOnlyList<EtcdMember> _members;

    private EtcdCluster(IReadOnlyList<EtcdMember> members) => _members = members;

    /// <summary>The client URLs, comma-separated, as `--datastore-endpoint` takes them.</summary>
    public string Endpoints => string.Join(",", _members.Select(m => m.ClientUrl.ToString().TrimEnd('/')));

    public static async Task<EtcdCluster> StartAsync(int size, CancellationToken ct) => new(await EtcdMember.StartClusterAsync(size, ct));

    /// <summary>etcd's version line, for the report.</summary>
    public static string Version()
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(EtcdMember.Binary, "--version") { RedirectStandardOutput = true, UseShellExecute = false });
            var first = process?.StandardOutput.ReadLine() ?? "";
            process?.WaitForExit();
            return "etcd " + first.Replace("etcd Version: ", "", StringComparison.Ordinal).Trim();
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "etcd (version unknown)";
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var member in _members)
        {
            await member.DisposeAsync();
        }
    }
}
