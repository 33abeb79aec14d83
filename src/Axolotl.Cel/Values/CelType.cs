namespace Axolotl.Cel.Values;

/// <summary>A CEL type value, as returned by <c>type(x)</c> and named by identifiers such as <c>int</c>.</summary>
public sealed record CelType(string Name)
{
    public static readonly CelType Int = new("int");
    public static readonly CelType Uint = new("uint");
    public static readonly CelType Double = new("double");
    public static readonly CelType String = new("string");
    public static readonly CelType Bytes = new("bytes");
    public static readonly CelType Bool = new("bool");
    public static readonly CelType Null = new("null_type");
    public static readonly CelType List = new("list");
    public static readonly CelType Map = new("map");
    public static readonly CelType Type = new("type");
    public static readonly CelType Timestamp = new("google.protobuf.Timestamp");
    public static readonly CelType Duration = new("google.protobuf.Duration");
    public static readonly CelType Optional = new("optional_type");
    public static readonly CelType Quantity = new("kubernetes.Quantity");
    public static readonly CelType Url = new("kubernetes.URL");
    public static readonly CelType Ip = new("net.IP");
    public static readonly CelType Cidr = new("net.CIDR");
    public static readonly CelType NamedFormat = new("kubernetes.NamedFormat");

    /// <summary>The identifiers that denote types in expressions.</summary>
    internal static readonly Dictionary<string, CelType> ByName = new(StringComparer.Ordinal)
    {
        ["int"] = Int,
        ["uint"] = Uint,
        ["double"] = Double,
        ["string"] = String,
        ["bytes"] = Bytes,
        ["bool"] = Bool,
        ["null_type"] = Null,
        ["list"] = List,
        ["map"] = Map,
        ["type"] = Type,
        ["google.protobuf.Timestamp"] = Timestamp,
        ["google.protobuf.Duration"] = Duration,
        ["optional_type"] = Optional,
    };

    public override string ToString() => Name;
}
