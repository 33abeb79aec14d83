namespace Axolotl.Images.Oci;

/// <summary>The media types of the OCI image spec and of Docker's schema 2, which registries still serve.</summary>
public static class OciMediaTypes
{
    public const string ImageIndex = "application/vnd.oci.image.index.v1+json";
    public const string ImageManifest = "application/vnd.oci.image.manifest.v1+json";
    public const string ImageConfig = "application/vnd.oci.image.config.v1+json";
    public const string Layer = "application/vnd.oci.image.layer.v1.tar";
    public const string LayerGzip = "application/vnd.oci.image.layer.v1.tar+gzip";
    public const string LayerZstd = "application/vnd.oci.image.layer.v1.tar+zstd";
    public const string LayerNonDistributableGzip = "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip";

    public const string DockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json";
    public const string DockerManifest = "application/vnd.docker.distribution.manifest.v2+json";
    public const string DockerConfig = "application/vnd.docker.container.image.v1+json";
    public const string DockerLayerGzip = "application/vnd.docker.image.rootfs.diff.tar.gzip";
    public const string DockerForeignLayerGzip = "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip";

    /// <summary>What a manifest request accepts, in containerd's order of preference.</summary>
    public static readonly IReadOnlyList<string> ManifestAccept = [ImageIndex, DockerManifestList, ImageManifest, DockerManifest];

    public static bool IsIndex(string? mediaType) => mediaType is ImageIndex or DockerManifestList;

    public static bool IsManifest(string? mediaType) => mediaType is ImageManifest or DockerManifest;

    /// <summary>How a layer blob is compressed, from its media type; null when the type is not a layer Axolotl can unpack.</summary>
    public static LayerCompression? CompressionOf(string? mediaType) => mediaType switch
    {
        Layer or "application/vnd.docker.image.rootfs.diff.tar" => LayerCompression.None,
        LayerGzip or DockerLayerGzip or LayerNonDistributableGzip or DockerForeignLayerGzip => LayerCompression.Gzip,
        LayerZstd => LayerCompression.Zstd,
        _ => null,
    };
}

public enum LayerCompression
{
    None,
    Gzip,
    Zstd,
}
