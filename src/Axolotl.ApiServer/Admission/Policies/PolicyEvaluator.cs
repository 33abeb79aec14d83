using System.Text;
using System.Text.Json.Nodes;
using Axolotl.Cel;
using Axolotl.Cel.Values;

namespace Axolotl.ApiServer.Admission.Policies;

/// <summary>
/// Evaluates one policy for one request, binding and param (upstream's validator): its matchConditions (a false one
/// skips the policy), then each validation with kube-apiserver's runtime budget (10,000,000) shared by the
/// validations, their messages and the variables they read. A failed validation is a refusal with messageExpression's
/// result (a string of at most 5,120 bytes on one line), else message, else "failed expression: …". An error (or a
/// validation that gives no bool) refuses under failurePolicy Fail and is ignored under Ignore; running out of budget
/// ends the evaluation with upstream's one message.
/// </summary>
public static class PolicyEvaluator
{
    /// <summary>kube-apiserver's MaxEvaluatedMessageExpressionSizeBytes.</summary>
    public const int MaxMessageBytes = 5 * 1024;

    private const string OutOfBudget = "validation failed due to running out of cost budget";

    public static IReadOnlyList<PolicyDecision> Evaluate(CompiledPolicy policy, PolicyInput input, CelEvaluationOptions? limits = null)
    {
        var variables = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["object"] = JsonValues.FromNode(input.Object),
            ["oldObject"] = JsonValues.FromNode(input.OldObject),
            ["request"] = JsonValues.FromNode(input.Request),
            ["namespaceObject"] = JsonValues.FromNode(input.NamespaceObject),
        };
        if (policy.Spec.ParamKind is not null)
        {
            variables["params"] = JsonValues.FromNode(input.Params);
        }
        var match = policy.Conditions.Evaluate(variables, limits);
        if (match.Error is { } matchError)
        {
            return policy.FailOpen ? [] : [new PolicyDecision(matchError)];
        }
        if (!match.Call)
        {
            return [];
        }
        var budget = new CelCostBudget(CelCostBudget.KubernetesRuntimeBudget);
        var options = new CelEvaluationOptions
        {
            Budget = budget,
            Time = limits?.Time ?? TimeProvider.System,
            CancellationToken = limits?.CancellationToken ?? default,
        };
        var lazy = policy.Variables.ToDictionary(v => v.Name, v => (Func<object>)(() => Value(v.Program.EvaluateValues(variables, options))), StringComparer.Ordinal);
        variables["variables"] = new CelLazyObject(lazy);
        var decisions = new List<PolicyDecision>();
        foreach (var validation in policy.Validations)
        {
            if (budget.Remaining <= 0)
            {
                return OutOfBudgetDecision(policy);
            }
            var result = validation.Program.EvaluateValues(variables, options);
            if (!result.Success && result.Error!.StartsWith(OutOfBudget, StringComparison.Ordinal))
            {
                return OutOfBudgetDecision(policy);
            }
            if (!result.Success || result.Value is not bool)
            {
                var error = result.Success
                    ? $"expression '{validation.Program.Expression}' resulted in error: want a bool, got {CelValues.TypeOf(result.Value!).Name}"
                    : $"expression '{validation.Program.Expression}' resulted in error: {result.Error}";
                if (!policy.FailOpen)
                {
                    decisions.Add(new PolicyDecision(error));
                }
                continue;
            }
            if (result.Value is true)
            {
                continue;
            }
            var reason = validation.Validation.Reason ?? "Invalid";
            var message = "";
            if (validation.Message is { } messageProgram)
            {
                var evaluated = messageProgram.EvaluateValues(variables, options);
                if (evaluated.Cancelled)
                {
                    if (!policy.FailOpen)
                    {
                        decisions.Add(new PolicyDecision($"failed messageExpression: {evaluated.Error}"));
                    }
                    continue;
                }
                if (evaluated.Value is string text)
                {
                    text = text.Trim();
                    message = Encoding.UTF8.GetByteCount(text) > MaxMessageBytes || text.Contains('\n', StringComparison.Ordinal) ? "" : text;
                }
            }
            if (message.Length == 0)
            {
                message = validation.Validation.Message?.Trim() ?? "";
            }
            if (message.Length == 0)
            {
                message = $"failed expression: {validation.Validation.Expression.Trim()}";
            }
            decisions.Add(new PolicyDecision(message, reason));
        }
        return decisions;
    }

    private static IReadOnlyList<PolicyDecision> OutOfBudgetDecision(CompiledPolicy policy) =>
        policy.FailOpen ? [] : [new PolicyDecision($"{OutOfBudget}, no further validation rules will be run")];

    // A variable that failed is an error value, which the expression reading it then reports.
    private static object Value(CelEvalResult result) => result.Success ? result.Value! : new CelError(result.Error!);
}

/// <summary>What a policy's expressions see of one request.</summary>
public sealed record PolicyInput(JsonObject? Object, JsonObject? OldObject, JsonObject Request, JsonObject? NamespaceObject, JsonObject? Params);
