using System.Buffers.Binary;

namespace LiveInit.Modules;

/// <summary>LZMA2 chunks (uncompressed, or LZMA with optional state/property/dictionary resets) over the
/// classic LZMA decoder: range coder, literal coder, length and distance models.</summary>
internal sealed class Lzma2
{
    private const int NumStates = 12, PosStatesMax = 16, EndPosModelIndex = 14, NumFullDistances = 128, AlignBits = 4, MatchMinLen = 2;

    private readonly XzDecoder.Output _out;
    private readonly byte[] _in;
    private int _inPos;
    private uint _range, _code;
    private int _lc, _lp, _pb;
    private int _state;
    private int _rep0, _rep1, _rep2, _rep3;
    private ushort[] _literal = [];
    private readonly ushort[] _isMatch = new ushort[NumStates * PosStatesMax];
    private readonly ushort[] _isRep = new ushort[NumStates], _isRepG0 = new ushort[NumStates], _isRepG1 = new ushort[NumStates], _isRepG2 = new ushort[NumStates];
    private readonly ushort[] _isRep0Long = new ushort[NumStates * PosStatesMax];
    private readonly ushort[] _posSlot = new ushort[4 * 64];
    private readonly ushort[] _posSpecial = new ushort[1 + NumFullDistances - EndPosModelIndex];
    private readonly ushort[] _align = new ushort[1 << AlignBits];
    private readonly LengthModel _len = new(), _repLen = new();

    private Lzma2(byte[] input, int pos, XzDecoder.Output output) { _in = input; _inPos = pos; _out = output; }

    /// <summary>Decodes LZMA2 chunks from <paramref name="pos"/> into <paramref name="output"/>; returns the
    /// position after the end-of-stream byte.</summary>
    public static int Decode(byte[] xz, int pos, XzDecoder.Output output)
    {
        var d = new Lzma2(xz, pos, output);
        d.Run();
        return d._inPos;
    }

    private void Run()
    {
        var needProps = true;
        while (true)
        {
            var control = Next();
            if (control == 0x00) return;
            if (control is 0x01 or 0x02)
            {
                var size = BinaryPrimitives.ReadUInt16BigEndian(_in.AsSpan(_inPos)) + 1;
                _inPos += 2;
                _out.Append(_in.AsSpan(_inPos, size));
                _inPos += size;
                continue;
            }
            if (control < 0x80) throw new InvalidDataException($"bad LZMA2 control byte 0x{control:x2}");
            var unpacked = ((control & 0x1F) << 16) + BinaryPrimitives.ReadUInt16BigEndian(_in.AsSpan(_inPos)) + 1;
            var packed = BinaryPrimitives.ReadUInt16BigEndian(_in.AsSpan(_inPos + 2)) + 1;
            _inPos += 4;
            var reset = (control >> 5) & 3;
            if (reset >= 2)
            {
                var props = Next();
                if (props >= 9 * 5 * 5) throw new InvalidDataException("bad LZMA properties");
                _lc = props % 9; props /= 9; _lp = props % 5; _pb = props / 5;
                if (_lc + _lp > 4) throw new InvalidDataException("LZMA2 requires lc + lp <= 4");
                needProps = false;
            }
            else if (needProps) throw new InvalidDataException("LZMA2 chunk without properties");
            if (reset >= 1) ResetState();
            var end = _inPos + packed;
            InitRangeDecoder();
            var target = _out.Length + unpacked;
            while (_out.Length < target) DecodeSymbol(target);
            if (_inPos > end) throw new InvalidDataException("LZMA chunk overran its size");
            _inPos = end;
        }
    }

    private byte Next() => _inPos < _in.Length ? _in[_inPos++] : throw new InvalidDataException("truncated LZMA2 data");

    private void ResetState()
    {
        _state = 0;
        _rep0 = _rep1 = _rep2 = _rep3 = 0;
        _literal = new ushort[0x300 << (_lc + _lp)];
        foreach (var a in new[] { _literal, _isMatch, _isRep, _isRepG0, _isRepG1, _isRepG2, _isRep0Long, _posSlot, _posSpecial, _align })
            Array.Fill(a, (ushort)1024);
        _len.Reset();
        _repLen.Reset();
    }

    private void InitRangeDecoder()
    {
        if (Next() != 0) throw new InvalidDataException("bad LZMA range coder start");
        _range = 0xFFFFFFFF;
        _code = 0;
        for (var i = 0; i < 4; i++) _code = (_code << 8) | Next();
    }

    private void Normalize()
    {
        if (_range < (1u << 24)) { _range <<= 8; _code = (_code << 8) | Next(); }
    }

    private int Bit(ushort[] probs, int i)
    {
        var p = probs[i];
        var bound = (_range >> 11) * p;
        int bit;
        if (_code < bound) { _range = bound; probs[i] = (ushort)(p + ((2048 - p) >> 5)); bit = 0; }
        else { _range -= bound; _code -= bound; probs[i] = (ushort)(p - (p >> 5)); bit = 1; }
        Normalize();
        return bit;
    }

    private int BitTree(ushort[] probs, int offset, int bits)
    {
        var m = 1;
        for (var i = 0; i < bits; i++) m = (m << 1) | Bit(probs, offset + m);
        return m - (1 << bits);
    }

    private int ReverseBitTree(ushort[] probs, int offset, int bits)
    {
        int m = 1, result = 0;
        for (var i = 0; i < bits; i++)
        {
            var b = Bit(probs, offset + m);
            m = (m << 1) | b;
            result |= b << i;
        }
        return result;
    }

    private int DirectBits(int count)
    {
        var result = 0;
        for (var i = 0; i < count; i++)
        {
            _range >>= 1;
            var t = _code >= _range ? 1u : 0u;
            _code -= _range & (0u - t);
            result = (result << 1) | (int)t;
            Normalize();
        }
        return result;
    }

    private void DecodeSymbol(int target)
    {
        var pos = _out.Length;
        var posState = pos & ((1 << _pb) - 1);
        if (Bit(_isMatch, _state * PosStatesMax + posState) == 0)
        {
            var prev = pos > 0 ? _out.Get(0) : (byte)0;
            var litState = ((pos & ((1 << _lp) - 1)) << _lc) + (prev >> (8 - _lc));
            var baseIdx = 0x300 * litState;
            int symbol = 1;
            if (_state >= 7)
            {
                int match = _out.Get(_rep0);
                while (symbol < 0x100)
                {
                    var matchBit = (match >> 7) & 1;
                    match <<= 1;
                    var b = Bit(_literal, baseIdx + ((1 + matchBit) << 8) + symbol);
                    symbol = (symbol << 1) | b;
                    if (matchBit != b) break;
                }
            }
            while (symbol < 0x100) symbol = (symbol << 1) | Bit(_literal, baseIdx + symbol);
            _out.Put((byte)symbol);
            _state = _state < 4 ? 0 : _state < 10 ? _state - 3 : _state - 6;
            return;
        }
        int len;
        if (Bit(_isRep, _state) == 0)
        {
            len = _len.Decode(this, posState);
            _state = _state < 7 ? 7 : 10;
            _rep3 = _rep2; _rep2 = _rep1; _rep1 = _rep0;
            _rep0 = Distance(len);
            if (_rep0 < 0) throw new InvalidDataException("bad LZMA distance (end marker inside an LZMA2 chunk?)");
        }
        else
        {
            if (Bit(_isRepG0, _state) == 0)
            {
                if (Bit(_isRep0Long, _state * PosStatesMax + posState) == 0)
                {
                    _state = _state < 7 ? 9 : 11;
                    _out.Copy(_rep0, 1);
                    return;
                }
            }
            else
            {
                int dist;
                if (Bit(_isRepG1, _state) == 0) dist = _rep1;
                else
                {
                    if (Bit(_isRepG2, _state) == 0) dist = _rep2;
                    else { dist = _rep3; _rep3 = _rep2; }
                    _rep2 = _rep1;
                }
                _rep1 = _rep0;
                _rep0 = dist;
            }
            len = _repLen.Decode(this, posState);
            _state = _state < 7 ? 8 : 11;
        }
        _out.Copy(_rep0, Math.Min(len, target - _out.Length));
    }

    private int Distance(int len)
    {
        var lenState = Math.Min(len - MatchMinLen, 3);
        var slot = BitTree(_posSlot, lenState * 64, 6);
        if (slot < 4) return slot;
        var direct = (slot >> 1) - 1;
        var dist = (2 | (slot & 1)) << direct;
        if (slot < EndPosModelIndex) return dist + ReverseBitTree(_posSpecial, dist - slot - 1, direct);
        dist += DirectBits(direct - AlignBits) << AlignBits;
        return dist + ReverseBitTree(_align, 0, AlignBits);
    }

    private sealed class LengthModel
    {
        private readonly ushort[] _choice = new ushort[2];
        private readonly ushort[] _low = new ushort[PosStatesMax << 3], _mid = new ushort[PosStatesMax << 3], _high = new ushort[256];

        public void Reset() { foreach (var a in new[] { _choice, _low, _mid, _high }) Array.Fill(a, (ushort)1024); }

        public int Decode(Lzma2 d, int posState)
        {
            if (d.Bit(_choice, 0) == 0) return MatchMinLen + d.BitTree(_low, posState << 3, 3);
            if (d.Bit(_choice, 1) == 0) return MatchMinLen + 8 + d.BitTree(_mid, posState << 3, 3);
            return MatchMinLen + 16 + d.BitTree(_high, 0, 8);
        }
    }
}
