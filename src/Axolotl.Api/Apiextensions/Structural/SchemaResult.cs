using Axolotl.Api.Validation;

namespace Axolotl.Api.Apiextensions.Structural;

/// <summary>
/// What validating one value against one schema found, as kube-openapi's validate.Result keeps it: the errors (each
/// reported once) and a match count, the number of checks that applied, which picks whose errors an anyOf or oneOf
/// without a passing branch reports (the failing branch that got furthest, the first one on a tie).
/// </summary>
internal sealed class SchemaResult
{
    // Created with the first error: most values have none, and one result is made per value checked.
    private List<FieldError>? _errors;

    public IReadOnlyList<FieldError> Errors => _errors ?? [];

    public int MatchCount { get; private set; }

    public bool IsValid => _errors is null;

    public void Add(FieldError error)
    {
        _errors ??= [];
        if (!_errors.Contains(error))
        {
            _errors.Add(error);
        }
    }

    public void Merge(SchemaResult other)
    {
        foreach (var error in other._errors ?? [])
        {
            Add(error);
        }
        MatchCount += other.MatchCount;
    }

    /// <summary>The same checks without their errors: what a ratcheted (unchanged) value reports.</summary>
    public SchemaResult Ratcheted() => new() { MatchCount = MatchCount };

    /// <summary>One more check applied.</summary>
    public void Inc() => MatchCount++;
}
