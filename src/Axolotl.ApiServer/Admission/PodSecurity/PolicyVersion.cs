using System.Globalization;
using System.Text.RegularExpressions;

namespace Axolotl.ApiServer.Admission.PodSecurity;

/// <summary>
/// The version of the standards a namespace asks for: <c>latest</c> or <c>v1.N</c>. A version newer
/// than the newest check set evaluates as that newest set, so <c>v1.40</c> means the same as latest today.
/// </summary>
public readonly partial record struct PolicyVersion(int Minor, bool IsLatest)
{
    public const string InvalidMessage = "must be \"latest\" or \"v1.x\"";

    public static PolicyVersion Latest { get; } = new(0, true);

    public static PolicyVersion V1(int minor) => new(minor, false);

    /// <summary>Whether this version comes before <paramref name="other"/>; latest is newer than every numbered version.</summary>
    public bool IsOlderThan(PolicyVersion other) =>
        !IsLatest && (other.IsLatest || Minor < other.Minor);

    public override string ToString() => IsLatest ? "latest" : $"v1.{Minor.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Upstream's ParseVersion: "latest", or v1. followed by a minor without leading zeros.</summary>
    public static bool TryParse(string text, out PolicyVersion version)
    {
        version = Latest;
        if (text == "latest")
        {
            return true;
        }
        var match = VersionPattern().Match(text);
        if (!match.Success || !int.TryParse(match.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var minor))
        {
            return false;
        }
        version = V1(minor);
        return true;
    }

    [GeneratedRegex(@"^v1\.([0-9]|[1-9][0-9]*)$", RegexOptions.CultureInvariant)]
    private static partial Regex VersionPattern();
}
