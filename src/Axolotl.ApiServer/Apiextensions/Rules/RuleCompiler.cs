using Axolotl.Api.Apiextensions.Schema;
using Axolotl.Cel;
using Axolotl.Cel.Types;

namespace Axolotl.ApiServer.Apiextensions.Rules;

/// <summary>
/// Compiles the rules of one schema node as upstream's Compile does for each node: <c>self</c> and <c>oldSelf</c> typed
/// from the node's schema (<see cref="RuleTypes"/>, oldSelf an optional for a rule with optionalOldSelf), a rule must be a
/// bool and a messageExpression a string, and each is estimated from the node's schema (maxItems, maxLength,
/// maxProperties).
/// </summary>
internal static class RuleCompiler
{
    /// <summary>The rules of <paramref name="node"/>; <paramref name="resourceRoot"/> for the root of a resource or an embedded resource.</summary>
    public static IReadOnlyList<CompiledRule> Compile(JsonSchemaProps node, bool resourceRoot)
    {
        var self = RuleTypes.Of(node, resourceRoot);
        var environment = CelEnvironment.ForCustomResourceRules(self, optionalOldSelf: false);
        var optionalEnvironment = CelEnvironment.ForCustomResourceRules(self, optionalOldSelf: true);
        return [.. node.ValidationRules.Select(r => Compile(r, node, r.OptionalOldSelf == true ? optionalEnvironment : environment))];
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
        if (compiled.ResultType?.Kind != TypeKind.Bool)
        {
            return new CompiledRule(rule) { Error = "cel expression must evaluate to a bool" };
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
        if (message.Program is not { } messageProgram)
        {
            return result with { MessageExpressionError = "messageExpression " + message.Error };
        }
        return message.ResultType?.Kind == TypeKind.String
            ? result with { MessageExpression = messageProgram, MessageExpressionCost = Estimate(messageProgram, node) }
            : result with { MessageExpressionError = "messageExpression must evaluate to a string" };
    }

    private static long Estimate(CelProgram program, JsonSchemaProps node) =>
        program.EstimateCost(path => RuleSizes.SizeAt(node, path), RuleSizes.Unbounded);
}
