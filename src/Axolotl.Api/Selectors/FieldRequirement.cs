namespace Axolotl.Api.Selectors;

/// <summary>One term of a field selector: <c>field=value</c> (also written <c>==</c>) or <c>field!=value</c>.</summary>
public sealed record FieldRequirement(string Field, SelectionOperator Operator, string Value)
{
    /// <summary>Compares against the object's value of the field; a missing field counts as "".</summary>
    public bool Matches(Func<string, string?> fieldValue)
    {
        ArgumentNullException.ThrowIfNull(fieldValue);
        var actual = fieldValue(Field) ?? "";
        return Operator == SelectionOperator.NotEquals ? actual != Value : actual == Value;
    }

    /// <summary>The term as upstream prints it, with the value escaped: <c>spec.nodeName=n1</c>.</summary>
    public override string ToString() =>
        Field + (Operator == SelectionOperator.NotEquals ? "!=" : "=") + FieldSelector.EscapeValue(Value);
}
