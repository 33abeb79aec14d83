namespace Axolotl.ApiServer.Security;

/// <summary>Who a request authenticated as: the admin, or a node agent holding a join token.</summary>
public sealed record Principal(string User, IReadOnlyList<string> Groups, string? NodeName)
{
    public const string NodesGroup = "system:nodes";

    /// <summary>The header a node agent names itself with; a join token may act for any one node.</summary>
    public const string NodeNameHeader = "X-Axolotl-Node-Name";

    public static Principal Admin { get; } = new("axolotl-admin", ["system:masters", "system:authenticated"], null);

    /// <summary>A node agent; an empty name is a join token used without naming a node (it owns nothing).</summary>
    public static Principal Node(string name) => new(name.Length == 0 ? "system:bootstrap" : $"system:node:{name}", [NodesGroup, "system:authenticated"], name);

    public bool IsNode => NodeName is not null;
}
