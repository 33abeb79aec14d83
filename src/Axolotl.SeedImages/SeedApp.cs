namespace Axolotl.SeedImages;

/// <summary>
/// An image the seed scenarios pull from a public registry, stood in for by one of the sample apps:
/// the repositories and tags it answers to, the app, its default arguments (the image's CMD) and
/// environment per tag, and the programs of the real image that run the app here (nginx, /agnhost,
/// node, pg_isready…), each installed as a small script.
/// </summary>
public sealed record SeedApp(IReadOnlyList<string> Repositories, IReadOnlyList<string> Tags, string App, Func<string, IReadOnlyList<string>> DefaultArgs)
{
    public Func<string, IReadOnlyDictionary<string, string>> Environment { get; init; } = _ => new Dictionary<string, string>();

    /// <summary>Paths (absolute, or a bare name installed in /usr/local/bin) of the real image's programs that start the app.</summary>
    public IReadOnlyList<string> Executables { get; init; } = [];

    /// <summary>Whether those programs keep the image's default arguments (nginx -g … still needs its port and banner).</summary>
    public bool ExecutablesKeepDefaultArgs { get; init; }

    /// <summary>Other programs of the real image and the app each runs: postgres's pg_isready.</summary>
    public IReadOnlyDictionary<string, string> Tools { get; init; } = new Dictionary<string, string>();
}
