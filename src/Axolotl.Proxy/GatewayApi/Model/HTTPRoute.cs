using System.Text.Json;
using System.Text.Json.Serialization;
using Axolotl.Api.Core;
using Axolotl.Api.Meta;

namespace Axolotl.Proxy.GatewayApi.Model;

// The wire shapes of one Gateway API kind live in one file (see GatewayClass.cs).

/// <summary>gateway.networking.k8s.io/v1 HTTPRoute: rules (matches, filters, weighted backends) attached to Gateway listeners.</summary>
public sealed class HTTPRoute : KubeObject
{
    public HTTPRouteSpec? Spec { get; set; }

    public HTTPRouteStatus? Status { get; set; }
}

public sealed class HTTPRouteSpec
{
    public List<ParentReference>? ParentRefs { get; set; }

    public List<string>? Hostnames { get; set; }

    public List<HTTPRouteRule>? Rules { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

public sealed class ParentReference
{
    public string? Group { get; set; }

    public string? Kind { get; set; }

    public string? Namespace { get; set; }

    public string Name { get; set => field = value ?? ""; } = "";

    public string? SectionName { get; set; }

    public int? Port { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

public sealed class HTTPRouteRule
{
    public string? Name { get; set; }

    public List<HTTPRouteMatch>? Matches { get; set; }

    public List<HTTPRouteFilter>? Filters { get; set; }

    public List<HTTPBackendRef>? BackendRefs { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

public sealed class HTTPRouteMatch
{
    public HTTPPathMatch? Path { get; set; }

    public List<HTTPNameValueMatch>? Headers { get; set; }

    public List<HTTPNameValueMatch>? QueryParams { get; set; }

    public string? Method { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

public sealed class HTTPPathMatch
{
    /// <summary>Exact, PathPrefix (the default) or RegularExpression.</summary>
    public string? Type { get; set; }

    public string? Value { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>HTTPHeaderMatch and HTTPQueryParamMatch, which have the same shape.</summary>
public sealed class HTTPNameValueMatch
{
    /// <summary>Exact (the default) or RegularExpression.</summary>
    public string? Type { get; set; }

    public string Name { get; set => field = value ?? ""; } = "";

    public string Value { get; set => field = value ?? ""; } = "";

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

public sealed class HTTPRouteFilter
{
    public string Type { get; set => field = value ?? ""; } = "";

    public HTTPHeaderFilter? RequestHeaderModifier { get; set; }

    public HTTPHeaderFilter? ResponseHeaderModifier { get; set; }

    public HTTPRequestRedirectFilter? RequestRedirect { get; set; }

    public HTTPURLRewriteFilter? UrlRewrite { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

public sealed class HTTPHeaderFilter
{
    public List<HTTPHeader>? Set { get; set; }

    public List<HTTPHeader>? Add { get; set; }

    public List<string>? Remove { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

public sealed class HTTPHeader
{
    public string Name { get; set => field = value ?? ""; } = "";

    public string Value { get; set => field = value ?? ""; } = "";
}

public sealed class HTTPRequestRedirectFilter
{
    public string? Scheme { get; set; }

    public string? Hostname { get; set; }

    public HTTPPathModifier? Path { get; set; }

    public int? Port { get; set; }

    public int? StatusCode { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

public sealed class HTTPURLRewriteFilter
{
    public string? Hostname { get; set; }

    public HTTPPathModifier? Path { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

public sealed class HTTPPathModifier
{
    /// <summary>ReplaceFullPath or ReplacePrefixMatch.</summary>
    public string Type { get; set => field = value ?? ""; } = "";

    public string? ReplaceFullPath { get; set; }

    public string? ReplacePrefixMatch { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

public sealed class HTTPBackendRef
{
    public string? Group { get; set; }

    public string? Kind { get; set; }

    public string Name { get; set => field = value ?? ""; } = "";

    public string? Namespace { get; set; }

    public int? Port { get; set; }

    public int? Weight { get; set; }

    public List<HTTPRouteFilter>? Filters { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

public sealed class HTTPRouteStatus
{
    public List<RouteParentStatus>? Parents { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

public sealed class RouteParentStatus
{
    public ParentReference ParentRef { get; set; } = new();

    public string ControllerName { get; set => field = value ?? ""; } = "";

    public List<Condition> Conditions { get; set; } = [];

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
