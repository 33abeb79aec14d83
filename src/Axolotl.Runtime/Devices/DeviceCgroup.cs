namespace Axolotl.Runtime.Devices;

/// <summary>
/// Puts a container's device rules in force in its cgroup, before any of its processes joins it: on
/// cgroup v1 in the devices hierarchy, otherwise as a BPF device filter on its cgroup2 directory.
/// Only the container's own cgroup is restricted; the pod's stays as open as the node's, because on
/// v1 a child can never have more than its parent and a pod may hold privileged and unprivileged
/// containers side by side.
/// </summary>
internal static class DeviceCgroup
{
    /// <summary>
    /// v1: "a" to devices.deny empties the list and denies by default, then one rule per write to
    /// devices.allow (the kernel parses one rule a write). Allowing everything is "a" to devices.allow,
    /// which also clears whatever a reused cgroup denied before.
    /// </summary>
    public static void WriteV1(string devicesDirectory, IReadOnlyList<DeviceRule> rules)
    {
        var allow = Path.Combine(devicesDirectory, "devices.allow");
        if (rules.Count == 1 && rules[0] is { Type: 'a', Major: null, Minor: null, Access: "rwm" })
        {
            File.WriteAllText(allow, "a");
            return;
        }

        File.WriteAllText(Path.Combine(devicesDirectory, "devices.deny"), "a");
        foreach (var rule in rules)
        {
            File.WriteAllText(allow, rule.V1Line);
        }
    }

    /// <summary>cgroup2: the rules compiled to a device program, attached in place of any before it.</summary>
    public static void AttachV2(string cgroupDirectory, IReadOnlyList<DeviceRule> rules) =>
        BpfDeviceFilter.Attach(cgroupDirectory, rules);
}
