using Axolotl.Api.Apiextensions.Schema;
using Axolotl.Cel;

namespace Axolotl.ApiServer.Apiextensions.Rules;

/// <summary>
/// One x-kubernetes-validations entry after compilation: the program or the compile error (cel-go's wording), the
/// messageExpression likewise, whether it is a transition rule, where a failure is reported, and its estimated cost.
/// </summary>
internal sealed record CompiledRule(ValidationRule Rule)
{
    public CelProgram? Program { get; init; }

    public string? Error { get; init; }

    public CelProgram? MessageExpression { get; init; }

    public string? MessageExpressionError { get; init; }

    /// <summary>The rule reads oldSelf: it runs only on an update with a correlated old value (unless optionalOldSelf).</summary>
    public bool UsesOldSelf { get; init; }

    /// <summary>fieldPath relative to the node ("a.b"), empty when the rule reports at its node.</summary>
    public string FieldPath { get; init; } = "";

    /// <summary>Estimated cost of one evaluation, before multiplying by how often the node can occur.</summary>
    public ulong Cost { get; init; }

    public ulong MessageExpressionCost { get; init; }

    /// <summary>The rule as upstream names it in messages: its message when it has one, else its text.</summary>
    public string Describe() => Rule.Message.Trim().Length > 0 ? Rule.Message.Trim() : Rule.Rule.Trim();
}
