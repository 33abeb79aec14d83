namespace Axolotl.Cel.Types;

/// <summary>The kinds of cel-go's checker types; <see cref="Opaque"/> covers optional_type and the Kubernetes library types.</summary>
public enum TypeKind
{
    Dyn,
    Error,
    Null,
    Bool,
    Int,
    Uint,
    Double,
    String,
    Bytes,
    Duration,
    Timestamp,
    List,
    Map,
    Object,
    Opaque,
    Type,
    TypeParam,
}
