namespace Axolotl.ApiServer.Protobuf.Schema;

/// <summary>How one protobuf field value becomes JSON.</summary>
internal enum ProtoType
{
    /// <summary>string → JSON string.</summary>
    String,

    /// <summary>int32/int64 varint → JSON number (int64 stays a number, as in Kubernetes JSON).</summary>
    Int,

    /// <summary>bool varint → JSON true/false.</summary>
    Bool,

    /// <summary>bytes → base64 JSON string (Secret.data values).</summary>
    Bytes,

    /// <summary>A generated.proto message → JSON object.</summary>
    Message,

    /// <summary>metav1.Time {seconds=1, nanos=2} → RFC 3339 with whole seconds.</summary>
    Time,

    /// <summary>metav1.MicroTime {seconds=1, nanos=2} → RFC 3339 with microseconds.</summary>
    MicroTime,

    /// <summary>resource.Quantity {string=1} → JSON string.</summary>
    Quantity,

    /// <summary>intstr.IntOrString {type=1, intVal=2, strVal=3} → JSON number or string.</summary>
    IntOrString,

    /// <summary>runtime.RawExtension / metav1.FieldsV1 {raw=1}: raw JSON (or a nested k8s protobuf envelope).</summary>
    RawJson,

    /// <summary>A named []string wrapped for protobuf (authorization ExtraValue {items=1}) → JSON array.</summary>
    StringList,
}

/// <summary>Whether a field is one value, a repeated field, or a map (repeated key=1/value=2 entries).</summary>
internal enum Cardinality
{
    Single,
    Repeated,
    Map,
}

/// <summary>
/// What to do with a zero value ("", 0, false): Go writes every non-pointer field to protobuf, so
/// <see cref="Omit"/> mirrors the json:",omitempty" tag, and <see cref="Keep"/> is for pointers and
/// fields without omitempty, whose zero value is meaningful (replicas: 0).
/// </summary>
internal enum Zero
{
    Omit,
    Keep,
}
