namespace Axolotl.Proxy.GatewayApi;

/// <summary>The HTTPRoute path match types served (RegularExpression is refused with UnsupportedValue).</summary>
public enum GatewayPathKind
{
    Exact,
    PathPrefix,
}
