namespace Axolotl.Cel.Runtime;

/// <summary>
/// Variables visible to an expression: the caller's bindings plus the chain of macro variables. A variable bound by
/// <c>cel.bind</c> or <c>optMap</c> is computed when first read, as cel-go's lazily initialised accumulator, so its
/// cost is charged only if the body reads it.
/// </summary>
internal sealed class Scope
{
    private Func<object>? _compute;
    private object _value;

    public Scope(string name, object value, Scope? parent)
    {
        Name = name;
        _value = value;
        Parent = parent;
    }

    public Scope(string name, Func<object> compute, Scope? parent)
        : this(name, (object)null!, parent) => _compute = compute;

    public string Name { get; }

    public Scope? Parent { get; }

    public bool TryGet(string key, out object result)
    {
        for (var s = this; s is not null; s = s.Parent)
        {
            if (s.Name == key)
            {
                result = s.Value;
                return true;
            }
        }

        result = null!;
        return false;
    }

    private object Value
    {
        get
        {
            if (_compute is { } compute)
            {
                _compute = null;
                _value = compute();
            }
            return _value;
        }
    }
}
