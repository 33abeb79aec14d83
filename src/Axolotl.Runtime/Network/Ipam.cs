namespace Axolotl.Runtime.Network;

/// <summary>
/// Host-local IP allocation that survives agent restarts: one file per allocated address in the state
/// directory, named after the address and holding the pod UID. Creating the file with CreateNew is
/// the atomic claim, so two allocations can never get the same address.
/// </summary>
public sealed class Ipam
{
    private readonly string _directory;
    private readonly PodCidr _cidr;
    private readonly Lock _lock = new();

    public Ipam(string stateDirectory, PodCidr cidr)
    {
        _directory = Path.Combine(stateDirectory, "ipam");
        _cidr = cidr;
        Directory.CreateDirectory(_directory);
    }

    /// <summary>The pod's address: the one it already holds, or the lowest free one.</summary>
    public string Allocate(string podUid)
    {
        lock (_lock)
        {
            if (Find(podUid) is { } existing)
            {
                return existing;
            }

            foreach (var address in _cidr.PodAddresses)
            {
                try
                {
                    using var stream = new FileStream(Path.Combine(_directory, address), FileMode.CreateNew, FileAccess.Write);
                    using var writer = new StreamWriter(stream);
                    writer.Write(podUid);
                    return address;
                }
                catch (IOException) when (File.Exists(Path.Combine(_directory, address)))
                {
                }
            }

            throw new InvalidOperationException($"no free pod address left in {_cidr.Gateway}/{_cidr.Prefix}");
        }
    }

    /// <summary>The address a pod holds, if any.</summary>
    public string? Find(string podUid)
    {
        foreach (var file in Directory.EnumerateFiles(_directory))
        {
            try
            {
                if (File.ReadAllText(file) == podUid)
                {
                    return Path.GetFileName(file);
                }
            }
            catch (IOException)
            {
            }
        }

        return null;
    }

    /// <summary>Frees whatever the pod holds; idempotent.</summary>
    public void Release(string podUid)
    {
        lock (_lock)
        {
            if (Find(podUid) is { } address)
            {
                File.Delete(Path.Combine(_directory, address));
            }
        }
    }
}
