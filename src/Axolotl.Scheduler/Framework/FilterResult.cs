namespace Axolotl.Scheduler.Framework;

/// <summary>How a filter judged a node; the codes mirror upstream's framework status codes.</summary>
public enum FilterCode
{
    Success,

    /// <summary>The pod does not fit now, but evicting other pods could make it fit (preemption may help).</summary>
    Unschedulable,

    /// <summary>The pod cannot fit whatever happens to other pods (preemption is not helpful).</summary>
    UnschedulableAndUnresolvable,
}

/// <summary>A filter's verdict on one node, with the reasons shown in FailedScheduling messages.</summary>
public sealed record FilterResult(FilterCode Code, IReadOnlyList<string> Reasons)
{
    public static FilterResult Success { get; } = new(FilterCode.Success, []);

    public bool IsSuccess => Code == FilterCode.Success;

    public static FilterResult Unschedulable(params string[] reasons) => new(FilterCode.Unschedulable, reasons);

    public static FilterResult Unresolvable(params string[] reasons) => new(FilterCode.UnschedulableAndUnresolvable, reasons);
}
