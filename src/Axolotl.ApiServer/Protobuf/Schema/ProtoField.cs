namespace Axolotl.ApiServer.Protobuf.Schema;

/// <summary>One field of a message: its protobuf number and how its value is written as JSON.</summary>
internal sealed class ProtoField(int number, string jsonName, ProtoType type, Cardinality cardinality, Zero zero, string? messageName, bool inline)
{
    public int Number { get; } = number;
    public string JsonName { get; } = jsonName;
    public ProtoType Type { get; } = type;
    public Cardinality Cardinality { get; } = cardinality;
    public Zero Zero { get; } = zero;

    /// <summary>The referenced message's full name ("core.v1.PodSpec") when <see cref="Type"/> is Message.</summary>
    public string? MessageName { get; } = messageName;

    /// <summary>Go embeds the struct with json:"" or ",inline": its fields land in the parent JSON object.</summary>
    public bool Inline { get; } = inline;

    /// <summary>The resolved message schema; set once the registry is complete.</summary>
    public MessageSchema? Target { get; internal set; }

    /// <summary>Values carried as a length-delimited protobuf message, which repeat-and-merge on the wire.</summary>
    public bool IsMessageEncoded => IsMessageEncodedType(Type);

    public static bool IsMessageEncodedType(ProtoType type) => type is ProtoType.Message or ProtoType.Time
        or ProtoType.MicroTime or ProtoType.Quantity or ProtoType.IntOrString or ProtoType.RawJson or ProtoType.StringList;
}
