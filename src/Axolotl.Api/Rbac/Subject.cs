using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Axolotl.Api.Rbac;

/// <summary>rbac.authorization.k8s.io/v1 Subject: a User, Group or ServiceAccount a binding grants to.</summary>
public sealed class Subject
{
    public const string UserKind = "User";
    public const string GroupKind = "Group";
    public const string ServiceAccountKind = "ServiceAccount";

    [Description("User, Group or ServiceAccount.")]
    public string? Kind { get; set; }

    [Description("The API group of the subject: \"\" for ServiceAccounts, rbac.authorization.k8s.io for Users and Groups.")]
    public string? ApiGroup { get; set; }

    [Description("Name of the subject.")]
    public string? Name { get; set; }

    [Description("Namespace of a ServiceAccount subject.")]
    public string? Namespace { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
