using Axolotl.Images.Distribution;

namespace Axolotl.Images;

/// <summary>
/// How to run an image: its entrypoint and default arguments (the image's ENTRYPOINT and CMD),
/// working directory and environment. <see cref="ImageId"/> goes to containerStatuses[].imageID.
/// </summary>
public sealed record ResolvedImage(
    ImageReference Reference,
    ImageSource Source,
    string ImageId,
    IReadOnlyList<string> Entrypoint,
    IReadOnlyList<string> DefaultArgs,
    string? WorkingDirectory,
    IReadOnlyDictionary<string, string> Environment)
{
    /// <summary>The image's unpacked layers and configured user: its container runs on a root of its own.</summary>
    public ImageRoot? Root { get; init; }

    /// <summary>The image as containerStatuses[].image shows it, e.g. docker.io/library/nginx:1.15.12.</summary>
    public string Image => Reference.Canonical;

    /// <summary>
    /// The full argv for a container, with Kubernetes' rules: <c>command</c> replaces the entrypoint
    /// (and drops the default args), <c>args</c> replace the default args. Empty when neither the
    /// image nor the container names a command (the kubelet reports "no command specified").
    /// </summary>
    public IReadOnlyList<string> BuildArgv(IReadOnlyList<string>? command, IReadOnlyList<string>? args)
    {
        var hasCommand = command is { Count: > 0 };
        var hasArgs = args is { Count: > 0 };
        var argv = new List<string>();
        argv.AddRange(hasCommand ? command! : Entrypoint);
        argv.AddRange(hasArgs ? args! : hasCommand ? [] : DefaultArgs);
        if (argv.Count == 0)
        {
            return [];
        }

        return argv;
    }
}

/// <summary>What a container of an OCI image runs on: its layers' directories (lowest first) and the config's User.</summary>
public sealed record ImageRoot(IReadOnlyList<string> LayersLowestFirst, string? User);
