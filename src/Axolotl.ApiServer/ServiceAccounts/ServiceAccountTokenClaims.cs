using System.Text.Json.Nodes;

namespace Axolotl.ApiServer.ServiceAccounts;

/// <summary>A name and uid as the kubernetes.io claim holds them (serviceaccount, pod, secret, node).</summary>
public sealed record ClaimRef(string Name, string Uid)
{
    public JsonObject ToJson() => new() { ["name"] = Name, ["uid"] = Uid };
}

/// <summary>
/// What a service account token says, as upstream's token.Claims builds it: iss, sub
/// system:serviceaccount:NS:NAME, aud, exp, iat, nbf, jti, and the private kubernetes.io claim
/// (namespace, serviceaccount, the bound pod or secret or node, the pod's node, warnafter).
/// </summary>
public sealed record ServiceAccountTokenClaims
{
    public const string SubjectPrefix = "system:serviceaccount:";

    public required string Issuer { get; init; }
    public required IReadOnlyList<string> Audiences { get; init; }
    public required string Namespace { get; init; }
    public required ClaimRef ServiceAccount { get; init; }
    public ClaimRef? Pod { get; init; }
    public ClaimRef? Secret { get; init; }
    public ClaimRef? Node { get; init; }
    public required DateTimeOffset IssuedAt { get; init; }
    public required DateTimeOffset Expires { get; init; }
    public DateTimeOffset? WarnAfter { get; init; }
    public required string Id { get; init; }

    public string Subject => $"{SubjectPrefix}{Namespace}:{ServiceAccount.Name}";

    public JsonObject ToJson()
    {
        var k8s = new JsonObject { ["namespace"] = Namespace };
        if (Node is not null)
        {
            k8s["node"] = Node.ToJson();
        }
        if (Pod is not null)
        {
            k8s["pod"] = Pod.ToJson();
        }
        if (Secret is not null)
        {
            k8s["secret"] = Secret.ToJson();
        }
        k8s["serviceaccount"] = ServiceAccount.ToJson();
        if (WarnAfter is { } warn)
        {
            k8s["warnafter"] = warn.ToUnixTimeSeconds();
        }
        return new JsonObject
        {
            ["aud"] = new JsonArray([.. Audiences.Select(a => (JsonNode)a)]),
            ["exp"] = Expires.ToUnixTimeSeconds(),
            ["iat"] = IssuedAt.ToUnixTimeSeconds(),
            ["iss"] = Issuer,
            ["jti"] = Id,
            ["kubernetes.io"] = k8s,
            ["nbf"] = IssuedAt.ToUnixTimeSeconds(),
            ["sub"] = Subject,
        };
    }

    /// <summary>Reads verified claims back; null when a required one is missing or of the wrong type (such a token is refused).</summary>
    public static ServiceAccountTokenClaims? FromJson(JsonObject claims)
    {
        if (Str(claims["iss"]) is not { } iss || Long(claims["exp"]) is not { } exp || Long(claims["iat"]) is not { } iat ||
            claims["kubernetes.io"] is not JsonObject k8s || Str(k8s["namespace"]) is not { Length: > 0 } ns ||
            Ref(k8s["serviceaccount"]) is not { } sa || Str(claims["sub"]) != $"{SubjectPrefix}{ns}:{sa.Name}")
        {
            return null;
        }
        IReadOnlyList<string>? audiences = claims["aud"] switch
        {
            JsonArray array when array.All(a => Str(a) is not null) => [.. array.Select(a => Str(a)!)],
            var single when Str(single) is { } one => [one],
            _ => null,
        };
        if (audiences is null)
        {
            return null;
        }
        if ((k8s["pod"] is not null && Ref(k8s["pod"]) is null) || (k8s["secret"] is not null && Ref(k8s["secret"]) is null) ||
            (k8s["node"] is not null && Ref(k8s["node"]) is null))
        {
            return null;
        }
        return new ServiceAccountTokenClaims
        {
            Issuer = iss,
            Audiences = audiences,
            Namespace = ns,
            ServiceAccount = sa,
            Pod = Ref(k8s["pod"]),
            Secret = Ref(k8s["secret"]),
            Node = Ref(k8s["node"]),
            IssuedAt = DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(iat, 0, 253402300799)),
            Expires = DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(exp, 0, 253402300799)),
            NotBefore = Long(claims["nbf"]) is { } nbf ? DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(nbf, 0, 253402300799)) : null,
            WarnAfter = Long(k8s["warnafter"]) is { } warn ? DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(warn, 0, 253402300799)) : null,
            Id = Str(claims["jti"]) ?? "",
        };
    }

    /// <summary>nbf as read from a token (issued tokens use <see cref="IssuedAt"/>).</summary>
    public DateTimeOffset? NotBefore { get; init; }

    private static string? Str(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.String ? v.GetValue<string>() : null;

    private static long? Long(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.Number && v.TryGetValue(out long l) ? l :
        node is JsonValue d && d.GetValueKind() == System.Text.Json.JsonValueKind.Number && d.TryGetValue(out double x) && x is > long.MinValue and < long.MaxValue ? (long)x : null;

    private static ClaimRef? Ref(JsonNode? node) =>
        node is JsonObject o && Str(o["name"]) is { Length: > 0 } name && Str(o["uid"]) is { } uid ? new ClaimRef(name, uid) : null;
}
