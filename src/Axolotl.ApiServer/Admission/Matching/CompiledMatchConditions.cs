using Axolotl.Api.AdmissionRegistration;
using Axolotl.Cel;
using Axolotl.Cel.Values;

namespace Axolotl.ApiServer.Admission.Matching;

/// <summary>
/// The matchConditions of a webhook or a ValidatingAdmissionPolicy, compiled (upstream's matchconditions.Matcher). Any
/// condition false: no match. Otherwise any error (a runtime error, the per-call cost limit, the budget of all the
/// conditions, 2,500,000) is reported for the caller's failure policy to decide.
/// </summary>
public sealed class CompiledMatchConditions
{
    /// <summary>kube-apiserver's RuntimeCELCostBudgetMatchConditions: what all the conditions of one webhook or policy may cost per request.</summary>
    public const long CostBudget = 2_500_000;

    private readonly IReadOnlyList<Compiled> _conditions;

    private CompiledMatchConditions(IReadOnlyList<Compiled> conditions) => _conditions = conditions;

    public bool IsEmpty => _conditions.Count == 0;

    public static CompiledMatchConditions Compile(CelEnvironment environment, IEnumerable<MatchCondition>? conditions) =>
        new([.. (conditions ?? []).Select(c => environment.Compile(c.Expression) is var r && r.Success
            ? new Compiled(c.Name, r.Program, null)
            : new Compiled(c.Name, null, $"compilation error: {r.Error}"))]);

    public MatchOutcome Evaluate(IReadOnlyDictionary<string, object> variables, CelEvaluationOptions? options = null)
    {
        if (_conditions.Count == 0)
        {
            return MatchOutcome.Matches;
        }
        var budget = new CelCostBudget(CostBudget);
        var errors = new List<string>();
        foreach (var condition in _conditions)
        {
            if (condition.Program is null)
            {
                // Written before this server checked expressions, or by another version: an error like any other.
                errors.Add(condition.CompileError!);
                continue;
            }
            if (budget.Remaining <= 0)
            {
                errors.Add("validation failed due to running out of cost budget, no further validation rules will be run");
                break;
            }
            var result = condition.Program.EvaluateValues(variables, new CelEvaluationOptions
            {
                Budget = budget,
                Time = options?.Time ?? TimeProvider.System,
                CancellationToken = options?.CancellationToken ?? default,
            });
            if (result.Value is false)
            {
                return new MatchOutcome(false, null, condition.Name);
            }
            if (!result.Success)
            {
                errors.Add(result.Cancelled ? result.Error! : $"expression '{condition.Program.Expression}' resulted in error: {result.Error}");
            }
            else if (result.Value is not true)
            {
                errors.Add($"expression '{condition.Program.Expression}' resulted in error: want a bool, got {CelValues.TypeOf(result.Value!).Name}");
            }
        }
        if (errors.Count == 0)
        {
            return MatchOutcome.Matches;
        }
        var message = errors.Count == 1 ? errors[0] : "[" + string.Join(", ", errors) + "]";
        return new MatchOutcome(false, message, null);
    }

    private sealed record Compiled(string Name, CelProgram? Program, string? CompileError);
}

/// <summary>What matchConditions decided: go on, skip (a condition was false), or an error for the failure policy.</summary>
public sealed record MatchOutcome(bool Call, string? Error, string? FalseCondition)
{
    public static MatchOutcome Matches { get; } = new(true, null, null);
}
