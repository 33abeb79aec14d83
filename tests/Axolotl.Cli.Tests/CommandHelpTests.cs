using System.Reflection;
using System.Text.RegularExpressions;
using Axolotl.Commands;

namespace Axolotl.Cli.Tests;

/// <summary>
/// Every flag a command declares (the set <see cref="CommandLine.Parse"/> accepts for it) appears in its help, and
/// every command class that declares flags is in the catalog `axolotl help` answers from: a flag or command added
/// without help fails here.
/// </summary>
public sealed class CommandHelpTests
{
    public static TheoryData<string> Commands() => [.. CommandCatalog.All.Select(e => e.Name)];

    [Theory]
    [MemberData(nameof(Commands))]
    public void Every_declared_flag_of_a_command_appears_in_its_help(string name)
    {
        var entry = CommandCatalog.Find(name)!;

        var missing = entry.Flags.Where(flag => !Regex.IsMatch(entry.Usage, $"--{Regex.Escape(flag)}(?![a-z0-9-])")).Order().ToList();

        Assert.True(missing.Count == 0, $"`axolotl help {name}` does not mention: {string.Join(", ", missing.Select(f => "--" + f))}");
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public void Every_command_has_a_usage_line_and_a_line_in_the_overview(string name)
    {
        var entry = CommandCatalog.Find(name)!;

        Assert.StartsWith($"Usage: axolotl {name}", entry.Usage, StringComparison.Ordinal);
        Assert.Matches($"(?m)^  axolotl {Regex.Escape(name)}\\b", CommandCatalog.Overview);
    }

    [Fact]
    public void Every_command_class_that_declares_flags_is_in_the_catalog()
    {
        var declared = typeof(CommandCatalog).Assembly.GetTypes()
            .Select(t => (Type: t, Field: t.GetField("Flags", BindingFlags.Public | BindingFlags.Static)))
            .Where(x => x.Field is not null && typeof(IReadOnlySet<string>).IsAssignableFrom(x.Field.FieldType))
            .ToList();
        var catalogued = CommandCatalog.All.Select(e => e.Flags).ToHashSet(ReferenceEqualityComparer.Instance);

        Assert.NotEmpty(declared);
        var missing = declared.Where(x => !catalogued.Contains(x.Field!.GetValue(null))).Select(x => x.Type.Name).ToList();
        Assert.True(missing.Count == 0, $"commands with flags but no entry in CommandCatalog.All: {string.Join(", ", missing)}");
    }

    [Fact]
    public void A_flag_inside_a_longer_flag_does_not_count_as_documented()
    {
        var usage = "--eviction-soft-grace-period LIST";

        Assert.DoesNotMatch("--eviction-soft(?![a-z0-9-])", usage);
        Assert.Matches("--eviction-soft-grace-period(?![a-z0-9-])", usage);
    }

    [Fact]
    public void An_unknown_name_is_refused_with_the_list_of_commands()
    {
        Assert.Null(CommandCatalog.Find("frobnicate"));
        Assert.Equal(
            "unknown command \"frobnicate\" (commands: server, agent, token, kubeconfig, images, snapshot, api-balancer, reset, service, version, help; `axolotl help COMMAND` for one)",
            CommandCatalog.Unknown("frobnicate"));
    }
}
