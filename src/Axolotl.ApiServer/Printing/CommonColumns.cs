namespace Axolotl.ApiServer.Printing;

/// <summary>The Name and Age columns nearly every printer starts and ends with.</summary>
internal static class CommonColumns
{
    public static TableColumn Name { get; } = new("Name", "string", ColumnDocs.ObjectName, Format: "name");

    public static TableColumn Age { get; } = new("Age", "string", ColumnDocs.CreationTimestamp);

    public static TableColumn Containers { get; } = new("Containers", "string", ColumnDocs.ContainerNames, Priority: 1);

    public static TableColumn Images { get; } = new("Images", "string", ColumnDocs.ContainerImages, Priority: 1);
}
