using Axolotl.Commands;

try
{
    return args switch
    {
        [] or ["help"] or ["--help"] or ["-h"] => Help(CommandCatalog.Overview),
        ["help", "--help" or "-h"] => Help(CommandCatalog.Find("help")!.Usage),
        ["help", var name] => CommandCatalog.Find(name) is { } entry ? Help(entry.Usage) : Fail(CommandCatalog.Unknown(name)),
        ["help", ..] => Fail("usage: axolotl help [COMMAND]"),
        [var name, .. var rest] when CommandCatalog.AsksForHelp(rest) && CommandCatalog.Find(name) is { } entry => Help(entry.Usage),
        ["server", .. var rest] => await ServerCommand.RunAsync(CommandLine.Parse(rest, ServerCommand.Flags)),
        ["agent", .. var rest] => await AgentCommand.RunAsync(CommandLine.Parse(rest, AgentCommand.Flags)),
        ["token", "create", .. var rest] => TokenCommand.Create(CommandLine.Parse(rest, TokenCommand.Flags)),
        ["token", ..] => Fail("usage: axolotl token create [--data-dir DIR] [--ttl 24h] [--node-name NAME] (`axolotl help token`)"),
        ["kubeconfig", .. var rest] => KubeconfigCommand.Run(CommandLine.Parse(rest, KubeconfigCommand.Flags)),
        ["images"] => Help(ImagesCommand.Usage),
        ["images", .. var rest] => await ImagesCommand.RunAsync(rest),
        ["snapshot"] => Help(SnapshotCommand.Usage),
        ["snapshot", .. var rest] => await SnapshotCommand.RunAsync(rest),
        ["reset", .. var rest] => await ResetCommand.RunAsync(CommandLine.Parse(rest, ResetCommand.Flags)),
        ["api-balancer", .. var rest] => await ApiBalancerCommand.RunAsync(CommandLine.Parse(rest, ApiBalancerCommand.Flags)),
        ["service"] => Help(ServiceCommand.Usage),
        ["service", .. var rest] => await ServiceCommand.RunAsync(rest),
        ["version"] => Print(CommandCatalog.Version),
        ["version", var extra, ..] => Fail(extra.StartsWith("--", StringComparison.Ordinal)
            ? $"unknown flag: {extra} (`axolotl version` takes none)"
            : $"unexpected argument \"{extra}\" (`axolotl version` takes none)"),
        [var unknown, ..] => Fail(CommandCatalog.Unknown(unknown)),
    };
}
catch (ArgumentException e) when (e.Message.StartsWith("unknown flag", StringComparison.Ordinal) && args.Length > 0)
{
    return Fail($"{e.Message} (`axolotl help {args[0]}` lists the flags)");
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
