using System.Globalization;
using Axolotl.Agent.Network;
using Axolotl.Runtime.Network;

namespace Axolotl.Agent.Cleanup;

/// <summary>
/// Decides what of a node's host objects go and what stay, from an inventory and the mode (no I/O).
/// The rule (docs/adr/0015-host-cleanup.md): pods survive a stop by design, so a stop keeps what the
/// pods the next start re-adopts need (their namespaces, veths, cgroups and mounts, and the bridge,
/// rules and routes their traffic takes) and removes the rest; with no such pod it removes everything.
/// A start removes what belongs to no pod it will re-adopt and leaves the node's own objects, which it
/// makes again anyway. A reset removes everything. Decision order:
/// 1. which pods survive (Reset: none; Start: checkpointed; Stop: checkpointed or still running);
/// 2. for every other pod: kill its processes, unmount, delete its namespace and veth, its cgroups, its state;
/// 3. with no pod left (Stop, Reset): the node's bridge, service link, rules, routes, egress, network policy and service standby tables, VXLAN objects, cgroup root.
/// </summary>
public static class HostCleanupTracker
{
    public const string VxlanTable = "inet " + VxlanFilter.Table;

    public static HostCleanupPlan Decide(NodeHostRecord node, HostInventory inventory, CleanupMode mode)
    {
        var pods = new SortedSet<string>(StringComparer.Ordinal);
        pods.UnionWith(inventory.RuntimePods);
        pods.UnionWith(inventory.CheckpointedPods);
        pods.UnionWith(inventory.AgentPods);
        pods.UnionWith(inventory.Containers.Select(c => c.PodUid));
        pods.UnionWith(inventory.Cgroups.Select(c => PodOf(node, c)).OfType<string>());

        var surviving = mode switch
        {
            CleanupMode.Reset => [],
            CleanupMode.Start => pods.Where(inventory.CheckpointedPods.Contains).ToHashSet(StringComparer.Ordinal),
            // A pod still running without a checkpoint (its first write was in flight) is kept too: a stop never kills.
            _ => pods.Where(uid => inventory.CheckpointedPods.Contains(uid) || IsLive(node, inventory, uid)).ToHashSet(StringComparer.Ordinal),
        };
        var removed = pods.Where(uid => !surviving.Contains(uid)).ToList();
        var nodeLevel = mode != CleanupMode.Start && surviving.Count == 0;
        var actions = new List<CleanupAction>();

        // 1. Processes first: nothing may hold a mount, a namespace or a cgroup that goes next.
        foreach (var uid in removed)
        {
            actions.AddRange(inventory.Cgroups.Where(c => PodOf(node, c) == uid && c.Members > 0).OrderByDescending(c => Depth(c.Relative))
                .Select(c => new CleanupAction(CleanupStep.KillCgroup, c.Path)));
            actions.AddRange(inventory.Containers.Where(c => c.PodUid == uid && c.Alive)
                .Select(c => new CleanupAction(CleanupStep.KillProcess, c.Pid.ToString(CultureInfo.InvariantCulture)) { StartTicks = c.StartTicks }));
        }
        if (mode == CleanupMode.Reset)
        {
            actions.AddRange(inventory.Cgroups.Where(c => PodOf(node, c) is null && c.Members > 0).Select(c => new CleanupAction(CleanupStep.KillCgroup, c.Path)));
        }

        // 2. Mounts, deepest first, before any directory that holds them is touched.
        var removedPodDirs = removed.SelectMany(uid => PodDirectories(node, uid)).ToList();
        var unmounts = inventory.Mounts
            .Where(m => mode == CleanupMode.Reset || (nodeLevel && UnderPods(node, m)) || removedPodDirs.Any(d => IsAtOrUnder(m, d)))
            .OrderByDescending(Depth).ThenBy(m => m, StringComparer.Ordinal).ToList();
        actions.AddRange(unmounts.Select(m => new CleanupAction(CleanupStep.Unmount, m)));

        // 3. Network: the removed pods' namespaces and veths; every other port of this node's bridge is stale.
        actions.AddRange(removed.Select(PodNetwork.NamespaceName).Where(inventory.Namespaces.Contains)
            .Select(ns => new CleanupAction(CleanupStep.DeleteNamespace, ns)));
        var keptVeths = surviving.Select(uid => PodNetwork.HostVethName(node.Bridge, uid)).ToHashSet(StringComparer.Ordinal);
        var staleVeths = inventory.BridgePorts.Where(p => !keptVeths.Contains(p))
            .Concat(removed.Select(uid => PodNetwork.HostVethName(node.Bridge, uid)).Where(inventory.Links.Contains))
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        actions.AddRange(staleVeths.Select(v => new CleanupAction(CleanupStep.DeleteLink, v)));

        var ourRules = inventory.Rules.Where(r => r.InputInterface == node.Bridge && r.Preference is NodeRouting.AllowPreference or NodeRouting.RefusePreference).ToList();
        var ourRoutes = inventory.Routes.Where(r => r.Protocol == HostGatewayRoutes.Protocol && r.Source == node.Gateway).ToList();
        var egressTable = NodeEgress.QualifiedTableName(node.Bridge);
        var egressOurs = inventory.NftTables.Contains(egressTable);
        var policyTable = NetworkPolicies.NetworkPolicyTable.QualifiedTableName(node.Bridge);
        var policyOurs = inventory.NftTables.Contains(policyTable);
        var standbyOurs = node.ServiceStandbyTable is { } standbyTable && inventory.NftTables.Contains(standbyTable);
        var vxlanOurs = node.PodNetwork == "vxlan" && inventory.Links.Contains(VxlanRoutes.Device) &&
            !inventory.Routes.Any(r => r.Device == VxlanRoutes.Device && r.Protocol == HostGatewayRoutes.Protocol && r.Source != node.Gateway);
        if (nodeLevel)
        {
            foreach (var link in new[] { node.Bridge, node.ServiceInterface }.OfType<string>().Where(inventory.Links.Contains))
            {
                actions.Add(new CleanupAction(CleanupStep.DeleteLink, link));
            }
            actions.AddRange(ourRules.Select(r => new CleanupAction(CleanupStep.DeleteRule,
                $"pref {r.Preference.ToString(CultureInfo.InvariantCulture)} iif {r.InputInterface}")));
            actions.AddRange(ourRoutes.Select(r => new CleanupAction(CleanupStep.DeleteRoute, $"{r.Destination} proto {HostGatewayRoutes.Protocol.ToString(CultureInfo.InvariantCulture)}")));
            if (node.ServiceCidr is { } range && inventory.Routes.Any(r => r.Type == "unreachable" && r.Destination == range))
            {
                actions.Add(new CleanupAction(CleanupStep.DeleteRoute, $"unreachable {range}"));
            }
            if (egressOurs)
            {
                actions.Add(new CleanupAction(CleanupStep.DeleteNftTable, egressTable));
            }
            if (policyOurs)
            {
                actions.Add(new CleanupAction(CleanupStep.DeleteNftTable, policyTable));
            }
            if (standbyOurs)
            {
                actions.Add(new CleanupAction(CleanupStep.DeleteNftTable, node.ServiceStandbyTable!));
            }
            if (vxlanOurs)
            {
                actions.Add(new CleanupAction(CleanupStep.DeleteLink, VxlanRoutes.Device));
                if (inventory.NftTables.Contains(VxlanTable))
                {
                    actions.Add(new CleanupAction(CleanupStep.DeleteNftTable, VxlanTable));
                }
            }
        }

        // 4. Cgroups, children before parents: the removed pods', the empty ones of exited containers, and with no pod left the root.
        var cgroups = inventory.Cgroups
            .Where(c => nodeLevel || (PodOf(node, c) is { } uid && (!surviving.Contains(uid) || (Depth(c.Relative) >= 2 && !Populated(inventory, c)))))
            .OrderByDescending(c => Depth(c.Relative)).ThenBy(c => c.Path, StringComparer.Ordinal).ToList();
        actions.AddRange(cgroups.Select(c => new CleanupAction(CleanupStep.RemoveCgroup, c.Path)));

        // 5. The removed pods' state, so that no later start mistakes it for a pod to re-adopt.
        foreach (var uid in removed)
        {
            actions.AddRange(PodDirectories(node, uid).Where(d =>
                    (d.StartsWith(node.RuntimeDir + "/", StringComparison.Ordinal) && inventory.RuntimePods.Contains(uid)) ||
                    (d.StartsWith(node.AgentDir + "/", StringComparison.Ordinal) && (inventory.AgentPods.Contains(uid) || inventory.CheckpointedPods.Contains(uid))))
                .Select(d => new CleanupAction(CleanupStep.RemoveDirectory, d)));
        }
        actions.AddRange(inventory.Addresses.Where(a => !surviving.Contains(a.PodUid)).Select(a => new CleanupAction(CleanupStep.RemoveFile, a.File)));

        var kept = surviving.Count == 0 ? new KeptObjects() : new KeptObjects
        {
            Pods = [.. surviving.Order(StringComparer.Ordinal)],
            Bridge = inventory.Links.Contains(node.Bridge) ? node.Bridge : null,
            Namespaces = [.. surviving.Select(PodNetwork.NamespaceName).Where(inventory.Namespaces.Contains).Order(StringComparer.Ordinal)],
            Veths = inventory.BridgePorts.Count(keptVeths.Contains),
            Rules = ourRules.Count,
            Routes = ourRoutes.Count,
            Egress = egressOurs,
            NetworkPolicy = policyOurs,
            ServiceStandby = standbyOurs,
            Vxlan = vxlanOurs,
            CgroupDirectories = inventory.Cgroups.Count - cgroups.Count,
            Mounts = inventory.Mounts.Count - unmounts.Count,
            RunningContainers = inventory.Containers.Count(c => c.Alive && surviving.Contains(c.PodUid)),
        };
        return new HostCleanupPlan(actions, kept);
    }

    /// <summary>The pod a cgroup directory belongs to: ROOT/UID/… ; null for the root.</summary>
    public static string? PodOf(NodeHostRecord node, CgroupEntry cgroup)
    {
        var parts = cgroup.Relative.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return parts.Length >= 2 && parts[0] == node.CgroupRoot ? parts[1] : null;
    }

    /// <summary>The pod's directories in the agent's data and in the runtime's state.</summary>
    public static IReadOnlyList<string> PodDirectories(NodeHostRecord node, string uid) =>
        [Path.Combine(node.AgentDir, "pods", uid), Path.Combine(node.RuntimeDir, "pods", uid)];

    private static bool IsLive(NodeHostRecord node, HostInventory inventory, string uid) =>
        inventory.Containers.Any(c => c.PodUid == uid && c.Alive) || inventory.Cgroups.Any(c => PodOf(node, c) == uid && c.Members > 0);

    /// <summary>Members in the directory or below it.</summary>
    private static bool Populated(HostInventory inventory, CgroupEntry cgroup) =>
        inventory.Cgroups.Any(c => c.Members > 0 && IsAtOrUnder(c.Path, cgroup.Path));

    private static bool UnderPods(NodeHostRecord node, string mount) =>
        IsAtOrUnder(mount, Path.Combine(node.AgentDir, "pods")) || IsAtOrUnder(mount, Path.Combine(node.RuntimeDir, "pods"));

    private static bool IsAtOrUnder(string path, string directory) =>
        path == directory || path.StartsWith(directory.TrimEnd('/') + "/", StringComparison.Ordinal);

    private static int Depth(string path) => path.Count(c => c == '/');
}
