using System.Text.Json.Nodes;

namespace Axolotl.ApiServer.Printing;

/// <summary>
/// PersistentVolumeClaims: Name, Status (Terminating while deleting), Volume, Capacity and Access Modes
/// (from status, once bound), StorageClass, VolumeAttributesClass (&lt;unset&gt;), Age; VolumeMode with -o wide.
/// </summary>
internal sealed class PersistentVolumeClaimPrinter : ITablePrinter
{
    public IReadOnlyList<TableColumn> Columns { get; } =
    [
        CommonColumns.Name,
        new("Status", "string", "phase represents the current phase of PersistentVolumeClaim."),
        new("Volume", "string", "volumeName is the binding reference to the PersistentVolume backing this claim."),
        new("Capacity", "string", "capacity represents the actual resources of the underlying volume."),
        new("Access Modes", "string", "accessModes contains the desired access modes the volume should have."),
        new("StorageClass", "string", "storageClassName is the name of the StorageClass required by the claim."),
        new("VolumeAttributesClass", "string", "volumeAttributesClassName may be used to set the VolumeAttributesClass used by this claim."),
        CommonColumns.Age,
        new("VolumeMode", "string", "volumeMode defines what type of volume is required by the claim.", Priority: 1),
    ];

    public PrintedRow Print(JsonObject claim, DateTimeOffset now)
    {
        var spec = claim.Get("spec");
        var volume = spec.Get("volumeName").Text();
        var capacity = "";
        var modes = "";
        if (volume.Length > 0)
        {
            modes = StorageFormat.AccessModes(claim.Get("status", "accessModes"));
            capacity = StorageFormat.Quantity(claim.Get("status", "capacity").Get("storage"));
        }
        return Cells.Row(
            Cells.Text(PrintFormat.Name(claim)),
            Cells.Text(StorageFormat.Phase(claim)),
            Cells.Text(volume),
            Cells.Text(capacity),
            Cells.Text(modes),
            Cells.Text(StorageFormat.ClassName(claim)),
            Cells.Text(spec.Get("volumeAttributesClassName").AsString() ?? StorageFormat.Unset),
            Cells.Text(PrintFormat.Age(claim, now)),
            Cells.Text(spec.Get("volumeMode").AsString() ?? StorageFormat.Unset));
    }
}
