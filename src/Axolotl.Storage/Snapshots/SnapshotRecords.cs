using System.Text.Json.Serialization;

namespace Axolotl.Storage.Snapshots;

/// <summary>The first line of a snapshot.</summary>
public sealed record SnapshotHeader(string Format, long Revision, int Keys, DateTimeOffset CreatedAt);

/// <summary>One key of a snapshot; the value is base64 (values are bytes: JSON, protobuf or ciphertext).</summary>
public sealed record SnapshotLine(string Key, long CreateRevision, long ModRevision, string Value);

/// <summary>The last line: the SHA-256 of every line before it, newlines included.</summary>
public sealed record SnapshotTrailer(string Sha256);

public sealed record SnapshotSummary(long Revision, int Keys);

public sealed record SnapshotContents(SnapshotHeader Header, IReadOnlyList<StoreEntry> Entries);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(SnapshotHeader))]
[JsonSerializable(typeof(SnapshotLine))]
[JsonSerializable(typeof(SnapshotTrailer))]
internal sealed partial class SnapshotJson : JsonSerializerContext;
