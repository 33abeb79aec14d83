using System.Diagnostics;

namespace Axolotl.Commands;

/// <summary>
/// `axolotl service install|uninstall`: writes (or removes) a systemd unit that runs this binary as a
/// server or agent with the given flags, reloads systemd and enables and starts it (or disables and
/// stops it), as k3s's installer does. --dry-run prints the unit and the commands instead.
/// </summary>
public static class ServiceCommand
{
    public const string Usage = """
        Usage: axolotl service install [--dry-run] [--name NAME] [--unit-dir DIR] (server|agent) [FLAGS…]
               axolotl service uninstall [--dry-run] [--name NAME] [--unit-dir DIR]

        Keeps Axolotl running across crashes and reboots with a systemd unit (Restart=always, started at boot,
        KillMode=process so the node's containers survive a restart of the service). install writes
        DIR/NAME.service running this binary with the role and FLAGS given (a server without --data-dir gets
        the data dir it would use now, so the service finds the same cluster), then runs `systemctl daemon-reload`
        and `systemctl enable --now NAME`. uninstall runs `systemctl disable --now NAME`, removes the file and
        reloads systemd; the data dir is kept (`axolotl reset --remove-data` removes it).

          --dry-run        print the unit and the commands, change nothing
          --name NAME      the unit's name (default: axolotl for a server, axolotl-agent for an agent)
          --unit-dir DIR   where the unit file goes (default: /etc/systemd/system)
        """;

    /// <summary>The service command's own flags; the role's flags after it are checked against that command's set.</summary>
    public static readonly IReadOnlySet<string> Flags = new HashSet<string> { "dry-run", "name", "unit-dir" };

    private const string DefaultUnitDir = "/etc/systemd/system";

    public static async Task<int> RunAsync(string[] args)
    {
        var (verb, rest) = args switch
        {
            ["install", .. var r] => ("install", r),
            ["uninstall", .. var r] => ("uninstall", r),
            _ => throw new ArgumentException("usage: axolotl service install|uninstall … (axolotl help service)"),
        };
        var dryRun = false;
        string? name = null;
        var unitDir = DefaultUnitDir;
        var i = 0;
        for (; i < rest.Length && rest[i].StartsWith("--", StringComparison.Ordinal); i++)
        {
            switch (rest[i])
            {
                case "--dry-run":
                    dryRun = true;
                    break;
                case "--name" when i + 1 < rest.Length:
                    name = rest[++i];
                    break;
                case "--unit-dir" when i + 1 < rest.Length:
                    unitDir = rest[++i];
                    break;
                default:
                    throw new ArgumentException(Flags.Contains(rest[i][2..])
                        ? $"flag {rest[i]} needs a value (axolotl help service)"
                        : $"unknown flag: {rest[i]}");
            }
        }

        var remaining = rest.Skip(i).ToList();
        return verb == "install"
            ? await InstallAsync(remaining, name, unitDir, dryRun)
            : await UninstallAsync(remaining, name ?? "axolotl", unitDir, dryRun);
    }

    private static async Task<int> InstallAsync(List<string> command, string? name, string unitDir, bool dryRun)
    {
        if (command is not [("server" or "agent") and var role, ..])
        {
            throw new ArgumentException("service install: say which to run: server or agent, then its flags (axolotl help service)");
        }

        // The flags are checked now, as the service would parse them, so a typo fails here and not at every restart.
        var parsed = CommandLine.Parse(command[1..], role == "server" ? ServerCommand.Flags : AgentCommand.Flags);
        if (role == "server" && parsed.Get("data-dir") is null)
        {
            command.AddRange(["--data-dir", DataDirectory.Default()]);
        }

        name ??= role == "server" ? "axolotl" : "axolotl-agent";
        CheckName(name);
        var binary = Environment.ProcessPath ?? throw new InvalidOperationException("cannot tell where this binary is");
        var unit = SystemdUnit.Render(role, [binary, .. command]);
        var path = Path.Combine(unitDir, name + ".service");
        string[][] steps = [["systemctl", "daemon-reload"], ["systemctl", "enable", "--now", name]];
        if (dryRun)
        {
            Console.Write($"# {path}\n{unit}");
            foreach (var step in steps)
            {
                Console.WriteLine(string.Join(' ', step));
            }

            return 0;
        }

        RequireSystemd();
        Directory.CreateDirectory(unitDir);
        await File.WriteAllTextAsync(path + ".tmp", unit);
        File.Move(path + ".tmp", path, overwrite: true);
        Console.WriteLine($"wrote {path}");
        return await RunStepsAsync(steps);
    }

    private static async Task<int> UninstallAsync(List<string> rest, string name, string unitDir, bool dryRun)
    {
        if (rest.Count > 0)
        {
            throw new ArgumentException($"service uninstall takes no arguments, got \"{rest[0]}\"");
        }

        CheckName(name);
        var path = Path.Combine(unitDir, name + ".service");
        if (dryRun)
        {
            Console.WriteLine($"systemctl disable --now {name}\nrm {path}\nsystemctl daemon-reload");
            return 0;
        }

        if (!File.Exists(path))
        {
            throw new ArgumentException($"{path} does not exist: no service {name} is installed");
        }

        RequireSystemd();
        var code = await RunStepsAsync([["systemctl", "disable", "--now", name]]);
        File.Delete(path);
        Console.WriteLine($"removed {path}");
        return Math.Max(code, await RunStepsAsync([["systemctl", "daemon-reload"]]));
    }

    private static void CheckName(string name)
    {
        if (name.Length == 0 || name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '@')))
        {
            throw new ArgumentException($"invalid --name \"{name}\": letters, digits, - _ . @ only");
        }
    }

    private static void RequireSystemd()
    {
        // sd_booted(3): systemd is the init of this machine exactly when this folder exists.
        if (!Directory.Exists("/run/systemd/system"))
        {
            throw new ArgumentException("systemd is not running on this machine (no /run/systemd/system): nothing installed; --dry-run shows the unit");
        }
    }

    private static async Task<int> RunStepsAsync(IEnumerable<string[]> steps)
    {
        foreach (var step in steps)
        {
            Console.WriteLine(string.Join(' ', step));
            var psi = new ProcessStartInfo(step[0]) { UseShellExecute = false };
            foreach (var arg in step.Skip(1))
            {
                psi.ArgumentList.Add(arg);
            }

            using var process = Process.Start(psi) ?? throw new InvalidOperationException($"cannot run {step[0]}");
            await process.WaitForExitAsync();
            if (process.ExitCode != 0)
            {
                await Console.Error.WriteLineAsync($"{string.Join(' ', step)} exited with {process.ExitCode}");
                return 1;
            }
        }

        return 0;
    }
}
