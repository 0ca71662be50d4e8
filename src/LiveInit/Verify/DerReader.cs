using System.Numerics;

namespace LiveInit.Verify;

/// <summary>A bounded reader of the DER subset public keys and signatures use (X.690): definite lengths of at
/// most 4 bytes, every length checked against what is left, no recursion. Bad input is a
/// <see cref="FormatException"/> naming what was expected.</summary>
public ref struct DerReader(ReadOnlySpan<byte> data)
{
    public const byte Integer = 0x02, BitString = 0x03, OctetString = 0x04, Null = 0x05, Oid = 0x06,
        Sequence = 0x30;

    private ReadOnlySpan<byte> _rest = data;

    public readonly bool AtEnd => _rest.IsEmpty;

    /// <summary>The content of the next element, which must carry <paramref name="tag"/>.</summary>
    public ReadOnlySpan<byte> Read(byte tag, string what)
    {
        if (_rest.Length < 2) throw new FormatException($"{what}: the data ends early");
        if (_rest[0] != tag) throw new FormatException($"{what}: tag 0x{_rest[0]:x2}, expected 0x{tag:x2}");
        int len = _rest[1], head = 2;
        if (len >= 0x80)
        {
            var count = len & 0x7f;
            if (count is 0 or > 4) throw new FormatException($"{what}: unsupported length form");
            if (_rest.Length < 2 + count) throw new FormatException($"{what}: the data ends early");
            len = 0;
            for (var i = 0; i < count; i++)
            {
                if (len > 0x7fffff) throw new FormatException($"{what}: length too large");
                len = (len << 8) | _rest[2 + i];
            }
            head += count;
        }
        if (len > _rest.Length - head) throw new FormatException($"{what}: length {len} beyond the data");
        var content = _rest.Slice(head, len);
        _rest = _rest[(head + len)..];
        return content;
    }

    /// <summary>A non-negative INTEGER (a leading 0x00 pad is allowed, a negative value is not).</summary>
    public BigInteger ReadUnsignedInteger(string what, int maxBytes)
    {
        var v = Read(Integer, what);
        if (v.IsEmpty) throw new FormatException($"{what}: empty integer");
        if ((v[0] & 0x80) != 0) throw new FormatException($"{what}: negative integer");
        if (v.Length > 1 && v[0] == 0) v = v[1..];
        if (v.Length > maxBytes) throw new FormatException($"{what}: integer longer than {maxBytes} bytes");
        return new BigInteger(v, isUnsigned: true, isBigEndian: true);
    }

    /// <summary>A BIT STRING's bytes; only whole bytes (no unused bits) are accepted.</summary>
    public ReadOnlySpan<byte> ReadBitStringBytes(string what)
    {
        var v = Read(BitString, what);
        if (v.IsEmpty || v[0] != 0) throw new FormatException($"{what}: bit string with unused bits");
        return v[1..];
    }

    /// <summary>The next element whole (tag, length, content), for OIDs compared as bytes.</summary>
    public ReadOnlySpan<byte> ReadRawOid(string what) => Read(Oid, what);
}
