using LiveInit.Boot.Steps;
using LiveInit.Devices.DeviceMapper;
using LiveInit.Native;

namespace LiveInit.Tests;

public class SrmAndDmNodeTests
{
    [Fact]
    public void SrmNamesThatSanitiseAlikeGetDistinctMountPoints()
    {
        var targets = MountSrms.MountPoints(["a b", "a_b", "a?b", "a_b-2", "x"]);
        Assert.Equal(["a_b", "a_b-2", "a_b-3", "a_b-2-2", "x"], targets.Select(Path.GetFileName));
        Assert.Equal(targets.Count, targets.Distinct().Count());
        Assert.All(targets, t => Assert.Equal(LiveInit.Plan.SrmPlan.DefaultMountRoot, Path.GetDirectoryName(t)));
    }

    [Theory]
    [InlineData("", "_")]
    [InlineData(".", "_")]
    [InlineData("..", "_.")]
    [InlineData(".hidden", "_hidden")]
    [InlineData("z.y", "z.y")]
    public void SrmMountPointsStayInsideTheirFolder(string name, string expected)
    {
        var target = Assert.Single(MountSrms.MountPoints([name]));
        Assert.Equal(Path.Combine(LiveInit.Plan.SrmPlan.DefaultMountRoot, expected), target);
        Assert.Equal(LiveInit.Plan.SrmPlan.DefaultMountRoot, Path.GetDirectoryName(Path.GetFullPath(target)));
    }

    [Fact]
    public void AnExistingMapperNodeIsUsedOnlyWhenItIsTheBlockDeviceOfTheDmDevice()
    {
        static StatBuf Node(uint type, uint major, uint minor) => new() { Mode = type | 0x180, Rdev = StatBuf.MakeDev(major, minor) };
        Assert.True(DmDevice.IsNodeOf(Node(StatBuf.S_IFBLK, 253, 0), 253, 0));
        Assert.True(DmDevice.IsNodeOf(Node(StatBuf.S_IFBLK, 253, 300), 253, 300));   // minor above 255
        Assert.False(DmDevice.IsNodeOf(Node(StatBuf.S_IFBLK, 253, 1), 253, 0));      // another dm device
        Assert.False(DmDevice.IsNodeOf(Node(StatBuf.S_IFBLK, 7, 0), 253, 0));        // a loop device
        Assert.False(DmDevice.IsNodeOf(Node(StatBuf.S_IFCHR, 253, 0), 253, 0));      // a character device
        Assert.False(DmDevice.IsNodeOf(Node(StatBuf.S_IFREG, 0, 0), 253, 0));        // a file
    }
}
