using LiveInit.Cmdline;
using LiveInit.Plan;

namespace LiveInit.Dialects;

/// <summary>The parameters of each dialect that boot an image file on a host device (see
/// <see cref="ImageFilePlan"/>): the file's path, checked like every path on a medium, and the host.</summary>
public static class ImageFileParameters
{
    /// <summary><paramref name="key"/>=PATH on <paramref name="host"/>, or on the first device of
    /// <paramref name="scope"/> that holds it (dracut iso-scan/filename, live-boot findiso, SystemRescueCd-5 isoloop,
    /// antiX fromiso). Null when the parameter is absent or bad (an error names it).</summary>
    public static ImageFilePlan? Find(KernelCommandLine c, Diagnostics d, string key, string hostMount,
        DeviceSpec? host = null, ScanScope scope = ScanScope.All, string? options = null)
    {
        var p = c.Find(key);
        if (p is null) return null;
        var path = ImageFilePlan.PathOf(key, p.Value, d.Error);
        return path is null ? null : new ImageFilePlan(key, host, path, scope, hostMount, options);
    }

    /// <summary>archiso / SystemRescue: <c>img_dev=</c> (or <c>img_label=</c>) names the host, <c>img_loop=</c> the
    /// file on it, <c>img_flags=</c> the host's mount options. One without the other is an error, as archiso
    /// ignores it.</summary>
    public static ImageFilePlan? Archiso(KernelCommandLine c, Diagnostics d, string hostMount)
    {
        var loop = c.Find("img_loop");
        DeviceSpec? host = null;
        var label = c.Find("img_label");
        if (label is not null)
        {
            if (string.IsNullOrEmpty(label.Value)) d.Error("img_label", "has no value");
            else host = DeviceSpec.ByLabel(label.Value);
            if (c.Has("img_dev") && host is not null) d.Warn("img_dev", "img_label is given too and wins");
        }
        host ??= CommonParameters.Device(c, d, "img_dev");
        if (loop is null)
        {
            if (host is not null) d.Error("img_dev", "img_loop= (the image file's path on it) is missing; ignored");
            return null;
        }
        if (host is null)
        {
            if (!c.Has("img_dev") && !c.Has("img_label"))
                d.Error("img_loop", "img_dev= (the device holding the image file) is missing; ignored");
            return null;
        }
        var path = ImageFilePlan.PathOf("img_loop", loop.Value, d.Error);
        if (path is null) return null;
        var flags = c.Get("img_flags");
        return new ImageFilePlan("img_dev/img_loop", host, path, ScanScope.All, hostMount,
            string.IsNullOrEmpty(flags) ? null : flags);
    }
}
