using System.Globalization;

namespace Axolotl.SampleApps.Common;

/// <summary>
/// Minimal flag parsing for the sample apps: "--name value" and "--name=value", positional
/// arguments kept in order. Unknown flags are kept so an app can ignore them (manifests written for
/// the real image pass flags we do not implement).
/// </summary>
public sealed class AppArgs
{
    private readonly Dictionary<string, string> _flags = new(StringComparer.Ordinal);
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    public AppArgs(IReadOnlyList<string> args)
    {
        for (var i = 0; i < args.Count; i++)
        {
            var a = args[i];
            if (!a.StartsWith("--", StringComparison.Ordinal) || a.Length == 2)
            {
                Positional.Add(a);
                continue;
            }

            var eq = a.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                _flags[a[2..eq]] = a[(eq + 1)..];
            }
            else if (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                _flags[a[2..]] = args[++i];
            }
            else
            {
                _flags[a[2..]] = "true";
            }
        }
    }

    public List<string> Positional { get; } = [];

    public string? Get(string name)
    {
        _used.Add(name);
        return _flags.TryGetValue(name, out var v) ? v : null;
    }

    public string Get(string name, string fallback) => Get(name) ?? fallback;

    public int GetInt(string name, int fallback)
    {
        var v = Get(name);
        return v is null ? fallback : int.Parse(v, NumberStyles.Integer, CultureInfo.InvariantCulture);
    }

    /// <summary>A switch: present (or "true") is true; "false" is false; absent is false.</summary>
    public bool GetBool(string name) => Get(name) is { } v && !string.Equals(v, "false", StringComparison.OrdinalIgnoreCase);

    public TimeSpan GetDuration(string name, TimeSpan fallback)
    {
        var v = Get(name);
        return v is null ? fallback : DurationText.Parse(v);
    }

    /// <summary>The port from a flag, else the PORT environment variable, else the default.</summary>
    public int GetPort(string flag, int fallback)
    {
        var v = Get(flag) ?? Environment.GetEnvironmentVariable("PORT");
        return v is null ? fallback : int.Parse(v, NumberStyles.Integer, CultureInfo.InvariantCulture);
    }

    /// <summary>Flags given but never asked for: reported once, not fatal.</summary>
    public IEnumerable<string> Unused => _flags.Keys.Where(k => !_used.Contains(k));
}
