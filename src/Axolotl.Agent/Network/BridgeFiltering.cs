using Axolotl.Hosting.HostTools;

namespace Axolotl.Agent.Network;

/// <summary>
/// Traffic between two pods of a node crosses the node's bridge without being routed, so netfilter's IPv4 hooks (the
/// network policy table's forward chain, the kernel service path's conntrack) see it only with the br_netfilter module
/// and <c>net.bridge.bridge-nf-call-iptables</c> at 1, which kubeadm's preflight requires of every node. The agent turns
/// both on where it can; where it cannot, it says so, since policies between pods of one node would then do nothing.
/// </summary>
public static class BridgeFiltering
{
    public const string SysctlPath = "/proc/sys/net/bridge/bridge-nf-call-iptables";

    /// <summary>Null when bridged IPv4 passes netfilter (now or already); else why not.</summary>
    public static Task<string?> EnsureAsync(CancellationToken ct) => EnsureAsync(SysctlPath, LoadModuleAsync, ct);

    /// <summary>The same with the sysctl file and the module loader given (tests).</summary>
    public static async Task<string?> EnsureAsync(string sysctl, Func<CancellationToken, Task<string?>> loadModule, CancellationToken ct)
    {
        if (!File.Exists(sysctl))
        {
            if (await loadModule(ct) is { } failed)
            {
                return $"the br_netfilter module could not be loaded ({failed})";
            }
            if (!File.Exists(sysctl))
            {
                return $"{sysctl} does not exist after loading br_netfilter";
            }
        }
        if ((await File.ReadAllTextAsync(sysctl, ct)).Trim() == "1")
        {
            return null;
        }
        try
        {
            await File.WriteAllTextAsync(sysctl, "1", ct);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"{sysctl} could not be set to 1: {e.Message}";
        }
    }

    private static async Task<string?> LoadModuleAsync(CancellationToken ct)
    {
        try
        {
            var (code, _, errors) = await IpCommand.CaptureAsync("modprobe", ["br_netfilter"], ct);
            return code == 0 ? null : $"modprobe exited {code}: {errors}";
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return $"modprobe: {e.Message}";
        }
    }
}
