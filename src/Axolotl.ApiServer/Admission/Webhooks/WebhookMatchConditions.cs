using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Axolotl.Api.AdmissionRegistration;
using Axolotl.Api.Meta;
using Axolotl.Api.Validation;
using Axolotl.ApiServer.Admission.Matching;
using Axolotl.Cel;
using Axolotl.Cel.Types;

namespace Axolotl.ApiServer.Admission.Webhooks;

/// <summary>
/// A webhook's matchConditions (upstream's matchconditions.Matcher): CEL over <c>object</c>, <c>oldObject</c> and
/// <c>request</c>, compiled when the configuration is written and once per webhook object after that. Any
/// condition false: the webhook is not called. Otherwise any error (a runtime error, the per-call cost limit, the
/// webhook's cost budget of 2,500,000, <see cref="CompiledMatchConditions"/>): failurePolicy Ignore skips the webhook, Fail refuses the request with a 403.
/// The <c>authorizer</c> variable upstream also offers is not declared, so a condition using it is refused when
/// its configuration is written.
/// </summary>
public static class WebhookMatchConditions
{
    // object and oldObject are dyn, request upstream's kubernetes.AdmissionRequest.
    private static readonly CelEnvironment Environment = CelEnvironment.Create(
    [
        KeyValuePair.Create("object", CelDeclType.Dyn), KeyValuePair.Create("oldObject", CelDeclType.Dyn),
        KeyValuePair.Create("request", AdmissionCelTypes.Request),
    ]);
    private static readonly CelEnvironment NewExpressions = Environment.ForNewExpressions();
    private static readonly ConditionalWeakTable<Webhook, CompiledMatchConditions> Programs = [];

    private static IEnumerable<Webhook> Hooks(KubeObject? configuration) => configuration switch
    {
        MutatingWebhookConfiguration m => m.Webhooks ?? [],
        ValidatingWebhookConfiguration v => v.Webhooks ?? [],
        _ => [],
    };

    /// <summary>
    /// The compile errors of every condition of a webhook configuration, at <c>webhooks[i].matchConditions[j].expression</c>.
    /// A condition <paramref name="old"/> (the configuration being updated) already had compiles as a stored expression,
    /// any other as a new one (kube-apiserver's compatibility environment, <see cref="CelEnvironment.ForNewExpressions"/>).
    /// </summary>
    public static List<FieldError> Validate(KubeObject configuration, KubeObject? old = null)
    {
        var stored = Hooks(old).SelectMany(h => h.MatchConditions ?? []).Select(c => c.Expression).ToHashSet(StringComparer.Ordinal);
        var errors = new List<FieldError>();
        var i = 0;
        foreach (var hook in Hooks(configuration))
        {
            var path = FieldPath.Of("webhooks").Index(i++).Child("matchConditions");
            var conditions = hook.MatchConditions ?? [];
            for (var j = 0; j < conditions.Count; j++)
            {
                var expression = conditions[j].Expression;
                if (expression.Trim().Length == 0)
                {
                    continue;
                }
                var compiled = (stored.Contains(expression) ? Environment : NewExpressions).Compile(expression);
                if ((compiled.Error ?? AdmissionCelTypes.ResultError(compiled.ResultType, CelDeclType.Bool)) is { } error)
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
            ["request"] = JsonValues.FromNode(AdmissionReviewRequest.ForCel(attributes, obj)),
        };
        return Programs.GetValue(hook, h => CompiledMatchConditions.Compile(Environment, h.MatchConditions)).Evaluate(variables);
    }
}
