using Axolotl.Api.Core;

namespace Axolotl.ApiServer.Admission.PodSecurity.Checks;

/// <summary>The wording helpers every check shares, so lists and plurals read exactly as upstream prints them.</summary>
internal static class CheckText
{
    /// <summary>"a", "b": each item in double quotes (not escaped, as upstream's joinQuote), comma-separated.</summary>
    public static string JoinQuote(IEnumerable<string> items)
    {
        var list = items.ToList();
        return list.Count == 0 ? "" : "\"" + string.Join("\", \"", list) + "\"";
    }

    public static string Pluralize(string singular, string plural, int count) => count == 1 ? singular : plural;

    /// <summary>"container \"a\"" or "containers \"a\", \"b\"".</summary>
    public static string Containers(IReadOnlyCollection<string> names) =>
        $"{Pluralize("container", "containers", names.Count)} {JoinQuote(names)}";

    /// <summary>Sorted by byte value, as Go sorts the string sets upstream's messages list.</summary>
    public static List<string> Sorted(IEnumerable<string> items) => [.. items.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    /// <summary>Init containers, then containers, then ephemeral containers: upstream's visiting order.</summary>
    public static IEnumerable<Container> AllContainers(PodSpec spec) => spec.AllContainers();

    public static bool IsWindows(PodSpec spec) => spec.Os is { Name: "windows" };
}
