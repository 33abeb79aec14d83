namespace Axolotl.Commands;

/// <summary>A small parser for `--name value` / `--name=value` options (and klog's `-v N`); unknown options are an error.</summary>
public sealed class CommandLine
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<string>> _repeated = new(StringComparer.Ordinal);

    private CommandLine()
    {
    }

    private readonly List<string> _positional = [];

    /// <summary>Arguments that are not flags, in order (only when the command takes them).</summary>
    public IReadOnlyList<string> Positional => _positional;

    public static CommandLine Parse(IReadOnlyList<string> args, IReadOnlySet<string> known, bool positional = false)
    {
        var result = new CommandLine();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg == "-v" || arg.StartsWith("-v=", StringComparison.Ordinal))
            {
                // klog spells verbosity with one dash as often as with two.
                arg = "-" + arg;
            }
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                if (positional)
                {
                    result._positional.Add(arg);
                    continue;
                }

                throw new ArgumentException($"unexpected argument \"{arg}\"");
            }
            var eq = arg.IndexOf('=', StringComparison.Ordinal);
            var name = eq < 0 ? arg[2..] : arg[2..eq];
            if (!known.Contains(name))
            {
                throw new ArgumentException($"unknown flag: --{name}");
            }
            string value;
            if (eq >= 0)
            {
                value = arg[(eq + 1)..];
            }
            else if (BooleanFlags.Contains(name))
            {
                // As Go's flag packages: a bare boolean flag is true and never takes the next argument.
                value = "true";
            }
            else if (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                value = args[++i];
            }
            else
            {
                throw new ArgumentException($"flag needs an argument: --{name}");
            }
            result._values[name] = value;
            (result._repeated.TryGetValue(name, out var all) ? all : result._repeated[name] = []).Add(value);
        }
        return result;
    }

    /// <summary>Flags that may stand alone (--flag means --flag=true).</summary>
    private static readonly HashSet<string> BooleanFlags = new(StringComparer.Ordinal) { "seccomp-default", "remove-data", "airgap", "enable-priority-and-fairness", "watch-cache", MemoryReclaim.Flag };

    /// <summary>A boolean flag's value: true/false (--flag alone is true), else <paramref name="fallback"/>.</summary>
    public bool GetBool(string name, bool fallback) =>
        _values.TryGetValue(name, out var text)
            ? bool.TryParse(text, out var value) ? value : throw new ArgumentException($"invalid --{name} \"{text}\": want true or false")
            : fallback;

    /// <summary>A copy with <paramref name="name"/> set to <paramref name="value"/> unless the flag was given.</summary>
    public CommandLine WithDefault(string name, string value)
    {
        var copy = new CommandLine();
        foreach (var (key, given) in _values)
        {
            copy._values[key] = given;
        }
        foreach (var (key, all) in _repeated)
        {
            copy._repeated[key] = [.. all];
        }
        copy._positional.AddRange(_positional);
        if (copy._values.TryAdd(name, value))
        {
            copy._repeated[name] = [value];
        }
        return copy;
    }

    /// <summary>The last value given for the flag (a later one overrides an earlier one).</summary>
    public string? Get(string name) => _values.GetValueOrDefault(name);

    /// <summary>Every value of a repeatable flag, in order (e.g. --tls-san a --tls-san b).</summary>
    public IReadOnlyList<string> GetAll(string name) => _repeated.TryGetValue(name, out var values) ? values : [];

    public int GetInt(string name, int fallback) =>
        _values.TryGetValue(name, out var text)
            ? int.TryParse(text, out var value) && value is > 0 and < 65536 ? value : throw new ArgumentException($"invalid --{name} \"{text}\": want a port number")
            : fallback;
}
