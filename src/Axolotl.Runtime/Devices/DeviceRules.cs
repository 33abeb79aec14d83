namespace Axolotl.Runtime.Devices;

/// <summary>
/// The devices a container may use, as containerd's CRI plugin and runc give a Kubernetes container:
/// containerd's default spec denies everything ("a rwm" denied), the privileged flag allows everything
/// (containerd's WithAllDevicesAllowed), and runc always adds its own allow-list
/// (libcontainer/specconv AllowedDevices): mknod of any device, read/write of the standard character
/// devices, the terminals and /dev/net/tun. Nothing else in a pod's spec grants a device upstream
/// (device plugins' allocations are not supported here, and a hostPath volume of a device node gives
/// the node's file, not the right to open it), so nothing else does here.
/// </summary>
public static class DeviceRules
{
    /// <summary>runc's allow-list: what a container that is not privileged gets.</summary>
    public static IReadOnlyList<DeviceRule> Default { get; } =
    [
        // mknod of any node (CAP_MKNOD is a default capability); opening it is what the rest decides.
        new('c', null, null, "m"),
        new('b', null, null, "m"),
        new('c', 1, 3, "rwm"), // null
        new('c', 1, 8, "rwm"), // random
        new('c', 1, 7, "rwm"), // full
        new('c', 5, 0, "rwm"), // tty
        new('c', 1, 5, "rwm"), // zero
        new('c', 1, 9, "rwm"), // urandom
        new('c', 136, null, "rwm"), // /dev/pts/*
        new('c', 5, 2, "rwm"), // ptmx
        // runc removed tun in 1.2.0-rc1 and put it back for the users that relied on it (runc#3468).
        new('c', 10, 200, "rwm"),
    ];

    /// <summary>A privileged container's: every device.</summary>
    public static IReadOnlyList<DeviceRule> AllowAll { get; } = [new('a', null, null, "rwm")];

    public static IReadOnlyList<DeviceRule> For(ContainerSpec spec) =>
        spec.Security?.Privileged == true ? AllowAll : Default;

    /// <summary>Whether any rule grants the access; what the kernel decides on an open or mknod.</summary>
    public static bool Allows(IReadOnlyList<DeviceRule> rules, char type, long major, long minor, string access) =>
        rules.Any(r => r.Allows(type, major, minor, access));
}
