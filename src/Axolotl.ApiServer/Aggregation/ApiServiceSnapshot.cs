using Axolotl.Api.ApiRegistration;

namespace Axolotl.ApiServer.Aggregation;

/// <summary>
/// Every stored APIService, as the proxy and discovery read them: the remote ones by "group/version" (each takes its
/// group/version from whatever serves it here, built-ins and CRDs included, as kube-aggregator's proxy does), and each group's
/// priority (the highest groupPriorityMinimum of its APIServices, Local ones included) and each group/version's
/// versionPriority, which order /apis as kube-aggregator orders it. Immutable: swapped whole on every change.
/// </summary>
public sealed class ApiServiceSnapshot
{
    public static ApiServiceSnapshot Empty { get; } = new([], 0);

    public ApiServiceSnapshot(IEnumerable<APIService> apiServices, long generation)
    {
        ArgumentNullException.ThrowIfNull(apiServices);
        Generation = generation;
        foreach (var apiService in apiServices)
        {
            var spec = apiService.Spec;
            if (spec?.Version is not { Length: > 0 } version)
            {
                continue;
            }
            var group = spec.Group ?? "";
            GroupPriorities[group] = Math.Max(GroupPriorities.GetValueOrDefault(group, int.MinValue), spec.GroupPriorityMinimum);
            VersionPriorities[group.Length == 0 ? version : $"{group}/{version}"] = spec.VersionPriority;
            // One stored before such APIServices were refused is not proxied either (Validation.ApiRegistrationValidation.MayBeRemote).
            if (spec.Service is { } service && Api.Validation.ApiRegistrationValidation.MayBeRemote(group))
            {
                var available = apiService.Status?.Conditions?.Exists(c => c.Type == APIServiceCondition.Available && c.Status == "True") == true;
                var remote = new RemoteApiService(apiService.Metadata.Name ?? "", group, version, service.Namespace ?? "", service.Name ?? "", service.Port ?? 443,
                    spec.CaBundle, spec.InsecureSkipTLSVerify == true, available, spec.GroupPriorityMinimum, spec.VersionPriority)
                {
                    CaBundleProblem = spec.InsecureSkipTLSVerify == true ? null : Api.Validation.CaBundleCheck.Problem(spec.CaBundle),
                };
                Remote[remote.GroupVersion] = remote;
            }
        }
    }

    /// <summary>Counts rebuilds, so readers can tell a new snapshot from the one they built from.</summary>
    public long Generation { get; }

    public Dictionary<string, RemoteApiService> Remote { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, int> GroupPriorities { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, int> VersionPriorities { get; } = new(StringComparer.Ordinal);
}
