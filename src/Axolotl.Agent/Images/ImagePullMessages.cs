using System.Globalization;
using Axolotl.Agent.Restart;

namespace Axolotl.Agent.Images;

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

    public static string BackOff(string image) => ImagePullBackoff.BackOffMessage(image);

    private static TimeSpan Round(TimeSpan t) => TimeSpan.FromMilliseconds(Math.Round(t.TotalMilliseconds));
}
