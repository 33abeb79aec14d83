using System.Text.Json;

namespace Axolotl.Images.Store;

/// <summary>
/// The node's image names in one JSON file, written aside and renamed, so an agent killed mid-write
/// keeps the previous list. The agent and `axolotl images` share it: every change is made under a
/// lock file on the newest copy, and reads pick up another process's change by the file's stamp.
/// Only names whose blobs are fully stored are added (pull and import write blobs first), so a record
/// never points at missing content. When a name was last used is kept in memory only.
/// </summary>
public sealed class ImageRecordStore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    private readonly string _file;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, DateTimeOffset> _lastUsed = new(StringComparer.Ordinal);
    private Dictionary<string, ImageRecord> _records = new(StringComparer.Ordinal);
    private (DateTime Written, long Length) _stamp;

    public ImageRecordStore(string file)
    {
        _file = file;
        Directory.CreateDirectory(Path.GetDirectoryName(_file)!);
        lock (_lock)
        {
            Refresh();
        }
    }

    public ImageRecord? Find(string name)
    {
        lock (_lock)
        {
            Refresh();
            return _records.TryGetValue(name, out var record) ? WithLastUsed(record) : null;
        }
    }

    public IReadOnlyList<ImageRecord> All()
    {
        lock (_lock)
        {
            Refresh();
            return [.. _records.Values.OrderBy(r => r.Name, StringComparer.Ordinal).Select(WithLastUsed)];
        }
    }

    public void Put(ImageRecord record) => Mutate(records => records[record.Name] = record);

    /// <summary>Adds or replaces many names in one write (an archive of hundreds of tags).</summary>
    public void PutAll(IReadOnlyCollection<ImageRecord> added) => Mutate(records =>
    {
        foreach (var record in added)
        {
            records[record.Name] = record;
        }
    });

    public bool Remove(string name) => Mutate(records => records.Remove(name));

    /// <summary>Marks a name used now (garbage collection removes the least recently used first).</summary>
    public void Touch(string name, DateTimeOffset now)
    {
        lock (_lock)
        {
            _lastUsed[name] = now;
        }
    }

    private ImageRecord WithLastUsed(ImageRecord record) =>
        _lastUsed.TryGetValue(record.Name, out var used) && used > record.LastUsed ? record with { LastUsed = used } : record;

    private T Mutate<T>(Func<Dictionary<string, ImageRecord>, T> change)
    {
        lock (_lock)
        {
            using var fileLock = AcquireFileLock();
            Refresh();
            var result = change(_records);
            var temp = _file + ".tmp";
            File.WriteAllBytes(temp, JsonSerializer.SerializeToUtf8Bytes(_records.Values.OrderBy(r => r.Name, StringComparer.Ordinal).ToList(), Json));
            File.Move(temp, _file, overwrite: true);
            _stamp = Stamp();
            return result;
        }
    }

    private void Mutate(Action<Dictionary<string, ImageRecord>> change) => Mutate(records =>
    {
        change(records);
        return true;
    });

    /// <summary>
    /// A POSIX record lock (lockf) on a lock file, held until disposed: it waits for another process's
    /// change to finish and is released by the kernel if that process dies.
    /// </summary>
    private Microsoft.Win32.SafeHandles.SafeFileHandle AcquireFileLock()
    {
        var handle = File.OpenHandle(_file + ".lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite);
        const int lockWait = 1;
        if (LockF((int)handle.DangerousGetHandle(), lockWait, 0) != 0)
        {
            var errno = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
            handle.Dispose();
            throw new IOException($"cannot lock {_file}.lock (errno {errno})");
        }

        return handle;
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "lockf", SetLastError = true)]
    private static extern int LockF(int fd, int command, long length);

    private (DateTime, long) Stamp()
    {
        var info = new FileInfo(_file);
        return info.Exists ? (info.LastWriteTimeUtc, info.Length) : (DateTime.MinValue, -1);
    }

    private void Refresh()
    {
        var stamp = Stamp();
        if (stamp == _stamp)
        {
            return;
        }

        _records = Load(_file).ToDictionary(r => r.Name, StringComparer.Ordinal);
        _stamp = stamp;
    }

    private static List<ImageRecord> Load(string file)
    {
        if (!File.Exists(file))
        {
            return [];
        }

        try
        {
            return JsonSerializer.Deserialize<List<ImageRecord>>(File.ReadAllBytes(file), Json) ?? [];
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"the image list {file} is damaged ({e.Message}); remove it and import or pull the images again", e);
        }
    }
}
