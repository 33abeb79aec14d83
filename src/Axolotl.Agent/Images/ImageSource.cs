namespace Axolotl.Agent.Images;

public enum ImageSource
{
    /// <summary>A demo app served by the axolotl-sampleapps executable.</summary>
    BuiltIn,

    /// <summary>busybox, alpine, debian, ubuntu: the container's command runs from the host filesystem.</summary>
    Host,

    /// <summary>An entry of the node's user catalog file.</summary>
    User,

    /// <summary>A real OCI image, pulled or imported: it runs on its own root filesystem.</summary>
    Oci,
}
