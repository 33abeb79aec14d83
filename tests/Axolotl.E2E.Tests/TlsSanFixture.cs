using Axolotl.E2E.Tests.Harness;

namespace Axolotl.E2E.Tests;

/// <summary>A server whose serving certificate must also name two --tls-san extras, given both ways the flag takes them.</summary>
public sealed class TlsSanFixture : ServerFixture
{
    protected override IReadOnlyList<string> ServerArgs =>
        ["--tls-san", "axolotl.example.test", "--tls-san", "10.96.77.77,api.example.test"];
}
