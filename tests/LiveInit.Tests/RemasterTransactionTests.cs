using LiveInit.Boot.Remaster;
using LiveInit.Plan;
using static LiveInit.Tests.RemasterFixture;

namespace LiveInit.Tests;

/// <summary>The journaled remaster/rollback (Boot/Remaster) against a temporary folder: every power-cut point of
/// every kind of transaction, replayed by the next boot whatever that boot is asked to do, must end in the one
/// right state with no file lost; nothing existing is ever replaced; damaged incoming images are refused.</summary>
public class RemasterTransactionTests
{
    public sealed record Case(
        string Name, RemasterAction Action, bool PersistRoot, Dictionary<string, byte[]> Files,
        Dictionary<string, string> Links, Dictionary<string, string> Expected, RemasterResult Result)
    {
        public override string ToString() => Name;
    }

    private static readonly byte[] V1 = Squashfs("v1"), V2 = Squashfs("v2"), V3 = Squashfs("v3");
    private static readonly byte[] R1 = Ext("r1"), R2 = Ext("r2"), Home = Ext("home");

    public static TheoryData<Case> Cases() => new(
        new Case("apply", RemasterAction.ApplyPending, false,
            new() { ["linuxfs"] = V1, ["linuxfs.new"] = V2 }, [],
            new() { ["linuxfs"] = "v2", ["linuxfs.old"] = "v1" }, RemasterResult.Applied),
        new Case("apply-with-md5-files", RemasterAction.ApplyPending, false,
            new()
            {
                ["linuxfs"] = V1, ["linuxfs.md5"] = Md5File(V1, "linuxfs"),
                ["linuxfs.new"] = V2, ["linuxfs.new.md5"] = Md5File(V2, "linuxfs.new"),
            }, [],
            new()
            {
                ["linuxfs"] = "v2", ["linuxfs.md5"] = Md5Tag(V2), ["linuxfs.old"] = "v1", ["linuxfs.old.md5"] = Md5Tag(V1),
            }, RemasterResult.Applied),
        new Case("apply-rootfs", RemasterAction.ApplyPending, true,
            new() { ["linuxfs"] = V1, ["linuxfs.new"] = V2, ["rootfs"] = R1, ["rootfs.new"] = R2, ["homefs"] = Home }, [],
            new()
            {
                ["linuxfs"] = "v2", ["linuxfs.old"] = "v1", ["rootfs"] = "r2", ["rootfs.old"] = "r1", ["homefs"] = "home",
            }, RemasterResult.Applied),
        new Case("apply-rootfs-new-without-rootfs", RemasterAction.ApplyPending, true,
            new() { ["linuxfs"] = V1, ["linuxfs.new"] = V2, ["rootfs.new"] = R2 }, [],
            new() { ["linuxfs"] = "v2", ["linuxfs.old"] = "v1", ["rootfs"] = "r2" }, RemasterResult.Applied),
        new Case("rollback", RemasterAction.Rollback, false,
            new() { ["linuxfs"] = V2, ["linuxfs.old"] = V1, ["linuxfs.new"] = V3 }, [],
            new() { ["linuxfs"] = "v1", ["linuxfs.bad"] = "v2", ["linuxfs.new"] = "v3" }, RemasterResult.RolledBack),
        new Case("rollback-bad-to-bak", RemasterAction.Rollback, false,
            new() { ["linuxfs"] = V3, ["linuxfs.old"] = V2, ["linuxfs.bad"] = V1 }, [],
            new() { ["linuxfs"] = "v2", ["linuxfs.bad"] = "v3", ["linuxfs.bak"] = "v1" }, RemasterResult.RolledBack),
        new Case("rollback-rootfs", RemasterAction.Rollback, true,
            new() { ["linuxfs"] = V2, ["linuxfs.old"] = V1, ["linuxfs.new"] = V3, ["rootfs"] = R2, ["rootfs.old"] = R1 }, [],
            new()
            {
                ["linuxfs"] = "v1", ["linuxfs.bad"] = "v2", ["linuxfs.new"] = "v3", ["rootfs"] = "r1", ["rootfs.bad"] = "r2",
            }, RemasterResult.RolledBack),
        new Case("apply-versioned-links", RemasterAction.ApplyPending, false,
            new() { ["linuxfs.00"] = V1, ["linuxfs.01"] = V2 },
            new() { ["linuxfs"] = "linuxfs.00", ["linuxfs.new"] = "linuxfs.01" },
            new()
            {
                ["linuxfs"] = "->linuxfs.01", ["linuxfs.old"] = "->linuxfs.00", ["linuxfs.00"] = "v1", ["linuxfs.01"] = "v2",
            }, RemasterResult.Applied),
        new Case("rollback-versioned-links", RemasterAction.Rollback, false,
            new() { ["linuxfs.00"] = V1, ["linuxfs.01"] = V2 },
            new() { ["linuxfs"] = "linuxfs.01", ["linuxfs.old"] = "linuxfs.00" },
            new()
            {
                ["linuxfs"] = "->linuxfs.00", ["linuxfs.bad"] = "->linuxfs.01", ["linuxfs.00"] = "v1", ["linuxfs.01"] = "v2",
            }, RemasterResult.RolledBack));

    private static string Md5Tag(byte[] b) => LiveInit.Boot.Md5.HashHex(new MemoryStream(b));

    private static Case Named(string name) =>
        ((System.Collections.IEnumerable)Cases()).Cast<object[]>().Select(r => (Case)r[0]).Single(x => x.Name == name);

    private static RemasterFixture Make(Case c) => new(c.Files, c.Links);

    [Theory, MemberData(nameof(Cases))]
    public void UninterruptedRunEndsInTheRightStateAndRemovesTheJournal(Case c)
    {
        using var f = Make(c);
        var before = f.Contents();
        var outcome = f.Run(c.Action, c.PersistRoot);
        Assert.Equal(c.Result, outcome.Result);
        Assert.Equal(new SortedDictionary<string, string>(c.Expected, StringComparer.Ordinal), f.State());
        Assert.Equal(before, f.Contents());
        Assert.False(f.JournalThere);
        Assert.Equal(c.Result == RemasterResult.Applied ? "REMASTERED" : "ROLLED_BACK", outcome.StateKey);
    }

    /// <summary>Stop after the journal write (0), after each rename (1..n; n = before the journal goes), then boot
    /// again asked to apply, to roll back, or to leave things alone: the journal is finished as recorded.</summary>
    [Theory, MemberData(nameof(Cases))]
    public void EveryCutPointIsFinishedByTheNextBootWhateverItIsAsked(Case c)
    {
        int steps;
        using (var probe = Make(c))
        {
            var n = 0;
            probe.Run(c.Action, c.PersistRoot, s => { n = s; return false; });
            steps = n;
        }
        Assert.True(steps >= 2, $"{c.Name}: {steps} steps");
        var expected = new SortedDictionary<string, string>(c.Expected, StringComparer.Ordinal);
        foreach (var nextBoot in new[] { RemasterAction.ApplyPending, RemasterAction.Rollback, RemasterAction.Disabled })
            for (var cut = 0; cut <= steps; cut++)
            {
                using var f = Make(c);
                var before = f.Contents();
                var stopAt = cut;
                Assert.Equal(RemasterResult.Interrupted, f.Run(c.Action, c.PersistRoot, s => s == stopAt).Result);
                Assert.True(f.JournalThere, $"{c.Name} cut {cut}: journal missing");
                Assert.Equal(before, f.Contents());   // a cut loses nothing
                var outcome = f.Run(nextBoot, c.PersistRoot);
                var where = $"{c.Name}, cut after step {cut}, next boot {nextBoot}:\n{f.Log.All}";
                Assert.True(c.Result == outcome.Result, where);
                Assert.True(outcome.Replayed, where);
                Assert.True(expected.SequenceEqual(f.State()), where + "\nstate: " + string.Join(", ", f.State()));
                Assert.Equal(before, f.Contents());
                Assert.False(f.JournalThere, where);
                Assert.Contains($"{cut} of {steps} renames were done", f.Log.All);
            }
    }

    [Fact]
    public void ACutDuringTheReplayIsReplayedAgain()
    {
        var c = Named("apply-rootfs");
        for (var first = 0; first < 4; first++)
            for (var second = first + 1; second <= 4; second++)
            {
                using var f = Make(c);
                int a = first, b = second;
                Assert.Equal(RemasterResult.Interrupted, f.Run(c.Action, true, s => s == a).Result);
                Assert.Equal(RemasterResult.Interrupted, f.Run(RemasterAction.Disabled, true, s => s == b).Result);
                Assert.Equal(RemasterResult.Applied, f.Run(RemasterAction.Rollback, true).Result);
                Assert.Equal(new SortedDictionary<string, string>(c.Expected, StringComparer.Ordinal), f.State());
            }
    }

    [Fact]
    public void InterruptedRollbackNeverBootsAWaitingNew()
    {
        using var f = new RemasterFixture(new() { ["linuxfs"] = V2, ["linuxfs.old"] = V1, ["linuxfs.new"] = V3 });
        f.Run(RemasterAction.Rollback, false, s => s == 1);   // linuxfs -> linuxfs.bad done, linuxfs.old not yet back
        Assert.False(File.Exists(Path.Combine(f.Dir, "linuxfs")));
        var outcome = f.Run(RemasterAction.ApplyPending, false);   // the default boot entry after the power cut
        Assert.Equal(RemasterResult.RolledBack, outcome.Result);
        Assert.Equal("v1", f.State()["linuxfs"]);
        Assert.Equal("v3", f.State()["linuxfs.new"]);
        // and the boot after that still does not apply it while linuxfs.bad exists
        Assert.Equal(RemasterResult.Refused, f.Run(RemasterAction.ApplyPending, false).Result);
        Assert.Contains("linuxfs.bad exists", f.Log.All);
        Assert.Equal("v1", f.State()["linuxfs"]);
    }

    [Fact]
    public void TheJournalListsTheExactRenamesBeforeTheFirstOne()
    {
        var c = Named("apply-rootfs");
        using var f = Make(c);
        f.Run(c.Action, true, s => s == 0);
        Assert.Equal(c.Files.Keys.Order(StringComparer.Ordinal), f.State().Keys);   // nothing renamed yet
        var j = RemasterJournal.Parse(File.ReadAllBytes(Path.Combine(f.Dir, RemasterJournal.FileName)), out var error);
        Assert.Null(error);
        Assert.Equal(RemasterOperation.Apply, j!.Operation);
        Assert.Equal(["linuxfs -> linuxfs.old", "linuxfs.new -> linuxfs", "rootfs -> rootfs.old", "rootfs.new -> rootfs"],
            j.Renames.Select(r => r.ToString()));
        Assert.Empty(Directory.EnumerateFiles(f.Dir, "*.tmp"));
    }

    // ---- nothing is ever replaced --------------------------------------------------------------------------

    [Theory]
    [InlineData("linuxfs.old", RemasterAction.ApplyPending, false)]
    [InlineData("linuxfs.old.md5", RemasterAction.ApplyPending, false)]
    [InlineData("rootfs.old", RemasterAction.ApplyPending, true)]
    [InlineData("linuxfs.bak", RemasterAction.Rollback, false)]
    [InlineData("rootfs.bak", RemasterAction.Rollback, true)]
    public void AStaleTargetRefusesTheWholeTransactionAndNamesIt(string stale, RemasterAction action, bool persistRoot)
    {
        var files = action == RemasterAction.ApplyPending
            ? new Dictionary<string, byte[]>
            {
                ["linuxfs"] = V1, ["linuxfs.md5"] = Md5File(V1, "linuxfs"), ["linuxfs.new"] = V2, ["rootfs"] = R1, ["rootfs.new"] = R2,
            }
            : new Dictionary<string, byte[]>
            {
                ["linuxfs"] = V2, ["linuxfs.old"] = V1, ["linuxfs.bad"] = V3, ["rootfs"] = R2, ["rootfs.old"] = R1, ["rootfs.bad"] = R1,
            };
        files[stale] = Ascii("stale");
        using var f = new RemasterFixture(files);
        var before = f.State();
        Assert.Equal(RemasterResult.Refused, f.Run(action, persistRoot).Result);
        Assert.Equal(before, f.State());
        Assert.False(f.JournalThere);
        Assert.Contains($"{f.Dir}/{stale} exists", f.Log.All);
        Assert.Contains($"Delete or rename {stale}", f.Log.All);
        Assert.Contains("booting the current linuxfs", f.Log.All);
    }

    [Fact]
    public void NoRemasterWhileBadExists()
    {
        using var f = new RemasterFixture(new() { ["linuxfs"] = V1, ["linuxfs.new"] = V2, ["linuxfs.bad"] = V3 });
        Assert.Equal(RemasterResult.Refused, f.Run(RemasterAction.ApplyPending, false).Result);
        Assert.Contains("linuxfs.bad exists: a remaster was rolled back", f.Log.All);
        Assert.Equal("v1", f.State()["linuxfs"]);
    }

    [Fact]
    public void RenameNeverReplacesEvenWhenAskedDirectly()
    {
        using var f = new RemasterFixture(new() { ["a"] = Ascii("A"), ["b"] = Ascii("B") });
        var e = Assert.ThrowsAny<IOException>(() => f.Folder.Rename("a", "b"));
        Assert.Contains("EEXIST", e.Message);
        Assert.Equal("A", f.State()["a"]);
        Assert.Equal("B", f.State()["b"]);
    }

    [Fact]
    public void RollbackWithoutOldSaysSoAndChangesNothing()
    {
        using var f = new RemasterFixture(new() { ["linuxfs"] = V1 });
        Assert.Equal(RemasterResult.Refused, f.Run(RemasterAction.Rollback, false).Result);
        Assert.Contains("there is no", f.Log.All);
        Assert.Equal("v1", f.State()["linuxfs"]);
    }

    [Fact]
    public void AReadOnlyMediumChangesNothing()
    {
        using var f = new RemasterFixture(new() { ["linuxfs"] = V1, ["linuxfs.new"] = V2 });
        Assert.Equal(RemasterResult.Refused, f.Run(RemasterAction.ApplyPending, false, writable: false).Result);
        Assert.Equal("v1", f.State()["linuxfs"]);
        Assert.False(f.JournalThere);
    }

    [Fact]
    public void ARenameThatFailsMidwayIsUndone()
    {
        using var f = new RemasterFixture(new() { ["linuxfs"] = V1, ["linuxfs.md5"] = Md5File(V1, "linuxfs"), ["linuxfs.new"] = V2 });
        // after linuxfs -> linuxfs.old, something takes linuxfs.old.md5: the next rename fails with EEXIST
        var outcome = f.Run(RemasterAction.ApplyPending, false, s =>
        {
            if (s == 1) File.WriteAllText(Path.Combine(f.Dir, "linuxfs.old.md5"), "intruder");
            return false;
        });
        Assert.Equal(RemasterResult.Refused, outcome.Result);
        Assert.Contains("EEXIST", f.Log.All);
        Assert.Contains("the 1 rename(s) already done were undone", f.Log.All);
        Assert.Equal("v1", f.State()["linuxfs"]);
        Assert.Equal("v2", f.State()["linuxfs.new"]);
        Assert.Equal("intruder", f.State()["linuxfs.old.md5"]);
        Assert.False(f.JournalThere);
    }

    [Fact]
    public void AJournalThatCannotBeWrittenRenamesNothing()
    {
        using var f = new RemasterFixture(new() { ["linuxfs"] = V1, ["linuxfs.new"] = V2 });
        Directory.CreateDirectory(Path.Combine(f.Dir, "." + RemasterJournal.FileName + ".tmp"));   // the temporary name is taken
        Assert.Equal(RemasterResult.Refused, f.Run(RemasterAction.ApplyPending, false).Result);
        Assert.Contains("the remaster journal cannot be written", f.Log.All);
        Assert.Equal("v1", f.State()["linuxfs"]);
        Assert.Equal("v2", f.State()["linuxfs.new"]);
    }

    // ---- the incoming image is checked ---------------------------------------------------------------------

    public static TheoryData<string, byte[], byte[]?, string> BadNews() => new()
    {
        { "random bytes", Ascii(new string('x', 9000)), null, "holds no filesystem" },
        { "empty", [], null, "empty (0 bytes)" },
        {
            "truncated", Squashfs("v2", 4096, bytesUsed: 1 << 20), null,
            "truncated: its squashfs superblock says 1048576 bytes, the file has 4096"
        },
        { "an ext image", Ext("v2"), null, "it is ext2, not squashfs or erofs" },
        { "md5 mismatch", V2, Md5File(V1, "linuxfs.new"), "but linuxfs.new.md5 says" },
        { "md5 file garbage", V2, Ascii("not-a-hash  linuxfs.new"), "is not an md5sum line" },
    };

    [Theory, MemberData(nameof(BadNews))]
    public void ADamagedNewIsRefusedAndLeftInPlace(string what, byte[] news, byte[]? md5, string message)
    {
        var files = new Dictionary<string, byte[]> { ["linuxfs"] = V1, ["linuxfs.new"] = news };
        if (md5 is not null) files["linuxfs.new.md5"] = md5;
        using var f = new RemasterFixture(files);
        var before = f.State();
        Assert.Equal(RemasterResult.Refused, f.Run(RemasterAction.ApplyPending, false).Result);
        Assert.True(f.Log.All.Contains(message), $"{what}: {f.Log.All}");
        Assert.Contains("It is left in place", f.Log.All);
        Assert.Equal(before, f.State());
        Assert.False(f.JournalThere);
    }

    [Fact]
    public void AMatchingMd5IsAccepted()
    {
        using var f = new RemasterFixture(new()
        {
            ["linuxfs"] = V1, ["linuxfs.new"] = V2, ["linuxfs.new.md5"] = Md5File(V2, "linuxfs.new"),
        });
        Assert.Equal(RemasterResult.Applied, f.Run(RemasterAction.ApplyPending, false).Result);
        Assert.Equal(Md5Tag(V2), f.State()["linuxfs.md5"]);   // the md5 file follows its image
    }

    [Fact]
    public void ADamagedRootfsNewStopsTheLinuxfsNewToo()
    {
        using var f = new RemasterFixture(new() { ["linuxfs"] = V1, ["linuxfs.new"] = V2, ["rootfs"] = R1, ["rootfs.new"] = V3 });
        Assert.Equal(RemasterResult.Refused, f.Run(RemasterAction.ApplyPending, true).Result);
        Assert.Contains("rootfs.new is not usable: it is squashfs, not an ext2/ext3/ext4 image", f.Log.All);
        Assert.Equal("v1", f.State()["linuxfs"]);
    }

    [Theory]
    [InlineData("linuxfs.02", "a link to a missing file")]
    [InlineData("/etc/passwd", "absolute path /etc/passwd")]
    public void ANewLinkMustEndOnAFileOnTheMedium(string target, string message)
    {
        using var f = new RemasterFixture(new() { ["linuxfs"] = V1 }, new() { ["linuxfs.new"] = target });
        Assert.Equal(RemasterResult.Refused, f.Run(RemasterAction.ApplyPending, false).Result);
        Assert.Contains(message, f.Log.All);
        Assert.Equal("v1", f.State()["linuxfs"]);
    }

    [Fact]
    public void ANewDamagedAfterTheCutIsCheckedAgainAndTheRenamesAreUndone()
    {
        using var f = new RemasterFixture(new() { ["linuxfs"] = V1, ["linuxfs.new"] = V2, ["rootfs"] = R1, ["rootfs.new"] = R2 });
        f.Run(RemasterAction.ApplyPending, true, s => s == 2);   // linuxfs swapped; rootfs not yet (rootfs -> rootfs.old next)
        File.WriteAllBytes(Path.Combine(f.Dir, "rootfs.new"), new byte[4096]);
        var outcome = f.Run(RemasterAction.ApplyPending, true);
        Assert.Equal(RemasterResult.Refused, outcome.Result);
        Assert.Contains("the 3 rename(s) already done were undone", f.Log.All);
        Assert.Equal("v1", f.State()["linuxfs"]);
        Assert.Equal("v2", f.State()["linuxfs.new"]);
        Assert.Equal("r1", f.State()["rootfs"]);
        Assert.False(f.JournalThere);
    }

    // ---- journals that cannot be trusted -------------------------------------------------------------------

    [Fact]
    public void FilesChangedByHandAfterACutStopEveryRenameAndBootTheOld()
    {
        using var f = new RemasterFixture(new() { ["linuxfs"] = V1, ["linuxfs.new"] = V2 });
        f.Run(RemasterAction.ApplyPending, false, s => s == 1);
        File.Delete(Path.Combine(f.Dir, "linuxfs.new"));
        var outcome = f.Run(RemasterAction.ApplyPending, false);
        Assert.Equal(RemasterResult.Stuck, outcome.Result);
        Assert.Equal("linuxfs.old", outcome.BootInstead);
        Assert.Contains("do not match any point of it", f.Log.All);
        Assert.True(f.JournalThere);
        Assert.Equal("v1", f.State()["linuxfs.old"]);
    }

    private const string Head = "liveinit-remaster 1\noperation apply\nimage linuxfs\n";

    [Theory]
    [InlineData("garbage\n", "its first line is not")]
    [InlineData("liveinit-remaster 2\noperation apply\nimage linuxfs\nrename linuxfs linuxfs.old\nend\n", "format 2")]
    [InlineData(Head + "rename linuxfs ../linuxfs.old\nrename linuxfs.new linuxfs\nend\n", "not a plain file name")]
    [InlineData(Head + "rename homefs linuxfs.old\nrename linuxfs.new linuxfs\nend\n", "is not a rename of an apply")]
    [InlineData(Head + "rename linuxfs.new linuxfs\nrename linuxfs linuxfs.old\nend\n", "out of order")]
    [InlineData(Head + "rename linuxfs linuxfs.old\nrename linuxfs.new linuxfs\n", "no 'end' line")]
    [InlineData("liveinit-remaster 1\noperation rollback\nimage linuxfs\nrename linuxfs linuxfs.bad\nend\n",
        "does not both move linuxfs aside")]
    public void AJournalThatDoesNotParseRenamesNothing(string text, string message)
    {
        using var f = new RemasterFixture(new()
        {
            ["linuxfs"] = V1, ["linuxfs.new"] = V2, ["homefs"] = Home,
            [RemasterJournal.FileName] = System.Text.Encoding.ASCII.GetBytes(text),
        });
        var before = f.State();
        var outcome = f.Run(RemasterAction.ApplyPending, false);
        Assert.Equal(RemasterResult.Stuck, outcome.Result);
        Assert.Contains(message, f.Log.All);
        Assert.Contains("Nothing was renamed", f.Log.All);
        Assert.Equal(before, f.State());
    }

    [Fact]
    public void JournalRoundTripsNamesWithSpacesAndRefusesOversizedOnes()
    {
        var j = new RemasterJournal(RemasterOperation.Apply, "my image",
            [new("my image", "my image.old"), new("my image.new", "my image")]);
        var text = System.Text.Encoding.UTF8.GetString(j.Serialize());
        Assert.Contains("rename my%20image my%20image.old", text);
        var back = RemasterJournal.Parse(j.Serialize(), out var error);
        Assert.Null(error);
        Assert.Equal(j.Renames, back!.Renames);
        Assert.Null(RemasterJournal.Parse(new byte[RemasterJournal.MaxBytes + 1], out error));
        Assert.Contains("larger than", error);
    }

    [Fact]
    public void EveryStateOfEveryCanonicalTransactionIsDistinct()
    {
        foreach (var op in new[] { RemasterOperation.Apply, RemasterOperation.Rollback })
        {
            var states = RemasterNames.States(RemasterNames.Canonical(op, "linuxfs"))!;
            for (var i = 0; i < states.Count; i++)
                for (var k = i + 1; k < states.Count; k++)
                    Assert.False(states[i].SetEquals(states[k]), $"{op}: states {i} and {k}");
        }
        Assert.False(RemasterNames.Distinct("rootfs"));
        Assert.True(RemasterNames.Distinct("linuxfs"));
    }

    // ---- no journal: a cut by another tool -----------------------------------------------------------------

    [Fact]
    public void WithoutAJournalAMissingImageComesFromAGoodNew()
    {
        using var f = new RemasterFixture(new() { ["linuxfs.old"] = V1, ["linuxfs.new"] = V2 });
        Assert.Equal(RemasterResult.Recovered, f.Run(RemasterAction.ApplyPending, false).Result);
        Assert.Equal("v2", f.State()["linuxfs"]);
        Assert.Contains("was missing (an interrupted remaster?); restored it from linuxfs.new", f.Log.All);
    }

    [Fact]
    public void WithoutAJournalADamagedNewIsNotUsedTheOldIs()
    {
        using var f = new RemasterFixture(new() { ["linuxfs.old"] = V1, ["linuxfs.new"] = Ascii("junk") });
        f.Run(RemasterAction.ApplyPending, false);
        Assert.Equal("v1", f.State()["linuxfs"]);
        Assert.Equal("junk", f.State()["linuxfs.new"]);
        Assert.Contains("linuxfs.new cannot replace it", f.Log.All);
    }

    [Fact]
    public void WithoutAJournalAnInterruptedRollbackIsFinishedNeverTheNew()
    {
        using var f = new RemasterFixture(new() { ["linuxfs.bad"] = V2, ["linuxfs.old"] = V1, ["linuxfs.new"] = V3 });
        f.Run(RemasterAction.ApplyPending, false);
        Assert.Equal("v1", f.State()["linuxfs"]);
        Assert.Equal("v3", f.State()["linuxfs.new"]);
        Assert.Contains("linuxfs.new is not used because linuxfs.bad exists", f.Log.All);
    }

    [Fact]
    public void WithoutAJournalAMissingRootfsIsRestoredNotLeftToRam()
    {
        using var f = new RemasterFixture(new() { ["linuxfs"] = V2, ["linuxfs.old"] = V1, ["rootfs.old"] = R1, ["rootfs.new"] = R2 });
        f.Run(RemasterAction.ApplyPending, true);
        Assert.Equal("r2", f.State()["rootfs"]);
        Assert.Equal("r1", f.State()["rootfs.old"]);
    }

    [Fact]
    public void WithoutAJournalOnAReadOnlyMediumTheChosenFileBootsAsItIs()
    {
        using var f = new RemasterFixture(new() { ["linuxfs.old"] = V1, ["linuxfs.new"] = V2 });
        var outcome = f.Run(RemasterAction.ApplyPending, false, writable: false);
        Assert.Equal("linuxfs.new", outcome.BootInstead);
        Assert.False(File.Exists(Path.Combine(f.Dir, "linuxfs")));
    }
}
