using System.Text;

namespace Axolotl.ApiServer.Admission.PodSecurity;

/// <summary>Every failed check of one evaluation, in check order (baseline checks first, each group by check id).</summary>
public sealed class AggregateResult
{
    private const string UnknownReason = "unknown forbidden reason";

    private readonly List<CheckResult> _failures;

    public AggregateResult(IEnumerable<CheckResult> results)
    {
        _failures = [.. results.Where(r => !r.Allowed)];
    }

    public static AggregateResult Allowed { get; } = new([]);

    public bool IsAllowed => _failures.Count == 0;

    /// <summary>"host namespaces, privileged": the reasons alone, as namespace-wide warnings print them.</summary>
    public string ForbiddenReason() => string.Join(", ", _failures.Select(ReasonOf));

    /// <summary>"host namespaces (hostNetwork=true), privileged (container "x" must not …)": reasons with their details.</summary>
    public string ForbiddenDetail()
    {
        var text = new StringBuilder();
        foreach (var failure in _failures)
        {
            if (text.Length > 0)
            {
                text.Append(", ");
            }
            text.Append(ReasonOf(failure));
            if (failure.Detail.Length > 0)
            {
                text.Append(" (").Append(failure.Detail).Append(')');
            }
        }
        return text.ToString();
    }

    private static string ReasonOf(CheckResult result) => result.Reason.Length == 0 ? UnknownReason : result.Reason;
}
