using Axolotl.ApiServer.Security.Rbac;

namespace Axolotl.ApiServer.FlowControl;

/// <summary>
/// What classification looks at, as upstream's RequestDigest: the user and groups, and either the
/// resource request (verb, API group, resource or resource/subresource, namespace; none when cluster
/// scoped) or the non-resource path and its verb.
/// </summary>
public sealed record RequestDigest(string User, IReadOnlyList<string> Groups, bool IsResourceRequest, string Verb, string ApiGroup, string Resource, string Namespace, string Path)
{
    public static RequestDigest Of(AuthorizationRequest request) => new(
        request.User.User,
        request.User.Groups,
        request.IsResourceRequest,
        request.Verb,
        request.Group,
        request.ResourceWithSubresource,
        request.Namespace ?? "",
        request.Path);

    public static RequestDigest ForResource(string user, IReadOnlyList<string> groups, string verb, string apiGroup, string resource, string ns = "") =>
        new(user, groups, true, verb, apiGroup, resource, ns, "");

    public static RequestDigest ForPath(string user, IReadOnlyList<string> groups, string verb, string path) =>
        new(user, groups, false, verb, "", "", "", path);
}
