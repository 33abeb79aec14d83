using Axolotl.Commands;

const string usage = """
    Axolotl: a self-healing workload orchestrator that speaks the Kubernetes API.

    Usage:
      axolotl server [--data-dir DIR] [--port PORT] [--bind ADDR]   run the control plane
      axolotl version                                               print the version
      axolotl help [COMMAND]                                        show help
    """;

try
{
    return args switch
    {
        ["server", .. var rest] when rest.Contains("--help") || rest.Contains("-h") => Help(ServerCommand.Usage),
        ["server", .. var rest] => await ServerCommand.RunAsync(CommandLine.Parse(rest, ServerCommand.Flags)),
        ["version"] => Print("axolotl v0.1.0 (Kubernetes API v1.32)"),
        ["help", "server"] => Help(ServerCommand.Usage),
        [] or ["help"] or ["--help"] or ["-h"] => Help(usage),
        [var unknown, ..] => Fail($"unknown command \"{unknown}\"\n\n{usage}"),
    };
}
catch (ArgumentException e)
{
    return Fail(e.Message);
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
