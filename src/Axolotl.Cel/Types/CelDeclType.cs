namespace Axolotl.Cel.Types;

/// <summary>
/// A type as the checker sees it (cel-go's <c>types.Type</c>, Kubernetes' <c>DeclType</c>): primitives, <c>list(T)</c>,
/// <c>map(K, V)</c>, object types with named fields (built from a structural schema), <c>dyn</c>, <c>optional_type(T)</c>,
/// the Kubernetes library types and the type parameters of overloads. Object types compare by name, as cel-go does.
/// </summary>
public sealed class CelDeclType
{
    private CelDeclType(TypeKind kind, string name, IReadOnlyList<CelDeclType>? parameters = null, IReadOnlyDictionary<string, CelDeclType>? fields = null)
    {
        Kind = kind;
        Name = name;
        Parameters = parameters ?? [];
        Fields = fields;
    }

    public TypeKind Kind { get; }

    /// <summary>The declared name: <c>int</c>, <c>list</c>, <c>optional_type</c>, an object's qualified name.</summary>
    public string Name { get; }

    public IReadOnlyList<CelDeclType> Parameters { get; }

    /// <summary>An object type's fields by (escaped) CEL name; null for every other kind.</summary>
    public IReadOnlyDictionary<string, CelDeclType>? Fields { get; }

    public static readonly CelDeclType Dyn = new(TypeKind.Dyn, "dyn");
    public static readonly CelDeclType Error = new(TypeKind.Error, "!error!");
    public static readonly CelDeclType Null = new(TypeKind.Null, "null_type");
    public static readonly CelDeclType Bool = new(TypeKind.Bool, "bool");
    public static readonly CelDeclType Int = new(TypeKind.Int, "int");
    public static readonly CelDeclType Uint = new(TypeKind.Uint, "uint");
    public static readonly CelDeclType Double = new(TypeKind.Double, "double");
    public static readonly CelDeclType String = new(TypeKind.String, "string");
    public static readonly CelDeclType Bytes = new(TypeKind.Bytes, "bytes");
    public static readonly CelDeclType Duration = new(TypeKind.Duration, "google.protobuf.Duration");
    public static readonly CelDeclType Timestamp = new(TypeKind.Timestamp, "google.protobuf.Timestamp");
    public static readonly CelDeclType Quantity = Opaque("kubernetes.Quantity");
    public static readonly CelDeclType Url = Opaque("kubernetes.URL");
    public static readonly CelDeclType Ip = Opaque("net.IP");
    public static readonly CelDeclType Cidr = Opaque("net.CIDR");
    public static readonly CelDeclType NamedFormat = Opaque("kubernetes.NamedFormat");

    public static CelDeclType List(CelDeclType element) => new(TypeKind.List, "list", [element]);

    public static CelDeclType Map(CelDeclType key, CelDeclType value) => new(TypeKind.Map, "map", [key, value]);

    public static CelDeclType Optional(CelDeclType value) => new(TypeKind.Opaque, "optional_type", [value]);

    /// <summary>The type of a type value: <c>type(int)</c> is what the identifier <c>int</c> denotes.</summary>
    public static CelDeclType TypeOf(CelDeclType? value) => new(TypeKind.Type, "type", value is null ? [] : [value]);

    public static CelDeclType Opaque(string name, params CelDeclType[] parameters) => new(TypeKind.Opaque, name, parameters);

    /// <summary>An object with exactly these fields; selecting any other is "undefined field".</summary>
    public static CelDeclType Object(string name, IReadOnlyDictionary<string, CelDeclType> fields) => new(TypeKind.Object, name, null, fields);

    internal static CelDeclType TypeParam(string name) => new(TypeKind.TypeParam, name);

    public bool IsDyn => Kind == TypeKind.Dyn;

    /// <summary>This is <c>optional_type(T)</c>; <paramref name="value"/> is T.</summary>
    public bool IsOptional(out CelDeclType value)
    {
        var optional = Kind == TypeKind.Opaque && Name == "optional_type" && Parameters.Count == 1;
        value = optional ? Parameters[0] : this;
        return optional;
    }

    /// <summary>Same kind, name and parameters (cel-go's IsExactType).</summary>
    public bool IsExactly(CelDeclType other) =>
        ReferenceEquals(this, other)
        || (Kind == other.Kind && Name == other.Name && Parameters.Count == other.Parameters.Count
            && Parameters.Zip(other.Parameters).All(p => p.First.IsExactly(p.Second)));

    /// <summary>cel-go's FormatCELType, the spelling used in checker messages: <c>list(int)</c>, <c>map(string, dyn)</c>, <c>null</c>.</summary>
    public override string ToString() => Kind switch
    {
        TypeKind.Duration => "duration",
        TypeKind.Timestamp => "timestamp",
        TypeKind.Null => "null",
        _ when Parameters.Count == 0 => Name,
        _ => $"{Name}({string.Join(", ", Parameters)})",
    };
}
