using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Axolotl.Api.Meta;
using Axolotl.Api.Scheme;
using Axolotl.Api.Validation;
using Axolotl.ApiServer.Errors;
using Axolotl.ApiServer.Http;
using Axolotl.ApiServer.Registry;
using Axolotl.ApiServer.Security;
using Axolotl.ApiServer.ServiceAccounts;

namespace Axolotl.ApiServer.Rest;

/// <summary>
/// POST serviceaccounts/NAME/token (authentication.k8s.io/v1 TokenRequest), as upstream's token
/// REST: validation (expirationSeconds at least 10 minutes, at most 2^32 s), audiences defaulted
/// to the API server's, the bound object (Pod, Secret or Node) looked up and its uid compared,
/// a pod-bound token naming the pod's node, the kubelet's 3607 s extended to a year with
/// warnafter, and NodeRestriction's rule that a node asks only for tokens bound to its own pods.
/// </summary>
public sealed class TokenRequests(ObjectStore objects, ServiceAccountKey key, ServiceAccountTokenOptions options, TimeProvider clock)
{
    public const long DefaultExpirationSeconds = 3600;
    public const long MinExpirationSeconds = 600;
    public const long MaxExpirationSeconds = 1L << 32;

    /// <summary>What the kubelet asks for (upstream's WarnOnlyBoundTokenExpirationSeconds), and the year it is extended to.</summary>
    public const long KubeletExpirationSeconds = 3607;
    public const long ExtendedExpirationSeconds = 365L * 24 * 60 * 60;

    /// <summary>The kind named in TokenRequest errors.</summary>
    public static readonly ResourceType TokenRequestType = KnownResources.ServiceAccounts with
    {
        Group = "authentication.k8s.io",
        Kind = "TokenRequest",
        Plural = "tokenrequests",
        ClrType = typeof(JsonObject),
    };

    public async Task CreateAsync(RequestScope scope)
    {
        var body = await BodyReader.ReadObjectAsync(scope.Http);
        var response = await IssueAsync(scope.Namespace!, scope.RequiredName, body, RequestPrincipal.Get(scope.Http), scope.DryRun, scope.Aborted);
        await ResponseWriter.WriteAsync(scope.Http, 201, response);
    }

    public async Task<JsonObject> IssueAsync(string ns, string name, JsonObject body, Principal? principal, bool dryRun, CancellationToken ct)
    {
        var request = Parse(body, name);
        var errors = new List<FieldError>();
        if (request.ExpirationSeconds < MinExpirationSeconds)
        {
            errors.Add(FieldError.Invalid("spec.expirationSeconds", request.ExpirationSeconds, "may not specify a duration less than 10 minutes"));
        }
        if (request.ExpirationSeconds > MaxExpirationSeconds)
        {
            errors.Add(FieldError.Invalid("spec.expirationSeconds", request.ExpirationSeconds, "may not specify a duration larger than 2^32 seconds"));
        }
        if (request.BoundObject is { Name.Length: 0 })
        {
            errors.Add(FieldError.Required("spec.boundObjectRef.name"));
        }
        if (errors.Count > 0)
        {
            throw ApiErrors.Invalid(TokenRequestType, name, errors);
        }

        var account = await objects.GetAsync(KnownResources.ServiceAccounts, ns, name, ct) ?? throw ApiErrors.NotFound(KnownResources.ServiceAccounts, name);
        var accountRef = Ref(account.Object);
        ClaimRef? pod = null, secret = null, node = null;
        string? podNode = null;
        if (request.BoundObject is { } bound)
        {
            switch ((bound.ApiVersion, bound.Kind))
            {
                case ("v1", "Pod"):
                    var podObject = await GetBoundAsync(KnownResources.Pods, ns, bound, ct);
                    var podSa = podObject["spec"]?["serviceAccountName"] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : "";
                    if (podSa != name)
                    {
                        throw ApiErrors.BadRequest($"cannot bind token for serviceaccount \"{name}\" to pod running with different serviceaccount name.");
                    }
                    pod = Ref(podObject);
                    podNode = podObject["spec"]?["nodeName"] is JsonValue n && n.GetValueKind() == JsonValueKind.String ? n.GetValue<string>() : null;
                    if (!string.IsNullOrEmpty(podNode) && await objects.GetAsync(KnownResources.Nodes, null, podNode, ct) is { } nodeObject)
                    {
                        node = Ref(nodeObject.Object);
                    }
                    break;
                case ("v1", "Secret"):
                    secret = Ref(await GetBoundAsync(KnownResources.Secrets, ns, bound, ct));
                    break;
                case ("v1", "Node"):
                    node = Ref(await GetBoundAsync(KnownResources.Nodes, null, bound, ct));
                    break;
                default:
                    throw ApiErrors.BadRequest($"cannot bind token to object of type {GvkString(bound.ApiVersion, bound.Kind)}");
            }
        }
        if (principal is { IsNode: true, NodeName: var self })
        {
            // NodeRestriction: a node's tokens are for the pods bound to it, and only those.
            if (pod is null)
            {
                throw ApiErrors.Forbidden(KnownResources.ServiceAccounts, name, $"serviceaccounts \"{name}\" is forbidden: node requested token not bound to a pod");
            }
            if (podNode != self)
            {
                throw ApiErrors.Forbidden(KnownResources.ServiceAccounts, name, $"serviceaccounts \"{name}\" is forbidden: node requested token bound to a pod scheduled on a different node");
            }
        }

        var audiences = request.Audiences.Count == 0 ? options.ApiAudiences : request.Audiences;
        var expirationSeconds = request.ExpirationSeconds;
        if (options.MaxExpiration is { } max && expirationSeconds > (long)max.TotalSeconds)
        {
            expirationSeconds = (long)max.TotalSeconds;
        }
        var tokenSeconds = expirationSeconds;
        long? warnAfterSeconds = null;
        if (options.TestingTtl is { } ttl)
        {
            expirationSeconds = tokenSeconds = Math.Max(1, (long)ttl.TotalSeconds);
        }
        else if (options.ExtendExpiration && pod is not null && expirationSeconds == KubeletExpirationSeconds && IsApiAudiences(audiences))
        {
            warnAfterSeconds = expirationSeconds;
            tokenSeconds = ExtendedExpirationSeconds;
        }

        var now = DateTimeOffset.FromUnixTimeSeconds(clock.GetUtcNow().ToUnixTimeSeconds());
        var claims = new ServiceAccountTokenClaims
        {
            Issuer = options.Issuer,
            Audiences = audiences,
            Namespace = ns,
            ServiceAccount = accountRef,
            Pod = pod,
            Secret = secret,
            Node = node,
            IssuedAt = now,
            Expires = now.AddSeconds(tokenSeconds),
            WarnAfter = warnAfterSeconds is { } w ? now.AddSeconds(w) : null,
            Id = NewUuid(),
        };
        var token = dryRun ? "" : Jwt.Sign(claims.ToJson(), key);

        var spec = new JsonObject
        {
            ["audiences"] = new JsonArray([.. audiences.Select(a => (JsonNode)a)]),
            ["expirationSeconds"] = expirationSeconds,
            ["boundObjectRef"] = request.BoundObject is { } b
                ? new JsonObject { ["kind"] = b.Kind, ["apiVersion"] = b.ApiVersion, ["name"] = b.Name, ["uid"] = (pod ?? secret ?? node)?.Uid }
                : null,
        };
        return new JsonObject
        {
            ["kind"] = "TokenRequest",
            ["apiVersion"] = "authentication.k8s.io/v1",
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns, ["creationTimestamp"] = null },
            ["spec"] = spec,
            ["status"] = new JsonObject
            {
                ["token"] = token,
                ["expirationTimestamp"] = now.AddSeconds(expirationSeconds).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            },
        };
    }

    private bool IsApiAudiences(IReadOnlyList<string> audiences) =>
        audiences.Count == options.ApiAudiences.Count && audiences.All(options.ApiAudiences.Contains);

    private async Task<JsonObject> GetBoundAsync(ResourceType type, string? ns, BoundObject bound, CancellationToken ct)
    {
        var found = await objects.GetAsync(type, ns, bound.Name, ct) ?? throw ApiErrors.NotFound(type, bound.Name);
        var uid = ObjectMetaRules.Str(ObjectMetaRules.Meta(found.Object), "uid") ?? "";
        if (bound.Uid.Length > 0 && bound.Uid != uid)
        {
            throw ApiErrors.Make(409, "Conflict",
                $"Operation cannot be fulfilled on {bound.Kind} \"{bound.Name}\": the UID in the bound object reference ({bound.Uid}) does not match the UID in record. The object might have been deleted and then recreated",
                new StatusDetails { Name = bound.Name, Kind = bound.Kind });
        }
        return found.Object;
    }

    private static ClaimRef Ref(JsonObject obj)
    {
        var meta = ObjectMetaRules.Meta(obj);
        return new ClaimRef(ObjectMetaRules.Str(meta, "name") ?? "", ObjectMetaRules.Str(meta, "uid") ?? "");
    }

    /// <summary>Go's schema.GroupVersionKind String(): "/v1, Kind=ConfigMap", "apps/v1, Kind=Deployment".</summary>
    private static string GvkString(string apiVersion, string kind)
    {
        var (group, version) = KnownResources.ParseApiVersion(apiVersion);
        return $"{group}/{version}, Kind={kind}";
    }

    private static string NewUuid()
    {
        Span<byte> b = stackalloc byte[16];
        RandomNumberGenerator.Fill(b);
        b[6] = (byte)((b[6] & 0x0F) | 0x40);
        b[8] = (byte)((b[8] & 0x3F) | 0x80);
        var hex = Convert.ToHexStringLower(b);
        return $"{hex[..8]}-{hex[8..12]}-{hex[12..16]}-{hex[16..20]}-{hex[20..]}";
    }

    private sealed record BoundObject(string Kind, string ApiVersion, string Name, string Uid);

    private sealed record ParsedRequest(IReadOnlyList<string> Audiences, long ExpirationSeconds, BoundObject? BoundObject);

    /// <summary>Decodes the body strictly enough that a wrong type is a 400, never a 500.</summary>
    private static ParsedRequest Parse(JsonObject body, string name)
    {
        var kind = Str(body, "kind", "kind");
        var apiVersion = Str(body, "apiVersion", "apiVersion");
        if ((kind ?? "TokenRequest") != "TokenRequest" || (apiVersion ?? "authentication.k8s.io/v1") is not ("authentication.k8s.io/v1" or "authentication.k8s.io/v1beta1"))
        {
            throw ApiErrors.BadRequest($"the body of the request was in an unknown format: want authentication.k8s.io/v1 TokenRequest, got {apiVersion} {kind}");
        }
        if (body["metadata"]?["name"] is JsonValue n && n.GetValueKind() == JsonValueKind.String && n.GetValue<string>() is { Length: > 0 } bodyName && bodyName != name)
        {
            throw ApiErrors.BadRequest($"the name of the object ({bodyName}) does not match the name on the URL ({name})");
        }
        var spec = body["spec"] switch
        {
            null => [],
            JsonObject o => o,
            _ => throw Decode("spec", "object"),
        };
        var audiences = new List<string>();
        switch (spec["audiences"])
        {
            case null:
                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    audiences.Add(item is JsonValue a && a.GetValueKind() == JsonValueKind.String ? a.GetValue<string>() : throw Decode("spec.audiences", "string"));
                }
                break;
            default:
                throw Decode("spec.audiences", "array");
        }
        var expiration = spec["expirationSeconds"] switch
        {
            null => DefaultExpirationSeconds,
            JsonValue e when e.GetValueKind() == JsonValueKind.Number && e.TryGetValue(out long l) => l,
            _ => throw Decode("spec.expirationSeconds", "int64"),
        };
        BoundObject? bound = null;
        switch (spec["boundObjectRef"])
        {
            case null:
                break;
            case JsonObject r:
                bound = new BoundObject(Str(r, "kind", "spec.boundObjectRef.kind") ?? "", Str(r, "apiVersion", "spec.boundObjectRef.apiVersion") ?? "",
                    Str(r, "name", "spec.boundObjectRef.name") ?? "", Str(r, "uid", "spec.boundObjectRef.uid") ?? "");
                break;
            default:
                throw Decode("spec.boundObjectRef", "object");
        }
        return new ParsedRequest(audiences, expiration, bound);
    }

    private static string? Str(JsonObject obj, string field, string path) => obj[field] switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        _ => throw Decode(path, "string"),
    };

    private static ApiException Decode(string path, string want) =>
        ApiErrors.BadRequest($"TokenRequest in version \"v1\" cannot be handled as a TokenRequest: json: cannot unmarshal into Go struct field {path} of type {want}");
}
