using System.Diagnostics;
using System.Net;
using System.Runtime.InteropServices;

namespace Axolotl.Testing;

/// <summary>
/// A network namespace joined to this test's namespace by a veth pair on a /30: <see cref="HostAddress"/> on the host
/// side, <see cref="PeerAddress"/> on the namespace's eth0. Named and numbered after the test process, so parallel test
/// processes never share one; an earlier run's leftover of the same name is removed first, and dispose removes it.
/// Code that must be inside runs on a thread that joined the namespace (a socket belongs to its thread's namespace).
/// Needs root; never reaches beyond the machine.
/// </summary>
public sealed partial class VethNamespace : IAsyncDisposable
{
    private const int CloneNewNet = 0x40000000;

    private VethNamespace(string prefix, int secondOctetOfNet10, int id)
    {
        Name = $"{prefix}{id}";
        HostLink = $"{prefix}h{id}";
        HostAddress = IPAddress.Parse($"10.{secondOctetOfNet10}.{id % 250}.1");
        PeerAddress = IPAddress.Parse($"10.{secondOctetOfNet10}.{id % 250}.2");
    }

    public string Name { get; }

    /// <summary>The veth end that stays in the test's namespace.</summary>
    public string HostLink { get; }

    public IPAddress HostAddress { get; }

    public IPAddress PeerAddress { get; }

    /// <param name="prefix">Short (interface names hold 15 characters with the pid after it).</param>
    /// <param name="secondOctetOfNet10">Which 10.N.0.0/16 this kind of namespace numbers its /30s in.</param>
    /// <param name="routeViaHost">A default route through the host, as a machine beside the node has.</param>
    /// <param name="forwarding">IPv4 forwarding on inside, as a node that routes for its pods has.</param>
    public static async Task<VethNamespace> CreateAsync(string prefix, int secondOctetOfNet10, bool routeViaHost = false, bool forwarding = false)
    {
        var ns = new VethNamespace(prefix, secondOctetOfNet10, Environment.ProcessId % 10000);
        await ns.DisposeAsync();
        await OkAsync("ip", "netns", "add", ns.Name);
        await OkAsync("ip", "link", "add", ns.HostLink, "type", "veth", "peer", "name", "eth0", "netns", ns.Name);
        await OkAsync("ip", "addr", "add", $"{ns.HostAddress}/30", "dev", ns.HostLink);
        await OkAsync("ip", "link", "set", ns.HostLink, "up");
        await OkAsync("ip", "-n", ns.Name, "addr", "add", $"{ns.PeerAddress}/30", "dev", "eth0");
        await OkAsync("ip", "-n", ns.Name, "link", "set", "eth0", "up");
        await OkAsync("ip", "-n", ns.Name, "link", "set", "lo", "up");
        if (routeViaHost)
        {
            await OkAsync("ip", "-n", ns.Name, "route", "add", "default", "via", ns.HostAddress.ToString());
        }
        if (forwarding)
        {
            await OkAsync("ip", "netns", "exec", ns.Name, "sysctl", "-qw", "net.ipv4.ip_forward=1");
        }
        return ns;
    }

    /// <summary>Runs <paramref name="work"/> on a new thread inside the namespace; the task ends with its result.</summary>
    public Task<T> RunInsideAsync<T>(Func<T> work, string threadName = "in-netns")
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                Join();
                done.SetResult(work());
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        })
        { IsBackground = true, Name = threadName };
        thread.Start();
        return done.Task;
    }

    /// <summary>Runs a command inside the namespace (<c>ip netns exec</c>) with <paramref name="stdin"/>; returns its exit code and stderr.</summary>
    public async Task<(int ExitCode, string Errors)> ExecAsync(string? stdin, params string[] command)
    {
        var psi = new ProcessStartInfo("ip") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "netns", "exec", Name }.Concat(command))
        {
            psi.ArgumentList.Add(arg);
        }
        using var process = Process.Start(psi)!;
        await process.StandardInput.WriteAsync(stdin ?? "");
        process.StandardInput.Close();
        var errors = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await errors);
    }

    public async ValueTask DisposeAsync()
    {
        await RunAsync("ip", "link", "del", HostLink);
        await RunAsync("ip", "netns", "del", Name);
    }

    private void Join()
    {
        using var handle = File.OpenHandle(Path.Combine("/run/netns", Name));
        if (SetNs((int)handle.DangerousGetHandle(), CloneNewNet) != 0)
        {
            throw new InvalidOperationException($"setns({Name}) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    private static async Task OkAsync(string file, params string[] args)
    {
        var (exitCode, errors) = await RunAsync(file, args);
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({exitCode}): {errors}");
        }
    }

    private static async Task<(int ExitCode, string Errors)> RunAsync(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            psi.ArgumentList.Add(arg);
        }
        using var process = Process.Start(psi)!;
        var errors = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await errors);
    }

    [LibraryImport("libc", EntryPoint = "setns", SetLastError = true)]
    private static partial int SetNs(int fd, int nstype);
}
