namespace Axolotl.Images.Distribution;

/// <summary>
/// How long a registry may take, so that a slow or silent one fails a pull instead of holding the pod:
/// to accept a connection, to answer a request's headers, and between two reads of a body.
/// </summary>
public sealed record RegistryTimeouts
{
    public static RegistryTimeouts Default { get; } = new();

    public TimeSpan Connect { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan Response { get; init; } = TimeSpan.FromSeconds(30);

    public TimeSpan Stall { get; init; } = TimeSpan.FromSeconds(60);
}
