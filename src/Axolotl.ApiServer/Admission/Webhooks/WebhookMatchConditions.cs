using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Axolotl.Api.AdmissionRegistration;
using Axolotl.Api.Meta;
using Axolotl.Api.Validation;
using Axolotl.Cel;

namespace Axolotl.ApiServer.Admission.Webhooks;

/// <summary>
/// A webhook's matchConditions (upstream's matchconditions.Matcher): CEL over <c>object</c>, <c>oldObject</c> and
/// <c>request</c>, compiled when the configuration is written and once per webhook object after that. Any
/// condition false: the webhook is not called. Otherwise any error (a runtime error, the per-call cost limit, the
/// webhook's cost budget of 2,500,000): failurePolicy Ignore skips the webhook, Fail refuses the request with a 403.
/// The <c>authorizer</c> variable upstream also offers is not declared, so a condition using it is refused when
/// its configuration is written.
/// </summary>
public static class WebhookMatchConditions
{
    /// <summary>kube-apiserver's RuntimeCELCostBudgetMatchConditions: what all the conditions of one webhook may cost per request.</summary>
    public const long CostBudget = 2_500_000;

    private static readonly CelEnvironment Environment = CelEnvironment.Create("object", "oldObject", "request");
    private static readonly ConditionalWeakTable<Webhook, IReadOnlyList<Compiled>> Programs = [];

    /// <summary>The compile errors of every condition of a webhook configuration, at <c>webhooks[i].matchConditions[j].expression</c>.</summary>
    public static List<FieldError> Validate(KubeObject configuration)
    {
        IEnumerable<Webhook> hooks = configuration switch
        {
            MutatingWebhookConfiguration m => m.Webhooks ?? [],
            ValidatingWebhookConfiguration v => v.Webhooks ?? [],
            _ => [],
        };
        var errors = new List<FieldError>();
        var i = 0;
        foreach (var hook in hooks)
        {
            var path = FieldPath.Of("webhooks").Index(i++).Child("matchConditions");
            var conditions = hook.MatchConditions ?? [];
            for (var j = 0; j < conditions.Count; j++)
            {
                var expression = conditions[j].Expression;
                if (expression.Trim().Length > 0 && Environment.Compile(expression) is { Success: false, Error: { } error })
                {
                    errors.Add(FieldError.Invalid(path.Index(j).Child("expression"), expression, error));
                }
            }
        }
        return errors;
    }

    /// <summary>Whether <paramref name="hook"/> is to be called, given the object as the request has it now.</summary>
    public static MatchOutcome Evaluate(Webhook hook, AdmissionAttributes attributes, JsonObject? obj)
    {
        if (hook.MatchConditions is not { Count: > 0 })
        {
            return MatchOutcome.Matches;
        }
        var variables = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["object"] = JsonValues.FromNode(obj),
            ["oldObject"] = JsonValues.FromNode(attributes.OldObject),
            ["request"] = JsonValues.FromNode(Request(attributes, obj)),
        };
        var budget = new CelCostBudget(CostBudget);
        var errors = new List<string>();
        foreach (var condition in Programs.GetValue(hook, Compile))
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
            var result = condition.Program.EvaluateValues(variables, new CelEvaluationOptions { Budget = budget });
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
                errors.Add($"expression '{condition.Program.Expression}' resulted in error: want a bool, got {Axolotl.Cel.Values.CelValues.TypeOf(result.Value!).Name}");
            }
        }
        if (errors.Count == 0)
        {
            return MatchOutcome.Matches;
        }
        var message = errors.Count == 1 ? errors[0] : "[" + string.Join(", ", errors) + "]";
        return new MatchOutcome(false, message, null);
    }

    /// <summary>The request variable: upstream's AdmissionRequest without its uid, object and oldObject (those are variables of their own).</summary>
    private static JsonObject Request(AdmissionAttributes attributes, JsonObject? obj)
    {
        var request = (JsonObject)AdmissionReviewRequest.Build("v1", "", attributes, null)["request"]!;
        request.Remove("uid");
        request.Remove("object");
        request.Remove("oldObject");
        if (attributes.Name.Length == 0 && AdmissionReviewRequest.NameOf(attributes, obj) is { Length: > 0 } name)
        {
            request["name"] = name;
        }
        return request;
    }

    private static IReadOnlyList<Compiled> Compile(Webhook hook) =>
        [.. (hook.MatchConditions ?? []).Select(c => Environment.Compile(c.Expression) is var r && r.Success
            ? new Compiled(c.Name, r.Program, null)
            : new Compiled(c.Name, null, $"compilation error: {r.Error}"))];

    private sealed record Compiled(string Name, CelProgram? Program, string? CompileError);
}

/// <summary>What a webhook's matchConditions decided: call it, skip it (a condition was false, or an error under Ignore), or an error.</summary>
public sealed record MatchOutcome(bool Call, string? Error, string? FalseCondition)
{
    public static MatchOutcome Matches { get; } = new(true, null, null);
}
