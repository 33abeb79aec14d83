using Axolotl.Api.Apiextensions.Schema;
using Axolotl.Cel;

namespace Axolotl.ApiServer.Apiextensions.Rules;

/// <summary>
/// Compiles the rules of one schema node with the <c>self</c>/<c>oldSelf</c> environment and estimates their cost from
/// the node's schema (maxItems, maxLength, maxProperties), as upstream's Compile does for each node.
/// </summary>
internal static class RuleCompiler
{
    private static readonly CelEnvironment Environment = CelEnvironment.ForCustomResourceRules();

    public static IReadOnlyList<CompiledRule> Compile(JsonSchemaProps node) => [.. node.ValidationRules.Select(r => Compile(r, node))];

    private static CompiledRule Compile(ValidationRule rule, JsonSchemaProps node)
    {
        if (rule.Rule.Trim().Length == 0)
        {
            return new CompiledRule(rule) { Error = "rule is not specified" };
        }
        var compiled = Environment.Compile(rule.Rule);
        if (compiled.Program is not { } program)
        {
            return new CompiledRule(rule) { Error = compiled.Error };
        }
        var result = new CompiledRule(rule)
        {
            Program = program,
            UsesOldSelf = program.References("oldSelf"),
            Cost = Estimate(program, node),
            FieldPath = rule.FieldPath.Length > 0 ? RuleFieldPath.Resolve(rule.FieldPath, node).Path ?? "" : "",
        };
        if (rule.MessageExpression.Trim().Length == 0)
        {
            return result;
        }
        var message = Environment.Compile(rule.MessageExpression);
        return message.Program is { } messageProgram
            ? result with { MessageExpression = messageProgram, MessageExpressionCost = Estimate(messageProgram, node) }
            : result with { MessageExpressionError = "messageExpression " + message.Error };
    }

    private static long Estimate(CelProgram program, JsonSchemaProps node) =>
        program.EstimateCost(path => RuleSizes.SizeAt(node, path), RuleSizes.Unbounded);
}
