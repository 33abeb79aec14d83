using System.Collections;
using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using Axolotl.Api.Meta;
using Axolotl.Api.Serialization;

namespace Axolotl.Api.Tests.Reference;

/// <summary>
/// Finds every field the model did not recognise: anything that landed in an ExtensionData
/// dictionary anywhere in the object. Used for fieldValidation=Strict/Warn, where upstream
/// reports each one as <c>unknown field "spec.foo"</c>. Values typed as JsonElement count as known.
/// </summary>
/// <remarks>The implementation before the write path was cut (issue 34), kept as the reference the differential tests compare with.</remarks>
public static class UnknownFieldsBefore
{
    private static readonly ConcurrentDictionary<Type, Member[]> Members = new();

    /// <summary>Dotted paths of the unknown fields in document order, e.g. spec.containers[0].imagee.</summary>
    public static IReadOnlyList<string> Find(KubeObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var found = new List<string>();
        Visit(obj, "", found);
        return found;
    }

    /// <summary>Upstream's wording for one unknown field.</summary>
    public static string Message(string path) => $"unknown field \"{path}\"";

    private static void Visit(object value, string path, List<string> found)
    {
        foreach (var member in Members.GetOrAdd(value.GetType(), Describe))
        {
            var child = member.Property.GetValue(value);
            if (child is null)
            {
                continue;
            }
            if (member.IsExtensionData)
            {
                foreach (var key in ((IDictionary<string, JsonElement>)child).Keys)
                {
                    found.Add(Join(path, key));
                }
                continue;
            }
            VisitValue(child, Join(path, member.JsonName), found);
        }
    }

    private static void VisitValue(object child, string path, List<string> found)
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
                        VisitValue(entry.Value, $"{path}[{entry.Key}]", found);
                    }
                }
                break;
            case IList list:
                for (var i = 0; i < list.Count; i++)
                {
                    if (list[i] is { } item && !IsLeaf(item.GetType()))
                    {
                        VisitValue(item, $"{path}[{i}]", found);
                    }
                }
                break;
            default:
                Visit(child, path, found);
                break;
        }
    }

    private static string Join(string path, string name) => path.Length == 0 ? name : path + "." + name;

    private static bool IsLeaf(Type type)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        return underlying.IsPrimitive || underlying.IsEnum || underlying.IsValueType || underlying == typeof(string) ||
               underlying == typeof(byte[]) || underlying == typeof(JsonElement);
    }

    private static Member[] Describe(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0 && p.GetCustomAttribute<JsonIgnoreAttribute>() is null)
            .Select(p => new Member(
                p,
                p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? KubeJson.Options.PropertyNamingPolicy?.ConvertName(p.Name) ?? p.Name,
                p.GetCustomAttribute<JsonExtensionDataAttribute>() is not null))
            .ToArray();

    private sealed record Member(PropertyInfo Property, string JsonName, bool IsExtensionData);
}
