using Axolotl.Agent.Logs;
using Axolotl.Agent.Tests.Pods;
using Axolotl.Agent.Volumes;
using Axolotl.Api.Core;
using Axolotl.Api.Storage;
using Axolotl.Testing;

namespace Axolotl.Agent.Tests.Volumes;

public sealed class ClaimVolumesTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("axolotl-claims-").FullName;
    private readonly FakeConfigSource _source = new();
    private readonly PodVolumeManager _volumes;

    public ClaimVolumesTests() =>
        _volumes = new PodVolumeManager(new LogPaths(Path.Combine(_dir, "agent")), new VolumeContentResolver(_source), new FakeTimeProvider());

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static Pod PodUsing(string claim, bool readOnly = false) => new()
    {
        Metadata = new() { Name = "p", Namespace = "ns", Uid = "pod-uid" },
        Spec = new PodSpec
        {
            Containers = [new Container { Name = "c", Image = "busybox" }],
            Volumes = [new Volume { Name = "data", PersistentVolumeClaim = new PersistentVolumeClaimVolumeSource { ClaimName = claim, ReadOnly = readOnly } }],
        },
    };

    private void Bound(string claim, string volume, string path, bool localPath = true)
    {
        _source.Claims[claim] = new PersistentVolumeClaim
        {
            Metadata = new() { Name = claim, Namespace = "ns", Uid = "claim-uid" },
            Spec = new PersistentVolumeClaimSpec { VolumeName = volume },
            Status = new PersistentVolumeClaimStatus { Phase = "Bound" },
        };
        _source.Volumes[volume] = new PersistentVolume
        {
            Metadata = new()
            {
                Name = volume,
                Annotations = localPath ? new() { [VolumeAnnotations.ProvisionedBy] = LocalPath.Provisioner } : null,
            },
            Spec = new PersistentVolumeSpec
            {
                HostPath = new HostPathVolumeSource { Path = path, Type = "DirectoryOrCreate" },
                ClaimRef = new ObjectReference { Namespace = "ns", Name = claim, Uid = "claim-uid" },
            },
        };
    }

    private async Task<string> FailureAsync(Pod pod) =>
        (await Assert.ThrowsAsync<VolumeMountException>(() => _volumes.SetUpAsync(pod, new Dictionary<string, MountedVolume>(), CancellationToken.None))).EventMessage;

    [Fact]
    public async Task A_bound_local_path_claim_mounts_its_directory_made_writable_by_anyone()
    {
        var path = Path.Combine(_dir, "storage", "pvc-1_ns_data");
        Bound("data", "pvc-1", path);

        var mounted = await _volumes.SetUpAsync(PodUsing("data", readOnly: true), new Dictionary<string, MountedVolume>(), CancellationToken.None);

        var volume = mounted["data"];
        Assert.Equal(path, volume.Path);
        Assert.True(volume.ReadOnly);
        Assert.False(volume.Projected);
        Assert.Equal((UnixFileMode)0x1FF, File.GetUnixFileMode(path));
    }

    [Fact]
    public async Task A_missing_unbound_or_deleting_claim_fails_the_mount_with_the_kubelets_words()
    {
        Assert.Equal("MountVolume.SetUp failed for volume \"data\" : error processing PVC ns/data: failed to fetch PVC from API server: persistentvolumeclaims \"data\" not found",
            await FailureAsync(PodUsing("data")));

        Bound("data", "pvc-1", Path.Combine(_dir, "x"));
        _source.Claims["data"].Status!.Phase = "Pending";
        Assert.EndsWith("error processing PVC ns/data: PVC is not bound", await FailureAsync(PodUsing("data")), StringComparison.Ordinal);

        _source.Claims["data"].Status!.Phase = "Bound";
        _source.Claims["data"].Metadata.DeletionTimestamp = DateTimeOffset.UnixEpoch;
        Assert.EndsWith("error processing PVC ns/data: can't start pod because PVC is being deleted", await FailureAsync(PodUsing("data")), StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_dir, "x")));
    }
}
