using System.Text.Json.Nodes;

namespace Axolotl.ApiServer.Printing;

/// <summary>
/// PersistentVolumes: Name, Capacity, Access Modes, Reclaim Policy, Status (Terminating while deleting),
/// Claim (namespace/name), StorageClass, VolumeAttributesClass, Reason, Age; VolumeMode with -o wide.
/// </summary>
internal sealed class PersistentVolumePrinter : ITablePrinter
{
    public IReadOnlyList<TableColumn> Columns { get; } =
    [
        CommonColumns.Name,
        new("Capacity", "string", "capacity is the description of the persistent volume's resources and capacity."),
        new("Access Modes", "string", "accessModes contains all ways the volume can be mounted."),
        new("Reclaim Policy", "string", "persistentVolumeReclaimPolicy defines what happens to a persistent volume when released from its claim."),
        new("Status", "string", "phase indicates if a volume is available, bound to a claim, or released by a claim."),
        new("Claim", "string", "claimRef is part of a bi-directional binding between PersistentVolume and PersistentVolumeClaim."),
        new("StorageClass", "string", "storageClassName is the name of StorageClass to which this persistent volume belongs."),
        new("VolumeAttributesClass", "string", "Name of VolumeAttributesClass to which this persistent volume belongs."),
        new("Reason", "string", "reason is a brief CamelCase string that describes any failure and is meant for machine parsing and tidy display in the CLI."),
        CommonColumns.Age,
        new("VolumeMode", "string", "volumeMode defines if a volume is intended to be used with a formatted filesystem or to remain in raw block state.", Priority: 1),
    ];

    public PrintedRow Print(JsonObject volume, DateTimeOffset now)
    {
        var spec = volume.Get("spec");
        var claimRef = spec.Get("claimRef");
        var claim = claimRef.Exists() ? claimRef.Get("namespace").Text() + "/" + claimRef.Get("name").Text() : "";
        return Cells.Row(
            Cells.Text(PrintFormat.Name(volume)),
            Cells.Text(StorageFormat.Quantity(spec.Get("capacity").Get("storage"))),
            Cells.Text(StorageFormat.AccessModes(spec.Get("accessModes"))),
            Cells.Text(spec.Get("persistentVolumeReclaimPolicy").Text()),
            Cells.Text(StorageFormat.Phase(volume)),
            Cells.Text(claim),
            Cells.Text(StorageFormat.ClassName(volume)),
            Cells.Text(spec.Get("volumeAttributesClassName").AsString() ?? StorageFormat.Unset),
            Cells.Text(volume.Get("status", "reason").Text()),
            Cells.Text(PrintFormat.Age(volume, now)),
            Cells.Text(spec.Get("volumeMode").AsString() ?? StorageFormat.Unset));
    }
}
