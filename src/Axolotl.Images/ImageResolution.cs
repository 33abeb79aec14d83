namespace Axolotl.Images;

/// <summary>
/// The outcome of resolving an image: either <see cref="Image"/>, or a failure with the kubelet's
/// waiting reason (ErrImagePull, InvalidImageName) and a message worded as containerd's.
/// </summary>
public sealed record ImageResolution(string RequestedImage, ResolvedImage? Image, string? Reason, string? Message)
{
    public const string ErrImagePull = "ErrImagePull";
    public const string InvalidImageName = "InvalidImageName";

    public bool Succeeded => Image is not null;

    public static ImageResolution Success(string requested, ResolvedImage image) => new(requested, image, null, null);

    public static ImageResolution Failure(string requested, string reason, string message) => new(requested, null, reason, message);
}
