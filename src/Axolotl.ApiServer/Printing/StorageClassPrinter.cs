using System.Text.Json.Nodes;

namespace Axolotl.ApiServer.Printing;

/// <summary>StorageClasses: Name (with " (default)" on the default class), Provisioner, ReclaimPolicy, VolumeBindingMode, AllowVolumeExpansion, Age.</summary>
internal sealed class StorageClassPrinter : ITablePrinter
{
    public IReadOnlyList<TableColumn> Columns { get; } =
    [
        CommonColumns.Name,
        new("Provisioner", "string", "provisioner indicates the type of the provisioner."),
        new("ReclaimPolicy", "string", "reclaimPolicy controls the reclaimPolicy for dynamically provisioned PersistentVolumes of this storage class."),
        new("VolumeBindingMode", "string", "volumeBindingMode indicates how PersistentVolumeClaims should be provisioned and bound."),
        new("AllowVolumeExpansion", "string", "allowVolumeExpansion shows whether the storage class allow volume expand."),
        CommonColumns.Age,
    ];

    public PrintedRow Print(JsonObject storageClass, DateTimeOffset now)
    {
        var name = PrintFormat.Name(storageClass);
        var annotations = storageClass.Get("metadata", "annotations");
        if (annotations.Get("storageclass.kubernetes.io/is-default-class").AsString() == "true"
            || annotations.Get("storageclass.beta.kubernetes.io/is-default-class").AsString() == "true")
        {
            name += " (default)";
        }
        return Cells.Row(
            Cells.Text(name),
            Cells.Text(storageClass.Get("provisioner").Text()),
            Cells.Text(storageClass.Get("reclaimPolicy").AsString() ?? "Delete"),
            Cells.Text(storageClass.Get("volumeBindingMode").AsString() ?? "Immediate"),
            Cells.Bool(storageClass.Get("allowVolumeExpansion").IsTrue()),
            Cells.Text(PrintFormat.Age(storageClass, now)));
    }
}
