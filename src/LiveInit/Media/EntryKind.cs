namespace LiveInit.Media;

/// <summary>What a path on a medium is, as the confined opener sees it (links that stay on the medium
/// followed). <see cref="Refused"/>: it exists but may not be used (see <see cref="MediumEntry.Why"/>).</summary>
public enum EntryKind { Missing, File, Directory, Refused }

/// <summary>The result of <see cref="MediumRoot.Lookup"/>.</summary>
public readonly record struct MediumEntry(EntryKind Kind, string Where, string? Why = null, long Size = 0)
{
    public bool IsFile => Kind == EntryKind.File;
    public bool IsDirectory => Kind == EntryKind.Directory;
}
