namespace LiveInit.Modules;

/// <summary>fnmatch(3) without flags, as modprobe matches modules.alias patterns: '*', '?', '[...]'.</summary>
public static class Glob
{
    public static bool Match(ReadOnlySpan<char> pattern, ReadOnlySpan<char> text)
    {
        int p = 0, t = 0, starP = -1, starT = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length)
            {
                var c = pattern[p];
                if (c == '*') { starP = p++; starT = t; continue; }
                if (c == '?') { p++; t++; continue; }
                if (c == '[')
                {
                    var end = ClassEnd(pattern, p);
                    if (end > 0)
                    {
                        if (InClass(pattern[(p + 1)..end], text[t])) { p = end + 1; t++; continue; }
                    }
                    else if (text[t] == '[') { p++; t++; continue; }
                }
                else if (c == text[t]) { p++; t++; continue; }
            }
            if (starP < 0) return false;
            p = starP + 1;
            t = ++starT;
        }
        while (p < pattern.Length && pattern[p] == '*') p++;
        return p == pattern.Length;
    }

    private static int ClassEnd(ReadOnlySpan<char> pattern, int open)
    {
        var i = open + 1;
        if (i < pattern.Length && pattern[i] is '!' or '^') i++;
        if (i < pattern.Length && pattern[i] == ']') i++;
        for (; i < pattern.Length; i++) if (pattern[i] == ']') return i;
        return -1;
    }

    private static bool InClass(ReadOnlySpan<char> cls, char c)
    {
        var negate = cls.Length > 0 && cls[0] is '!' or '^';
        if (negate) cls = cls[1..];
        var hit = false;
        for (var i = 0; i < cls.Length; i++)
        {
            if (i + 2 < cls.Length && cls[i + 1] == '-')
            {
                if (c >= cls[i] && c <= cls[i + 2]) hit = true;
                i += 2;
            }
            else if (cls[i] == c) hit = true;
        }
        return hit != negate;
    }
}
