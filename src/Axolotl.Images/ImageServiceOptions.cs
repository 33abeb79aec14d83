using Axolotl.Images.Distribution;
using Axolotl.Images.Snapshots;

namespace Axolotl.Images;

/// <summary>Where a node keeps its images and how it reaches registries.</summary>
public sealed record ImageServiceOptions
{
    /// <summary>The store's directory under a node's data dir.</summary>
    public const string StoreDirectoryName = "image-store";

    /// <summary>The airgap folder under a node's data dir: every archive in it is imported at start (as k3s's agent/images).</summary>
    public const string AirgapDirectoryName = "images";

    /// <summary>The content store, the snapshots and the image list live under this directory.</summary>
    public required string Root { get; init; }

    /// <summary>Mirrors, plain-HTTP registries, credentials and CA files (the node's registries file).</summary>
    public RegistryHosts Registries { get; init; } = RegistryHosts.Empty;

    /// <summary>
    /// OCI image layouts every node of this build has (the seed images, ADR 0007): their names are
    /// imported at start, their layers are read from the layout when a container first needs them.
    /// </summary>
    public IReadOnlyList<string> BundledLayouts { get; init; } = [];

    /// <summary>How much of the image filesystem an unpack may fill (the node sets its imagefs.available eviction threshold).</summary>
    public UnpackSpace UnpackSpace { get; init; } = new();

    /// <summary>
    /// Airgap mode (--airgap): no registry is ever contacted; a name resolves only from the node's store
    /// (the airgap folder, `axolotl images import`, the bundled seed images). Off: a reference's registry is asked.
    /// </summary>
    public bool Airgap { get; init; }

    /// <summary>How long a registry may take to connect, answer and keep sending.</summary>
    public RegistryTimeouts RegistryTimeouts { get; init; } = RegistryTimeouts.Default;

    /// <summary>Credentials of the node itself (a docker config.json), tried after the pod's imagePullSecrets.</summary>
    public IReadOnlyList<RegistryCredential> NodeCredentials { get; init; } = [];
}
