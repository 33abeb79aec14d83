namespace Axolotl.ApiServer.Protobuf.Schema;

/// <summary>Every message the decoder knows, by full name, with message references resolved.</summary>
internal sealed class SchemaRegistry
{
    private readonly Dictionary<string, MessageSchema> _messages;

    private SchemaRegistry(Dictionary<string, MessageSchema> messages) => _messages = messages;

    public static SchemaRegistry Default { get; } = Build(
        MetaV1Schema.Register,
        CoreV1Schema.Register,
        CoreV1PodSchema.Register,
        CoreV1VolumeSchema.Register,
        CoreV1PersistentVolumeSchema.Register,
        AppsV1Schema.Register,
        BatchV1Schema.Register,
        AuthorizationV1Schema.Register,
        AuthenticationV1Schema.Register,
        RbacV1Schema.Register,
        PolicyV1Schema.Register,
        AuthenticationV1TokenRequestSchema.Register,
        CertificatesV1Schema.Register,
        StorageV1Schema.Register,
        SchedulingV1Schema.Register,
        NetworkingV1Schema.Register,
        FlowControlV1Schema.Register,
        AutoscalingV1Schema.Register,
        CoordinationV1Schema.Register,
        EventsV1Schema.Register);

    public IReadOnlyCollection<MessageSchema> Messages => _messages.Values;

    public MessageSchema? Find(string fullName) => _messages.GetValueOrDefault(fullName);

    /// <summary>Runs each table's Register, then links every message reference; a dangling one is a bug in a table.</summary>
    public static SchemaRegistry Build(params Action<Func<string, PackageBuilder>>[] tables)
    {
        var builders = new Dictionary<string, MessageBuilder>(StringComparer.Ordinal);
        foreach (var register in tables)
        {
            register(package => new PackageBuilder(package, builders));
        }

        var messages = builders.ToDictionary(b => b.Key, b => new MessageSchema(b.Key, b.Value.Fields), StringComparer.Ordinal);
        foreach (var message in messages.Values)
        {
            foreach (var field in message.Fields.Where(f => f.MessageName is not null))
            {
                field.Target = messages.GetValueOrDefault(field.MessageName!)
                    ?? throw new InvalidOperationException($"{message.Name}.{field.JsonName} refers to unknown message {field.MessageName}");
            }
        }
        return new SchemaRegistry(messages);
    }
}
