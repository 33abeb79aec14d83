using System.Text.Json;

namespace Axolotl.Agent.Images.Store;

/// <summary>
/// The node's image names, kept in memory and in one JSON file written aside and renamed, so an
/// agent killed mid-write keeps the previous list. Only names whose blobs are fully stored are ever
/// added (the pull and import write blobs first), so a record never points at missing content.
/// </summary>
public sealed class ImageRecordStore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    private readonly string _file;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, ImageRecord> _records;

    public ImageRecordStore(string file)
    {
        _file = file;
        Directory.CreateDirectory(Path.GetDirectoryName(_file)!);
        _records = Load(file).ToDictionary(r => r.Name, StringComparer.Ordinal);
    }

    public ImageRecord? Find(string name)
    {
        lock (_lock)
        {
            return _records.GetValueOrDefault(name);
        }
    }

    public IReadOnlyList<ImageRecord> All()
    {
        lock (_lock)
        {
            return [.. _records.Values.OrderBy(r => r.Name, StringComparer.Ordinal)];
        }
    }

    public void Put(ImageRecord record)
    {
        lock (_lock)
        {
            _records[record.Name] = record;
            Save();
        }
    }

    /// <summary>Marks a name used now (garbage collection removes the least recently used first); not saved at once.</summary>
    public void Touch(string name, DateTimeOffset now)
    {
        lock (_lock)
        {
            if (_records.TryGetValue(name, out var record))
            {
                _records[name] = record with { LastUsed = now };
            }
        }
    }

    public bool Remove(string name)
    {
        lock (_lock)
        {
            if (!_records.Remove(name))
            {
                return false;
            }

            Save();
            return true;
        }
    }

    private void Save()
    {
        var temp = _file + ".tmp";
        File.WriteAllBytes(temp, JsonSerializer.SerializeToUtf8Bytes(_records.Values.OrderBy(r => r.Name, StringComparer.Ordinal).ToList(), Json));
        File.Move(temp, _file, overwrite: true);
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
