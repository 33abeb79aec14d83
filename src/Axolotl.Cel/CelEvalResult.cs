namespace Axolotl.Cel;

/// <summary>
/// The outcome of one evaluation: a CEL value (see <see cref="Values.CelValues"/> for the model) or an error message,
/// and the runtime cost it used.
/// </summary>
public sealed record CelEvalResult(object? Value, string? Error, long Cost)
{
    public bool Success => Error is null;

    /// <summary>True only for a successful evaluation to the boolean true, which is what a validation rule needs.</summary>
    public bool IsTrue => Value is true;

    /// <summary>Whether the error is a cost or deadline stop rather than a fault of the expression's data.</summary>
    public bool Cancelled { get; init; }
}
