using Axolotl.Api.Core;

namespace Axolotl.Scheduler.Framework;

/// <summary>Taint/toleration matching (shared: <see cref="TaintMatch"/>) and how the scheduler prints taints.</summary>
public static class Tolerations
{
    public static bool Tolerates(Toleration toleration, Taint taint) => TaintMatch.Tolerates(toleration, taint);

    public static bool AnyTolerates(IEnumerable<Toleration>? tolerations, Taint taint) => TaintMatch.AnyTolerates(tolerations, taint);

    /// <summary>"{key: value}", the way upstream prints a taint in FailedScheduling reasons.</summary>
    public static string Describe(Taint taint) => $"{{{taint.Key}: {taint.Value}}}";
}
