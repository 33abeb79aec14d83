namespace Axolotl.ApiServer.Protobuf.Schema;

/// <summary>Declares the messages of one protobuf package ("core.v1") into a registry.</summary>
internal sealed class PackageBuilder(string package, Dictionary<string, MessageBuilder> messages)
{
    public MessageBuilder Message(string name)
    {
        var builder = new MessageBuilder(package);
        if (!messages.TryAdd($"{package}.{name}", builder))
        {
            throw new InvalidOperationException($"message {package}.{name} is declared twice");
        }
        return builder;
    }
}
