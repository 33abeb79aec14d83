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

    /// <summary>
    /// containerd's error for a reference no registry has, as the kubelet reports it: a known
    /// repository with a missing tag is "not found"; an unknown Docker Hub repository is "pull access denied".
    /// </summary>
    public static string NotFound(ImageReference reference, bool repositoryExists)
    {
        var r = reference.Canonical;
        return repositoryExists || reference.Domain != ImageReference.DockerHub
            ? $"rpc error: code = NotFound desc = failed to pull and unpack image \"{r}\": failed to resolve reference \"{r}\": {r}: not found"
            : $"rpc error: code = Unknown desc = failed to pull and unpack image \"{r}\": failed to resolve reference \"{r}\": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed";
    }

    /// <summary>The kubelet's message for a reference it cannot parse (InvalidImageName).</summary>
    public static string InvalidName(string image) =>
        $"Failed to apply default image tag \"{image}\": couldn't parse image name \"{image}\": invalid reference format";

    public static string BackOff(string image) => ImagePullBackoff.BackOffMessage(image);

    private static TimeSpan Round(TimeSpan t) => TimeSpan.FromMilliseconds(Math.Round(t.TotalMilliseconds));
}
