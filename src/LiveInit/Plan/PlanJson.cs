using System.Text;
using System.Text.Json;
using LiveInit.Verify;

namespace LiveInit.Plan;

/// <summary>What <c>liveinit explain --format json</c> prints: the plan, the command line and the steps.</summary>
public sealed record ExplainDocument(string Cmdline, BootPlan Plan, IReadOnlyList<string> Steps);

/// <summary>The plan as JSON, written field by field with <see cref="Utf8JsonWriter"/>: the serializer and its
/// generated context cost ~0.5 MB of the agent. Same output as the serializer would give (camelCase names, enums
/// by name, null members written, the writable layer with a "kind" first); PlanJsonTests compares the two for
/// every dialect, so a member added to a plan record without a line here fails there.</summary>
public static class PlanJson
{
    public static string Serialize(ExplainDocument doc)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions
               {
                   Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
               }))
        {
            w.WriteStartObject();
            w.WriteString("cmdline", doc.Cmdline);
            w.WritePropertyName("plan");
            Plan(w, doc.Plan);
            Strings(w, "steps", doc.Steps);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void Plan(Utf8JsonWriter w, BootPlan p)
    {
        w.WriteStartObject();
        w.WriteString("dialect", p.Dialect);
        Medium(w, p.Medium);
        Image(w, p.Image);
        w.WriteStartObject("srm");
        w.WriteBoolean("enabled", p.Srm.Enabled);
        w.WriteString("directory", p.Srm.Directory);
        w.WriteString("extension", p.Srm.Extension);
        w.WriteString("mountRoot", p.Srm.MountRoot);
        w.WriteBoolean("lastOnTop", p.Srm.LastOnTop);
        w.WriteEndObject();
        Writable(w, p.Writable);
        w.WriteStartObject("remaster");
        w.WriteString("action", Name(p.Remaster.Action));
        w.WriteString("directory", p.Remaster.Directory);
        w.WriteString("imageName", p.Remaster.ImageName);
        w.WriteBoolean("swapRootfs", p.Remaster.SwapRootfs);
        w.WriteString("stateFile", p.Remaster.StateFile);
        w.WriteEndObject();
        if (Null(w, "home", p.Home) is { } home)
        {
            w.WriteString("filePath", home.FilePath);
            w.WriteBoolean("required", home.Required);
            w.WriteEndObject();
        }
        w.WriteStartObject("failure");
        w.WriteString("action", Name(p.Failure.Action));
        w.WriteString("source", p.Failure.Source);
        w.WriteEndObject();
        w.WriteStartObject("init");
        w.WriteString("path", p.Init.Path);
        Strings(w, "arguments", p.Init.Arguments);
        w.WriteEndObject();
        w.WriteStartObject("log");
        w.WriteBoolean("quiet", p.Log.Quiet);
        Number(w, "logLevel", p.Log.LogLevel);
        w.WriteBoolean("debug", p.Log.Debug);
        w.WriteEndObject();
        w.WriteStartArray("diagnostics");
        foreach (var d in p.Diagnostics)
        {
            w.WriteStartObject();
            w.WriteString("severity", d.Severity == Severity.Error ? "Error" : "Warning");
            w.WriteString("parameter", d.Parameter);
            w.WriteString("message", d.Message);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        Layout(w, p.Layout);
        if (Null(w, "overlayRoot", p.OverlayRoot) is { } o)
        {
            w.WriteBoolean("overlay", o.Overlay);
            w.WriteBoolean("readWrite", o.ReadWrite);
            w.WriteEndObject();
        }
        if (Null(w, "imageFile", p.ImageFile) is { } f)
        {
            w.WriteString("parameter", f.Parameter);
            Device(w, "host", f.Host);
            w.WriteString("filePath", f.FilePath);
            w.WriteString("scope", Name(f.Scope));
            w.WriteString("hostMountPoint", f.HostMountPoint);
            w.WriteString("hostOptions", f.HostOptions);
            Device(w, "expect", f.Expect);
            w.WriteEndObject();
        }
        Net(w, p.Net);
        Verify(w, p.Verify);
        if (Null(w, "autoOverlay", p.AutoOverlay) is { } a)
        {
            w.WriteString("label", a.Label);
            w.WriteString("filesystem", a.Filesystem);
            w.WriteString("mkfs", a.Mkfs);
            w.WriteEndObject();
        }
        if (Null(w, "drivers", p.Drivers) is { } dr)
        {
            w.WriteString("coldplug", dr.Coldplug == ColdplugScope.All ? "All" : "Boot");
            w.WriteEndObject();
        }
        if (Null(w, "nfs", p.Nfs) is { } nfs)
        {
            w.WriteString("host", nfs.Host);
            w.WriteString("path", nfs.Path);
            Strings(w, "versions", nfs.Versions);
            w.WriteString("extra", nfs.Extra);
            w.WriteEndObject();
        }
        w.WriteBoolean("hasErrors", p.HasErrors);
        w.WriteEndObject();
    }

    private static void Medium(Utf8JsonWriter w, MediumPlan m)
    {
        w.WriteStartObject("medium");
        Device(w, "device", m.Device);
        w.WriteString("searchFile", m.SearchFile);
        w.WriteString("scope", Name(m.Scope));
        w.WriteString("mountPoint", m.MountPoint);
        w.WriteNumber("waitSeconds", m.WaitSeconds);
        w.WriteBoolean("readWrite", m.ReadWrite);
        if (Null(w, "nbd", m.Nbd) is { } n)
        {
            w.WriteString("host", n.Host);
            w.WriteNumber("port", n.Port);
            w.WriteString("export", n.Export);
            w.WriteNumber("index", n.Index);
            w.WriteString("device", n.Device);
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }

    private static void Image(Utf8JsonWriter w, ImagePlan i)
    {
        w.WriteStartObject("image");
        Strings(w, "candidates", i.Candidates);
        w.WriteString("copyToRam", i.CopyToRam switch { ImageCopy.No => "No", ImageCopy.Yes => "Yes", _ => "Auto" });
        w.WriteString("checksumFile", i.ChecksumFile);
        Strings(w, "innerRootfsImages", i.InnerRootfsImages);
        w.WriteString("mountPoint", i.MountPoint);
        w.WriteString("innerMountPoint", i.InnerMountPoint);
        w.WriteString("ramCopyDir", i.RamCopyDir);
        w.WriteEndObject();
    }

    private static void Writable(Utf8JsonWriter w, WritableLayer layer)
    {
        w.WriteStartObject("writable");
        switch (layer)
        {
            case RamUpper:
                w.WriteString("kind", "ram");
                break;
            case DirectoryUpper d:
                w.WriteString("kind", "directory");
                Device(w, "device", d.Device);
                w.WriteString("upperDir", d.UpperDir);
                w.WriteString("workDir", d.WorkDir);
                w.WriteString("mountOptions", d.MountOptions);
                w.WriteString("mountPoint", d.MountPoint);
                break;
            case LoopFileUpper l:
                w.WriteString("kind", "loopfile");
                Device(w, "device", l.Device);
                w.WriteString("filePath", l.FilePath);
                w.WriteString("scope", Name(l.Scope));
                w.WriteBoolean("onBootMedium", l.OnBootMedium);
                w.WriteString("searchMountPoint", l.SearchMountPoint);
                w.WriteString("deviceMountPoint", l.DeviceMountPoint);
                w.WriteString("mountPoint", l.MountPoint);
                break;
            case LiveOsOverlay o:
                w.WriteString("kind", "liveos");
                Device(w, "persistentDevice", o.PersistentDevice);
                w.WriteString("overlayPath", o.OverlayPath);
                w.WriteString("liveDir", o.LiveDir);
                w.WriteBoolean("forceOverlayfs", o.ForceOverlayfs);
                w.WriteBoolean("readOnly", o.ReadOnly);
                w.WriteBoolean("reset", o.Reset);
                w.WriteString("deviceMountPoint", o.DeviceMountPoint);
                break;
            case LiveBootPersistence b:
                w.WriteString("kind", "liveboot");
                Strings(w, "labels", b.Labels);
                w.WriteBoolean("readOnly", b.ReadOnly);
                w.WriteString("mountRoot", b.MountRoot);
                w.WriteString("fileFolder", b.FileFolder);
                break;
            case CryptOverlay c:
                w.WriteString("kind", "crypt");
                Crypt(w, c.Crypt);
                break;
            default:
                throw new InvalidOperationException("no JSON form for this kind of writable layer");
        }
        w.WriteStartObject("ram");
        w.WriteStartObject("size");
        w.WriteNumber("bytes", layer.Ram.Size.Bytes);
        w.WriteNumber("percent", layer.Ram.Size.Percent);
        w.WriteEndObject();
        w.WriteString("mountPoint", layer.Ram.MountPoint);
        w.WriteString("directory", layer.Ram.Directory);
        w.WriteString("snapshotMountPoint", layer.Ram.SnapshotMountPoint);
        w.WriteNumber("snapshotMiB", layer.Ram.SnapshotMiB);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void Crypt(Utf8JsonWriter w, OverlayCryptPlan c)
    {
        w.WriteStartObject("crypt");
        Device(w, "device", c.Device);
        w.WriteString("mapName", c.MapName);
        w.WriteString("filesystem", c.Filesystem);
        w.WriteBoolean("format", c.Format);
        w.WriteNumber("waitSeconds", c.WaitSeconds);
        w.WriteNumber("promptSeconds", c.PromptSeconds);
        w.WriteNumber("promptTries", c.PromptTries);
        w.WriteString("cryptsetup", c.Cryptsetup);
        w.WriteString("mkfs", c.Mkfs);
        w.WriteString("backingMount", c.BackingMount);
        w.WriteString("passwordFile", c.PasswordFile);
        w.WriteString("mapperPath", c.MapperPath);
        w.WriteEndObject();
    }

    private static void Layout(Utf8JsonWriter w, LayoutPlan? layout)
    {
        if (Null(w, "layout", layout) is not { } l) return;
        w.WriteStartArray("detect");
        foreach (var c in l.Detect)
        {
            w.WriteStartObject();
            w.WriteString("dialect", c.Dialect);
            w.WriteString("marker", c.Marker);
            w.WriteString("mediumParameters", c.MediumParameters);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteString("remasterConf", l.RemasterConf);
        if (l.Aliases is null) w.WriteNull("aliases");
        else
        {
            w.WriteStartArray("aliases");
            foreach (var a in l.Aliases)
            {
                w.WriteStartObject();
                w.WriteString("mount", a.Mount);
                w.WriteString("alsoAt", a.AlsoAt);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        w.WriteString("mediumLink", l.MediumLink);
        w.WriteBoolean("mediumMayBeImage", l.MediumMayBeImage);
        w.WriteString("commandLine", l.CommandLine);
        w.WriteEndObject();
    }

    private static void Net(Utf8JsonWriter w, NetPlan? net)
    {
        if (Null(w, "net", net) is not { } n) return;
        var ip = n.Ip;
        w.WriteStartObject("ip");
        w.WriteString("method", ip.Method == IpMethod.Static ? "Static" : "Dhcp");
        w.WriteString("device", ip.Device);
        w.WriteString("bootIfMac", ip.BootIfMac);
        w.WriteString("address", ip.Address);
        w.WriteNumber("prefix", ip.Prefix);
        w.WriteString("gateway", ip.Gateway);
        w.WriteString("server", ip.Server);
        w.WriteString("hostname", ip.Hostname);
        Strings(w, "dns", ip.Dns);
        w.WriteNumber("dhcpTimeoutSeconds", ip.DhcpTimeoutSeconds);
        w.WriteNumber("linkTimeoutSeconds", ip.LinkTimeoutSeconds);
        w.WriteEndObject();
        if (Null(w, "image", n.Image) is { } i)
        {
            w.WriteString("url", i.Url);
            w.WriteString("kind", i.Kind == NetImageKind.Iso ? "Iso" : "Squashfs");
            w.WriteString("ramDir", i.RamDir);
            w.WriteString("isoInnerPath", i.IsoInnerPath);
            w.WriteString("isoMountPoint", i.IsoMountPoint);
            w.WriteString("checksumUrl", i.ChecksumUrl);
            w.WriteEndObject();
        }
        Strings(w, "srmUrls", n.SrmUrls);
        w.WriteString("leaseDir", n.LeaseDir);
        w.WriteBoolean("flushAtSwitch", n.FlushAtSwitch);
        w.WriteString("srmDir", n.SrmDir);
        w.WriteEndObject();
    }

    private static void Verify(Utf8JsonWriter w, VerifyPlan? verify)
    {
        if (Null(w, "verify", verify) is not { } v) return;
        w.WriteStartArray("keys");
        foreach (TrustedKey k in v.Keys)
        {
            w.WriteStartObject();
            w.WriteString("name", k.Name);
            w.WriteString("kind", k.Kind);
            w.WriteString("fingerprint", k.Fingerprint);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteBoolean("allowUnsigned", v.AllowUnsigned);
        w.WriteString("source", v.Source);
        w.WriteEndObject();
    }

    /// <summary>Writes <c>"name": null</c> and returns null, or starts the object and returns the value.</summary>
    private static T? Null<T>(Utf8JsonWriter w, string name, T? value) where T : class
    {
        if (value is null) w.WriteNull(name);
        else w.WriteStartObject(name);
        return value;
    }

    private static void Device(Utf8JsonWriter w, string name, DeviceSpec? d)
    {
        if (Null(w, name, d) is null) return;
        w.WriteString("kind", Name(d!.Kind));
        w.WriteString("value", d.Value);
        w.WriteEndObject();
    }

    private static void Number(Utf8JsonWriter w, string name, int? n)
    {
        if (n is { } v) w.WriteNumber(name, v);
        else w.WriteNull(name);
    }

    private static void Strings(Utf8JsonWriter w, string name, IReadOnlyList<string> items)
    {
        w.WriteStartArray(name);
        foreach (var s in items) w.WriteStringValue(s);
        w.WriteEndArray();
    }

    private static string Name(DeviceSpecKind k) => k switch
    {
        DeviceSpecKind.Label => "Label", DeviceSpecKind.Uuid => "Uuid", DeviceSpecKind.PartUuid => "PartUuid",
        DeviceSpecKind.PartLabel => "PartLabel", DeviceSpecKind.Path => "Path", _ => "UdevLink",
    };

    private static string Name(ScanScope s) => s == ScanScope.All ? "All" : "Removable";

    private static string Name(RemasterAction a) => a switch
    {
        RemasterAction.None => "None", RemasterAction.ApplyPending => "ApplyPending",
        RemasterAction.Rollback => "Rollback", _ => "Disabled",
    };

    private static string Name(FailureAction a) => a switch
    {
        FailureAction.Shell => "Shell", FailureAction.Reboot => "Reboot", _ => "Poweroff",
    };
}
