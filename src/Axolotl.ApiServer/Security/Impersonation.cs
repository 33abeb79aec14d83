using Axolotl.ApiServer.Errors;
using Axolotl.ApiServer.Security.Rbac;
using Microsoft.AspNetCore.Http;

namespace Axolotl.ApiServer.Security;

/// <summary>
/// Upstream's impersonation filter: Impersonate-User (a user, or a ServiceAccount as
/// system:serviceaccount:NS:NAME), Impersonate-Group, Impersonate-Uid and Impersonate-Extra-KEY, each
/// authorized for the real caller with the impersonate verb on users, serviceaccounts, groups,
/// uids.authentication.k8s.io or userextras.authentication.k8s.io/KEY. The request then runs as the
/// impersonated user, with system:authenticated added unless a group says otherwise.
/// </summary>
public static class Impersonation
{
    public const string UserHeader = "Impersonate-User";
    public const string GroupHeader = "Impersonate-Group";
    public const string UidHeader = "Impersonate-Uid";
    public const string ExtraHeaderPrefix = "Impersonate-Extra-";

    public static bool Requested(IHeaderDictionary headers)
    {
        foreach (var key in headers.Keys)
        {
            if (key.Equals(UserHeader, StringComparison.OrdinalIgnoreCase) || key.Equals(GroupHeader, StringComparison.OrdinalIgnoreCase) ||
                key.Equals(UidHeader, StringComparison.OrdinalIgnoreCase) || key.StartsWith(ExtraHeaderPrefix, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>The impersonated principal; throws the 400 or 403 Status upstream answers with.</summary>
    public static async Task<Principal> ImpersonateAsync(IHeaderDictionary headers, Principal caller, Authorizer authorizer, CancellationToken ct)
    {
        var user = headers[UserHeader].ToString();
        var groups = headers[GroupHeader].Where(g => g is not null).Select(g => g!).ToList();
        var uid = headers.TryGetValue(UidHeader, out var uidValue) ? uidValue.ToString() : null;
        var extra = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var (key, values) in headers)
        {
            if (key.StartsWith(ExtraHeaderPrefix, StringComparison.OrdinalIgnoreCase))
            {
                // Header names are case-insensitive; upstream lower-cases and then unescapes the key.
                var extraKey = Uri.UnescapeDataString(key[ExtraHeaderPrefix.Length..].ToLowerInvariant());
                extra[extraKey] = [.. values.Where(v => v is not null).Select(v => v!)];
            }
        }
        if (string.IsNullOrEmpty(user))
        {
            var what = groups.Count > 0 ? $"[{string.Join(' ', groups)}]" : uid is not null ? uid : string.Join(' ', extra.Keys);
            throw ApiErrors.BadRequest($"requested {what} without impersonating a user");
        }
        var checks = new List<AuthorizationRequest>();
        var account = Principal.ServiceAccountOf(user);
        checks.Add(account is { } sa
            ? AuthorizationRequest.ForResource(caller, "impersonate", "", "serviceaccounts", null, sa.Namespace, sa.Name)
            : AuthorizationRequest.ForResource(caller, "impersonate", "", "users", null, null, user));
        checks.AddRange(groups.Select(g => AuthorizationRequest.ForResource(caller, "impersonate", "", "groups", null, null, g)));
        foreach (var (key, values) in extra)
        {
            checks.AddRange(values.Select(v => AuthorizationRequest.ForResource(caller, "impersonate", "authentication.k8s.io", "userextras", key, null, v)));
        }
        if (!string.IsNullOrEmpty(uid))
        {
            checks.Add(AuthorizationRequest.ForResource(caller, "impersonate", "authentication.k8s.io", "uids", null, null, uid));
        }
        foreach (var check in checks)
        {
            var decision = await authorizer.AuthorizeAsync(check, null, ct);
            if (!decision.Allowed)
            {
                // Upstream names the impersonation attributes, not the request's, and gives no Node-authorizer reason.
                throw new ApiException(Authorizer.Forbidden(check, null));
            }
        }
        var effectiveGroups = groups.Count == 0 && account is { } named
            ? new List<string> { "system:serviceaccounts", $"system:serviceaccounts:{named.Namespace}" }
            : groups;
        if (user != Principal.AnonymousUser && !effectiveGroups.Any(g => g is Principal.AuthenticatedGroup or Principal.UnauthenticatedGroup))
        {
            effectiveGroups.Add(Principal.AuthenticatedGroup);
        }
        return Principal.FromUser(user, effectiveGroups) with
        {
            Uid = string.IsNullOrEmpty(uid) ? null : uid,
            Extra = extra.Count == 0 ? null : extra,
        };
    }

    /// <summary>Drops the impersonation headers once applied, as upstream does, so nothing downstream sees them.</summary>
    public static void RemoveHeaders(IHeaderDictionary headers)
    {
        foreach (var key in headers.Keys.ToList())
        {
            if (key.Equals(UserHeader, StringComparison.OrdinalIgnoreCase) || key.Equals(GroupHeader, StringComparison.OrdinalIgnoreCase) ||
                key.Equals(UidHeader, StringComparison.OrdinalIgnoreCase) || key.StartsWith(ExtraHeaderPrefix, StringComparison.OrdinalIgnoreCase))
            {
                headers.Remove(key);
            }
        }
    }
}
