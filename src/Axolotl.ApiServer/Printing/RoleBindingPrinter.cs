using System.Text.Json.Nodes;

namespace Axolotl.ApiServer.Printing;

/// <summary>
/// RoleBindings and ClusterRoleBindings, as upstream's printers: Name, Role (Kind/name), Age, and with
/// -o wide the Users, Groups and ServiceAccounts (namespace/name) bound.
/// </summary>
internal sealed class RoleBindingPrinter : ITablePrinter
{
    public IReadOnlyList<TableColumn> Columns { get; } =
    [
        CommonColumns.Name,
        new("Role", "string", "Role identifies the Role or ClusterRole this binding grants."),
        CommonColumns.Age,
        new("Users", "string", "Users bound to the role.", Priority: 1),
        new("Groups", "string", "Groups bound to the role.", Priority: 1),
        new("ServiceAccounts", "string", "ServiceAccounts bound to the role.", Priority: 1),
    ];

    public PrintedRow Print(JsonObject binding, DateTimeOffset now)
    {
        var users = new List<string>();
        var groups = new List<string>();
        var accounts = new List<string>();
        foreach (var subject in binding.Get("subjects") as JsonArray ?? [])
        {
            var name = subject.Get("name").Text();
            switch (subject.Get("kind").Text())
            {
                case "User": users.Add(name); break;
                case "Group": groups.Add(name); break;
                case "ServiceAccount": accounts.Add($"{subject.Get("namespace").Text()}/{name}"); break;
            }
        }
        return Cells.Row(
            Cells.Text(PrintFormat.Name(binding)),
            Cells.Text($"{binding.Get("roleRef", "kind").Text()}/{binding.Get("roleRef", "name").Text()}"),
            Cells.Text(PrintFormat.Age(binding, now)),
            Cells.Text(string.Join(", ", users)),
            Cells.Text(string.Join(", ", groups)),
            Cells.Text(string.Join(", ", accounts)));
    }
}
