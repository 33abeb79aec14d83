namespace Axolotl.Api.Defaulting;

/// <summary>The part of image-reference parsing that defaulting needs: which tag an image asks for.</summary>
public static class ImageReference
{
    /// <summary>
    /// The tag of an image reference: the explicit tag, "latest" when there is neither tag nor
    /// digest, and "" when only a digest is given or the reference is empty.
    /// </summary>
    public static string TagOf(string? image)
    {
        if (string.IsNullOrEmpty(image))
        {
            return "";
        }
        var name = image;
        var hasDigest = false;
        var at = name.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            hasDigest = true;
            name = name[..at];
        }
        var lastSlash = name.LastIndexOf('/');
        var colon = name.LastIndexOf(':');
        if (colon > lastSlash)
        {
            return name[(colon + 1)..];
        }
        return hasDigest ? "" : "latest";
    }
}
