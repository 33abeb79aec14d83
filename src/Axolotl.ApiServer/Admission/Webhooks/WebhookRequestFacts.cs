namespace Axolotl.ApiServer.Admission.Webhooks;

/// <summary>
/// What a webhook's rules and selectors look at in a request, taken from <see cref="AdmissionAttributes"/>
/// once, so matching is a pure function (table-driven tests need no request). Namespace is "" for a
/// cluster-scoped object; for a Namespace object it is the namespace's own name, as upstream's attributes have it.
/// </summary>
public sealed record WebhookRequestFacts(
    string Operation,
    string Group,
    string Version,
    string Resource,
    string Subresource,
    string Namespace,
    IReadOnlyDictionary<string, string>? ObjectLabels,
    IReadOnlyDictionary<string, string>? OldObjectLabels)
{
    public bool IsNamespaceObject => Group.Length == 0 && Resource == "namespaces";
}
