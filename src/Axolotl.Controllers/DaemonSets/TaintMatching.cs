using Axolotl.Api.Core;

namespace Axolotl.Controllers.DaemonSets;

/// <summary>
/// Taint/toleration matching as upstream's core/v1 helpers (the controllers do not reference the
/// scheduler): an empty effect matches every effect, an empty key with Exists every key.
/// </summary>
public static class TaintMatching
{
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
