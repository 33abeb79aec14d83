namespace Axolotl.Commands;

/// <summary>
/// Every command's name, help and declared flags in one list: `axolotl help NAME` and `axolotl NAME --help`
/// answer from it, and a test checks that each flag a command declares (its Flags set, what
/// <see cref="CommandLine.Parse"/> accepts) appears in its help, and that no command with flags is missing here.
/// </summary>
public static class CommandCatalog
{
    public const string Overview = """
        Axolotl: a self-healing workload orchestrator that speaks the Kubernetes API.

        Usage:
          axolotl server [--data-dir DIR] [--port PORT] [--bind ADDR]   run the control plane
          axolotl agent --server URL --token TOKEN                      join another node to a server (the line the server prints)
          axolotl agent ... --runtime fake --fake-nodes N               run N fake nodes (no processes) for scale tests
          axolotl token create [--data-dir DIR] [--ttl 24h]             mint a node join token
          axolotl kubeconfig --user NAME [--group G]... [--out FILE]     issue a user's client certificate and kubeconfig
          axolotl images import|ls|rm ... [--data-dir DIR]              a node's images, offline
          axolotl snapshot save|restore FILE [--data-dir DIR]           the cluster's store to a file and back
          axolotl api-balancer --server URL,URL [--listen ADDR:PORT]    one local address for all API servers
          axolotl reset [--data-dir DIR] [--remove-data]                stop a node's containers, remove its host objects
          axolotl service install|uninstall [server|agent FLAGS…]       run it as a systemd service (restarts, boot)
          axolotl version                                               print the version
          axolotl help [COMMAND]                                        show help (every flag of COMMAND)
        """;

    public const string Version = "axolotl v0.1.0 (Kubernetes API v1.32)";

    private const string VersionUsage = """
        Usage: axolotl version

        Prints the version of axolotl and of the Kubernetes API it serves. Takes no flags.
        """;

    private const string HelpUsage = """
        Usage: axolotl help [COMMAND]
               axolotl COMMAND --help

        Without COMMAND, lists the commands; with one, shows its usage and every flag it takes.
        """;

    private static readonly IReadOnlySet<string> NoFlags = new HashSet<string>();

    /// <summary>One command: what follows `axolotl`, its help text and the flags it accepts.</summary>
    public sealed record Entry(string Name, string Usage, IReadOnlySet<string> Flags);

    public static IReadOnlyList<Entry> All { get; } =
    [
        new("server", ServerCommand.Usage, ServerCommand.Flags),
        new("agent", AgentCommand.Usage, AgentCommand.Flags),
        new("token", TokenCommand.Usage, TokenCommand.Flags),
        new("kubeconfig", KubeconfigCommand.Usage, KubeconfigCommand.Flags),
        new("images", ImagesCommand.Usage, ImagesCommand.Flags),
        new("snapshot", SnapshotCommand.Usage, SnapshotCommand.Flags),
        new("api-balancer", ApiBalancerCommand.Usage, ApiBalancerCommand.Flags),
        new("reset", ResetCommand.Usage, ResetCommand.Flags),
        new("service", ServiceCommand.Usage, ServiceCommand.Flags),
        new("version", VersionUsage, NoFlags),
        new("help", HelpUsage, NoFlags),
    ];

    public static Entry? Find(string name) => All.FirstOrDefault(e => e.Name == name);

    /// <summary>The refusal for a name that is no command.</summary>
    public static string Unknown(string name) =>
        $"unknown command \"{name}\" (commands: {string.Join(", ", All.Select(e => e.Name))}; `axolotl help COMMAND` for one)";

    /// <summary>--help or -h anywhere among a command's arguments.</summary>
    public static bool AsksForHelp(IReadOnlyCollection<string> args) => args.Contains("--help") || args.Contains("-h");
}
