namespace Axolotl.Api.Annotations;

/// <summary>
/// Axolotl's service proxy replays a connection's first bytes on another endpoint when the chosen
/// endpoint closes or resets it before answering a single byte (a crashed pod), so clients do not
/// see the crash. A Service whose protocol must never see a request twice turns that off with
/// <c>proxy.axolotl.io/replay-unanswered: "false"</c>.
/// </summary>
public static class ReplayUnansweredAnnotation
{
    public const string Key = "proxy.axolotl.io/replay-unanswered";

    /// <summary>On unless the annotation says "false" (any case).</summary>
    public static bool IsEnabled(IReadOnlyDictionary<string, string>? annotations) =>
        annotations is null || !annotations.TryGetValue(Key, out var value) || !string.Equals(value.Trim(), "false", StringComparison.OrdinalIgnoreCase);
}
