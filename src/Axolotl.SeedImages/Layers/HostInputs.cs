namespace Axolotl.SeedImages.Layers;

/// <summary>
/// Where the seed images' host inputs are found. Two environment variables move them, so a test can
/// arrange a fresh machine without installing or removing anything: AXOLOTL_SEED_BUSYBOX (the static
/// busybox, default /bin/busybox) and AXOLOTL_SEED_DPKG_ADMINDIR (dpkg's database, default dpkg's own;
/// an empty folder means no package is installed).
/// </summary>
public static class HostInputs
{
    public static string Busybox =>
        Environment.GetEnvironmentVariable("AXOLOTL_SEED_BUSYBOX") is { Length: > 0 } path ? path : "/bin/busybox";

    public static string? DpkgAdminDirectory =>
        Environment.GetEnvironmentVariable("AXOLOTL_SEED_DPKG_ADMINDIR") is { Length: > 0 } path ? path : null;
}
