namespace Axolotl.ApiServer.FieldManagement;

/// <summary>
/// How a write is recorded in managedFields: by which manager, whether the object already carries the
/// entries an apply computed, and through which subresource (status, scale…).
/// </summary>
public sealed record FieldWrite(string Manager, bool Applied, string? Subresource);
