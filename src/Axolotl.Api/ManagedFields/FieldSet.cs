using System.Text.Json.Nodes;

namespace Axolotl.Api.ManagedFields;

/// <summary>
/// A set of field paths kept as a tree, as upstream's fieldpath.Set: at each node the elements that end a path
/// (members) and the elements that lead further (children). A path may be both, e.g. a list item that is
/// owned as a whole and also through its fields. Children are never empty.
/// </summary>
public sealed class FieldSet
{
    private readonly HashSet<PathElement> _members = [];
    private readonly Dictionary<PathElement, FieldSet> _children = [];

    public bool IsEmpty => _members.Count == 0 && _children.Count == 0;

    public IReadOnlyCollection<PathElement> Members => _members;

    public IEnumerable<KeyValuePair<PathElement, FieldSet>> Children => _children;

    public static FieldSet Of(params IReadOnlyList<PathElement>[] paths)
    {
        var set = new FieldSet();
        foreach (var path in paths)
        {
            set.Insert(path);
        }
        return set;
    }

    public void Insert(IReadOnlyList<PathElement> path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.Count == 0)
        {
            return;
        }
        var node = this;
        for (var i = 0; i < path.Count - 1; i++)
        {
            node = node.ChildOrAdd(path[i]);
        }
        node._members.Add(path[^1]);
    }

    public bool Has(IReadOnlyList<PathElement> path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.Count == 0)
        {
            return false;
        }
        var node = this;
        for (var i = 0; i < path.Count - 1; i++)
        {
            if (!node._children.TryGetValue(path[i], out node!))
            {
                return false;
            }
        }
        return node._members.Contains(path[^1]);
    }

    public bool HasMember(PathElement element) => _members.Contains(element);

    /// <summary>The paths below <paramref name="element"/>, relative to it (upstream's WithPrefix); null if none.</summary>
    public FieldSet? Child(PathElement element) => _children.GetValueOrDefault(element);

    public FieldSet Clone()
    {
        var copy = new FieldSet();
        copy._members.UnionWith(_members);
        foreach (var (pe, child) in _children)
        {
            copy._children[pe] = child.Clone();
        }
        return copy;
    }

    public FieldSet Union(FieldSet other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var result = Clone();
        result.UnionWith(other);
        return result;
    }

    public void UnionWith(FieldSet other)
    {
        ArgumentNullException.ThrowIfNull(other);
        _members.UnionWith(other._members);
        foreach (var (pe, child) in other._children)
        {
            ChildOrAdd(pe).UnionWith(child);
        }
    }

    public FieldSet Difference(FieldSet other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var result = new FieldSet();
        result._members.UnionWith(_members);
        result._members.ExceptWith(other._members);
        foreach (var (pe, child) in _children)
        {
            var rest = other._children.TryGetValue(pe, out var theirs) ? child.Difference(theirs) : child.Clone();
            if (!rest.IsEmpty)
            {
                result._children[pe] = rest;
            }
        }
        return result;
    }

    /// <summary>Whether the two sets share a path; walks only the smaller side of each node, so a small set is cheap to check.</summary>
    public bool Overlaps(FieldSet other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var (few, many) = _members.Count <= other._members.Count ? (_members, other._members) : (other._members, _members);
        foreach (var pe in few)
        {
            if (many.Contains(pe))
            {
                return true;
            }
        }
        var (fewer, more) = _children.Count <= other._children.Count ? (_children, other._children) : (other._children, _children);
        foreach (var (pe, child) in fewer)
        {
            if (more.TryGetValue(pe, out var theirs) && child.Overlaps(theirs))
            {
                return true;
            }
        }
        return false;
    }

    public FieldSet Intersection(FieldSet other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var result = new FieldSet();
        result._members.UnionWith(_members);
        result._members.IntersectWith(other._members);
        foreach (var (pe, child) in _children)
        {
            if (other._children.TryGetValue(pe, out var theirs))
            {
                var both = child.Intersection(theirs);
                if (!both.IsEmpty)
                {
                    result._children[pe] = both;
                }
            }
        }
        return result;
    }

    /// <summary>Keeps only the top-level fields <paramref name="keep"/> accepts (reset fields of a subresource).</summary>
    public FieldSet FilterTopLevel(Func<PathElement, bool> keep)
    {
        ArgumentNullException.ThrowIfNull(keep);
        var result = new FieldSet();
        foreach (var pe in _members.Where(keep))
        {
            result._members.Add(pe);
        }
        foreach (var (pe, child) in _children.Where(c => keep(c.Key)))
        {
            result._children[pe] = child.Clone();
        }
        return result;
    }

    /// <summary>
    /// The set with every named struct field that leads to members made a member itself (upstream's
    /// EnsureNamedFieldsAreMembers), so that removing a field's last owned child removes the field too.
    /// </summary>
    public FieldSet EnsureNamedFieldsAreMembers(FieldType type)
    {
        var result = new FieldSet();
        result._members.UnionWith(_members);
        foreach (var (pe, child) in _children)
        {
            var childType = pe.Kind == PathElementKind.Field ? type.Child(pe.FieldName) : type.Element;
            if (pe.Kind == PathElementKind.Field && type.DeclaresField(pe.FieldName))
            {
                result._members.Add(pe);
            }
            result._children[pe] = child.EnsureNamedFieldsAreMembers(childType);
        }
        return result;
    }

    /// <summary>Every path in the set: this node's members first, then each child's, in sorted order.</summary>
    public IEnumerable<IReadOnlyList<PathElement>> Paths()
    {
        var prefix = new List<PathElement>();
        return Walk(prefix);
    }

    public bool SetEquals(FieldSet other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return _members.SetEquals(other._members) && _children.Count == other._children.Count &&
            _children.All(c => other._children.TryGetValue(c.Key, out var theirs) && c.Value.SetEquals(theirs));
    }

    /// <summary>The FieldsV1 form: each element as a key, "." marking a node that is also a member.</summary>
    public JsonObject ToFieldsV1() => Emit(includeSelf: false);

    /// <summary>Reads a FieldsV1 object; throws <see cref="FormatException"/> when it is not one.</summary>
    public static FieldSet FromFieldsV1(JsonNode? node)
    {
        var set = new FieldSet();
        if (node is null)
        {
            return set;
        }
        if (node is not JsonObject obj)
        {
            throw new FormatException("fieldsV1 must be an object");
        }
        Read(set, obj);
        return set;
    }

    public static string Format(IReadOnlyList<PathElement> path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return string.Concat(path.Select(p => p.Display));
    }

    public override string ToString() => ToFieldsV1().ToJsonString();

    private static void Read(FieldSet parent, JsonObject obj)
    {
        foreach (var (key, value) in obj)
        {
            if (key == ".")
            {
                continue; // handled by the caller: the node itself is a member
            }
            if (value is not JsonObject childObj)
            {
                throw new FormatException($"the value of \"{key}\" must be an object");
            }
            var pe = PathElement.Parse(key);
            if (childObj.Count == 0)
            {
                parent._members.Add(pe);
                continue;
            }
            if (childObj.ContainsKey("."))
            {
                if (childObj["."] is not JsonObject { Count: 0 })
                {
                    throw new FormatException($"the value of \".\" under \"{key}\" must be an empty object");
                }
                parent._members.Add(pe);
            }
            var child = new FieldSet();
            Read(child, childObj);
            if (!child.IsEmpty)
            {
                parent._children[pe] = child;
            }
        }
    }

    private JsonObject Emit(bool includeSelf)
    {
        var obj = new JsonObject();
        if (includeSelf)
        {
            obj["."] = new JsonObject();
        }
        var keys = _members.Union(_children.Keys).Order();
        foreach (var pe in keys)
        {
            obj[pe.Encoded] = _children.TryGetValue(pe, out var child) ? child.Emit(_members.Contains(pe)) : new JsonObject();
        }
        return obj;
    }

    private IEnumerable<IReadOnlyList<PathElement>> Walk(List<PathElement> prefix)
    {
        foreach (var pe in _members.Order())
        {
            yield return [.. prefix, pe];
        }
        foreach (var (pe, child) in _children.OrderBy(c => c.Key))
        {
            prefix.Add(pe);
            foreach (var path in child.Walk(prefix))
            {
                yield return path;
            }
            prefix.RemoveAt(prefix.Count - 1);
        }
    }

    private FieldSet ChildOrAdd(PathElement pe)
    {
        if (!_children.TryGetValue(pe, out var child))
        {
            child = new FieldSet();
            _children[pe] = child;
        }
        return child;
    }
}
