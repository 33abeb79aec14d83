namespace Axolotl.ApiServer.Protobuf.Schema;

/// <summary>
/// Collects one message's fields, one call per field in upstream JSON order. A message name without a
/// dot is in the same package ("PodSpec"); otherwise it is a full name ("meta.v1.ObjectMeta").
/// </summary>
internal sealed class MessageBuilder(string package)
{
    private readonly List<ProtoField> _fields = [];

    internal IReadOnlyList<ProtoField> Fields => _fields;

    public MessageBuilder Str(int number, string json, Zero zero = Zero.Omit) => Add(number, json, ProtoType.String, zero);

    public MessageBuilder Int(int number, string json, Zero zero = Zero.Omit) => Add(number, json, ProtoType.Int, zero);

    public MessageBuilder Bool(int number, string json, Zero zero = Zero.Omit) => Add(number, json, ProtoType.Bool, zero);

    public MessageBuilder Bytes(int number, string json, Zero zero = Zero.Omit) => Add(number, json, ProtoType.Bytes, zero);

    public MessageBuilder Time(int number, string json) => Add(number, json, ProtoType.Time, Zero.Omit);

    public MessageBuilder MicroTime(int number, string json) => Add(number, json, ProtoType.MicroTime, Zero.Omit);

    public MessageBuilder Quantity(int number, string json, Zero zero = Zero.Omit) => Add(number, json, ProtoType.Quantity, zero);

    public MessageBuilder IntOrString(int number, string json, Zero zero = Zero.Omit) => Add(number, json, ProtoType.IntOrString, zero);

    public MessageBuilder RawJson(int number, string json) => Add(number, json, ProtoType.RawJson, Zero.Omit);

    public MessageBuilder Msg(int number, string json, string message) =>
        Add(number, json, ProtoType.Message, Zero.Keep, Cardinality.Single, Qualify(message));

    /// <summary>An embedded Go struct whose JSON fields are inlined into this object.</summary>
    public MessageBuilder Inline(int number, string message) =>
        Add(number, "", ProtoType.Message, Zero.Keep, Cardinality.Single, Qualify(message), inline: true);

    public MessageBuilder Strs(int number, string json) => Add(number, json, ProtoType.String, Zero.Keep, Cardinality.Repeated);

    public MessageBuilder Ints(int number, string json) => Add(number, json, ProtoType.Int, Zero.Keep, Cardinality.Repeated);

    public MessageBuilder Msgs(int number, string json, string message) =>
        Add(number, json, ProtoType.Message, Zero.Keep, Cardinality.Repeated, Qualify(message));

    /// <summary>map&lt;string, T&gt; for a non-message T.</summary>
    public MessageBuilder Map(int number, string json, ProtoType valueType) =>
        Add(number, json, valueType, Zero.Keep, Cardinality.Map);

    private string Qualify(string message) => message.Contains('.', StringComparison.Ordinal) ? message : $"{package}.{message}";

    private MessageBuilder Add(int number, string json, ProtoType type, Zero zero,
        Cardinality cardinality = Cardinality.Single, string? message = null, bool inline = false)
    {
        if (number <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(number), number, "protobuf field numbers start at 1");
        }
        _fields.Add(new ProtoField(number, json, type, cardinality, zero, message, inline));
        return this;
    }
}
