namespace Axolotl.Agent.Server.PortForward;

/// <summary>
/// The API server ↔ agent leg of port-forward: one WebSocket per forwarded connection,
/// GET /portForward/{ns}/{pod}?port=P&amp;uid=U&amp;podIP=A with this subprotocol. Binary messages start
/// with a channel byte: 0 data (both ways), 1 error text (agent → API server, then close),
/// 2 end of the client's data (half-close). The agent closes the WebSocket when the pod side ends.
/// </summary>
public static class PortForwardProtocol
{
    public const string SubProtocol = "v1.portforward.axolotl.dev";
    public const byte Data = 0;
    public const byte Error = 1;
    public const byte EndOfInput = 2;
}
