using System.Globalization;

namespace Axolotl.Runtime.Devices;

/// <summary>
/// One allow rule of a container's device cgroup: a device type ('c' character, 'b' block, 'a' both),
/// a major and minor number (null: any) and the access it grants, a subset of "rwm" (read, write,
/// mknod). Everything no rule allows is denied.
/// </summary>
public sealed record DeviceRule(char Type, long? Major, long? Minor, string Access)
{
    /// <summary>The rule as devices.allow takes it on cgroup v1: "c 1:3 rwm", "b *:* m", "a *:* rwm".</summary>
    public string V1Line => Type == 'a' && Major is null && Minor is null
        ? "a *:* " + Access
        : string.Create(CultureInfo.InvariantCulture, $"{Type} {Number(Major)}:{Number(Minor)} {Access}");

    /// <summary>Whether this rule grants <paramref name="access"/> (any of "rwm") on the device.</summary>
    public bool Allows(char type, long major, long minor, string access) =>
        (Type == 'a' || Type == type)
        && (Major is null || Major == major)
        && (Minor is null || Minor == minor)
        && access.All(a => Access.Contains(a, StringComparison.Ordinal));

    private static string Number(long? n) => n is { } v ? v.ToString(CultureInfo.InvariantCulture) : "*";
}
