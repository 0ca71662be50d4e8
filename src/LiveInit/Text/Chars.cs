namespace LiveInit.Text;

/// <summary>Tests and filters over the characters of a string. LINQ over <c>string</c> (Where/Select/Take/All/Any
/// instantiated for <c>char</c>) cost ~70 KB of the agent; these loops are compiled once.</summary>
public static class Chars
{
    public static bool All(string s, Func<char, bool> test)
    {
        foreach (var c in s)
            if (!test(c)) return false;
        return true;
    }

    public static bool Any(string s, Func<char, bool> test) => !All(s, c => !test(c));

    /// <summary>The first <paramref name="max"/> characters that pass <paramref name="keep"/>.</summary>
    public static string Keep(string s, Func<char, bool> keep, int max = int.MaxValue)
    {
        var sb = new System.Text.StringBuilder(Math.Min(s.Length, max));
        foreach (var c in s)
        {
            if (sb.Length >= max) break;
            if (keep(c)) sb.Append(c);
        }
        return sb.ToString();
    }

    /// <summary>Each of the first <paramref name="max"/> characters mapped.</summary>
    public static string Map(string s, Func<char, char> map, int max = int.MaxValue)
    {
        var a = new char[Math.Min(s.Length, max)];
        for (var i = 0; i < a.Length; i++) a[i] = map(s[i]);
        return new string(a);
    }

    /// <summary>A backslash before each character that <paramref name="special"/> names.</summary>
    public static string Escape(string s, Func<char, bool> special)
    {
        var sb = new System.Text.StringBuilder(s.Length + 8);
        foreach (var c in s)
        {
            if (special(c)) sb.Append('\\');
            sb.Append(c);
        }
        return sb.ToString();
    }

    /// <summary>Control characters (escape sequences, newlines) become '?'.</summary>
    public static string Printable(string s, int max = int.MaxValue) => Map(s, c => char.IsControl(c) ? '?' : c, max);
}
