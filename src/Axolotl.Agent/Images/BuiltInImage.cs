namespace Axolotl.Agent.Images;

/// <summary>
/// A demo image served by axolotl-sampleapps: the repositories it answers to, which tags exist,
/// the app it runs, its default arguments (the image's CMD, may depend on the tag), its
/// environment, and executable paths of the real image that stand for the app.
/// </summary>
public sealed record BuiltInImage(
    IReadOnlyList<string> Repositories,
    Func<string, bool> TagExists,
    string App,
    Func<string, IReadOnlyList<string>> DefaultArgs)
{
    public Func<string, IReadOnlyDictionary<string, string>> Environment { get; init; } = _ => new Dictionary<string, string>();

    /// <summary>argv[0] values in manifests written for the real image (e.g. "/agnhost") that mean "this app".</summary>
    public IReadOnlyList<string> ExecutableNames { get; init; } = [];

    /// <summary>Whether argv[0] aliases keep the image's default args (nginx: "nginx -g …" still needs its port and banner).</summary>
    public bool AliasKeepsDefaultArgs { get; init; }

    /// <summary>Other programs of the real image (argv[0] in commands, exec and exec probes) and the app standing in for each: postgres's pg_isready.</summary>
    public IReadOnlyDictionary<string, string> Tools { get; init; } = new Dictionary<string, string>();
}
