using Axolotl.Api.Scheme;

namespace Axolotl.ApiServer.Watch.Cache;

/// <summary>
/// The field labels a kind's watch filters may read, in a fixed order (metadata.name and metadata.namespace
/// first): one list per cache, shared by every <see cref="ObjectAttributes"/> of it, which keep only the values.
/// </summary>
internal sealed class FieldNames
{
    private readonly string[] _names;

    private FieldNames(string[] names) => _names = names;

    public int Count => _names.Length;

    public string this[int index] => _names[index];

    public static FieldNames Of(ResourceType type, WatchCacheViews views)
    {
        var names = new List<string> { "metadata.name", "metadata.namespace" };
        foreach (var field in views.FieldLabelsOf(type))
        {
            if (!names.Contains(field, StringComparer.Ordinal))
            {
                names.Add(field);
            }
        }
        return new FieldNames([.. names]);
    }

    /// <summary>The position of <paramref name="name"/>, or -1 when the kind has no such field label.</summary>
    public int IndexOf(string name)
    {
        for (var i = 0; i < _names.Length; i++)
        {
            if (string.Equals(_names[i], name, StringComparison.Ordinal))
            {
                return i;
            }
        }
        return -1;
    }
}
