using System.Text;
using LiveInit.Initramfs;

namespace LiveInit.Tests;

/// <summary>mkinitramfs --extra-module: an out-of-tree .ko joins the index as depmod would put it.</summary>
public class ExtraModuleTests
{
    /// <summary>The smallest ELF64 relocatable with a .modinfo section (what ModuleInfo reads).</summary>
    private static byte[] Module(params string[] modinfo)
    {
        var info = Encoding.ASCII.GetBytes(string.Concat(modinfo.Select(kv => kv + "\0")));
        var names = "\0.modinfo\0.shstrtab\0"u8.ToArray();
        int infoOff = 64, namesOff = infoOff + info.Length, shoff = (namesOff + names.Length + 7) & ~7;
        var elf = new byte[shoff + 3 * 64];
        "\x7F\x45\x4C\x46\x02\x01\x01"u8.ToArray().CopyTo(elf, 0);
        BitConverter.GetBytes((ushort)1).CopyTo(elf, 0x10);     // ET_REL
        BitConverter.GetBytes((ushort)62).CopyTo(elf, 0x12);    // EM_X86_64
        BitConverter.GetBytes((ulong)shoff).CopyTo(elf, 0x28);
        BitConverter.GetBytes((ushort)64).CopyTo(elf, 0x34);
        BitConverter.GetBytes((ushort)64).CopyTo(elf, 0x3A);
        BitConverter.GetBytes((ushort)3).CopyTo(elf, 0x3C);
        BitConverter.GetBytes((ushort)2).CopyTo(elf, 0x3E);
        info.CopyTo(elf, infoOff);
        names.CopyTo(elf, namesOff);
        void Section(int i, uint name, int off, int size)
        {
            BitConverter.GetBytes(name).CopyTo(elf, shoff + i * 64);
            BitConverter.GetBytes((ulong)off).CopyTo(elf, shoff + i * 64 + 24);
            BitConverter.GetBytes((ulong)size).CopyTo(elf, shoff + i * 64 + 32);
        }
        Section(1, 1, infoOff, info.Length);
        Section(2, 10, namesOff, names.Length);
        return elf;
    }

    [Fact]
    public void AnExtraModuleIsIndexedAsDepmodWouldWithItsAliasesAndDependencies()
    {
        var dir = Repo.TempDir("extra");
        var root = Path.Combine(dir, "lib", "modules", "6.1.0-56-amd64");
        Directory.CreateDirectory(Path.Combine(root, "kernel"));
        File.WriteAllBytes(Path.Combine(root, "kernel", "liveinit_base.ko"), Module("name=liveinit_base"));
        var extra = Path.Combine(dir, "liveinit_stuck.ko");
        var bytes = Module("alias=pci:v00008086d0000100Esv*sd*bc*sc*i*", "depends=liveinit_base", "name=liveinit_stuck",
            "vermagic=6.1.0-56-amd64 SMP preempt mod_unload modversions ");
        File.WriteAllBytes(extra, bytes);

        var set = ModuleSet.Load(root);
        var info = set.AddExtra(extra);
        Assert.Equal("liveinit_stuck", info.Name);
        Assert.StartsWith("6.1.0-56-amd64 ", info.VerMagic);
        Assert.Equal(["liveinit_stuck"], set.Index.Resolve("pci:v00008086d0000100Esv00001AF4sd00001100bc02sc00i00"));

        var closure = set.Closure(["liveinit_stuck"], out var missing);
        Assert.Empty(missing);
        Assert.Equal(["liveinit_base", "liveinit_stuck"], closure);
        var files = set.IndexFiles(closure).ToDictionary(f => f.Name, f => f.Text);
        Assert.Contains("extra/liveinit_stuck.ko: kernel/liveinit_base.ko\n", files["modules.dep"]);
        Assert.Contains("alias pci:v00008086d0000100Esv*sd*bc*sc*i* liveinit_stuck\n", files["modules.alias"]);
        Assert.Equal(bytes, set.ReadModule("extra/liveinit_stuck.ko"));   // read from where it was given

        Assert.Throws<IOException>(() => set.AddExtra(extra));                          // a name the index has
        Assert.Throws<IOException>(() => set.AddExtra(Path.Combine(dir, "x.ko.xz")));   // compressed
    }
}
