namespace Axolotl.Images;

/// <summary>
/// What making an image ready gave: the resolution (the image to run, or the kubelet's waiting reason
/// and message), and how it got there, for the events: pulled now (with times and size), already
/// present.
/// </summary>
public sealed record ImageEnsureResult(ImageResolution Resolution, PullTiming? Pull)
{
    public const string ErrImageNeverPull = "ErrImageNeverPull";

    /// <summary>An image present on the node whose layers cannot be prepared: no pull is tried, the creation fails.</summary>
    public const string CreateContainerError = "CreateContainerError";

    public static ImageEnsureResult Present(string requested, ResolvedImage image) => new(ImageResolution.Success(requested, image), null);

    public static ImageEnsureResult Pulled(string requested, ResolvedImage image, TimeSpan elapsed, TimeSpan includingWaiting, long size) =>
        new(ImageResolution.Success(requested, image), new PullTiming(elapsed, includingWaiting, size));

    public static ImageEnsureResult Failed(string requested, string reason, string message) =>
        new(ImageResolution.Failure(requested, reason, message), null);
}

/// <summary>How long a pull took (alone, and including the wait for other pulls) and the image's size.</summary>
public sealed record PullTiming(TimeSpan Elapsed, TimeSpan IncludingWaiting, long SizeBytes);
