using System.Text.Json;
using System.Text.Json.Nodes;
using Axolotl.Api.Authentication;
using Axolotl.Api.Authorization;
using Axolotl.Api.Meta;
using Axolotl.Api.Rbac;
using Axolotl.Api.Scheme;
using Axolotl.Api.Serialization;
using Axolotl.Api.Validation;
using Axolotl.ApiServer.Errors;
using Axolotl.ApiServer.Http;
using Axolotl.ApiServer.Registry;
using Axolotl.ApiServer.Security;
using Axolotl.ApiServer.Security.Rbac;

namespace Axolotl.ApiServer.Rest;

/// <summary>
/// The review kinds (authorization.k8s.io and authentication.k8s.io): a POST is answered from the
/// authenticator and the authorizer chain, with the request's object echoed back and its status
/// filled in (201), and nothing is stored. Answers what `kubectl auth can-i [--list]` and
/// `kubectl auth whoami` ask.
/// </summary>
public sealed class Reviews(Authentication authentication)
{
    /// <summary>The audience tokens of the API server itself are valid for (kube-apiserver's default --api-audiences).</summary>
    public const string ApiAudience = "https://kubernetes.default.svc.cluster.local";

    public async Task CreateAsync(RequestScope scope)
    {
        if (scope.Http.Request.Method != "POST" || scope.Name is not null || scope.Subresource is not null)
        {
            throw ApiErrors.MethodNotAllowed();
        }
        var body = await BodyReader.ReadObjectAsync(scope.Http);
        ObjectMetaRules.CheckTypeMeta(scope.Type, body, scope.Type.Kind);
        var caller = RequestPrincipal.Get(scope.Http) ?? Principal.Anonymous;
        JsonObject answered = scope.Type switch
        {
            var t when t == KnownResources.SelfSubjectAccessReviews => await SelfAccessAsync(Read<SelfSubjectAccessReview>(body), caller, scope.Aborted),
            var t when t == KnownResources.SubjectAccessReviews => await SubjectAccessAsync(scope.Type, Read<SubjectAccessReview>(body), null, scope.Aborted),
            var t when t == KnownResources.LocalSubjectAccessReviews => await LocalAccessAsync(scope, Read<LocalSubjectAccessReview>(body)),
            var t when t == KnownResources.SelfSubjectRulesReviews => RulesReview(Read<SelfSubjectRulesReview>(body), caller),
            var t when t == KnownResources.SelfSubjectReviews => KubeJson.ToNode(new SelfSubjectReview
            {
                ApiVersion = scope.Type.ApiVersion,
                Kind = scope.Type.Kind,
                Metadata = Read<SelfSubjectReview>(body).Metadata,
                Status = new SelfSubjectReviewStatus { UserInfo = UserInfoOf(caller) },
            }),
            var t when t == KnownResources.TokenReviews => await TokenReviewAsync(Read<TokenReview>(body), scope.Aborted),
            _ => throw ApiErrors.NoSuchPath(),
        };
        await ResponseWriter.WriteAsync(scope.Http, 201, answered);
    }

    private async Task<JsonObject> SelfAccessAsync(SelfSubjectAccessReview review, Principal caller, CancellationToken ct)
    {
        var spec = review.Spec ?? new SelfSubjectAccessReviewSpec();
        var errors = ValidateAttributes(spec.ResourceAttributes, spec.NonResourceAttributes);
        if (errors.Count > 0)
        {
            throw ApiErrors.Invalid(KnownResources.SelfSubjectAccessReviews, review.Metadata.Name ?? "", errors);
        }
        review.Status = await DecideAsync(caller, spec.ResourceAttributes, spec.NonResourceAttributes, ct);
        return KubeJson.ToNode(review);
    }

    private async Task<JsonObject> SubjectAccessAsync<T>(ResourceType type, T review, string? ns, CancellationToken ct)
        where T : KubeObject<SubjectAccessReviewSpec, SubjectAccessReviewStatus>
    {
        var spec = review.Spec ?? new SubjectAccessReviewSpec();
        var errors = ValidateAttributes(spec.ResourceAttributes, spec.NonResourceAttributes);
        if (string.IsNullOrEmpty(spec.User) && spec.Groups is not { Count: > 0 })
        {
            errors.Add(FieldError.Invalid(FieldPath.Of("spec", "user"), spec.User ?? "", "at least one of user or group must be specified"));
        }
        if (ns is not null)
        {
            if (spec.ResourceAttributes is { } r && (r.Namespace ?? "") != ns)
            {
                errors.Add(FieldError.Invalid(FieldPath.Of("spec", "resourceAttributes", "namespace"), r.Namespace ?? "", "must match metadata.namespace"));
            }
            if (spec.NonResourceAttributes is not null)
            {
                errors.Add(FieldError.Invalid(FieldPath.Of("spec", "nonResourceAttributes"), new GoValue.GoSyntax("&authorization.NonResourceAttributes{...}"), "disallowed on this kind of request"));
            }
        }
        if (errors.Count > 0)
        {
            throw ApiErrors.Invalid(type, review.Metadata.Name ?? "", errors);
        }
        var subject = Principal.FromUser(spec.User ?? "", spec.Groups ?? []) with
        {
            Uid = spec.Uid,
            Extra = spec.Extra?.ToDictionary(p => p.Key, p => (IReadOnlyList<string>)p.Value),
        };
        review.Status = await DecideAsync(subject, spec.ResourceAttributes, spec.NonResourceAttributes, ct);
        return KubeJson.ToNode(review);
    }

    private Task<JsonObject> LocalAccessAsync(RequestScope scope, LocalSubjectAccessReview review)
    {
        var ns = scope.Namespace ?? throw ApiErrors.BadRequest("namespace is required on this type: ");
        review.Metadata.Namespace ??= ns;
        if (review.Metadata.Namespace != ns)
        {
            throw ApiErrors.BadRequest($"spec.resourceAttributes.namespace must match namespace: {ns}");
        }
        return SubjectAccessAsync(scope.Type, review, ns, scope.Aborted);
    }

    private async Task<SubjectAccessReviewStatus> DecideAsync(Principal subject, ResourceAttributes? resource, NonResourceAttributes? nonResource, CancellationToken ct)
    {
        var request = resource is { } r
            ? AuthorizationRequest.ForResource(subject, r.Verb ?? "", r.Group ?? "", r.Resource ?? "", r.Subresource, r.Namespace, r.Name) with { Version = r.Version ?? "" }
            : AuthorizationRequest.ForPath(subject, nonResource!.Verb ?? "", nonResource.Path ?? "");
        var decision = await authentication.Authorizer.AuthorizeAsync(request, null, ct);
        return new SubjectAccessReviewStatus { Allowed = decision.Allowed, Reason = string.IsNullOrEmpty(decision.Reason) ? null : decision.Reason };
    }

    /// <summary>Upstream's ValidateSelfSubjectAccessReviewSpec: exactly one of the two attribute kinds.</summary>
    private static List<FieldError> ValidateAttributes(ResourceAttributes? resource, NonResourceAttributes? nonResource)
    {
        var errors = new List<FieldError>();
        if (resource is not null && nonResource is not null)
        {
            errors.Add(FieldError.Invalid(FieldPath.Of("spec", "nonResourceAttributes"), new GoValue.GoSyntax("&authorization.NonResourceAttributes{...}"), "cannot be specified in combination with resourceAttributes"));
        }
        if (resource is null && nonResource is null)
        {
            errors.Add(FieldError.Invalid(FieldPath.Of("spec", "resourceAttributes"), new GoValue.GoSyntax("nil"), "exactly one of nonResourceAttributes or resourceAttributes must be specified"));
        }
        return errors;
    }

    private JsonObject RulesReview(SelfSubjectRulesReview review, Principal caller)
    {
        var ns = review.Spec?.Namespace;
        if (string.IsNullOrEmpty(ns))
        {
            throw ApiErrors.BadRequest("no namespace on request");
        }
        var status = new SubjectRulesReviewStatus();
        foreach (var rule in authentication.Authorizer.Policy.RulesFor(caller, ns))
        {
            if (rule.Resources is { Count: > 0 })
            {
                status.ResourceRules.Add(new ResourceRule
                {
                    Verbs = [.. rule.Verbs ?? []],
                    ApiGroups = rule.ApiGroups is null ? null : [.. rule.ApiGroups],
                    Resources = [.. rule.Resources],
                    ResourceNames = rule.ResourceNames is { Count: > 0 } names ? [.. names] : null,
                });
            }
            if (rule.NonResourceUrls is { Count: > 0 } urls)
            {
                status.NonResourceRules.Add(new NonResourceRule { Verbs = [.. rule.Verbs ?? []], NonResourceUrls = [.. urls] });
            }
        }
        if (caller.IsNode || caller.IsBootstrapper)
        {
            // Their requests also pass the Node authorizer (or the bootstrap rules), which cannot list rules, as upstream's.
            status.Incomplete = true;
            status.EvaluationError = "node authorizer does not support user rule resolution";
        }
        review.Status = status;
        return KubeJson.ToNode(review);
    }

    private async Task<JsonObject> TokenReviewAsync(TokenReview review, CancellationToken ct)
    {
        var spec = review.Spec ?? new TokenReviewSpec();
        if (string.IsNullOrEmpty(spec.Token))
        {
            throw ApiErrors.Invalid(KnownResources.TokenReviews, review.Metadata.Name ?? "", [FieldError.Required(FieldPath.Of("spec", "token"))]);
        }
        var audiences = spec.Audiences is { Count: > 0 } asked ? asked : [ApiAudience];
        var principal = await authentication.AuthenticateBearerAsync(spec.Token, ct);
        // Axolotl's own tokens and service account tokens verified here are for the API server alone: a review for another audience does not authenticate them.
        if (principal is not null && audiences.Contains(ApiAudience))
        {
            review.Status = new TokenReviewStatus { Authenticated = true, User = UserInfoOf(principal), Audiences = [ApiAudience] };
        }
        else
        {
            review.Status = new TokenReviewStatus
            {
                Authenticated = false,
                User = new UserInfo(),
                Error = principal is null ? "[invalid bearer token, token lookup failed]" : $"token audiences [\"{ApiAudience}\"] is invalid for the target audiences {GoValue.StringSlice(audiences)}",
            };
        }
        return KubeJson.ToNode(review);
    }

    private static UserInfo UserInfoOf(Principal principal) => new()
    {
        Username = principal.User,
        Uid = principal.Uid,
        Groups = [.. principal.Groups],
        Extra = principal.Extra?.ToDictionary(p => p.Key, p => p.Value.ToList()),
    };

    private static T Read<T>(JsonObject body)
        where T : KubeObject
    {
        try
        {
            return KubeJson.FromNode<T>(body) ?? throw ApiErrors.BadRequest("empty body");
        }
        catch (JsonException e)
        {
            throw ApiErrors.BadRequest($"unable to decode the request body: {e.Message}");
        }
    }
}
