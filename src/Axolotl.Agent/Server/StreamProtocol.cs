namespace Axolotl.Agent.Server;

/// <summary>
/// The exec/attach WebSocket subprotocols the kubelet speaks, and what each changes: base64 forms
/// send text frames (the channel as an ASCII digit, then base64), v4+ put the final Status on
/// channel 3 as JSON (v1 sends only a failure's message, as text), v5 adds the client's close of
/// stdin (channel 255). A request that names no subprotocol gets channel.k8s.io's behaviour.
/// </summary>
internal sealed record StreamProtocol(string Name, bool Base64, int Version)
{
    public static readonly StreamProtocol V5 = new("v5.channel.k8s.io", false, 5);
    public static readonly StreamProtocol V4 = new("v4.channel.k8s.io", false, 4);
    public static readonly StreamProtocol V4Base64 = new("v4.base64.channel.k8s.io", true, 4);
    public static readonly StreamProtocol Channel = new("channel.k8s.io", false, 1);
    public static readonly StreamProtocol Base64Channel = new("base64.channel.k8s.io", true, 1);

    /// <summary>No Sec-WebSocket-Protocol header: channel.k8s.io framing, answered without a subprotocol.</summary>
    public static readonly StreamProtocol None = new("", false, 1);

    private static readonly StreamProtocol[] Known = [V5, V4, V4Base64, Channel, Base64Channel];

    public static string SupportedList { get; } = string.Join(", ", Known.Select(p => p.Name));

    /// <summary>Whether the client can close stdin on its own (v5's channel 255).</summary>
    public bool ClosesStdin => Version >= 5;

    /// <summary>Whether channel 3 carries the final Status as JSON (v4 and later) rather than a failure's message.</summary>
    public bool StatusAsJson => Version >= 4;

    /// <summary>The subprotocol to answer with, or null when the client offered none of ours.</summary>
    public string? SubProtocol => Name.Length == 0 ? null : Name;

    /// <summary>
    /// The first subprotocol the client offered that the kubelet speaks, in the client's order (as
    /// the kubelet's handshake picks); no offer at all is channel.k8s.io; only unknown offers are null.
    /// </summary>
    public static StreamProtocol? Negotiate(IList<string> requested)
    {
        if (requested.Count == 0)
        {
            return None;
        }
        foreach (var name in requested)
        {
            if (Array.Find(Known, p => p.Name == name) is { } protocol)
            {
                return protocol;
            }
        }
        return null;
    }
}
