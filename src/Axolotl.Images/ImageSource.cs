namespace Axolotl.Images;

public enum ImageSource
{
    /// <summary>A real OCI image, pulled or imported: it runs on its own root filesystem.</summary>
    Oci,
}
