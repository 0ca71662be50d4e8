using LiveInit.Cmdline;

namespace LiveInit.Tests;

public class KernelCommandLineTests
{
    [Theory]
    [InlineData("cow_label=\"my persist\"", "cow_label", "my persist")]
    [InlineData("\"cow_label=my persist\"", "cow_label", "my persist")]
    [InlineData("a=b=c", "a", "b=c")]
    [InlineData("empty=", "empty", "")]
    [InlineData("q=\"\"", "q", "")]
    [InlineData("x=\"a b\"c", "x", "a b\"c")]
    [InlineData("label=Новый\u00a0том", "label", "Новый\u00a0том")]
    [InlineData("root=live:CDLABEL=Fedora-WS-Live-40", "root", "live:CDLABEL=Fedora-WS-Live-40")]
    public void Values(string text, string key, string expected)
    {
        var c = KernelCommandLine.Parse(text);
        Assert.Equal(expected, c.Get(key));
    }

    [Fact]
    public void BareFlagHasNullValue()
    {
        var c = KernelCommandLine.Parse("quiet loadsrm rw");
        Assert.True(c.Has("loadsrm"));
        Assert.Null(c.Get("loadsrm"));
        Assert.Equal(3, c.Parameters.Count);
    }

    [Fact]
    public void RepeatedKeysLastWinsButAllKept()
    {
        var c = KernelCommandLine.Parse("console=tty0 console=ttyS0,115200 a=1");
        Assert.Equal("ttyS0,115200", c.Get("console"));
        Assert.Equal(["tty0", "ttyS0,115200"], c.GetAll("console"));
    }

    [Fact]
    public void DoubleDashHandsTheRestToInit()
    {
        var c = KernelCommandLine.Parse("quiet -- single x=y \"a b\"");
        Assert.Equal(["single", "x=y", "a b"], c.InitArguments);
        Assert.False(c.Has("single"));
    }

    [Fact]
    public void DashesInsideWordsAreNotSeparators()
    {
        var c = KernelCommandLine.Parse("a=--b --c");
        Assert.Equal("--b", c.Get("a"));
        Assert.True(c.Has("--c"));
        Assert.Empty(c.InitArguments);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \t\n ")]
    [InlineData("\"")]
    [InlineData("\"\"")]
    [InlineData("=")]
    [InlineData("a=\"unterminated value")]
    public void OddInputNeverThrows(string text)
    {
        var c = KernelCommandLine.Parse(text);
        Assert.NotNull(c.Parameters);
    }

    [Fact]
    public void UnterminatedQuoteSwallowsTheRestLikeTheKernel()
    {
        var c = KernelCommandLine.Parse("a=\"x y z");
        Assert.Equal("x y z", c.Get("a"));
        Assert.Single(c.Parameters);
    }

    [Fact]
    public void WhitespaceKinds()
    {
        var c = KernelCommandLine.Parse("a=1\tb=2\nc=3\r\nd=4");
        Assert.Equal(["1", "2", "3", "4"], new[] { "a", "b", "c", "d" }.Select(k => c.Get(k)));
    }

    [Fact]
    public void FourKibibyteLine()
    {
        var words = Enumerable.Range(0, 500).Select(i => $"k{i}=v{i}");
        var text = string.Join(' ', words) + " archisolabel=\"" + new string('x', 200) + " y\"";
        Assert.True(text.Length > 4096);
        var c = KernelCommandLine.Parse(text);
        Assert.Equal(501, c.Parameters.Count);
        Assert.Equal("v399", c.Get("k399"));
        Assert.Equal(new string('x', 200) + " y", c.Get("archisolabel"));
    }
}
