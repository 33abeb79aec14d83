namespace Axolotl.E2E.Tests.Harness;

/// <summary>
/// Removes what a test node left on the machine after its server is gone: processes still in its
/// cgroups, the cgroup directories, its bridge and the service proxy's link (a killed server cannot
/// remove them), and the bridge's forwarding rules. Only names this test run created are touched.
/// </summary>
public static class NodeCleanup
{
    private static readonly string[] Hierarchies = ["unified", "memory", "cpu", "cpuacct", "pids", "devices"];

    /// <param name="runtimeDir">The agent's runtime state directory: the pods listed there get their network namespaces removed.</param>
    public static async Task RemoveAsync(string nodeName, string bridge, string? serviceCidr = null, string? runtimeDir = null)
    {
        await RemoveNetworkNamespacesAsync(runtimeDir);
        var root = $"axolotl-{nodeName}";
        var unified = Path.Combine("/sys/fs/cgroup/unified", root);
        if (Directory.Exists(unified))
        {
            foreach (var dir in Directory.EnumerateDirectories(unified, "*", SearchOption.AllDirectories).OrderByDescending(d => d.Length))
            {
                var kill = Path.Combine(dir, "cgroup.kill");
                if (File.Exists(kill))
                {
                    TryWrite(kill, "1");
                }
            }
            await Task.Delay(300);
        }
        foreach (var hierarchy in Hierarchies)
        {
            var top = Path.Combine("/sys/fs/cgroup", hierarchy, root);
            if (!Directory.Exists(top))
            {
                continue;
            }
            foreach (var dir in Directory.EnumerateDirectories(top, "*", SearchOption.AllDirectories).OrderByDescending(d => d.Length).Append(top))
            {
                try
                {
                    Directory.Delete(dir);
                }
                catch (IOException)
                {
                    // Still populated or already gone; best effort.
                }
            }
        }
        await ProcessRunner.RunAsync("ip", ["link", "del", bridge], timeout: TimeSpan.FromSeconds(10));
        await ProcessRunner.RunAsync("ip", ["link", "del", bridge + "-svc"], timeout: TimeSpan.FromSeconds(10));
        if (serviceCidr is not null)
        {
            await ProcessRunner.RunAsync("ip", ["route", "del", "unreachable", serviceCidr], timeout: TimeSpan.FromSeconds(10));
        }
        foreach (var pref in new[] { "32100", "32101" })
        {
            await ProcessRunner.RunAsync("ip", ["rule", "del", "pref", pref, "iif", bridge], timeout: TimeSpan.FromSeconds(10));
        }
        // The node's egress table (NodeEgress.TableName: test bridges are plain names): masquerade and the per-pod cap.
        await ProcessRunner.RunAsync("nft", ["delete", "table", "ip", "axolotl_egress_" + bridge], timeout: TimeSpan.FromSeconds(10));
        // Its network policy table (NetworkPolicyTable.TableName): left in place, it would drop traffic of later pods given the same addresses.
        await ProcessRunner.RunAsync("nft", ["delete", "table", "inet", "axolotl_netpol_" + bridge], timeout: TimeSpan.FromSeconds(10));
        // Its service standby table (StandbyTable.TableName, ADR 0026): kept by a kill, and left behind it would DNAT later nodes' traffic to gone pods.
        await ProcessRunner.RunAsync("nft", ["delete", "table", "ip", "axolotl_standby_" + bridge], timeout: TimeSpan.FromSeconds(10));
    }

    /// <summary>
    /// Unmounts everything mounted at or below <paramref name="dataDir"/> (pods' volumes: a killed agent cannot),
    /// deepest first, lazily. Left behind, each would be copied into every later mount namespace on the machine,
    /// and the data directory could not be deleted.
    /// </summary>
    public static async Task UnmountUnderAsync(string dataDir)
    {
        var root = dataDir.TrimEnd('/');
        foreach (var mountPoint in MountPointsUnder(root).OrderByDescending(m => m.Length))
        {
            await ProcessRunner.RunAsync("umount", ["--lazy", mountPoint], timeout: TimeSpan.FromSeconds(10));
        }
    }

    private static IEnumerable<string> MountPointsUnder(string root)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines("/proc/self/mountinfo");
        }
        catch (IOException)
        {
            yield break;
        }
        foreach (var line in lines)
        {
            // "ID PARENT MAJ:MIN ROOT MOUNTPOINT ...", with spaces and the like octal-escaped.
            var fields = line.Split(' ');
            if (fields.Length < 5)
            {
                continue;
            }
            var mountPoint = System.Text.RegularExpressions.Regex.Replace(fields[4], @"\\([0-7]{3})", m => ((char)Convert.ToInt32(m.Groups[1].Value, 8)).ToString());
            if (mountPoint == root || mountPoint.StartsWith(root + "/", StringComparison.Ordinal))
            {
                yield return mountPoint;
            }
        }
    }

    /// <summary>A killed server cannot delete its pods' network namespaces (named axl- and the first 12 hex digits of the pod UID).</summary>
    private static async Task RemoveNetworkNamespacesAsync(string? runtimeDir)
    {
        var pods = runtimeDir is null ? null : Path.Combine(runtimeDir, "pods");
        if (pods is null || !Directory.Exists(pods))
        {
            return;
        }
        foreach (var uid in Directory.EnumerateDirectories(pods).Select(Path.GetFileName).OfType<string>())
        {
            var hex = uid.Replace("-", "", StringComparison.Ordinal);
            var name = "axl-" + (hex.Length <= 12 ? hex : hex[..12]);
            if (File.Exists(Path.Combine("/run/netns", name)))
            {
                await ProcessRunner.RunAsync("ip", ["netns", "del", name], timeout: TimeSpan.FromSeconds(10));
            }
        }
    }

    private static void TryWrite(string path, string value)
    {
        try
        {
            File.WriteAllText(path, value);
        }
        catch (IOException)
        {
            // The cgroup went away meanwhile.
        }
    }
}
