namespace Axolotl.Proxy.GatewayApi;

/// <summary>A status condition as the builder decides it; the status writer adds the generation and transition time.</summary>
public sealed record GatewayCondition(string Type, bool Status, string Reason, string Message);
