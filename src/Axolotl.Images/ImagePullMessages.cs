using System.Globalization;
using Axolotl.Api.Meta;
using Axolotl.Images.Distribution;

namespace Axolotl.Images;

/// <summary>Event messages of the image steps, worded as the kubelet's (reasons Pulling, Pulled, Failed, BackOff).</summary>
public static class ImagePullMessages
{
    public static string Pulling(string image) => $"Pulling image \"{image}\"";

    public static string Pulled(string image, TimeSpan elapsed, TimeSpan includingWaiting, long sizeBytes) =>
        string.Create(CultureInfo.InvariantCulture,
            $"Successfully pulled image \"{image}\" in {GoDuration.Format(Round(elapsed))} ({GoDuration.Format(Round(includingWaiting))} including waiting). Image size: {sizeBytes} bytes.");

    public static string AlreadyPresent(string image) => $"Container image \"{image}\" already present on machine";

    public static string FailedToPull(string image, string error) => $"Failed to pull image \"{image}\": {error}";

    /// <summary>The Failed event that follows a pull failure: "Error: ErrImagePull" / "Error: ImagePullBackOff".</summary>
    public static string Error(string reason) => $"Error: {reason}";

    /// <summary>
    /// A name an airgap node does not hold, in the shape of containerd's NotFound, saying that no registry
    /// was asked and how the image gets onto the node.
    /// </summary>
    public static string NotInAirgapStore(ImageReference reference)
    {
        var r = reference.Canonical;
        return $"rpc error: code = NotFound desc = failed to pull and unpack image \"{r}\": airgap mode (--airgap): no registry is contacted and this node's image store has no \"{r}\"; "
            + "import it with `axolotl images import FILE` (a docker save or OCI archive), or put the archive in the node's airgap folder (DATA/agent/images/) and restart the node";
    }

    /// <summary>The kubelet's message for a reference it cannot parse (InvalidImageName).</summary>
    public static string InvalidName(string image) =>
        $"Failed to apply default image tag \"{image}\": couldn't parse image name \"{image}\": invalid reference format";

    /// <summary>The BackOff event while a pull waits out its back-off.</summary>
    public static string BackOff(string image) => $"Back-off pulling image \"{image}\"";

    /// <summary>
    /// The ImagePullBackOff waiting message: since 1.32 the kubelet adds the last pull's error, "REASON: MESSAGE"
    /// (kubernetes#127918), so the cause stays visible after ErrImagePull is gone.
    /// </summary>
    public static string BackOffWaiting(string image, string? lastError) =>
        lastError is null ? BackOff(image) : $"{BackOff(image)}: {lastError}";

    /// <summary>What a failed pull leaves for the back-off's message: "ErrImagePull: " and the pull's error.</summary>
    public static string LastPullError(string reason, string? message) => $"{reason}: {message}";

    private static TimeSpan Round(TimeSpan t) => TimeSpan.FromMilliseconds(Math.Round(t.TotalMilliseconds));
}
