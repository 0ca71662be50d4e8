namespace LiveInit.Probe;

public enum ProbeUsage { Filesystem, Crypto, Other }

/// <summary>One filesystem type, in the manner of a libblkid superblocks/*.c file: check the magic and the
/// checksums util-linux checks, then set TYPE/LABEL/UUID/UUID_SUB/VERSION. Returns false when the bytes
/// are not this filesystem; never throws for bad data.</summary>
public interface IFilesystemProber
{
    string Name { get; }
    ProbeUsage Usage { get; }
    bool Probe(ProbeSource src, ProbeResult result);
}
