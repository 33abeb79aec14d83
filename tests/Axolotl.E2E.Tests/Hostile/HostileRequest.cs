namespace Axolotl.E2E.Tests.Hostile;

/// <summary>One request of the hostile corpus: raw path (sent as is), body and its content type, and the principal sending it.</summary>
public sealed record HostileRequest(string Method, string RawPath, byte[]? Body, string? ContentType, string Principal, string Kind)
{
    public override string ToString() => $"{Principal} {Method} {(RawPath.Length > 120 ? RawPath[..120] + "…" : RawPath)} [{Kind}, {Body?.Length ?? 0} bytes {ContentType}]";
}
