using System.Text.Json;
using System.Text.Json.Serialization;
using LiveInit.Boot;
using LiveInit.Cli;
using LiveInit.Cmdline;
using LiveInit.Dialects;
using LiveInit.Net;
using LiveInit.Plan;
using LiveInit.Verify;

namespace LiveInit.Tests;

/// <summary>The agent writes its JSON by hand (no serializer in the binary); the serializer, by reflection here,
/// is the reference: same options as the generated contexts the agent used to carry. A member added to a plan
/// record or to the lease without its line in PlanJson / NetLease.ToJson makes these fail.</summary>
public class PlanJsonTests
{
    private static readonly JsonSerializerOptions Reference = new()
    {
        WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter() },
        TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver(),
    };

    public static TheoryData<string> Cmdlines() =>
    [
        "archisobasedir=sysresccd archisolabel=RESCUE cow_label=\"my persist\" loadsrm",
        "archisolabel=A init=/lib/systemd/systemd -- --unit=rescue.target rd.emergency=explode loglevel=7",
        "archisolabel=A cow_device=/dev/sdb1 cow_label=persist copytoram=y checksum=y quiet",
        "archisolabel=X arch=i686 cow_device=/dev/disk/by-uuid/1234-ABCD rd.emergency=reboot",
        "archisolabel=X liveinit.srm=ftp://h/a.srm liveinit.srm=http://10.0.2.2/b.srm",
        "archisosearchuuid=2024-05-01-10-00-00-00 liveinit.coldplug=all",
        "backstore=alldev,/path/to/mysysrcd.bs", "backstore=off", "backstore=/../../etc/shadow",
        "bdir=MX sqname=linuxfs2 sqext=e16 from=usb,hd", "blabel=A noremaster", "blabel=A rollback",
        "buuid=1234 persist_all", "fromiso=/antiX.iso blabel=DATA persist_all",
        "img_dev=/dev/vdb1 img_loop=/a.iso img_flags=noatime archisolabel=A cow_device=/dev/vdb2",
        "boot=live persistence persistence-path=/live/p/ persistence-label=a,b",
        "boot=live persistence-read-only persistence",
        "boot=live fetch=http://10.0.2.2:8080/live/filesystem.squashfs ip=dhcp persistence",
        "ip=10.0.2.15::10.0.2.2:255.255.255.0:host:eth0:none:10.0.2.3 archiso_http_srv=http://h/ archisobasedir=s",
        "ip=dhcp archiso_nbd_srv=10.0.2.2:10810 archisobasedir=arch",
        "ip=dhcp archiso_nfs_srv=10.0.2.2:/export/ archiso_nfs_opt=port=20490 checksum",
        "root=live:UUID=abcd rd.live.dir=/Fedora rd.live.squashimg=rootfs.sfs rd.live.overlay=LABEL=DATA:/Fedora/ovl "
        + "rd.live.overlay.overlayfs rd.live.overlay.size=1024 rd.live.ram rw",
        "root=live:LABEL=L rd.live.overlay=LABEL=P rd.live.overlay.readonly rd.live.overlay.reset",
        "root=live:LABEL=L rd.overlay=LABEL=P rd.live.overlay.cowfs=ext3",
        "root=live:LABEL=L rd.overlay=tmpfs:size=32M,nr_inodes=100000",
        "root=live:http://10.0.2.2/x.iso rd.live.dir=Live ip=dhcp", "root=live:nbd://10.0.2.2:10810/live ip=dhcp",
        "root=LABEL=dracut rd.overlay=LABEL=persist", "root=LABEL=dracut rd.overlayroot", "quiet splash root=/dev/sda1",
        "root=LABEL=dracut rd.overlay.crypt=LABEL=CRYPT,mapname=ov,fstype=ext3,mkfs=0,timeout=3,prompt=10",
        "root=live:CDLABEL=Fedora rd.live.image rd.overlay.crypt=/dev/disk/by-id/scsi-0QEMU_QEMU_HARDDISK_crypt",
        "root=live:CDLABEL=Fedora rd.live.image iso-scan/filename=/isos/f.iso",
        "", "liveinit.dialect=live-boot", "boot=casper", "LABEL=é \"\\ <&>' \u0001",
    ];

    [Theory]
    [MemberData(nameof(Cmdlines))]
    public void ThePlanIsWhatTheSerializerWrites(string text)
    {
        var cmdline = KernelCommandLine.Parse(text);
        var plan = DialectSelector.Plan(cmdline);
        var steps = BootSequence.For(plan).Select(s => s.Describe()).ToList();
        var doc = new ExplainDocument(cmdline.Raw, plan, steps);
        Assert.Equal(JsonSerializer.Serialize(doc, Reference), PlanJson.Serialize(doc));
        Assert.Equal(PlanJson.Serialize(doc) + "\n", ExplainCommand.Render(cmdline, "json"));
    }

    [Fact]
    public void TheTrustedKeysAreWrittenToo()
    {
        var key = new TrustedKey("release.pem", SignatureTests.Pub("ec256.pub"));
        var store = new TrustStore(true, [key], false, "initramfs x", []);
        var plan = DialectSelector.Plan(KernelCommandLine.Parse("archisolabel=X"), null, store);
        Assert.NotNull(plan.Verify);
        var doc = new ExplainDocument("archisolabel=X", plan, []);
        Assert.Equal(JsonSerializer.Serialize(doc, Reference), PlanJson.Serialize(doc));
    }

    [Fact]
    public void TheLeaseIsWhatTheSerializerWrites()
    {
        var options = new JsonSerializerOptions(Reference) { Encoder = null };
        foreach (var lease in new[]
                 {
                     new NetLease("eth0", 2, "52:54:00:12:34:56", "dhcp", "10.0.2.15", 24, "10.0.2.2", ["10.0.2.3", "1.1.1.1"],
                         "10.0.2.2", "10.0.2.4", "a'b<;$(reboot)", "example.org", 86400),
                     new NetLease("enp0s3", 3, "52:54:00:12:34:57", "static", "192.168.1.9", 16, null, [], null, null, null,
                         null, null),
                 })
            Assert.Equal(JsonSerializer.Serialize(lease, options), lease.ToJson());
    }
}
