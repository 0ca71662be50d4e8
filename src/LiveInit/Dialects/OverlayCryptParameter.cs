using LiveInit.Cmdline;
using LiveInit.Plan;

namespace LiveInit.Dialects;

/// <summary><c>rd.overlay.crypt=&lt;DEVICE&gt;[,mapname=NAME][,fstype=ext4|ext3|ext2][,mkfs=0|1][,timeout=SECONDS]</c>
/// (dracut-ng's 71overlayfs-crypt), and LiveInit's <c>prompt=SECONDS</c> (the console prompt's time). Pure: every
/// bad value is named with what LiveInit does instead, and any doubt about formatting ends in no plan (RAM) rather
/// than a guess.</summary>
public static class OverlayCryptParameter
{
    public const string Key = "rd.overlay.crypt";

    /// <summary>The plan, or null (with a diagnostic) when there is nothing LiveInit may safely do.</summary>
    public static OverlayCryptPlan? Parse(KernelCommandLine c, Diagnostics d, int defaultWait)
    {
        var p = c.Find(Key);
        if (p is null) return null;
        if (string.IsNullOrEmpty(p.Value))
        {
            d.Error(Key, "needs a device, e.g. rd.overlay.crypt=LABEL=CRYPT; changes stay in RAM");
            return null;
        }
        var parts = p.Value.Split(',');
        // a /dev path or TAG=value; a bare name is a /dev name, as dracut-ng reads it
        var devText = parts[0].Contains('=') || parts[0].StartsWith('/') ? parts[0] : "/dev/" + parts[0];
        if (!DeviceSpec.TryParse(devText, out var dev, out var err))
        {
            d.Error(Key, $"{err}; changes stay in RAM");
            return null;
        }
        string map = OverlayCryptPlan.DefaultMapName, fs = "ext4";
        var format = true;
        var wait = defaultWait;
        var prompt = OverlayCryptPlan.DefaultPromptSeconds;
        foreach (var opt in parts[1..])
        {
            var eq = opt.IndexOf('=');
            var (k, v) = eq < 0 ? (opt, "") : (opt[..eq], opt[(eq + 1)..]);
            switch (k)
            {
                case "mapname" when IsMapName(v): map = v; break;
                case "mapname":
                    d.Warn(Key, $"mapname '{v}' is not a device-mapper name (letters, digits, . _ -, at most 100; not control); "
                                + $"using {OverlayCryptPlan.DefaultMapName}");
                    break;
                case "fstype" when AutoOverlayPlan.CanMake(v): fs = v; break;
                case "fstype":
                    d.Error(Key, $"fstype '{v}': LiveInit makes ext4, ext3 or ext2 on the encrypted overlay; nothing is "
                                 + "formatted, changes stay in RAM");
                    return null;
                case "mkfs" when v is "0" or "1": format = v == "1"; break;
                case "mkfs":
                    d.Warn(Key, $"mkfs '{v}' is neither 0 nor 1; using mkfs=0 (a device that is not LUKS is not "
                                + "formatted)");
                    format = false;
                    break;
                case "timeout" when int.TryParse(v, out var t) && t is >= 0 and <= 3600: wait = t; break;
                case "timeout":
                    d.Warn(Key, $"timeout '{v}' is not a number of seconds (0-3600); waiting {defaultWait} s");
                    break;
                // LiveInit's own: how long the console prompt for an existing volume's passphrase waits
                case "prompt" when int.TryParse(v, out var s) && s is >= 5 and <= 3600: prompt = s; break;
                case "prompt":
                    d.Warn(Key, $"prompt '{v}' is not a number of seconds (5-3600); the prompt waits {prompt} s");
                    break;
                default:
                    d.Warn(Key, $"unknown option '{opt}' is not used (mapname=, fstype=, mkfs=, timeout=, prompt= are)");
                    break;
            }
        }
        return new OverlayCryptPlan(dev!, map, fs, format, wait, prompt);
    }

    /// <summary>A name <c>/dev/mapper/</c> can hold: no '/', not '.' or '..', no control characters.</summary>
    public static bool IsMapName(string s) =>
        s.Length is > 0 and <= 100 && s is not ("." or ".." or "control")
        && s.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is '.' or '_' or '-');
}
