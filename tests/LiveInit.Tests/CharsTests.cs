using LiveInit.Text;

namespace LiveInit.Tests;

/// <summary>The loops that replaced LINQ over strings give what the LINQ gave.</summary>
public class CharsTests
{
    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("a\u001b[2Jb\nc'd\\e")]
    [InlineData("0123456789abcdef0123456789")]
    public void SameAsLinq(string s)
    {
        Func<char, bool> letter = char.IsAsciiLetter;
        Assert.Equal(s.All(letter), Chars.All(s, letter));
        Assert.Equal(s.Any(char.IsControl), Chars.Any(s, char.IsControl));
        Assert.Equal(new string(s.Where(letter).Take(3).ToArray()), Chars.Keep(s, letter, 3));
        Assert.Equal(new string(s.Where(letter).ToArray()), Chars.Keep(s, letter));
        Assert.Equal(new string(s.Take(5).Select(c => char.IsControl(c) ? '?' : c).ToArray()), Chars.Printable(s, 5));
        Assert.Equal(new string(s.Select(c => c == 'a' ? '_' : c).ToArray()), Chars.Map(s, c => c == 'a' ? '_' : c));
        Assert.Equal(string.Concat(s.Select(c => c is 'a' or '\\' ? "\\" + c : c.ToString())),
            Chars.Escape(s, c => c is 'a' or '\\'));
    }
}
