using System.Text;

namespace LiveInit.Probe;

/// <summary>What a probe found: blkid's keys (TYPE, LABEL, UUID, UUID_SUB, VERSION, USAGE, PTTYPE, PTUUID,
/// PART_ENTRY_*) with raw byte values (labels are UTF-8 where the filesystem stores Unicode, else the bytes
/// the filesystem holds, like blkid).</summary>
public sealed class ProbeResult
{
    private readonly List<KeyValuePair<string, byte[]>> _values = [];

    public IReadOnlyList<KeyValuePair<string, byte[]>> Values => _values;

    /// <summary>What went wrong while probing (an I/O error, a prober that failed, a read limit reached), for the
    /// trace; null when nothing did. Never one of the blkid values.</summary>
    public string? Problem { get; private set; }

    /// <summary>Nothing was recognised because the probe failed: the device is "unreadable" (see
    /// <see cref="Problem"/>), not merely empty.</summary>
    public bool IsUnreadable => IsEmpty && Problem is not null;

    /// <summary>Keeps the first problem met (later ones are usually its consequences).</summary>
    public void NoteProblem(string what) => Problem ??= what;

    /// <summary>A result that says only why the device could not be probed.</summary>
    public static ProbeResult Unreadable(string why)
    {
        var r = new ProbeResult();
        r.NoteProblem(why);
        return r;
    }

    public void Set(string key, ReadOnlySpan<byte> value)
    {
        _values.RemoveAll(kv => kv.Key == key);
        _values.Add(new(key, value.ToArray()));
    }

    public void Set(string key, string value) => Set(key, Encoding.UTF8.GetBytes(value));

    /// <summary>Sets a label the way blkid_probe_set_label does: cut at NUL, trailing white space trimmed,
    /// nothing set when empty.</summary>
    public void SetLabel(string key, ReadOnlySpan<byte> raw)
    {
        var end = raw.IndexOf((byte)0);
        if (end >= 0) raw = raw[..end];
        while (raw.Length > 0 && raw[^1] is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r') raw = raw[..^1];
        if (raw.Length > 0) Set(key, raw);
    }

    public void SetLabel(string key, string text) => SetLabel(key, Encoding.UTF8.GetBytes(text));

    public byte[]? GetBytes(string key)
    {
        foreach (var kv in _values) if (kv.Key == key) return kv.Value;
        return null;
    }

    public string? Get(string key) => GetBytes(key) is { } b ? Encoding.UTF8.GetString(b) : null;

    public bool IsEmpty => _values.Count == 0;
}
