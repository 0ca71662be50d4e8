using LiveInit.Cmdline;
using LiveInit.Plan;

namespace LiveInit.Dialects;

/// <summary>Parameters every dialect shares: failure action, init, logging, device wait.</summary>
public static class CommonParameters
{
    public const int DefaultWaitSeconds = 30;

    /// <summary>The emergency policy from the command line alone (<see cref="EmergencyPolicy"/>; the initramfs's
    /// own default is combined in <see cref="DialectSelector.Plan"/>).</summary>
    public static FailurePlan Failure(KernelCommandLine c, Diagnostics d) =>
        EmergencyPolicy.Resolve(c, InitramfsDefaults.None, d);

    public static InitPlan Init(KernelCommandLine c, Diagnostics d)
    {
        var init = c.Find("init");
        string? path = null;
        if (init is not null)
        {
            if (string.IsNullOrEmpty(init.Value) || !init.Value.StartsWith('/') || init.Value.Contains("/../"))
                d.Error("init", $"'{init.Value}' is not an absolute path; trying /sbin/init, /etc/init, /bin/init, /bin/sh");
            else path = init.Value;
        }
        return new InitPlan(path, c.InitArguments);
    }

    public static LogPlan Log(KernelCommandLine c, Diagnostics d)
    {
        int? level = null;
        var lv = c.Find("loglevel");
        if (lv is not null)
        {
            if (int.TryParse(lv.Value, out var n) && n is >= 0 and <= 7) level = n;
            else d.Warn("loglevel", $"'{lv.Value}' is not 0-7; ignored");
        }
        return new LogPlan(c.Has("quiet"), level, c.Has("liveinit.debug") || c.Has("rd.debug"));
    }

    /// <summary><c>rootdelay=</c> (seconds) overrides the dialect's own wait parameter.</summary>
    public static int WaitSeconds(KernelCommandLine c, Diagnostics d, string? dialectKey = null)
    {
        foreach (var key in dialectKey is null ? ["rootdelay"] : new[] { "rootdelay", dialectKey })
        {
            var p = c.Find(key);
            if (p is null) continue;
            if (int.TryParse(p.Value, out var s) && s is >= 0 and <= 3600) return Math.Max(s, 1);
            d.Error(key, $"'{p.Value}' is not a number of seconds (0-3600); waiting {DefaultWaitSeconds} s");
            return DefaultWaitSeconds;
        }
        return DefaultWaitSeconds;
    }

    /// <summary>archiso-style boolean: bare flag or y/yes/1/true is on; n/no/0/false is off.</summary>
    public static bool Flag(KernelCommandLine c, Diagnostics d, string key, bool fallback = false)
    {
        var p = c.Find(key);
        if (p is null) return fallback;
        if (p.Value is null) return true;
        switch (p.Value.ToLowerInvariant())
        {
            case "y" or "yes" or "1" or "true" or "on": return true;
            case "n" or "no" or "0" or "false" or "off": return false;
            default:
                d.Error(key, $"'{p.Value}' is not y or n; using {(fallback ? "y" : "n")}");
                return fallback;
        }
    }

    public static SizeSpec Size(KernelCommandLine c, Diagnostics d, string key, SizeSpec fallback)
    {
        var p = c.Find(key);
        if (p is null) return fallback;
        if (SizeSpec.TryParse(p.Value, out var s)) return s!;
        d.Error(key, $"'{p.Value}' is not a size (e.g. 256M, 4G, 50%); using {fallback}");
        return fallback;
    }

    public static DeviceSpec? Device(KernelCommandLine c, Diagnostics d, string key)
    {
        var p = c.Find(key);
        if (p is null) return null;
        if (DeviceSpec.TryParse(p.Value, out var spec, out var err)) return spec;
        d.Error(key, err!);
        return null;
    }

    /// <summary>A relative path parameter with a safe fallback on bad input (absolute or '..').</summary>
    public static string RelativeDir(KernelCommandLine c, Diagnostics d, string key, string fallback, bool allowLeadingSlash)
    {
        var p = c.Find(key);
        if (p is null) return fallback;
        var ok = allowLeadingSlash
            ? RelativePath.TryNormalizeRooted(p.Value, out var n, out var err)
            : RelativePath.TryNormalize(p.Value, out n, out err);
        if (ok) return n;
        d.Error(key, $"{err}; using '{fallback}'");
        return fallback;
    }

    /// <summary>A single file or folder name (no '/').</summary>
    public static string Name(KernelCommandLine c, Diagnostics d, string key, string fallback)
    {
        var p = c.Find(key);
        if (p is null) return fallback;
        if (!string.IsNullOrEmpty(p.Value) && p.Value != "." && p.Value != ".." && !p.Value.Contains('/') && !p.Value.Contains('\0'))
            return p.Value;
        d.Error(key, $"'{p.Value}' must be a plain name without '/'; using '{fallback}'");
        return fallback;
    }
}
