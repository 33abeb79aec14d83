namespace Axolotl.Agent.Images;

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
    /// <summary>An OCI image's unpacked layers and configured user; null for a catalog image (it runs on the host's root).</summary>
    public ImageRoot? Root { get; init; }

    /// <summary>Prepended to every argv (host busybox: "busybox sh" for "sh").</summary>
    public IReadOnlyList<string> Launcher { get; init; } = [];

    /// <summary>Executables that exist inside the real image (e.g. "/agnhost"), mapped to the argv that stands in for them here.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> ExecutableAliases { get; init; } =
        new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);

    /// <summary>Other programs of the real image (e.g. "pg_isready"), mapped to the argv that stands in for them, for exec too.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> ToolAliases { get; init; } =
        new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);

    /// <summary>
    /// The argv for `kubectl exec` and exec probes in a container of this image: a tool of the real image
    /// runs its stand-in; anything else runs as given (the container shares the host's programs).
    /// </summary>
    public IReadOnlyList<string> ExecArgv(IReadOnlyList<string> command) =>
        command.Count > 0 && ToolAliases.TryGetValue(command[0], out var replacement) ? [.. replacement, .. command.Skip(1)] : command;

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

        if (ExecutableAliases.TryGetValue(argv[0], out var replacement) || ToolAliases.TryGetValue(argv[0], out replacement))
        {
            argv.RemoveAt(0);
            argv.InsertRange(0, replacement);
        }

        if (Launcher.Count > 0)
        {
            argv.InsertRange(0, Launcher);
        }

        return argv;
    }
}

/// <summary>What a container of an OCI image runs on: its layers' directories (lowest first) and the config's User.</summary>
public sealed record ImageRoot(IReadOnlyList<string> LayersLowestFirst, string? User);
