namespace Axolotl.Images;

/// <summary>
/// What making an image ready gave: the resolution (the image to run, or the kubelet's waiting reason
/// and message), and how it got there, for the events: pulled now (with times and size), already
/// present.
/// </summary>
public sealed record ImageEnsureResult(ImageResolution Resolution, PullTiming? Pull)
{
    public const string ErrImageNeverPull = "ErrImageNeverPull";

    public static ImageEnsureResult Present(string requested, ResolvedImage image) => new(ImageResolution.Success(requested, image), null);

    public static ImageEnsureResult Pulled(string requested, ResolvedImage image, TimeSpan elapsed, TimeSpan includingWaiting, long size) =>
        new(ImageResolution.Success(requested, image), new PullTiming(elapsed, includingWaiting, size));

    public static ImageEnsureResult Failed(string requested, string reason, string message) =>
        new(ImageResolution.Failure(requested, reason, message), null);
}

/// <summary>How long a pull took (alone, and including the wait for other pulls) and the image's size.</summary>
public sealed record PullTiming(TimeSpan Elapsed, TimeSpan IncludingWaiting, long SizeBytes);
