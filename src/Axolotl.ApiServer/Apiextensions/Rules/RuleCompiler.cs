using Axolotl.Api.Apiextensions.Schema;
using Axolotl.Cel;

namespace Axolotl.ApiServer.Apiextensions.Rules;

/// <summary>
/// Compiles the rules of one schema node with the <c>self</c>/<c>oldSelf</c> environment, field selections checked
/// against the schema, and estimates their cost from the node's schema (maxItems, maxLength, maxProperties), as
/// upstream's Compile does for each node.
/// </summary>
internal static class RuleCompiler
{
    /// <summary>The rules of <paramref name="node"/>; <paramref name="resourceRoot"/> for the root of a resource or an embedded resource.</summary>
    public static IReadOnlyList<CompiledRule> Compile(JsonSchemaProps node, bool resourceRoot)
    {
        var environment = CelEnvironment.ForCustomResourceRules((path, field) => RuleFields.Check(node, resourceRoot, path, field));
        return [.. node.ValidationRules.Select(r => Compile(r, node, environment))];
    }

    private static CompiledRule Compile(ValidationRule rule, JsonSchemaProps node, CelEnvironment environment)
    {
        if (rule.Rule.Trim().Length == 0)
        {
            return new CompiledRule(rule) { Error = "rule is not specified" };
        }
        var compiled = environment.Compile(rule.Rule);
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
        var message = environment.Compile(rule.MessageExpression);
        return message.Program is { } messageProgram
            ? result with { MessageExpression = messageProgram, MessageExpressionCost = Estimate(messageProgram, node) }
            : result with { MessageExpressionError = "messageExpression " + message.Error };
    }

    private static long Estimate(CelProgram program, JsonSchemaProps node) =>
        program.EstimateCost(path => RuleSizes.SizeAt(node, path), RuleSizes.Unbounded);
}
