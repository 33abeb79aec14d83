using Axolotl.Agent.Pods;
using Axolotl.Api.Core;

namespace Axolotl.Agent.Tests.Pods;

/// <summary>ConfigMaps, Secrets, claims and volumes by name, as env and volume resolution read them; absent means not found.</summary>
internal sealed class FakeConfigSource : IConfigSource
{
    public Dictionary<string, ConfigMap> ConfigMaps { get; } = [];

    public Dictionary<string, Secret> Secrets { get; } = [];

    public Task<ConfigMap?> GetConfigMapAsync(string ns, string name, CancellationToken ct) => Task.FromResult(ConfigMaps.GetValueOrDefault(name));

    public Task<Secret?> GetSecretAsync(string ns, string name, CancellationToken ct) => Task.FromResult(Secrets.GetValueOrDefault(name));

    public Dictionary<string, PersistentVolumeClaim> Claims { get; } = [];

    public Dictionary<string, PersistentVolume> Volumes { get; } = [];

    public Task<PersistentVolumeClaim?> GetPersistentVolumeClaimAsync(string ns, string name, CancellationToken ct) => Task.FromResult(Claims.GetValueOrDefault(name));

    public Task<PersistentVolume?> GetPersistentVolumeAsync(string name, CancellationToken ct) => Task.FromResult(Volumes.GetValueOrDefault(name));
}
