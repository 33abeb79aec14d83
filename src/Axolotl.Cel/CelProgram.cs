using System.Text.Json;
using System.Text.Json.Nodes;
using Axolotl.Cel.Checking;
using Axolotl.Cel.Costs;
using Axolotl.Cel.Runtime;
using Axolotl.Cel.Syntax;
using Axolotl.Cel.Values;

namespace Axolotl.Cel;

/// <summary>A compiled expression; immutable and safe to evaluate from several threads at once.</summary>
public sealed class CelProgram
{
    private readonly CheckedAst _checked;
    private readonly Expr _tree;
    private readonly CostPlan _plan;

    internal CelProgram(string expression, CheckedAst checkedAst)
    {
        Expression = expression;
        _checked = checkedAst;
        _tree = checkedAst.Tree;
        _plan = new CostPlan(checkedAst);
    }

    public string Expression { get; }

    /// <summary>
    /// The most the expression can cost at runtime as kube-apiserver 1.32 estimates it (cel-go's estimator with Kubernetes'
    /// library costs), saturating at <see cref="ulong.MaxValue"/>. <paramref name="sizeOf"/> answers the largest size
    /// (characters, bytes, items or entries) of the value at a path such as <c>["self", "spec", "ports", "@items",
    /// "name"]</c> (<c>@items</c> a list's element, <c>@keys</c> and <c>@values</c> a map's), or null when it cannot tell.
    /// </summary>
    public ulong EstimateCost(Func<IReadOnlyList<string>, ulong?> sizeOf) => new CostEstimator(_checked, sizeOf).Estimate();

    /// <summary>Whether the expression reads <paramref name="variable"/> (a macro variable of that name does not count).</summary>
    public bool References(string variable) => FreeVariables.References(_tree, variable);

    public CelEvalResult Evaluate(IReadOnlyDictionary<string, JsonNode?> variables, CelEvaluationOptions? options = null) =>
        EvaluateValues(variables.ToDictionary(kv => kv.Key, kv => JsonValues.FromNode(kv.Value)), options);

    public CelEvalResult Evaluate(IReadOnlyDictionary<string, JsonElement> variables, CelEvaluationOptions? options = null) =>
        EvaluateValues(variables.ToDictionary(kv => kv.Key, kv => JsonValues.FromElement(kv.Value)), options);

    /// <summary>Evaluates over values already in the CEL value model (<see cref="CelValues"/>).</summary>
    public CelEvalResult EvaluateValues(IReadOnlyDictionary<string, object> variables, CelEvaluationOptions? options = null)
    {
        options ??= CelEvaluationOptions.Default;
        var time = options.Time;
        var deadline = time.GetTimestamp() + (long)(options.Timeout.TotalSeconds * time.TimestampFrequency);
        var cost = new CostTracker(options.CostLimit, options.Budget?.Remaining, time, deadline, options.CancellationToken);
        try
        {
            var value = new Interpreter(variables, cost, _plan).Eval(_tree, null);
            return value is CelError e ? new CelEvalResult(null, e.Message, cost.Used) : new CelEvalResult(value, null, cost.Used);
        }
        catch (Exception e) when (e is CelCostLimitExceededException or CelEvaluationCancelledException)
        {
            return new CelEvalResult(null, e.Message, cost.Used) { Cancelled = true };
        }
        catch (InsufficientExecutionStackException)
        {
            return new CelEvalResult(null, "operation cancelled: expression too deeply nested", cost.Used) { Cancelled = true };
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A fault of ours must fail the one rule, never the request or the server.
            return new CelEvalResult(null, $"internal error: {e.GetType().Name}: {e.Message}", cost.Used);
        }
        finally
        {
            options.Budget?.Charge(cost.Used);
        }
    }
}
