namespace Axolotl.SeedImages.Layers;

/// <summary>
/// An input of a seed image is not on this machine: a Debian package that is not installed, or the
/// static busybox. The images that need it are skipped with a warning naming the package; every
/// other image is still built.
/// </summary>
public sealed class MissingInputException(string package, string message) : Exception(message)
{
    /// <summary>The Debian package that provides the input (what `apt-get install` takes).</summary>
    public string Package { get; } = package;
}
