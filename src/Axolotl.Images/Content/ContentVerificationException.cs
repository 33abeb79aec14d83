namespace Axolotl.Images.Content;

/// <summary>A blob was not what its descriptor said (size or digest): the pull fails and nothing is stored.</summary>
public sealed class ContentVerificationException(string message) : Exception(message);
