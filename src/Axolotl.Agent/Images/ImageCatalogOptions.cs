namespace Axolotl.Agent.Images;

/// <summary>Node-level image settings.</summary>
public sealed record ImageCatalogOptions
{
    /// <summary>Path of axolotl-sampleapps (or its dll); default: next to the axolotl binary.</summary>
    public string? SampleAppsPath { get; init; }

    /// <summary>Optional YAML file with the node's own images (see <see cref="UserImageCatalog"/>).</summary>
    public string? UserCatalogPath { get; init; }

    /// <summary>The host busybox used by the busybox image; default: looked up in /usr/bin and /bin. Empty string disables it.</summary>
    public string? BusyboxPath { get; init; }

    /// <summary>Where to look for the sample apps when <see cref="SampleAppsPath"/> is unset; default AppContext.BaseDirectory.</summary>
    public string? BaseDirectory { get; init; }
}
