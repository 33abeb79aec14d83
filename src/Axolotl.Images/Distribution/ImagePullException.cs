namespace Axolotl.Images.Distribution;

/// <summary>
/// A pull failed. The message is containerd's text after "failed to pull and unpack image "REF": ",
/// e.g. <c>failed to resolve reference "R": R: not found</c>; the kubelet's ErrImagePull message
/// wraps it as <c>rpc error: code = NotFound|Unknown desc = …</c> according to <see cref="Kind"/>.
/// </summary>
public sealed class ImagePullException(string message, ImagePullFailure kind, Exception? inner = null) : Exception(message, inner)
{
    public ImagePullFailure Kind { get; } = kind;
}

public enum ImagePullFailure
{
    /// <summary>The registry has no such repository, tag or digest.</summary>
    NotFound,

    /// <summary>The registry refused the credentials, or there were none and it wants some.</summary>
    Unauthorized,

    /// <summary>An index without a manifest for this node's platform.</summary>
    Platform,

    /// <summary>Content that does not match its digest or size, or a malformed document.</summary>
    Verification,

    /// <summary>The registry could not be reached (refused, unknown host, timeout).</summary>
    Network,

    /// <summary>Any other registry answer (5xx after retries, unexpected status).</summary>
    Registry,
}
