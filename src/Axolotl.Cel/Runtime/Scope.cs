namespace Axolotl.Cel.Runtime;

/// <summary>Variables visible to an expression: the caller's bindings plus the chain of comprehension variables.</summary>
internal sealed class Scope(string name, object value, Scope? parent)
{
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

    public string Name { get; } = name;

    public object Value { get; } = value;

    public Scope? Parent { get; } = parent;
}
