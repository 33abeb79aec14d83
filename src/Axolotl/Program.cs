using Axolotl.Commands;

const string usage = """
    Axolotl: a self-healing workload orchestrator that speaks the Kubernetes API.

    Usage:
      axolotl server [--data-dir DIR] [--port PORT] [--bind ADDR]   run the control plane
      axolotl agent --server URL --token-file FILE                  join another node to a server
      axolotl agent ... --runtime fake --fake-nodes N               run N fake nodes (no processes) for scale tests
      axolotl token create [--data-dir DIR] [--ttl 24h]             mint a node join token
      axolotl kubeconfig --user NAME [--group G]... [--out FILE]     issue a user's client certificate and kubeconfig
      axolotl images import|ls|rm ... [--data-dir DIR]              a node's images, offline
      axolotl snapshot save|restore FILE [--data-dir DIR]           the cluster's store to a file and back
      axolotl api-balancer --server URL,URL [--listen ADDR:PORT]    one local address for all API servers
      axolotl reset [--data-dir DIR] [--remove-data]                stop a node's containers, remove its host objects
      axolotl service install|uninstall [server|agent FLAGS…]       run it as a systemd service (restarts, boot)
      axolotl version                                               print the version
      axolotl help [COMMAND]                                        show help
    """;

try
{
    return args switch
    {
        ["server", .. var rest] when rest.Contains("--help") || rest.Contains("-h") => Help(ServerCommand.Usage),
        ["server", .. var rest] => await ServerCommand.RunAsync(CommandLine.Parse(rest, ServerCommand.Flags)),
        ["agent", .. var rest] when rest.Contains("--help") || rest.Contains("-h") => Help(AgentCommand.Usage),
        ["agent", .. var rest] => await AgentCommand.RunAsync(CommandLine.Parse(rest, AgentCommand.Flags)),
        ["token", "create", .. var rest] when rest.Contains("--help") || rest.Contains("-h") => Help(TokenCommand.Usage),
        ["token", "create", .. var rest] => TokenCommand.Create(CommandLine.Parse(rest, TokenCommand.Flags)),
        ["token", ..] => Fail($"usage: axolotl token create [--data-dir DIR] [--ttl 24h]"),
        ["kubeconfig", .. var rest] when rest.Contains("--help") || rest.Contains("-h") => Help(KubeconfigCommand.Usage),
        ["kubeconfig", .. var rest] => KubeconfigCommand.Run(CommandLine.Parse(rest, KubeconfigCommand.Flags)),
        ["images", .. var rest] when rest.Length == 0 || rest.Contains("--help") || rest.Contains("-h") => Help(ImagesCommand.Usage),
        ["images", .. var rest] => await ImagesCommand.RunAsync(rest),
        ["snapshot", .. var rest] when rest.Length == 0 || rest.Contains("--help") || rest.Contains("-h") => Help(SnapshotCommand.Usage),
        ["snapshot", .. var rest] => await SnapshotCommand.RunAsync(rest),
        ["reset", .. var rest] when rest.Contains("--help") || rest.Contains("-h") => Help(ResetCommand.Usage),
        ["reset", .. var rest] => await ResetCommand.RunAsync(CommandLine.Parse(rest, ResetCommand.Flags)),
        ["api-balancer", .. var rest] when rest.Contains("--help") || rest.Contains("-h") => Help(ApiBalancerCommand.Usage),
        ["api-balancer", .. var rest] => await ApiBalancerCommand.RunAsync(CommandLine.Parse(rest, ApiBalancerCommand.Flags)),
        ["service", .. var rest] when rest.Length == 0 || rest.Contains("--help") || rest.Contains("-h") => Help(ServiceCommand.Usage),
        ["service", .. var rest] => await ServiceCommand.RunAsync(rest),
        ["version"] => Print("axolotl v0.1.0 (Kubernetes API v1.32)"),
        ["help", "server"] => Help(ServerCommand.Usage),
        ["help", "agent"] => Help(AgentCommand.Usage),
        ["help", "token"] => Help(TokenCommand.Usage),
        ["help", "images"] => Help(ImagesCommand.Usage),
        ["help", "kubeconfig"] => Help(KubeconfigCommand.Usage),
        ["help", "snapshot"] => Help(SnapshotCommand.Usage),
        ["help", "api-balancer"] => Help(ApiBalancerCommand.Usage),
        ["help", "reset"] => Help(ResetCommand.Usage),
        ["help", "service"] => Help(ServiceCommand.Usage),
        [] or ["help"] or ["--help"] or ["-h"] => Help(usage),
        [var unknown, ..] => Fail($"unknown command \"{unknown}\"\n\n{usage}"),
    };
}
catch (ArgumentException e)
{
    return Fail(e.Message);
}
catch (Axolotl.Storage.StoreUnavailableException e)
{
    return Fail(e.Message);
}
catch (Axolotl.ApiServer.Encryption.EncryptionException e)
{
    return Fail($"encryption at rest: {e.Message}");
}
catch (IOException e) when (e.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
{
    return Fail($"cannot listen: {e.Message} (is another axolotl server running? choose another --port)");
}

static int Help(string text)
{
    Console.WriteLine(text);
    return 0;
}

static int Print(string text)
{
    Console.WriteLine(text);
    return 0;
}

static int Fail(string message)
{
    Console.Error.WriteLine($"error: {message}");
    return 2;
}
