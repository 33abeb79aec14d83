using System.Collections;
using System.Collections.Concurrent;
using System.Linq.Expressions;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using Axolotl.Api.Meta;
using Axolotl.Api.Serialization;

namespace Axolotl.Api.Validation;

/// <summary>
/// Finds every field the model did not recognise: anything that landed in an ExtensionData
/// dictionary anywhere in the object. Used for fieldValidation=Strict/Warn, where upstream
/// reports each one as <c>unknown field "spec.foo"</c>. Values typed as JsonElement count as known.
/// </summary>
public static class UnknownFields
{
    private static readonly ConcurrentDictionary<Type, Member[]> Members = new();

    /// <summary>Dotted paths of the unknown fields in document order, e.g. spec.containers[0].imagee.</summary>
    public static IReadOnlyList<string> Find(KubeObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var found = new List<string>();
        Visit(obj, FieldPath.Root, found);
        return found;
    }

    /// <summary>Upstream's wording for one unknown field.</summary>
    public static string Message(string path) => $"unknown field \"{path}\"";

    // Every write's body is walked here, so the walk reads properties through compiled getters and builds a path
    // only for a field it reports (a pod has a few hundred nodes, and none unknown as a rule).
    private static void Visit(object value, FieldPath path, List<string> found)
    {
        foreach (var member in Members.GetOrAdd(value.GetType(), Describe))
        {
            var child = member.Get(value);
            if (child is null)
            {
                continue;
            }
            if (member.IsExtensionData)
            {
                foreach (var key in ((IDictionary<string, JsonElement>)child).Keys)
                {
                    found.Add(path.Join(key));
                }
                continue;
            }
            if (!member.IsLeaf)
            {
                VisitValue(child, path.Field(member.JsonName), found);
            }
        }
    }

    private static void VisitValue(object child, FieldPath path, List<string> found)
    {
        if (IsLeaf(child.GetType()))
        {
            return;
        }
        switch (child)
        {
            case IDictionary dictionary:
                foreach (DictionaryEntry entry in dictionary)
                {
                    if (entry.Value is not null && !IsLeaf(entry.Value.GetType()))
                    {
                        VisitValue(entry.Value, path.Key(entry.Key), found);
                    }
                }
                break;
            case IList list:
                for (var i = 0; i < list.Count; i++)
                {
                    if (list[i] is { } item && !IsLeaf(item.GetType()))
                    {
                        VisitValue(item, path.Index(i), found);
                    }
                }
                break;
            default:
                Visit(child, path, found);
                break;
        }
    }

    private static bool IsLeaf(Type type) => Leaves.GetOrAdd(type, static t =>
    {
        var underlying = Nullable.GetUnderlyingType(t) ?? t;
        return underlying.IsPrimitive || underlying.IsEnum || underlying.IsValueType || underlying == typeof(string) ||
               underlying == typeof(byte[]) || underlying == typeof(JsonElement);
    });

    private static Member[] Describe(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0 && p.GetCustomAttribute<JsonIgnoreAttribute>() is null)
            .Select(p => new Member(
                Getter(p),
                p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? KubeJson.Options.PropertyNamingPolicy?.ConvertName(p.Name) ?? p.Name,
                p.GetCustomAttribute<JsonExtensionDataAttribute>() is not null,
                // A property whose declared type is a leaf holds leaves only (a value type, a string, a sealed JsonElement).
                IsLeaf(p.PropertyType) && (p.PropertyType.IsValueType || p.PropertyType.IsSealed)))
            .ToArray();

    private static Func<object, object?> Getter(PropertyInfo property)
    {
        var target = Expression.Parameter(typeof(object));
        var read = Expression.Property(Expression.Convert(target, property.DeclaringType!), property);
        return Expression.Lambda<Func<object, object?>>(Expression.Convert(read, typeof(object)), target).Compile();
    }

    private static readonly ConcurrentDictionary<Type, bool> Leaves = new();

    /// <summary>
    /// Where the walk is, as a chain of steps from the root; turned into upstream's dotted form (spec.containers[0].imagee)
    /// only for a field that is reported.
    /// </summary>
    private sealed class FieldPath
    {
        public static readonly FieldPath Root = new(null, null, null);

        private readonly FieldPath? _parent;
        private readonly string? _name;
        private readonly object? _subscript;

        private FieldPath(FieldPath? parent, string? name, object? subscript)
        {
            _parent = parent;
            _name = name;
            _subscript = subscript;
        }

        public FieldPath Field(string name) => new(this, name, null);

        public FieldPath Key(object key) => new(this, null, key);

        public FieldPath Index(int index) => new(this, null, index);

        public string Join(string name)
        {
            var prefix = ToString();
            return prefix.Length == 0 ? name : prefix + "." + name;
        }

        public override string ToString()
        {
            if (_parent is null)
            {
                return "";
            }
            var prefix = _parent.ToString();
            if (_name is not null)
            {
                return prefix.Length == 0 ? _name : prefix + "." + _name;
            }
            return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{prefix}[{_subscript}]");
        }
    }

    private sealed record Member(Func<object, object?> Get, string JsonName, bool IsExtensionData, bool IsLeaf);
}
