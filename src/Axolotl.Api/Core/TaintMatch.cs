namespace Axolotl.Api.Core;

/// <summary>Taint/toleration matching as in upstream's core/v1 helpers; the scheduler, DaemonSets and taint eviction share it.</summary>
public static class TaintMatch
{
    /// <summary>
    /// Whether one toleration matches a taint: an empty effect matches every effect, an empty key (only
    /// valid with Exists) every key; operator Exists ignores the value, Equal (the default) compares it.
    /// </summary>
    public static bool Tolerates(Toleration toleration, Taint taint)
    {
        if (!string.IsNullOrEmpty(toleration.Effect) && toleration.Effect != taint.Effect)
        {
            return false;
        }
        if (!string.IsNullOrEmpty(toleration.Key) && toleration.Key != taint.Key)
        {
            return false;
        }
        return toleration.Operator switch
        {
            null or "" or "Equal" => (toleration.Value ?? "") == (taint.Value ?? ""),
            "Exists" => true,
            _ => false,
        };
    }

    public static bool AnyTolerates(IEnumerable<Toleration>? tolerations, Taint taint) =>
        tolerations?.Any(t => Tolerates(t, taint)) ?? false;
}
