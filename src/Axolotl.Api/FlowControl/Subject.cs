using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Axolotl.Api.FlowControl;

/// <summary>flowcontrol.apiserver.k8s.io/v1 Subject: a user, a group or a service account; "*" names match any.</summary>
public sealed class Subject
{
    public const string KindUser = "User";
    public const string KindGroup = "Group";
    public const string KindServiceAccount = "ServiceAccount";

    [Description("User, Group or ServiceAccount.")]
    public string Kind { get; set => field = value ?? ""; } = "";

    public UserSubject? User { get; set; }

    public GroupSubject? Group { get; set; }

    public ServiceAccountSubject? ServiceAccount { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>flowcontrol.apiserver.k8s.io/v1 UserSubject.</summary>
public sealed class UserSubject
{
    public string Name { get; set => field = value ?? ""; } = "";

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>flowcontrol.apiserver.k8s.io/v1 GroupSubject.</summary>
public sealed class GroupSubject
{
    public string Name { get; set => field = value ?? ""; } = "";

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>flowcontrol.apiserver.k8s.io/v1 ServiceAccountSubject.</summary>
public sealed class ServiceAccountSubject
{
    public string Namespace { get; set => field = value ?? ""; } = "";

    public string Name { get; set => field = value ?? ""; } = "";

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
