namespace Axolotl.Api.ManagedFields;

/// <summary>The four ways a field path can step into a value, in upstream's sort order.</summary>
public enum PathElementKind
{
    /// <summary>A named field of a struct or a key of a map: <c>f:name</c>.</summary>
    Field = 0,

    /// <summary>An item of an associative list, by its key fields: <c>k:{"name":"x"}</c>.</summary>
    Key = 1,

    /// <summary>An item of a set-typed list, by its value: <c>v:"x"</c>.</summary>
    Value = 2,

    /// <summary>An item of a list by position (lists without keys, when granular): <c>i:0</c>.</summary>
    Index = 3,
}
