using Axolotl.Agent.Cleanup;

namespace Axolotl.Commands;

/// <summary>
/// `axolotl reset`: k3s's killall script for one data directory. Every container the node of DIR
/// started is killed (its cgroups and the launcher pids its state records, never a name pattern),
/// its mounts under DIR are detached, and its network namespaces, veths, bridge, service link, ip
/// rules, routes, VXLAN objects and cgroups are removed, with the pods' runtime state, so that the
/// next start sets pods up afresh. Refused while a server or agent runs on DIR; a second run finds
/// nothing to do. The cluster's data (store, certificates, images) stays unless --remove-data.
/// </summary>
public static class ResetCommand
{
    public static readonly IReadOnlySet<string> Flags = new HashSet<string> { "data-dir", "remove-data" };

    public const string Usage = """
        Usage: axolotl reset [--data-dir DIR] [--remove-data]

        Stops every container the node of DIR started and removes every host object it made: its mounts
        under DIR, network namespaces, veths, bridge, service link, ip rules, routes (proto 147 from its
        pod gateway), its egress nftables table (ip axolotl_egress_BRIDGE), its network policy table (inet
        axolotl_netpol_BRIDGE), the VXLAN device and nftables table (when no other node's routes use them) and its
        cgroups (axolotl-NODE under every hierarchy). Objects of other nodes on this machine are not touched:
        they are found through DIR's own record (DIR/host-objects.json) and state. The pods' runtime state
        goes too; the cluster's store, certificates, tokens and images stay, and the next start runs the
        node's pods again from the API. Refused (exit 1) while a server or agent runs on DIR. Running it
        twice is harmless. Exit 0: nothing of the node is left; 1: something could not be removed (listed).

          --data-dir DIR   the server's or agent's data dir (default: $XDG_DATA_HOME/axolotl or ~/.local/share/axolotl)
          --remove-data    afterwards delete DIR itself (k3s-uninstall's part; never across a mount)
        """;

    public static async Task<int> RunAsync(CommandLine args)
    {
        var dataDir = Path.GetFullPath(args.Get("data-dir") ?? DataDirectory.Default());
        if (!Directory.Exists(dataDir))
        {
            Console.WriteLine($"reset: {dataDir} does not exist; nothing to do");
            return 0;
        }
        using var held = DataDirLock.TryTake(dataDir, "reset", out var holder);
        if (held is null)
        {
            await Console.Error.WriteLineAsync($"error: {dataDir} is in use by {holder}; stop it first (SIGTERM), then reset");
            return 1;
        }
        var time = TimeProvider.System;
        var failures = 0;
        if (NodeHostRecord.Load(dataDir) is { } node)
        {
            var (_, outcome) = await NodeHostCleanup.RunAsync(node, CleanupMode.Reset, time, CancellationToken.None);
            Console.WriteLine(outcome.Done.Count == 0
                ? $"reset: nothing of node {node.NodeName} was left on this host"
                : $"reset: node {node.NodeName}: {NodeHostCleanup.Summary(outcome.Done)}");
            failures += Report(outcome);
            // What is still there after the steps: anything listed was not removed.
            var left = HostCleanupTracker.Decide(node, await HostInventoryReader.ReadAsync(node, CancellationToken.None), CleanupMode.Reset).Actions;
            foreach (var action in left)
            {
                await Console.Error.WriteLineAsync($"reset: still there: {action}");
            }
            failures += left.Count;
        }
        else
        {
            // Never a node with real pods here (or a fake one): only mounts under DIR can be left.
            var outcome = await HostCleaner.ApplyAsync(new HostCleanupPlan(
                [.. HostInventoryReader.MountsAtOrUnder(dataDir).OrderByDescending(m => m.Length).Select(m => new CleanupAction(CleanupStep.Unmount, m))], new KeptObjects()),
                time, CancellationToken.None);
            Console.WriteLine($"reset: {dataDir} has no record of host objects ({NodeHostRecord.FileName}); {outcome.Done.Count} mounts detached");
            failures += Report(outcome);
        }
        if (failures == 0 && args.GetBool("remove-data", false))
        {
            try
            {
                MountSafeDelete.Delete(dataDir);
                Console.WriteLine($"reset: removed {dataDir}");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                await Console.Error.WriteLineAsync($"reset: could not remove {dataDir}: {e.Message}");
                failures++;
            }
        }
        return failures == 0 ? 0 : 1;
    }

    private static int Report(CleanupOutcome outcome)
    {
        foreach (var (action, reason) in outcome.Failed)
        {
            Console.Error.WriteLine($"reset: could not {action}: {reason}");
        }
        return outcome.Failed.Count;
    }
}
