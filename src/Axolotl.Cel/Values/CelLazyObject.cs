namespace Axolotl.Cel.Values;

/// <summary>
/// An object whose fields are computed when first selected and then kept, as Kubernetes' composited <c>variables</c>:
/// a ValidatingAdmissionPolicy's variable is evaluated at most once per request, and only if an expression reads it.
/// Only field selection (<c>variables.x</c>, <c>has(variables.x)</c>, <c>variables.?x</c>) works on it; it is not a map.
/// One instance serves one request on one thread.
/// </summary>
public sealed class CelLazyObject(IReadOnlyDictionary<string, Func<object>> fields)
{
    private readonly Dictionary<string, object> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _evaluating = new(StringComparer.Ordinal);

    public bool Has(string name) => fields.ContainsKey(name);

    /// <summary>The field's value (a <see cref="CelError"/> when its expression failed); false when there is no such field.</summary>
    public bool TryGetValue(string name, out object value)
    {
        if (_values.TryGetValue(name, out value!))
        {
            return true;
        }
        if (!fields.TryGetValue(name, out var compute))
        {
            return false;
        }
        // Compilation lets a variable read only those declared before it; this guards a caller that did not.
        if (!_evaluating.Add(name))
        {
            value = new CelError($"variable '{name}' refers to itself");
            return true;
        }
        try
        {
            value = compute();
        }
        finally
        {
            _evaluating.Remove(name);
        }
        _values[name] = value;
        return true;
    }
}
