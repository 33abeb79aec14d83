using System.Text.Json.Nodes;
using Axolotl.Api.Apiextensions.Structural;
using Axolotl.Api.Meta;
using Axolotl.Api.Validation;
using Axolotl.Cel;
using Axolotl.Cel.Values;

namespace Axolotl.ApiServer.Apiextensions.Rules;

/// <summary>
/// Runs the rules of a custom resource for one write, as kube-apiserver's cel.Validator does: every node's rules on
/// each value there, <c>oldSelf</c> the correlated old value (through properties, map keys and map-list keys), one
/// cost budget for the whole request. With validation ratcheting (on by default since 1.30) a failure of a rule that
/// does not read oldSelf becomes a warning when the value it judged is unchanged from the old object (<see cref="RatchetScope"/>).
/// </summary>
internal sealed class RuleEvaluation
{
    private const string OutOfBudget = "validation failed due to running out of cost budget, no further validation rules will be run";
    private const int MaxMessageBytes = 5 * 1024;

    private readonly CelCostBudget _budget;
    private readonly CelEvaluationOptions _options;
    private readonly List<FieldError> _errors = [];
    private readonly ICollection<string>? _warnings;
    private bool _stopped;

    private RuleEvaluation(CelCostBudget budget, ICollection<string>? warnings)
    {
        _warnings = warnings;
        _budget = budget;
        _options = new CelEvaluationOptions { CostLimit = CelEvaluationOptions.KubernetesPerCallLimit, Budget = _budget };
    }

    /// <summary>
    /// The failures of <paramref name="obj"/>'s rules; <paramref name="old"/> is the stored object on an update, and
    /// <paramref name="update"/> their correlation when the schema validation already made one (shared, so each
    /// comparison is made once). Ratcheted failures go to <paramref name="ratcheted"/> as upstream's warnings.
    /// </summary>
    public static IReadOnlyList<FieldError> Validate(RuleValidator validator, JsonObject obj, JsonObject? old, CorrelatedObject? update = null,
        ICollection<string>? ratcheted = null, long budget = CelCostBudget.KubernetesRuntimeBudget)
    {
        ArgumentNullException.ThrowIfNull(validator);
        if (validator.IsEmpty)
        {
            return [];
        }
        var run = new RuleEvaluation(new CelCostBudget(budget), ratcheted);
        update ??= old is null ? null : new CorrelatedObject(obj, old, validator.Schema);
        run.Visit(validator, FieldPath.Root, obj, old, new RatchetScope(update, null));
        return run._errors;
    }

    /// <summary>
    /// The failures of one value's rules at <paramref name="path"/>, without ratcheting, drawing from <paramref name="budget"/>
    /// (upstream's cel.Validator.Validate on a schema's default).
    /// </summary>
    public static IReadOnlyList<FieldError> ValidateValue(RuleValidator validator, FieldPath path, JsonNode value, JsonNode? old, CelCostBudget budget)
    {
        ArgumentNullException.ThrowIfNull(validator);
        var run = new RuleEvaluation(budget, null);
        run.Visit(validator, path, value, old, default);
        return run._errors;
    }

    private void Visit(RuleValidator node, FieldPath path, JsonNode? value, JsonNode? old, RatchetScope ratchet)
    {
        // Only values are judged: a rule on a nullable field sees no null, as upstream's validator skips it.
        if (_stopped || value is null)
        {
            return;
        }
        if (node.Rules.Count > 0)
        {
            Evaluate(node, path, value, old, ratchet);
        }
        switch (value)
        {
            case JsonObject obj:
                var oldObj = old as JsonObject;
                foreach (var (name, child) in obj)
                {
                    var next = node.Properties.GetValueOrDefault(name) ?? (node.Schema.Properties.ContainsKey(name) ? null : node.AdditionalProperties);
                    if (next is not null)
                    {
                        Visit(next, next == node.AdditionalProperties ? path.Key(name) : path.Child(name), child, oldObj?[name], ratchet.Key(name));
                    }
                }
                break;
            case JsonArray array when node.Items is { } items:
                var correlation = MapListCorrelation.For(node.Schema, old as JsonArray);
                for (var i = 0; i < array.Count; i++)
                {
                    Visit(items, path.Index(i), array[i], correlation.OldOf(array[i]), ratchet.Index(i));
                }
                break;
            default:
                break;
        }
    }

    private void Evaluate(RuleValidator node, FieldPath path, JsonNode value, JsonNode? old, RatchetScope ratchet)
    {
        var type = node.Schema.Type ?? "";
        object? self = null;
        object? oldSelf = null;
        foreach (var rule in node.Rules)
        {
            if (rule.Program is null)
            {
                _errors.Add(FieldError.Invalid(path, type, "rule compile error: " + rule.Error));
                continue;
            }
            var optionalOldSelf = rule.Rule.OptionalOldSelf == true;
            if (rule.UsesOldSelf && old is null && !optionalOldSelf)
            {
                continue; // a transition rule needs an old value to compare with
            }
            if (_budget.Remaining <= 0)
            {
                Stop(FieldError.Invalid(path, type, OutOfBudget));
                return;
            }
            self ??= RuleValues.From(value, node.Schema, node.ResourceRoot);
            var variables = new Dictionary<string, object>(StringComparer.Ordinal) { ["self"] = self };
            if (rule.UsesOldSelf)
            {
                oldSelf ??= old is null ? null : RuleValues.From(old, node.Schema, node.ResourceRoot);
                variables["oldSelf"] = optionalOldSelf ? (oldSelf is null ? CelOptional.None : CelOptional.Of(oldSelf)) : oldSelf!;
            }
            var result = rule.Program.EvaluateValues(variables, _options);
            if (result.Error is { } error)
            {
                Failed(rule, path, type, error, result.Cancelled);
                if (_stopped)
                {
                    return;
                }
                continue;
            }
            if (result.Value is true)
            {
                continue;
            }
            // fieldPath is appended as upstream's field.Path.Child does, dots and brackets included.
            var at = rule.FieldPath.Length == 0 ? path : path.Child(rule.FieldPath);
            if (result.Value is not false)
            {
                _errors.Add(FieldError.Invalid(at, type, $"cel expression must evaluate to a bool evaluating rule: {rule.Describe()}"));
                continue;
            }
            // Ratcheting: a rule that does not read oldSelf lets through a value that was already like this.
            var ratcheted = !rule.UsesOldSelf && ratchet.Ratchets;
            var detail = Message(rule, variables, at, type, ratcheted);
            if (detail is null)
            {
                return;
            }
            Report(ratcheted, rule.Rule.Reason switch
            {
                "FieldValueForbidden" => FieldError.Forbidden(at, detail),
                "FieldValueRequired" => FieldError.Required(at, detail),
                "FieldValueDuplicate" => FieldError.Duplicate(at, type),
                _ => FieldError.Invalid(at, type, detail),
            });
        }
    }

    private void Report(bool ratcheted, FieldError error)
    {
        if (ratcheted)
        {
            _warnings?.Add(error.ToString());
        }
        else
        {
            _errors.Add(error);
        }
    }

    // Upstream's wording for each way a rule can fail to evaluate; a cost stop ends all evaluation for the request.
    private void Failed(CompiledRule rule, FieldPath path, string type, string error, bool cancelled)
    {
        if (error.StartsWith(OutOfBudget, StringComparison.Ordinal))
        {
            Stop(FieldError.Invalid(path, type, OutOfBudget));
        }
        else if (error.StartsWith("operation cancelled: actual cost limit exceeded", StringComparison.Ordinal))
        {
            Stop(FieldError.Invalid(path, type, $"'{error}': no further validation rules will be run due to call cost exceeds limit for rule: {rule.Describe()}"));
        }
        else if (cancelled)
        {
            Stop(FieldError.Invalid(path, type, $"{error} evaluating rule: {rule.Describe()}"));
        }
        else if (error.StartsWith("no such overload", StringComparison.Ordinal))
        {
            _errors.Add(FieldError.Invalid(path, type, $"'{error}': call arguments did not match a supported operator, function or macro signature for rule: {rule.Describe()}"));
        }
        else
        {
            _errors.Add(FieldError.Invalid(path, type, $"{error} evaluating rule: {rule.Describe()}"));
        }
    }

    /// <summary>The failure's message: messageExpression's result when it gives a usable one, else message, else "failed rule: ...". Null when a cost stop ended the request.</summary>
    private string? Message(CompiledRule rule, Dictionary<string, object> variables, FieldPath at, string type, bool ratcheted)
    {
        if (rule.MessageExpression is { } expression)
        {
            var result = expression.EvaluateValues(variables, _options);
            if (result.Error is { } error && (error.StartsWith(OutOfBudget, StringComparison.Ordinal) || error.StartsWith("operation cancelled", StringComparison.Ordinal)))
            {
                var detail = error.StartsWith(OutOfBudget, StringComparison.Ordinal)
                    ? "messageExpression evaluation failed due to running out of cost budget, no further validation rules will be run"
                    : $"no further validation rules will be run due to call cost exceeds limit for messageExpression: {GoValue.Quote(rule.Rule.MessageExpression)}";
                _stopped = true;
                Report(ratcheted, FieldError.Invalid(at, type, detail));
                return null;
            }
            // Any other failure (an error, not a string, empty, too long, several lines) falls back to message, as upstream.
            if (result.Value is string text && text.Trim() is { Length: > 0 } trimmed
                && System.Text.Encoding.UTF8.GetByteCount(trimmed) <= MaxMessageBytes && trimmed.IndexOf('\n', StringComparison.Ordinal) < 0)
            {
                return trimmed;
            }
        }
        return rule.Rule.Message.Length == 0 ? $"failed rule: {rule.Describe()}" : rule.Rule.Message.Trim();
    }

    private void Stop(FieldError error)
    {
        _errors.Add(error);
        _stopped = true;
    }
}
