using System.Diagnostics;
using System.Net;

namespace Axolotl.Proxy.Tests;

/// <summary>
/// A link (an empty bridge: this kernel has no dummy links) holding one address from the pod range, for backends that stand in for pods:
/// endpoint addresses may not be loopback (as upstream validates them), so a backend that a Service
/// leads to listens here. Named and numbered after the test process; removed on dispose. Needs root.
/// </summary>
public sealed class PodAddressLink : IAsyncDisposable
{
    private PodAddressLink(string name, IPAddress address)
    {
        Name = name;
        Address = address;
    }

    public string Name { get; }

    public IPAddress Address { get; }

    public static async Task<PodAddressLink> CreateAsync()
    {
        var id = Environment.ProcessId % 10000;
        var link = new PodAddressLink($"axlpt{id}", IPAddress.Parse($"10.244.254.{1 + (Environment.ProcessId % 250)}"));
        await RunAsync("ip", "link", "del", link.Name);
        await RunAsync("ip", "link", "add", link.Name, "type", "bridge");
        await RunAsync("ip", "addr", "add", $"{link.Address}/32", "dev", link.Name);
        var up = await RunAsync("ip", "link", "set", link.Name, "up");
        return up == 0 ? link : throw new InvalidOperationException($"cannot bring up {link.Name}");
    }

    public async ValueTask DisposeAsync() => await RunAsync("ip", "link", "del", Name);

    private static async Task<int> RunAsync(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            psi.ArgumentList.Add(arg);
        }
        using var process = Process.Start(psi)!;
        await process.StandardOutput.ReadToEndAsync();
        await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode;
    }
}
