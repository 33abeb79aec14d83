namespace Axolotl.Api.Patch;

/// <summary>What a JSON value is according to the CLR model it deserializes into.</summary>
public enum PatchValueKind
{
    /// <summary>No type information (extension data, JsonElement, custom converters): treated as a plain JSON value.</summary>
    Unknown,

    /// <summary>A string, number, boolean or enum.</summary>
    Primitive,

    /// <summary>A CLR class whose properties are the JSON fields.</summary>
    Object,

    /// <summary>A map with arbitrary keys (Dictionary&lt;string, T&gt;).</summary>
    Map,

    /// <summary>A JSON array (List&lt;T&gt;, T[]).</summary>
    List,
}
