namespace Axolotl.Api.Selectors;

/// <summary>The operators of label and field selector requirements (upstream's selection.Operator).</summary>
public enum SelectionOperator
{
    /// <summary><c>a=b</c></summary>
    Equals,

    /// <summary><c>a==b</c></summary>
    DoubleEquals,

    /// <summary><c>a!=b</c></summary>
    NotEquals,

    /// <summary><c>a in (x,y)</c></summary>
    In,

    /// <summary><c>a notin (x,y)</c></summary>
    NotIn,

    /// <summary><c>a</c></summary>
    Exists,

    /// <summary><c>!a</c></summary>
    DoesNotExist,

    /// <summary><c>a&gt;5</c> (label selectors only; the value is an integer)</summary>
    GreaterThan,

    /// <summary><c>a&lt;5</c> (label selectors only; the value is an integer)</summary>
    LessThan,
}
