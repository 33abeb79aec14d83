using Axolotl.Api.ApiRegistration;

namespace Axolotl.Controllers.Autoregister;

/// <summary>What the autoregistration controller does with one APIService name.</summary>
public enum AutoregisterAction
{
    None,
    Create,
    Update,
    Delete,
}

/// <summary>
/// kube-aggregator's autoregister table, as a pure decision. Desired: not wanted (A), wanted once at start
/// (B, built-ins, label <c>onstart</c>) or wanted always (C, CRD versions, label <c>"true"</c>):
/// <code>
///                                              | A: not desired | B: sync on start | C: sync always
/// 1. current: not found                        | -              | create once      | create
/// 2. current: not automanaged                  | -              | -                | -
/// 3. current: onstart, not present at start    | -              | -                | -
/// 4. current: onstart, present at start        | delete once    | update once      | update once
/// 5. current: "true"                           | delete         | update once      | update
/// </code>
/// "Once": only until the name was reconciled successfully the first time since the controller started.
/// An update copies the desired spec only; labels and status stay as they are.
/// </summary>
public static class AutoregisterDecision
{
    public static AutoregisterAction Decide(APIService? desired, APIService? current, bool syncedBefore, bool presentAtStart)
    {
        if (current is null)
        {
            if (desired is null || (IsOnStart(desired) && syncedBefore))
            {
                return AutoregisterAction.None;
            }
            return AutoregisterAction.Create;
        }
        if (IsOnStart(desired) && syncedBefore)
        {
            return AutoregisterAction.None;
        }
        if (!IsAutomanaged(current))
        {
            return AutoregisterAction.None;
        }
        if (IsOnStart(current) && (!presentAtStart || syncedBefore))
        {
            return AutoregisterAction.None;
        }
        if (desired is null)
        {
            return AutoregisterAction.Delete;
        }
        return SameSpec(current, desired) ? AutoregisterAction.None : AutoregisterAction.Update;
    }

    public static bool IsOnStart(APIService? apiService) => Managed(apiService) == APIService.ManagedOnStart;

    public static bool IsAutomanaged(APIService? apiService) => Managed(apiService) is APIService.ManagedOnStart or APIService.ManagedContinuously;

    /// <summary>Upstream compares the specs deeply; absent and empty are the same here, as they are on upstream's wire.</summary>
    public static bool SameSpec(APIService a, APIService b)
    {
        var x = a.Spec ?? new APIServiceSpec();
        var y = b.Spec ?? new APIServiceSpec();
        return (x.Group ?? "") == (y.Group ?? "")
            && (x.Version ?? "") == (y.Version ?? "")
            && x.GroupPriorityMinimum == y.GroupPriorityMinimum
            && x.VersionPriority == y.VersionPriority
            && (x.InsecureSkipTLSVerify ?? false) == (y.InsecureSkipTLSVerify ?? false)
            && (x.CaBundle ?? []).AsSpan().SequenceEqual(y.CaBundle ?? [])
            && SameService(x.Service, y.Service);
    }

    private static bool SameService(ServiceReference? x, ServiceReference? y) =>
        x is null || y is null
            ? x is null && y is null
            : (x.Namespace ?? "") == (y.Namespace ?? "") && (x.Name ?? "") == (y.Name ?? "") && (x.Port ?? 443) == (y.Port ?? 443);

    private static string? Managed(APIService? apiService) => apiService?.Metadata.Labels?.GetValueOrDefault(APIService.AutomanagedLabel);
}
