using Axolotl.Api.Apiextensions.Schema;
using Axolotl.Cel;
using Axolotl.Cel.Types;

namespace Axolotl.ApiServer.Apiextensions.Rules;

/// <summary>
/// Compiles the rules of one schema node as upstream's Compile does for each node: <c>self</c> and <c>oldSelf</c> typed
/// from the node's schema (<see cref="RuleTypes"/>, oldSelf an optional for a rule with optionalOldSelf), a rule must be a
/// bool and a messageExpression a string, and each is estimated as upstream does, sized by the node's schema (<see cref="RuleSizes"/>).
/// </summary>
internal static class RuleCompiler
{
    /// <summary>
    /// The rules of <paramref name="node"/>; <paramref name="resourceRoot"/> for the root of a resource or an embedded
    /// resource. <paramref name="stored"/> compiles the rules of a CRD already stored, which a server before the type
    /// checker may have accepted: a rule the types refuse is compiled again over dyn, so it keeps working as it did (a
    /// non-bool result is then an evaluation error) instead of failing every write of the CRD's objects.
    /// </summary>
    /// <param name="preexisting">On a CRD write, the rules and messageExpressions the CRD already had: as upstream, they
    /// compile in the stored expressions' environment, the others in the new expressions' one (no two-variable
    /// comprehensions in 1.32, <see cref="CelEnvironment.ForNewExpressions"/>).</param>
    public static IReadOnlyList<CompiledRule> Compile(JsonSchemaProps node, bool resourceRoot, bool stored, IReadOnlySet<string>? preexisting = null)
    {
        var self = RuleTypes.Of(node, resourceRoot);
        var sizes = RuleSizes.Of(node, resourceRoot);
        var environment = CelEnvironment.ForCustomResourceRules(self, optionalOldSelf: false);
        var optionalEnvironment = CelEnvironment.ForCustomResourceRules(self, optionalOldSelf: true);
        if (!stored)
        {
            return [.. node.ValidationRules.Select(r =>
            {
                var env = r.OptionalOldSelf == true ? optionalEnvironment : environment;
                var known = preexisting is not null && preexisting.Contains(r.Rule)
                    && (r.MessageExpression.Length == 0 || preexisting.Contains(r.MessageExpression));
                return Compile(r, node, sizes, known ? env : env.ForNewExpressions());
            })];
        }
        var untyped = CelEnvironment.ForCustomResourceRules(CelDeclType.Dyn, optionalOldSelf: false);
        var untypedOptional = CelEnvironment.ForCustomResourceRules(CelDeclType.Dyn, optionalOldSelf: true);
        return [.. node.ValidationRules.Select(r =>
        {
            var optional = r.OptionalOldSelf == true;
            var compiled = Compile(r, node, sizes, optional ? optionalEnvironment : environment);
            return stored && (compiled.Error is not null || compiled.MessageExpressionError is not null)
                && Compile(r, node, sizes, optional ? untypedOptional : untyped, checkTypes: false) is { Error: null, MessageExpressionError: null } lenient
                ? lenient
                : compiled;
        })];
    }

    private static CompiledRule Compile(ValidationRule rule, JsonSchemaProps node, RuleSizes? sizes, CelEnvironment environment, bool checkTypes = true)
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
        if (checkTypes && compiled.ResultType?.Kind != TypeKind.Bool)
        {
            return new CompiledRule(rule) { Error = "cel expression must evaluate to a bool" };
        }
        var result = new CompiledRule(rule)
        {
            Program = program,
            UsesOldSelf = program.References("oldSelf"),
            Cost = Estimate(program, sizes),
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
        return !checkTypes || message.ResultType?.Kind == TypeKind.String
            ? result with { MessageExpression = messageProgram, MessageExpressionCost = Estimate(messageProgram, sizes) }
            : result with { MessageExpressionError = "messageExpression must evaluate to a string" };
    }

    // Upstream sizes self and oldSelf alike from the node's schema; a node it cannot type (dyn here) knows no sizes.
    private static ulong Estimate(CelProgram program, RuleSizes? sizes) => program.EstimateCost(path => sizes?.SizeAt(path));
}
