using System.Buffers.Text;
using System.Text;
using System.Text.Json.Nodes;
using Axolotl.Api.Scheme;
using Axolotl.ApiServer.Errors;
using Axolotl.ApiServer.Registry;
using Axolotl.ApiServer.Rest;
using Axolotl.ApiServer.Security;
using Axolotl.ApiServer.ServiceAccounts;
using Axolotl.Storage.Memory;
using Axolotl.Testing;

namespace Axolotl.ApiServer.Tests.ServiceAccounts;

public sealed class ServiceAccountTokenTests : IDisposable
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));
    private readonly ObjectStore _objects = new(new InMemoryStore());
    private readonly ServiceAccountKey _key = ServiceAccountKey.Ephemeral();
    private readonly ServiceAccountTokenOptions _options = new();

    public void Dispose() => _key.Dispose();

    private TokenRequests Requests(ServiceAccountTokenOptions? options = null) => new(_objects, _key, options ?? _options, _clock);

    private ServiceAccountTokenAuthenticator Authenticator(ServiceAccountKey? key = null) => new(_objects, key ?? _key, _options, _clock);

    private async Task CreateAsync(ResourceType type, string? ns, string name, string uid, JsonObject? spec = null)
    {
        var meta = new JsonObject { ["name"] = name, ["uid"] = uid };
        if (ns is not null)
        {
            meta["namespace"] = ns;
        }
        var obj = new JsonObject { ["apiVersion"] = type.ApiVersion, ["kind"] = type.Kind, ["metadata"] = meta };
        if (spec is not null)
        {
            obj["spec"] = spec;
        }
        await _objects.CreateAsync(type, obj, CancellationToken.None);
    }

    private async Task SeedAsync()
    {
        await CreateAsync(KnownResources.ServiceAccounts, "apps", "builder", "sa-uid");
        await CreateAsync(KnownResources.Nodes, null, "node-a", "node-uid");
        await CreateAsync(KnownResources.Pods, "apps", "web", "pod-uid", new JsonObject { ["serviceAccountName"] = "builder", ["nodeName"] = "node-a" });
        await CreateAsync(KnownResources.Pods, "apps", "other", "other-uid", new JsonObject { ["serviceAccountName"] = "default", ["nodeName"] = "node-b" });
    }

    private static JsonObject Body(long? seconds = null, string? boundKind = null, string? boundName = null, string? uid = null, params string[] audiences)
    {
        var spec = new JsonObject();
        if (seconds is { } s)
        {
            spec["expirationSeconds"] = s;
        }
        if (audiences.Length > 0)
        {
            spec["audiences"] = new JsonArray([.. audiences.Select(a => (JsonNode)a)]);
        }
        if (boundKind is not null)
        {
            spec["boundObjectRef"] = new JsonObject { ["apiVersion"] = "v1", ["kind"] = boundKind, ["name"] = boundName, ["uid"] = uid };
        }
        return new JsonObject { ["apiVersion"] = "authentication.k8s.io/v1", ["kind"] = "TokenRequest", ["spec"] = spec };
    }

    private async Task<string> IssueAsync(JsonObject body, Principal? principal = null, ServiceAccountTokenOptions? options = null) =>
        (await Requests(options).IssueAsync("apps", "builder", body, principal, dryRun: false, CancellationToken.None))["status"]!["token"]!.GetValue<string>();

    private static JsonObject Claims(string token) =>
        JsonNode.Parse(Base64Url.DecodeFromChars(token.Split('.')[1]))!.AsObject();

    [Fact]
    public async Task A_pod_bound_token_carries_upstreams_claims_and_authenticates_as_the_service_account()
    {
        await SeedAsync();

        var token = await IssueAsync(Body(3600, "Pod", "web", "pod-uid"));
        var claims = Claims(token);
        var principal = await Authenticator().AuthenticateAsync(token, CancellationToken.None);

        Assert.Equal("system:serviceaccount:apps:builder", claims["sub"]!.GetValue<string>());
        Assert.Equal(ServiceAccountTokenOptions.DefaultIssuer, claims["iss"]!.GetValue<string>());
        Assert.Equal(_clock.GetUtcNow().ToUnixTimeSeconds() + 3600, claims["exp"]!.GetValue<long>());
        Assert.Equal(claims["iat"]!.GetValue<long>(), claims["nbf"]!.GetValue<long>());
        Assert.Equal("pod-uid", claims["kubernetes.io"]!["pod"]!["uid"]!.GetValue<string>());
        Assert.Equal("node-uid", claims["kubernetes.io"]!["node"]!["uid"]!.GetValue<string>());
        Assert.Equal("sa-uid", claims["kubernetes.io"]!["serviceaccount"]!["uid"]!.GetValue<string>());
        Assert.NotNull(principal);
        Assert.Equal("system:serviceaccount:apps:builder", principal.User);
        Assert.Equal(["system:serviceaccounts", "system:serviceaccounts:apps", "system:authenticated"], principal.Groups);
        Assert.False(principal.IsNode);
        Assert.Equal(["web"], principal.Extra![ServiceAccountTokenAuthenticator.PodNameExtra]);
        Assert.Equal(["node-a"], principal.Extra![ServiceAccountTokenAuthenticator.NodeNameExtra]);
        Assert.Equal(["JTI=" + claims["jti"]!.GetValue<string>()], principal.Extra![ServiceAccountTokenAuthenticator.CredentialIdExtra]);
    }

    [Fact]
    public async Task The_kubelets_3607_seconds_are_extended_to_a_year_with_warnafter_while_the_status_says_what_was_asked()
    {
        await SeedAsync();

        var response = await Requests().IssueAsync("apps", "builder", Body(3607, "Pod", "web", "pod-uid"), null, false, CancellationToken.None);
        var claims = Claims(response["status"]!["token"]!.GetValue<string>());
        var now = _clock.GetUtcNow().ToUnixTimeSeconds();

        Assert.Equal(now + TokenRequests.ExtendedExpirationSeconds, claims["exp"]!.GetValue<long>());
        Assert.Equal(now + 3607, claims["kubernetes.io"]!["warnafter"]!.GetValue<long>());
        Assert.Equal("2026-11-23T13:00:07Z", response["status"]!["expirationTimestamp"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(599, "spec.expirationSeconds: Invalid value: 599: may not specify a duration less than 10 minutes")]
    [InlineData(4294967297, "spec.expirationSeconds: Invalid value: 4294967297: may not specify a duration larger than 2^32 seconds")]
    public async Task Lifetimes_outside_upstreams_bounds_are_invalid(long seconds, string cause)
    {
        await SeedAsync();

        var e = await Assert.ThrowsAsync<ApiException>(() => IssueAsync(Body(seconds)));

        Assert.Equal(422, e.Code);
        Assert.Equal($"TokenRequest.authentication.k8s.io \"builder\" is invalid: {cause}", e.Status.Message);
    }

    [Fact]
    public async Task Binding_checks_the_objects_uid_kind_and_service_account()
    {
        await SeedAsync();

        var stale = await Assert.ThrowsAsync<ApiException>(() => IssueAsync(Body(3600, "Pod", "web", "old-uid")));
        var missing = await Assert.ThrowsAsync<ApiException>(() => IssueAsync(Body(3600, "Pod", "gone")));
        var otherAccount = await Assert.ThrowsAsync<ApiException>(() => IssueAsync(Body(3600, "Pod", "other")));
        var kind = await Assert.ThrowsAsync<ApiException>(() => IssueAsync(Body(3600, "ConfigMap", "x")));

        Assert.Equal(409, stale.Code);
        Assert.Contains("the UID in the bound object reference (old-uid) does not match the UID in record", stale.Status.Message, StringComparison.Ordinal);
        Assert.Equal(404, missing.Code);
        Assert.Equal("cannot bind token for serviceaccount \"builder\" to pod running with different serviceaccount name.", otherAccount.Status.Message);
        Assert.Equal("cannot bind token to object of type /v1, Kind=ConfigMap", kind.Status.Message);
    }

    [Fact]
    public async Task A_node_gets_tokens_only_bound_to_its_own_pods()
    {
        await SeedAsync();

        var unbound = await Assert.ThrowsAsync<ApiException>(() => IssueAsync(Body(3600), Principal.Node("node-a")));
        var elsewhere = await Assert.ThrowsAsync<ApiException>(() => IssueAsync(Body(3600, "Pod", "web"), Principal.Node("node-b")));
        var token = await IssueAsync(Body(3600, "Pod", "web"), Principal.Node("node-a"));

        Assert.Equal(403, unbound.Code);
        Assert.EndsWith("node requested token not bound to a pod", unbound.Status.Message, StringComparison.Ordinal);
        Assert.EndsWith("node requested token bound to a pod scheduled on a different node", elsewhere.Status.Message, StringComparison.Ordinal);
        Assert.NotNull(await Authenticator().AuthenticateAsync(token, CancellationToken.None));
    }

    [Fact]
    public async Task A_token_dies_with_its_pod_or_its_service_account()
    {
        await SeedAsync();
        var token = await IssueAsync(Body(3600, "Pod", "web", "pod-uid"));
        var unbound = await IssueAsync(Body(3600));

        var pod = await _objects.GetAsync(KnownResources.Pods, "apps", "web", CancellationToken.None);
        await _objects.DeleteAsync(KnownResources.Pods, "apps", "web", pod!.Revision, CancellationToken.None);
        Assert.Null(await Authenticator().AuthenticateAsync(token, CancellationToken.None));
        Assert.NotNull(await Authenticator().AuthenticateAsync(unbound, CancellationToken.None));

        var account = await _objects.GetAsync(KnownResources.ServiceAccounts, "apps", "builder", CancellationToken.None);
        await _objects.DeleteAsync(KnownResources.ServiceAccounts, "apps", "builder", account!.Revision, CancellationToken.None);
        await CreateAsync(KnownResources.ServiceAccounts, "apps", "builder", "new-uid");
        Assert.Null(await Authenticator().AuthenticateAsync(unbound, CancellationToken.None));
    }

    [Fact]
    public async Task An_expired_token_or_one_for_another_audience_is_refused()
    {
        await SeedAsync();
        var token = await IssueAsync(Body(600));
        var foreign = await IssueAsync(Body(3600, audiences: "vault"));

        Assert.Equal(["vault"], Claims(foreign)["aud"]!.AsArray().Select(a => a!.GetValue<string>()));
        Assert.Null(await Authenticator().AuthenticateAsync(foreign, CancellationToken.None));
        Assert.NotNull(await Authenticator().AuthenticateAsync(token, CancellationToken.None));
        _clock.Advance(TimeSpan.FromSeconds(600));
        Assert.Null(await Authenticator().AuthenticateAsync(token, CancellationToken.None));
    }

    [Fact]
    public async Task Forged_tampered_and_unsigned_tokens_are_refused()
    {
        await SeedAsync();
        var token = await IssueAsync(Body(3600));
        var parts = token.Split('.');
        using var otherKey = ServiceAccountKey.Ephemeral();
        var claims = Claims(token);
        claims["sub"] = "system:serviceaccount:kube-system:admin";
        var tampered = parts[0] + "." + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(claims.ToJsonString())) + "." + parts[2];
        var none = Base64Url.EncodeToString("""{"alg":"none"}"""u8) + "." + parts[1] + ".";
        var hs256 = Base64Url.EncodeToString(Encoding.UTF8.GetBytes($$"""{"alg":"HS256","kid":"{{_key.KeyId}}"}""")) + "." + parts[1] + "." + parts[2];

        Assert.Null(await Authenticator(otherKey).AuthenticateAsync(token, CancellationToken.None));
        Assert.Null(await Authenticator().AuthenticateAsync(tampered, CancellationToken.None));
        Assert.Null(await Authenticator().AuthenticateAsync(none, CancellationToken.None));
        Assert.Null(await Authenticator().AuthenticateAsync(hs256, CancellationToken.None));
    }

    [Theory]
    [InlineData("eyJ.eyJ.")]
    [InlineData("eyJhbGciOiJFUzI1NiJ9.!!!.AAAA")]
    [InlineData("eyJhbGciOiJFUzI1NiJ9.e30.AAAA")]
    [InlineData("eyJhbGciOiJFUzI1NiJ9.W10.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("eyJbXX0.e30.AAAA")]
    public async Task Hostile_tokens_are_refused_without_an_exception(string token)
    {
        Assert.Null(await Authenticator().AuthenticateAsync(token, CancellationToken.None));
        Assert.Null(await Authenticator().AuthenticateAsync(token + new string('A', Jwt.MaxLength), CancellationToken.None));
    }

    [Fact]
    public async Task A_body_of_the_wrong_shape_is_a_bad_request()
    {
        await SeedAsync();
        var body = new JsonObject { ["spec"] = new JsonObject { ["expirationSeconds"] = "soon" } };

        var e = await Assert.ThrowsAsync<ApiException>(() => IssueAsync(body));

        Assert.Equal(400, e.Code);
    }

    [Fact]
    public void The_jwks_names_the_signing_key()
    {
        var jwk = _key.PublicJwk();

        Assert.Equal("EC", jwk["kty"]!.GetValue<string>());
        Assert.Equal("ES256", jwk["alg"]!.GetValue<string>());
        Assert.Equal(_key.KeyId, jwk["kid"]!.GetValue<string>());
    }
}
